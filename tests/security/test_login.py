"""Officer login under attack: concurrent guesses cannot get past the throttle (the attempt is
counted before the password is checked), the locked-out officer is told in Vietnamese, each login
rotates the session, and the cookies are HttpOnly and SameSite (Secure under https)."""

from __future__ import annotations

import asyncio
import re

import aiohttp
import pytest
import security_kit as kit
from aiohttp.test_utils import TestClient, TestServer

from handlers import auth


async def test_concurrent_api_guesses_cannot_pass_the_throttle(server):
    base, ip = server["base"], kit.client_address()
    async with aiohttp.ClientSession() as http:

        async def guess(i: int) -> int:
            body = {"username": "ghost", "password": f"doan-mat-khau-{i:04d}"}
            r = await http.post(base + "/api/v1/auth/token", json=body, headers=kit.via(ip))
            return r.status

        statuses = await asyncio.gather(*(guess(i) for i in range(40)))
        assert statuses.count(401) == auth.THROTTLE_MAX_FAILURES, statuses  # checked: exactly the limit
        assert statuses.count(429) == 40 - auth.THROTTLE_MAX_FAILURES
        right = {"username": "ghost", "password": kit.PASSWORD}
        locked = await http.post(base + "/api/v1/auth/token", json=right, headers=kit.via(ip))
        assert locked.status == 429 and int(locked.headers["Retry-After"]) > 0


async def _login_form(http, base: str, ip: str) -> str:
    page = await http.get(base + "/officer/login", headers=kit.via(ip))
    return re.search(r'name="csrf" value="([^"]+)"', await page.text()).group(1)


async def test_concurrent_console_guesses_cannot_pass_the_throttle_and_the_officer_is_told(server):
    base, ip = server["base"], kit.client_address()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        csrf = await _login_form(http, base, ip)

        async def guess(i: int) -> int:
            form = {"username": "ghost", "password": f"doan-{i:06d}", "csrf": csrf}
            r = await http.post(
                base + "/officer/login", data=form, headers=kit.via(ip), allow_redirects=False
            )
            return r.status

        statuses = await asyncio.gather(*(guess(i) for i in range(30)))
        assert statuses.count(401) == auth.THROTTLE_MAX_FAILURES and statuses.count(429) == 25, statuses
        form = {"username": "ghost", "password": kit.PASSWORD, "csrf": csrf}
        locked = await http.post(
            base + "/officer/login", data=form, headers=kit.via(ip), allow_redirects=False
        )
        text = await locked.text()
        assert locked.status == 429 and "quá nhiều lần" in text and "phút" in text


async def test_each_login_rotates_the_session_and_cookies_are_guarded(server):
    base = server["base"]
    seen = []
    for _ in range(2):
        ip = kit.client_address()
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            csrf = await _login_form(http, base, ip)
            planted = "planted-by-an-attacker"
            http.cookie_jar.update_cookies({auth.SESSION_COOKIE: planted})
            form = {"username": "lan", "password": kit.PASSWORD, "csrf": csrf, "next": "/officer"}
            r = await http.post(
                base + "/officer/login", data=form, headers=kit.via(ip), allow_redirects=False
            )
            assert r.status == 303
            cookie = r.cookies[auth.SESSION_COOKIE]
            assert cookie.value != planted and cookie["httponly"] and cookie["samesite"] in {"Lax", "Strict"}
            assert not cookie["secure"]  # served over plain http in this suite
            assert r.cookies[auth.LOGIN_COOKIE].value == ""  # the pre-login cookie is dropped
            seen.append(cookie.value)
    assert seen[0] != seen[1]


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
async def test_cookies_are_secure_when_served_over_https(backend_settings):
    from bot.app import create_app

    settings = backend_settings.with_overrides(public_base_url="https://motcua.example.gov.vn")
    async with TestClient(TestServer(create_app(settings, role="web"))) as c:
        chat = await c.get("/chat")
        assert chat.cookies["motcua_web"]["secure"] and chat.cookies["motcua_web"]["httponly"]
        assert "max-age=" in chat.headers["Strict-Transport-Security"]
        login = await c.get("/officer/login")
        assert login.cookies[auth.LOGIN_COOKIE]["secure"]


async def test_the_redis_throttle_is_atomic_too(production_settings):
    """The same race against the Redis counter shared by several web processes."""
    throttles = [auth.Throttle(production_settings) for _ in range(3)]  # three web processes
    try:
        waits = await asyncio.gather(*(throttles[i % 3].acquire("lan", "198.51.100.7") for i in range(30)))
        assert waits.count(0) == auth.THROTTLE_MAX_FAILURES and all(w > 0 for w in waits if w)
        await throttles[0].succeeded("lan", "198.51.100.7")
        assert await throttles[1].acquire("lan", "198.51.100.7") == 0
    finally:
        for t in throttles:
            await t.close()


async def test_a_flood_of_logins_is_bounded_not_queued_without_end(server):
    """More logins at once than LOGIN_QUEUE_MAX (each an argon2 check): the excess is answered
    503 with Retry-After at once, never counted by the throttle; every admitted one succeeds."""
    from handlers.password_checks import LOGIN_QUEUE_MAX

    base = server["base"]
    ips = [kit.client_address() for _ in range(100)]
    async with aiohttp.ClientSession() as http:

        async def login(ip: str) -> tuple[int, str]:
            body = {"username": "lan", "password": kit.PASSWORD}
            r = await http.post(base + "/api/v1/auth/token", json=body, headers=kit.via(ip))
            return r.status, (await r.json())["error"] if r.status != 200 else r.headers.get(
                "Retry-After", ""
            )

        results = await asyncio.gather(*(login(ip) for ip in ips))
        statuses = [s for s, _ in results]
        assert set(statuses) <= {200, 503}, statuses
        assert statuses.count(503) >= 1 and statuses.count(200) >= LOGIN_QUEUE_MAX, statuses
        assert {e for s, e in results if s == 503} == {"login_busy"}
        refused = [ip for ip, s in zip(ips, statuses) if s == 503]
        for ip in refused[:3]:  # nothing was counted against them
            r = await http.post(
                base + "/api/v1/auth/token",
                json={"username": "lan", "password": kit.PASSWORD},
                headers=kit.via(ip),
            )
            assert r.status == 200


def test_the_password_check_queue_refuses_when_full():
    from handlers import password_checks

    with password_checks.slot(limit=2), password_checks.slot(limit=2):
        with pytest.raises(password_checks.Busy), password_checks.slot(limit=2):
            pass
    with password_checks.slot(limit=2):  # freed again
        pass


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
async def test_an_older_costlier_hash_is_replaced_at_the_next_login(backend_settings):
    """Hashes made with argon2-cffi's defaults (64 MiB, 3 passes, 4 lanes: ~180 ms of CPU) still
    verify, and are replaced by the current parameters after a successful login."""
    from argon2 import PasswordHasher
    from sqlalchemy import select

    from core.db import Database, Officer

    db = Database(backend_settings.resolved_database_url)
    try:
        old = PasswordHasher().hash(kit.PASSWORD)
        async with db.session() as s:
            s.add(Officer(username="cu", password_hash=old, agency="DEMO", role="officer"))
            await s.commit()
        assert await auth.authenticate(db, "cu", "sai-mat-khau-123") is None
        officer = await auth.authenticate(db, "cu", kit.PASSWORD)
        assert officer is not None and "m=19456,t=2,p=1" in officer.password_hash
        async with db.session() as s:
            stored = (await s.execute(select(Officer.password_hash).where(Officer.username == "cu"))).scalar()
        assert stored == officer.password_hash != old
        assert await auth.authenticate(db, "cu", kit.PASSWORD) is not None
    finally:
        await db.close()
