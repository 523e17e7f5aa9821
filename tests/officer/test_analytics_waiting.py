"""A filed dossier still waiting for the office is no drop-off (sixth citizen walkthrough, item 4):
the funnel shows it apart (`waiting`) at the stage it has not reached yet and leaves it out of that
stage's drop-off, as it does for a refused one. Dossiers filed straight into the database, then
decided through the officers' API; the figures read from the one summary the API, the report and
the dashboard share."""

from __future__ import annotations

from officer_kit import api_token, bearer, seed_dossier

from handlers.analytics_text import report_text
from services.analytics.metrics import summary
from services.analytics.period import period
from services.dossiers import local_today


async def test_dossiers_waiting_for_the_office_are_not_drop_offs(client, rt):
    h = bearer(await api_token(client, "lan"))
    for status in ("submitted", "in_review", "needs_supplement"):  # no decision yet
        await seed_dossier(rt, status=status)
    accepted = await seed_dossier(rt)
    ready = await seed_dossier(rt)
    refused = await seed_dossier(rt)
    for code, action in (
        (accepted, "accept"),
        (ready, "accept"),
        (ready, "result-ready"),
        (refused, "reject"),
    ):
        body = {"reason": "Thiếu giấy tờ"} if action == "reject" else {}
        r = await client.post(f"/api/v1/dossiers/{code}/{action}", headers=h, json=body)
        assert r.status == 200, await r.text()
    await seed_dossier(rt, status="rejected")  # ended without the office's decision (as withdrawn)

    today = local_today(rt.settings)
    data = await summary(rt, period(today, today, rt.settings.timezone))
    stages = {s["stage"]: s for s in data["overall"]["funnel"]}
    assert stages["submitted"]["count"] == 7
    # 7 filed: 3 wait for a decision, 1 refused by the office, 1 ended by the citizen, 2 accepted
    assert stages["accepted"] == {
        "stage": "accepted",
        "count": 2,
        "refused": 1,
        "waiting": 3,
        "drop_off": 0.3333,
    }
    # the 2 accepted are both still on their way to completion: nobody dropped off there
    assert stages["completed"] == {
        "stage": "completed",
        "count": 0,
        "refused": 0,
        "waiting": 2,
        "drop_off": None,
    }
    assert all(s["waiting"] == 0 for s in data["overall"]["funnel"][:5])
    text = report_text(data)
    assert "đang chờ xử lý: 3 (không tính là rời bỏ)" in text and "(-33.3 %)" in text
