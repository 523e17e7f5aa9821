"""Assignment (an officer takes a dossier by opening it; supervisors reassign), delivery state of
officer messages (sent, failed, held) in the console and the API, and the lifetime of sessions
and tokens (expiry, password change, deactivation)."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient, TestServer
from officer_kit import PASSWORD, api_token, bearer, console_login, csrf_of, make_officers, seed_dossier
from sqlalchemy import select, update

from bot.app import create_app
from core.db import Officer, Outbox
from core.hub import RUNTIME
from handlers import auth


async def test_opening_assigns_and_supervisors_reassign(client, rt):
    code = await seed_dossier(rt)
    csrf = await console_login(client, "lan")
    page = await (await client.get(f"/officer/dossiers/{code}")).text()
    assert re.search(r'id="assignee">lan<', page)
    assert "Phân công lại" not in page  # an officer cannot reassign
    r = await client.post(
        f"/officer/dossiers/{code}/assign", data={"csrf": csrf, "officer": "tuan"}, allow_redirects=False
    )
    assert r.status == 403
    mine = await (await client.get("/officer?mine=1")).text()
    assert code in mine
    h_lan = bearer(await api_token(client, "lan"))
    assert (
        await client.post(f"/api/v1/dossiers/{code}/assign", headers=h_lan, json={"officer": "tuan"})
    ).status == 403

    h_sup = bearer(await api_token(client, "hoa"))
    for target in ("minh", "khac", "nobody"):  # an analyst, another agency, nobody
        r = await client.post(f"/api/v1/dossiers/{code}/assign", headers=h_sup, json={"officer": target})
        assert r.status == 422 and (await r.json())["error"] == "unknown_officer", target
    r = await client.post(f"/api/v1/dossiers/{code}/assign", headers=h_sup, json={"officer": "tuan"})
    assert r.status == 200 and (await r.json())["assignee"] == "tuan"
    listed = await (await client.get("/api/v1/dossiers?mine=true", headers=h_lan)).json()
    assert code not in {i["code"] for i in listed["items"]}
    detail = await (await client.get(f"/api/v1/dossiers/{code}", headers=h_sup)).json()
    assert detail["assignee"] == "tuan"
    assert [e["data"]["officer"] for e in detail["audit"] if e["action"] == "assigned"] == ["lan", "tuan"]

    # the supervisor's console has the reassign form
    await client.post("/officer/logout", data={"csrf": csrf})
    csrf = await console_login(client, "hoa")
    page = await (await client.get(f"/officer/dossiers/{code}")).text()
    assert "Phân công lại" in page and re.search(r'id="assignee">tuan<', page)
    r = await client.post(
        f"/officer/dossiers/{code}/assign", data={"csrf": csrf, "officer": "lan"}, allow_redirects=False
    )
    assert r.status == 303 and "ok=assign" in r.headers["Location"]
    assert re.search(r'id="assignee">lan<', await (await client.get(f"/officer/dossiers/{code}")).text())


@pytest.fixture
async def web_only(backend_settings):
    """The web role alone (no sender): the outbox states a test writes stay as written."""
    await make_officers(backend_settings)
    async with TestClient(TestServer(create_app(backend_settings, role="web"))) as c:
        yield c


async def test_delivery_state_of_each_officer_message(web_only):
    client = web_only
    rt = client.server.app[RUNTIME]
    code = await seed_dossier(rt)
    h = bearer(await api_token(client, "lan"))
    ids = []
    for text in ("Tin một", "Tin hai", "Tin ba"):
        r = await client.post(f"/api/v1/dossiers/{code}/messages", headers=h, json={"text": text})
        ids.append((await r.json())["message_id"])
    # what the sender would have recorded: delivered, refused for good, held outside the reply window
    async with rt.db.session() as s, s.begin():
        for mid, status in zip(ids, ("sent", "failed", "held")):
            await s.execute(update(Outbox).where(Outbox.message_id == mid).values(status=status))
    thread = (await (await client.get(f"/api/v1/dossiers/{code}/messages", headers=h)).json())["messages"]
    states = {m["id"]: m["delivery"] for m in thread}
    assert [states[i] for i in ids] == ["sent", "failed", "held"]
    await console_login(client, "lan")
    page = await (await client.get(f"/officer/dossiers/{code}")).text()
    for mid, label in zip(ids, ("Đã gửi", "Gửi lỗi", "Chờ người dân nhắn lại mới gửi được")):
        assert re.search(rf'data-delivery-for="{mid}">{label}<', page), label
    live = await (await client.get(f"/officer/dossiers/{code}/thread?after={ids[-1]}")).json()
    assert live["delivery"][str(ids[1])] == "failed" and live["delivery"][str(ids[2])] == "held"


async def test_sessions_and_tokens_end(client, rt, backend_settings):
    secret = backend_settings.secret_key
    async with rt.db.session() as s:
        lan = (await s.execute(select(Officer).where(Officer.username == "lan"))).scalar_one()
    # an expired console session sends the officer to the login page
    client.session.cookie_jar.update_cookies(
        {auth.SESSION_COOKIE: auth.issue(secret, "session", lan, -1, n="abc")}
    )
    r = await client.get("/officer", allow_redirects=False)
    assert r.status == 303 and "/officer/login" in r.headers["Location"]
    token = await api_token(client, "lan")
    await console_login(client, "lan")
    assert (await client.get("/officer")).status == 200
    # a new password ends every session and token issued before
    from services.officers import hash_password

    async with rt.db.session() as s, s.begin():
        await s.execute(
            update(Officer)
            .where(Officer.id == lan.id)
            .values(password_hash=hash_password("mat-khau-moi-456"))
        )
    assert (await client.get("/api/v1/me", headers=bearer(token))).status == 401
    assert (await client.get("/officer", allow_redirects=False)).status == 303
    token = await api_token(client, "lan", "mat-khau-moi-456")
    # so does deactivation
    async with rt.db.session() as s, s.begin():
        await s.execute(update(Officer).where(Officer.id == lan.id).values(active=False))
    assert (await client.get("/api/v1/me", headers=bearer(token))).status == 401
    r = await client.post("/api/v1/auth/token", json={"username": "lan", "password": "mat-khau-moi-456"})
    assert r.status == 401


async def test_login_redirects_only_inside_the_console(client):
    page = await client.get("/officer/login?next=https://evil.example/")
    html = await page.text()
    assert 'name="next" value="/officer"' in html
    r = await client.post(
        "/officer/login",
        data={"username": "lan", "password": PASSWORD, "csrf": csrf_of(html), "next": "//evil.example/"},
        allow_redirects=False,
    )
    assert r.status == 303 and r.headers["Location"] == "/officer"
    cookie = r.cookies[auth.SESSION_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/officer"


async def test_result_collected_closes_the_dossier_from_the_console(client, rt):
    code = await seed_dossier(rt, status="result_ready")
    csrf = await console_login(client, "lan")
    page = await (await client.get(f"/officer/dossiers/{code}")).text()
    assert 'action="/officer/dossiers/' + code + '/complete"' in page
    r = await client.post(
        f"/officer/dossiers/{code}/complete",
        data={"csrf": csrf, "note": "Người dân đã nhận bản chính lúc 9 giờ"},
        allow_redirects=False,
    )
    assert r.status == 303 and "ok=complete" in r.headers["Location"]
    page = await (await client.get(r.headers["Location"])).text()
    assert re.search(r'id="status">Đã trả kết quả<', page) and "hồ sơ hoàn thành" in page
    thread = (
        await (
            await client.get(
                f"/api/v1/dossiers/{code}/messages", headers=bearer(await api_token(client, "lan"))
            )
        ).json()
    )["messages"]
    done = [m["text"] for m in thread if "đã hoàn thành" in m["text"]]
    assert done and "nhận bản chính lúc 9 giờ" in done[-1]
    assert "đánh giá" in thread[-1]["text"]  # then the satisfaction survey, once per dossier (issue 16)
    again = await client.post(
        f"/officer/dossiers/{code}/complete", data={"csrf": csrf}, allow_redirects=False
    )
    assert "err=bad_status" in again.headers["Location"]
