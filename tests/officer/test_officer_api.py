"""API v1: tokens, authorisation (no token, other agency, analyst), JSON errors, throttling,
the actions through bot/actions.py, and the OpenAPI description of every route."""

from __future__ import annotations

from officer_kit import PASSWORD, api_token, bearer, seed_dossier

from handlers import auth

ACTIONS = [
    "supplement-request",
    "messages",
    "accept",
    "reject",
    "result-ready",
    "complete",
    "late-apology",
    "review",
    "take-over",
    "hand-back",
]


async def test_every_v1_route_needs_a_token(client, rt):
    code = await seed_dossier(rt)
    spec = await (await client.get("/api/v1/openapi.json")).json()
    checked = 0
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if op.get("security") == []:
                continue
            url = path.replace("{code}", code).replace("{conversation}", "1")
            for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic bGFuOng="}):
                r = await client.request(method.upper(), url, headers=headers, json={})
                assert r.status == 401, (method, url, headers, r.status)
                body = await r.json()
                assert body["error"] in {"unauthenticated", "invalid_token"} and body["message"]
                assert r.headers["WWW-Authenticate"].startswith("Bearer")
            checked += 1
    assert checked >= 13


async def test_token_kinds_are_not_interchangeable_and_expire(client, rt, backend_settings):
    from sqlalchemy import select

    from core.db import Officer

    async with rt.db.session() as s:
        lan = (await s.execute(select(Officer).where(Officer.username == "lan"))).scalar_one()
    secret = backend_settings.secret_key
    session_token = auth.new_session(secret, lan)
    r = await client.get("/api/v1/me", headers=bearer(session_token))
    assert r.status == 401  # a console session is not an API token
    expired = auth.issue(secret, "api", lan, -5)
    assert (await client.get("/api/v1/me", headers=bearer(expired))).status == 401
    forged = auth.issue("another-secret", "api", lan, 600)
    assert (await client.get("/api/v1/me", headers=bearer(forged))).status == 401
    good = auth.new_api_token(secret, lan)
    body, mac = good.split(".")
    tampered = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1] + "." + mac
    assert (await client.get("/api/v1/me", headers=bearer(tampered))).status == 401
    me = await client.get("/api/v1/me", headers=bearer(good))
    assert me.status == 200 and (await me.json())["role"] == "officer"


async def test_bad_credentials_and_throttling(client):
    r = await client.post("/api/v1/auth/token", json={"username": "lan", "password": "sai-mat-khau-000"})
    assert r.status == 401 and (await r.json())["error"] == "bad_credentials"
    unknown = await client.post("/api/v1/auth/token", json={"username": "khong-co", "password": "x" * 12})
    assert unknown.status == 401 and (await unknown.json())["error"] == "bad_credentials"
    for _ in range(auth.THROTTLE_MAX_FAILURES - 1):
        await client.post("/api/v1/auth/token", json={"username": "lan", "password": "sai-mat-khau-000"})
    locked = await client.post("/api/v1/auth/token", json={"username": "lan", "password": PASSWORD})
    assert locked.status == 429, await locked.text()
    assert (await locked.json())["error"] == "too_many_attempts" and int(locked.headers["Retry-After"]) > 0
    # another username from the same address is not locked out
    assert (
        await client.post("/api/v1/auth/token", json={"username": "hoa", "password": PASSWORD})
    ).status == 200
    bad = await client.post(
        "/api/v1/auth/token", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert bad.status == 400 and (await bad.json())["error"] == "malformed_json"
    missing = await client.post("/api/v1/auth/token", json={"username": "lan"})
    assert missing.status == 400 and (await missing.json())["error"] == "invalid_body"


async def test_another_agencys_dossier_is_invisible(client, rt):
    other = await seed_dossier(rt, agency="OTHER")
    mine = await seed_dossier(rt, agency="DEMO")
    token = await api_token(client, "lan")
    listed = await (await client.get("/api/v1/dossiers", headers=bearer(token))).json()
    codes = {i["code"] for i in listed["items"]}
    assert mine in codes and other not in codes
    for method, path in [("GET", ""), ("GET", "/messages")] + [("POST", "/" + a) for a in ACTIONS]:
        r = await client.request(
            method,
            f"/api/v1/dossiers/{other}{path}",
            headers=bearer(token),
            json={
                "text": "x",
                "reason": "x",
                "items": [{"document": "cccd_nguoi_khai", "reason": "x"}],
                "new_date": "2099-01-01",
            },
        )
        assert r.status in (403, 404), (method, path, r.status)
        assert (await r.json())["error"] in {"not_found", "forbidden_role"}
    # the other agency's officer sees theirs and not ours
    token2 = await api_token(client, "khac")
    assert (await client.get(f"/api/v1/dossiers/{other}", headers=bearer(token2))).status == 200
    assert (await client.get(f"/api/v1/dossiers/{mine}", headers=bearer(token2))).status == 404


async def test_analyst_sees_counts_but_no_personal_data_and_cannot_act(client, rt):
    code = await seed_dossier(rt, evil="SECRETNAME")
    token = await api_token(client, "minh")
    listed = await client.get("/api/v1/dossiers", headers=bearer(token))
    assert listed.status == 200
    text = await listed.text()
    assert code in text and "SECRETNAME" not in text and "0912345678" not in text
    for path in ("", "/messages"):
        r = await client.get(f"/api/v1/dossiers/{code}{path}", headers=bearer(token))
        assert r.status == 403 and (await r.json())["error"] == "forbidden_role"
    for action in ACTIONS:
        r = await client.post(
            f"/api/v1/dossiers/{code}/{action}",
            headers=bearer(token),
            json={
                "text": "x",
                "reason": "x",
                "note": "x",
                "new_date": "2099-01-01",
                "items": [{"document": "cccd_nguoi_khai", "reason": "x"}],
            },
        )
        assert r.status == 403, (action, r.status)
    detail = await client.get(f"/api/v1/dossiers/{code}", headers=bearer(await api_token(client, "lan")))
    assert detail.status == 200
    assert (await client.get("/api/v1/reports/overdue", headers=bearer(token))).status == 403


async def test_supplement_then_accept_through_the_api(client, rt):
    code = await seed_dossier(rt)
    token = await api_token(client, "lan")
    h = bearer(token)
    detail = await (await client.get(f"/api/v1/dossiers/{code}", headers=h)).json()
    assert detail["documents"][0]["quality"]["accepted_with_warning"] is True
    warnings = detail["documents"][0]["reading"]["warnings"]
    assert any("mrz.id_number" in w for w in warnings) and any("full_name" in w for w in warnings)
    keys = {d["key"] for d in detail["required_documents"]}
    assert {"giay_chung_sinh", "cccd_nguoi_khai"} <= keys
    unknown = await client.post(
        f"/api/v1/dossiers/{code}/supplement-request",
        headers=h,
        json={"items": [{"document": "ho_chieu", "reason": "x"}], "note": ""},
    )
    assert unknown.status == 422 and (await unknown.json())["error"] == "unknown_document"
    empty = await client.post(f"/api/v1/dossiers/{code}/supplement-request", headers=h, json={"items": []})
    assert empty.status == 400
    r = await client.post(
        f"/api/v1/dossiers/{code}/supplement-request",
        headers=h,
        json={
            "items": [
                {"document": "giay_chung_sinh", "reason": "Chưa có trong hồ sơ"},
                {"document": "cccd_nguoi_khai", "reason": "Ảnh mờ, chụp lại"},
            ],
            "note": "Gửi cả hai trong hôm nay",
        },
    )
    assert r.status == 201, await r.text()
    result = await r.json()
    assert result["status"] == "needs_supplement" and isinstance(result["message_id"], int)
    thread = (await (await client.get(f"/api/v1/dossiers/{code}/messages", headers=h)).json())["messages"]
    notice = next(m for m in thread if m["id"] == result["message_id"])
    assert notice["author"] == "officer" and notice["officer"] == "lan"
    assert "Chưa có trong hồ sơ" in notice["text"] and "Ảnh mờ, chụp lại" in notice["text"]
    assert notice["delivery"] in {"sending", "sent"}
    # one notice for both documents
    assert sum(1 for m in thread if m["author"] == "officer") == 1
    conflict = await client.post(f"/api/v1/dossiers/{code}/accept", headers=h)
    assert conflict.status == 409 and (await conflict.json())["error"] == "bad_status"
    reply = await client.post(f"/api/v1/dossiers/{code}/messages", headers=h, json={"text": "Chào bạn"})
    assert reply.status == 201
    blank = await client.post(f"/api/v1/dossiers/{code}/messages", headers=h, json={"text": "   "})
    assert blank.status == 400
    audit = (await (await client.get(f"/api/v1/dossiers/{code}", headers=h)).json())["audit"]
    # acting on the unassigned dossier made lan its handler (audited once)
    assert [e["action"] for e in audit if e["officer"] == "lan"][-3:] == [
        "supplement_requested",
        "assigned",
        "officer_message",
    ]


async def test_accept_reject_result_and_late(client, rt):
    h = bearer(await api_token(client, "lan"))
    code = await seed_dossier(rt)
    r = await client.post(f"/api/v1/dossiers/{code}/accept", headers=h)
    assert r.status == 200 and (await r.json())["status"] == "accepted"
    late = await client.post(
        f"/api/v1/dossiers/{code}/late-apology",
        headers=h,
        json={"reason": "Cần xác minh thêm", "new_date": "2099-12-31"},
    )
    assert late.status == 200, await late.text()
    past = await client.post(
        f"/api/v1/dossiers/{code}/late-apology", headers=h, json={"reason": "x", "new_date": "2000-01-01"}
    )
    assert past.status == 422
    assert (
        await client.post(
            f"/api/v1/dossiers/{code}/late-apology", headers=h, json={"reason": "x", "new_date": "31/12/2099"}
        )
    ).status == 400
    ready = await client.post(f"/api/v1/dossiers/{code}/result-ready", headers=h, json={"note": "Mang CCCD"})
    assert ready.status == 200 and (await ready.json())["status"] == "result_ready"
    done = await client.post(f"/api/v1/dossiers/{code}/complete", headers=h)
    assert done.status == 200 and (await done.json())["status"] == "completed"
    again = await client.post(f"/api/v1/dossiers/{code}/complete", headers=h)
    assert again.status == 409 and (await again.json())["error"] == "bad_status"
    thread = (await (await client.get(f"/api/v1/dossiers/{code}/messages", headers=h)).json())["messages"]
    # the completion notice, then the survey still pending asked again (its buttons last)
    assert "đã hoàn thành" in thread[-2]["text"] and thread[-2]["author"] == "officer"
    assert "hài lòng thế nào" in thread[-1]["text"] and thread[-1]["author"] == "bot"
    audit = (await (await client.get(f"/api/v1/dossiers/{code}", headers=h)).json())["audit"]
    # the satisfaction survey is asked once the result is ready (services/surveys.py)
    assert [e["action"] for e in audit][-3:] == ["result_ready", "survey_sent", "completed"]
    code2 = await seed_dossier(rt)
    rej = await client.post(
        f"/api/v1/dossiers/{code2}/reject", headers=h, json={"reason": "Không thuộc thẩm quyền"}
    )
    assert rej.status == 200 and (await rej.json())["status"] == "rejected"
    msgs = (await (await client.get(f"/api/v1/dossiers/{code2}/messages", headers=h)).json())["messages"]
    assert "Không thuộc thẩm quyền" in msgs[-1]["text"] and msgs[-1]["author"] == "officer"


async def test_filters_counts_and_overdue_report(client, rt):
    import datetime as dt

    from services.dossiers import local_today

    today = local_today(rt.settings)  # the agency's date (Asia/Ho_Chi_Minh), not the machine's
    late = await seed_dossier(rt, due=today - dt.timedelta(days=3))
    fine = await seed_dossier(rt, due=today + dt.timedelta(days=30), status="accepted")
    h = bearer(await api_token(client, "lan"))
    over = await (await client.get("/api/v1/dossiers?overdue=true", headers=h)).json()
    assert [i["code"] for i in over["items"]] == [late] and over["items"][0]["due_state"] == "overdue"
    acc = await (await client.get("/api/v1/dossiers?status=accepted", headers=h)).json()
    assert [i["code"] for i in acc["items"]] == [fine]
    assert acc["counts"]["accepted"] == 1 and acc["counts"]["submitted"] == 1 and acc["overdue"] == 1
    assert (await client.get("/api/v1/dossiers?procedure=khai_tu", headers=h)).status == 200
    bad = await client.get("/api/v1/dossiers?status=bogus", headers=h)
    assert bad.status == 400 and (await bad.json())["error"] == "bad_query"
    assert (await client.get("/api/v1/dossiers?overdue=maybe", headers=h)).status == 400
    assert (await client.get("/api/v1/reports/overdue", headers=h)).status == 403  # officer, not supervisor
    report = await client.get("/api/v1/reports/overdue", headers=bearer(await api_token(client, "hoa")))
    assert report.status == 200 and (await report.json())["items"][0]["days_late"] == 3


async def test_json_errors_everywhere_under_api(client):
    r = await client.get("/api/v1/nothing-here")
    assert r.status == 404 and (await r.json())["error"] == "not_found"
    r = await client.delete("/api/v1/dossiers")
    assert r.status == 405 and (await r.json())["error"] == "method_not_allowed"


async def test_openapi_describes_every_v1_route(client):
    r = await client.get("/api/v1/openapi.json")
    assert r.status == 200
    spec = await r.json()
    assert spec["openapi"].startswith("3.")
    described = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    served = set()
    for route in client.server.app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter")
        if path and path.startswith("/api/v1") and route.method != "HEAD":
            served.add((route.method, path))
    assert served == described
    for path in (
        "/api/v1/dossiers",
        "/api/v1/dossiers/{code}",
        "/api/v1/dossiers/{code}/supplement-request",
        "/api/v1/dossiers/{code}/messages",
        "/api/v1/dossiers/{code}/accept",
        "/api/v1/dossiers/{code}/reject",
        "/api/v1/dossiers/{code}/result-ready",
    ):
        assert path in spec["paths"]


async def test_throttling_behind_a_trusted_proxy(backend_settings):
    """Behind a proxy listed in TRUSTED_PROXIES each client is counted by its X-Forwarded-For
    address; from anyone else the header is ignored (it could be forged)."""
    from aiohttp.test_utils import TestClient, TestServer
    from officer_kit import make_officers

    from bot.app import create_app

    await make_officers(backend_settings)
    wrong = {"username": "lan", "password": "sai-mat-khau-000"}
    right = {"username": "lan", "password": PASSWORD}
    via = lambda addr: {"X-Forwarded-For": addr}  # noqa: E731
    proxied = create_app(backend_settings.with_overrides(trusted_proxies="127.0.0.0/8, ::1"), role="web")
    async with TestClient(TestServer(proxied)) as c:
        for _ in range(auth.THROTTLE_MAX_FAILURES):
            await c.post("/api/v1/auth/token", json=wrong, headers=via("203.0.113.5"))
        assert (await c.post("/api/v1/auth/token", json=right, headers=via("203.0.113.5"))).status == 429
        # a client prepending an address cannot escape: only the proxy's own hop is believed
        spoof = via("198.51.100.9, 203.0.113.5")
        assert (await c.post("/api/v1/auth/token", json=right, headers=spoof)).status == 429
        assert (await c.post("/api/v1/auth/token", json=right, headers=via("203.0.113.6"))).status == 200
    import pytest

    with pytest.raises(ValueError, match="TRUSTED_PROXIES: 'proxy.local'"):
        create_app(backend_settings.with_overrides(trusted_proxies="127.0.0.1, proxy.local"), role="web")
    direct = create_app(
        backend_settings.with_overrides(redis_prefix=backend_settings.redis_prefix + "d:"), role="web"
    )
    async with TestClient(TestServer(direct)) as c:
        for _ in range(auth.THROTTLE_MAX_FAILURES):
            await c.post("/api/v1/auth/token", json=wrong, headers=via("203.0.113.7"))
        # without a trusted proxy the header means nothing: the peer (127.0.0.1) is locked out
        assert (await c.post("/api/v1/auth/token", json=right, headers=via("203.0.113.8"))).status == 429


def test_client_address_from_forwarded_headers():
    """Which address login throttling counts, for the proxy set-ups an agency may have."""
    from aiohttp.test_utils import make_mocked_request
    from multidict import CIMultiDict

    class Peer:
        def __init__(self, addr: str) -> None:
            self.addr = addr

        def get_extra_info(self, name: str, default=None):
            return (self.addr, 40000) if name == "peername" else default

    def ip(peer: str, xff: list[str] | None = None, trusted: str = "10.0.0.5, 10.1.0.0/16, ::1") -> str:
        headers = CIMultiDict(("X-Forwarded-For", v) for v in (xff or []))
        return auth.client_ip(
            make_mocked_request("POST", "/", headers=headers, transport=Peer(peer)), trusted
        )

    assert ip("192.0.2.1", ["203.0.113.1"]) == "192.0.2.1"  # not a proxy: the header is ignored
    assert ip("10.0.0.5", ["203.0.113.1"]) == "203.0.113.1"
    assert ip("10.0.0.5", ["198.51.100.7, 203.0.113.1, 10.1.2.3"]) == "203.0.113.1"  # two proxies
    assert ip("10.0.0.5", ["198.51.100.7", "203.0.113.1"]) == "203.0.113.1"  # header given twice
    assert ip("10.0.0.5", ["203.0.113.1:5555"]) == "203.0.113.1"  # a hop with its port
    assert ip("10.0.0.5", ["[2001:db8::0:1]:443"]) == "2001:db8::1"  # IPv6, normalised
    assert ip("10.0.0.5", ["not-an-address, 203.0.113.1"]) == "203.0.113.1"
    assert ip("10.0.0.5", ["203.0.113.1, garbage"]) == "10.0.0.5"  # nothing past a bad hop is believed
    assert ip("::ffff:10.0.0.5", ["203.0.113.1"]) == "203.0.113.1"  # IPv4 on a dual-stack socket
    assert ip("::1", ["10.1.9.9"]) == "::1"  # only trusted hops: the last proxy it came through
    assert ip("10.0.0.5", []) == "10.0.0.5"
    assert ip("10.0.0.5", ["203.0.113.1"], trusted="") == "10.0.0.5"
