"""Assignment that works: whoever opens or acts on an unassigned dossier handles it — an officer,
a supervisor or an admin alike — and the page, "Của tôi" and the API (`assignee`) agree."""

from __future__ import annotations

import re

from officer_kit import api_token, bearer, console_login, seed_dossier


async def test_a_supervisor_opening_a_dossier_handles_it(client, rt):
    code = await seed_dossier(rt)
    await console_login(client, "hoa")
    page = await (await client.get(f"/officer/dossiers/{code}")).text()
    assert re.search(r'id="assignee">hoa<', page)
    assert code in await (await client.get("/officer?mine=1")).text()
    detail = await (
        await client.get(f"/api/v1/dossiers/{code}", headers=bearer(await api_token(client, "hoa")))
    ).json()
    assert detail["assignee"] == "hoa"
    mine = await (
        await client.get("/api/v1/dossiers?mine=true", headers=bearer(await api_token(client, "hoa")))
    ).json()
    assert [i["assignee"] for i in mine["items"] if i["code"] == code] == ["hoa"]


async def test_acting_through_the_api_assigns_the_unassigned_dossier(client, rt):
    for action, body in (
        ("messages", {"text": "Chào bạn"}),
        ("take-over", None),
        ("accept", None),
        ("supplement-request", {"items": [{"document": "giay_chung_sinh", "reason": "Ảnh mờ"}]}),
    ):
        code = await seed_dossier(rt)
        h = bearer(await api_token(client, "tuan"))
        r = await client.post(f"/api/v1/dossiers/{code}/{action}", headers=h, json=body)
        assert r.status in (200, 201), (action, await r.text())
        detail = await (await client.get(f"/api/v1/dossiers/{code}", headers=h)).json()
        assert detail["assignee"] == "tuan", action
        assert [e["data"]["officer"] for e in detail["audit"] if e["action"] == "assigned"] == ["tuan"]
        # a later act by another officer does not take it away
        h_lan = bearer(await api_token(client, "lan"))
        await client.post(f"/api/v1/dossiers/{code}/messages", headers=h_lan, json={"text": "Xin chào"})
        assert (await (await client.get(f"/api/v1/dossiers/{code}", headers=h)).json())["assignee"] == "tuan"
