"""A stranger against the web chat: sessions the server did not issue (forged, altered,
expired) are refused; new sessions are capped per client address; messages and uploads are
capped per session (in any minute: the limits are sliding windows, tests/security/test_rate_limit.py);
requests in progress on the public routes are capped per client address."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
import security_kit as kit

from handlers import webchat_sessions


async def _session(http, base: str, ip: str) -> str:
    r = await http.get(base + "/chat", headers=kit.via(ip))
    assert r.status == 200
    return r.cookies["motcua_web"].value


def _forgeries() -> dict[str, str]:
    good, sid = webchat_sessions.issue(kit.SECRET_KEY)
    other_key, _ = webchat_sessions.issue("another-secret-key")
    expired, _ = webchat_sessions.issue(kit.SECRET_KEY, now=time.time() - 181 * 86400)
    parts = good.split(".")
    # one character of the id changed for another (the id may begin with any character)
    altered = ("B" if parts[0][0] != "B" else "C") + parts[0][1:]
    return {
        "invented random id (the old cookie shape)": "A" * 22,
        "well-formed, wrong key": other_key,
        "altered session id": altered + "." + parts[1] + "." + parts[2],
        "altered issue time": parts[0] + "." + "zzzzzz" + "." + parts[2],
        "expired (181 days)": expired,
        "empty": "",
    }


@pytest.mark.parametrize("name", list(_forgeries()))
async def test_a_session_the_server_did_not_issue_is_refused(server, name):
    base = server["base"]
    cookie = _forgeries()[name]
    ip = kit.client_address()
    async with aiohttp.ClientSession(cookies={"motcua_web": cookie}) as http:
        r = await http.post(base + "/webchat/api/messages", json={"text": "xin chào"}, headers=kit.via(ip))
        assert r.status == 401 and (await r.json())["error"] == "no_session"
        form = aiohttp.FormData()
        form.add_field("file", kit.png_bytes(), filename="a.png", content_type="image/png")
        assert (await http.post(base + "/webchat/api/upload", data=form, headers=kit.via(ip))).status == 401
        assert (await (await http.get(base + "/webchat/api/messages?after=0&wait=0")).json()) == {
            "messages": []
        }
        # the page replaces it with a session of the server's own
        page = await http.get(base + "/chat", headers=kit.via(ip))
        new = page.cookies["motcua_web"].value
        assert new != cookie and webchat_sessions.session_id(kit.SECRET_KEY, new, 86400)


async def test_new_sessions_are_capped_per_client_address(server):
    base = server["base"]
    ip, neighbour = kit.client_address(), kit.client_address()
    statuses = []
    async with aiohttp.ClientSession() as http:
        for _ in range(40):  # a client that drops its cookie every time
            r = await http.get(base + "/chat", headers=kit.via(ip))
            statuses.append(r.status)
            http.cookie_jar.clear()
        capped = await http.get(base + "/chat", headers=kit.via(ip))
        assert capped.status == 429 and "Retry-After" in capped.headers
        assert "phút" in await capped.text()  # told in Vietnamese to wait a minute
        assert (await http.get(base + "/chat", headers=kit.via(neighbour))).status == 200
    assert statuses.count(200) == 30 and statuses.count(429) == 10


async def test_messages_are_capped_per_session(server):
    base = server["base"]
    ip = kit.client_address()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        await _session(http, base, ip)
        statuses = []
        for i in range(70):
            r = await http.post(
                base + "/webchat/api/messages",
                json={"text": f"tin {i}", "client_message_id": f"flood-{i:04d}"},
                headers=kit.via(ip),
            )
            statuses.append(r.status)
        last = await http.post(base + "/webchat/api/messages", json={"text": "x"}, headers=kit.via(ip))
        assert last.status == 429 and "phút" in (await last.json())["message"]
    assert statuses.count(202) == 60 and statuses.count(429) == 10


async def test_uploads_are_capped_per_session_before_the_body_is_read(server):
    base = server["base"]
    ip = kit.client_address()
    photo = kit.png_bytes((40, 30))
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        await _session(http, base, ip)
        statuses = []
        for i in range(25):
            form = aiohttp.FormData()
            form.add_field("client_message_id", f"upload-{i:04d}")
            form.add_field("file", photo, filename="a.png", content_type="image/png")
            statuses.append(
                (await http.post(base + "/webchat/api/upload", data=form, headers=kit.via(ip))).status
            )
    assert statuses.count(202) == 20 and statuses.count(429) == 5


async def test_requests_in_progress_on_public_routes_are_capped_per_client_address(server):
    """A stranger holding open long polls (each a database read every 0.3 s): at most
    HTTP_MAX_REQUESTS_PER_CLIENT (30) at once per address; the 31st is refused at once, another
    address is not affected, and the cap frees as the polls end."""
    base = server["base"]
    ip, neighbour = kit.client_address(), kit.client_address()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        await _session(http, base, ip)
        url = base + "/webchat/api/messages?after=0&wait=6"
        polls = [asyncio.create_task(http.get(url, headers=kit.via(ip))) for _ in range(30)]
        await asyncio.sleep(2.0)  # all 30 are waiting in the server
        t0 = time.monotonic()
        refused = await http.get(url, headers=kit.via(ip))
        assert refused.status == 503 and "Retry-After" in refused.headers
        assert time.monotonic() - t0 < 3.0  # at once, not after a poll's wait
        form = aiohttp.FormData()
        form.add_field("file", kit.png_bytes(), filename="a.png", content_type="image/png")
        assert (await http.post(base + "/webchat/api/upload", data=form, headers=kit.via(ip))).status == 503
        other = await http.get(base + "/webchat/api/messages?after=0&wait=0", headers=kit.via(neighbour))
        assert other.status == 200
        assert (await http.get(base + "/healthz", headers=kit.via(ip))).status == 200  # not a public route
        answered = await asyncio.gather(*polls)
        assert [r.status for r in answered] == [200] * 30
        again = await http.get(base + "/webchat/api/messages?after=0&wait=0", headers=kit.via(ip))
        assert again.status == 200
