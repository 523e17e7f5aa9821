"""Insecure direct object references: every route that takes an id (a dossier code, a message,
a photo reference, a stored path) is tried by an officer of another agency, by a role that may
not, and by another web chat visitor. None reads or changes anything; the seeded dossiers stay as
they were. A guard lists the app's routes with a placeholder, so a new one must be added here."""

from __future__ import annotations

import re
from pathlib import Path

import aiohttp
import pytest
import security_kit as kit
from support import make_settings, wait_for

from handlers.api.routes import ACTION_ROUTES
from handlers.officer import FORM_ACTIONS

# every route with a placeholder, and the test below that attacks it
COVERED = {
    "/api/v1/dossiers/{code}": "test_api_routes_refuse_another_agency",
    "/api/v1/dossiers/{code}/messages": "test_api_routes_refuse_another_agency",
    "/api/v1/dossiers/{code}/assign": "test_api_routes_refuse_another_agency",
    **{f"/api/v1/dossiers/{{code}}/{p}": "test_api_routes_refuse_another_agency" for p in ACTION_ROUTES},
    "/officer/dossiers/{code}": "test_console_routes_refuse_another_agency",
    "/officer/dossiers/{code}/thread": "test_console_routes_refuse_another_agency",
    "/officer/dossiers/{code}/{action}": "test_console_routes_refuse_another_agency",
    "/officer/media/{ref}": "test_officer_photo_links_are_bound_to_the_viewer",
    "/webchat/media/{message_id}": "test_a_visitor_sees_only_their_own_photos",
    "/media/{path}": "test_platform_media_links_need_their_own_signature",
    # names of the project's own static files, not object ids
    "/officer/static/{name}": "",
    "/webchat/static/{name}": "",
}


def test_every_route_with_an_id_is_attacked_here(tmp_path: Path):
    from bot.app import create_app

    settings = make_settings(tmp_path, zalo_app_id="1", zalo_oa_secret_key="x", messenger_app_secret="x")
    app = create_app(settings, role="web")
    with_ids = set()
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("formatter") or ""
        if "{" in path:
            with_ids.add(path)
    missing = sorted(with_ids - set(COVERED))
    assert not missing, f"routes with an id not covered by the IDOR tests: {missing}"


async def _token(http, base: str, username: str) -> str:
    r = await http.post(
        base + "/api/v1/auth/token",
        json={"username": username, "password": kit.PASSWORD},
        headers=kit.via(kit.client_address()),
    )
    assert r.status == 200, await r.text()
    return (await r.json())["access_token"]


async def _status_of(http, base: str, token: str, code: str) -> str:
    r = await http.get(f"{base}/api/v1/dossiers/{code}", headers={"Authorization": f"Bearer {token}"})
    assert r.status == 200
    return (await r.json())["status"]


BODIES = {
    "supplement-request": {"items": [{"document": "cccd_nguoi_khai", "reason": "x"}], "note": "x"},
    "messages": {"text": "tin nhắn lạ"},
    "reject": {"reason": "x"},
    "result-ready": {"note": "x"},
    "complete": {"note": "x"},
    "late-apology": {"new_date": "2099-01-01", "reason": "x"},
    "assign": {"officer": "khac"},
}


@pytest.mark.parametrize("attacker", ["khac", "khac_sup"])
async def test_api_routes_refuse_another_agency(server, attacker):
    base, code = server["base"], server["DEMO"]
    async with aiohttp.ClientSession() as http:
        owner = await _token(http, base, "hoa")
        before = await _status_of(http, base, owner, code)
        auth = {"Authorization": f"Bearer {await _token(http, base, attacker)}"}
        for path in ("", "/messages"):
            r = await http.get(f"{base}/api/v1/dossiers/{code}{path}", headers=auth)
            assert r.status == 404, (path, r.status)
        for action in [*ACTION_ROUTES, "assign"]:
            r = await http.post(
                f"{base}/api/v1/dossiers/{code}/{action}", json=BODIES.get(action, {}), headers=auth
            )
            assert r.status == 404, (action, r.status, await r.text())
        listing = await (await http.get(f"{base}/api/v1/dossiers", headers=auth)).json()
        assert code not in {d["code"] for d in listing["items"]}
        assert await _status_of(http, base, owner, code) == before


async def test_an_analyst_reads_no_personal_data(server):
    base, code = server["base"], server["DEMO"]
    async with aiohttp.ClientSession() as http:
        auth = {"Authorization": f"Bearer {await _token(http, base, 'minh')}"}
        for path in ("", "/messages"):
            assert (await http.get(f"{base}/api/v1/dossiers/{code}{path}", headers=auth)).status == 403
        r = await http.post(f"{base}/api/v1/dossiers/{code}/messages", json=BODIES["messages"], headers=auth)
        assert r.status == 403


async def _console(http, base: str, username: str) -> str:
    ip = kit.client_address()
    page = await http.get(base + "/officer/login", headers=kit.via(ip))
    csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text()).group(1)
    form = {"username": username, "password": kit.PASSWORD, "csrf": csrf, "next": "/officer"}
    queue = await http.post(base + "/officer/login", data=form, headers=kit.via(ip))
    assert queue.status == 200
    return re.search(r'name="csrf" value="([^"]+)"', await queue.text()).group(1)


async def test_console_routes_refuse_another_agency(server):
    base, code = server["base"], server["DEMO"]
    async with aiohttp.ClientSession() as owner_http:
        owner = await _token(owner_http, base, "hoa")
        before = await _status_of(owner_http, base, owner, code)
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            csrf = await _console(http, base, "khac")
            for path in ("", "/thread"):
                r = await http.get(f"{base}/officer/dossiers/{code}{path}", allow_redirects=False)
                assert r.status == 404, (path, r.status)
            for action in [*FORM_ACTIONS, "assign"]:
                form = {"csrf": csrf, "text": "x", "reason": "x", "note": "x", "officer": "khac"}
                r = await http.post(
                    f"{base}/officer/dossiers/{code}/{action}", data=form, allow_redirects=False
                )
                assert r.status in {403, 404}, (action, r.status)
            queue = await (await http.get(base + "/officer")).text()
            assert code not in queue
        assert await _status_of(owner_http, base, owner, code) == before


async def test_officer_photo_links_are_bound_to_the_viewer(server):
    base, code = server["base"], server["DEMO"]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as lan:
        await _console(lan, base, "lan")
        page = await (await lan.get(f"{base}/officer/dossiers/{code}")).text()
        link = re.search(r'src="(/officer/media/[^"]+)"', page).group(1).replace("&amp;", "&")
        assert (await lan.get(base + link)).status == 200
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as khac:
            await _console(khac, base, "khac")
            assert (await khac.get(base + link)).status == 403  # lan's link, another officer
            own_page = await (await khac.get(f"{base}/officer/dossiers/{server['OTHER']}")).text()
            own = re.search(r'src="(/officer/media/[^"]+)"', own_page).group(1).replace("&amp;", "&")
            assert (await khac.get(base + own)).status == 200
            other_ref = server["refs"][code]["doc"]
            swapped = re.sub(r"/officer/media/[^?]+", f"/officer/media/{other_ref}", own)
            assert (await khac.get(base + swapped)).status == 403  # his signature, another photo
            message_ref = f"m{server['refs'][code]['message']}.0"
            assert (await khac.get(f"{base}/officer/media/{message_ref}")).status == 403
        async with aiohttp.ClientSession() as nobody:
            assert (await nobody.get(base + link)).status == 403


async def test_a_visitor_sees_only_their_own_photos(server):
    base = server["base"]
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as alice:
        await alice.get(base + "/chat", headers=kit.via(kit.client_address()))
        form = aiohttp.FormData()
        form.add_field("client_message_id", "idor-photo-01")
        form.add_field("file", kit.png_bytes(), filename="cccd.png", content_type="image/png")
        assert (await alice.post(base + "/webchat/api/upload", data=form)).status == 202

        async def image_url():
            data = await (await alice.get(base + "/webchat/api/messages?after=0&wait=1")).json()
            return next((m["image"] for m in data["messages"] if m.get("image")), None)

        url = await wait_for(image_url, timeout=30, every=0.3)
        assert (await alice.get(base + url)).status == 200
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as bob:
        await bob.get(base + "/chat", headers=kit.via(kit.client_address()))
        assert (await bob.get(base + url)).status == 404
        message_id = int(url.rsplit("/", 1)[1])
        for other in range(1, message_id + 3):  # every message id around it: the seeded threads too
            assert (await bob.get(f"{base}/webchat/media/{other}")).status == 404
        thread = await (await bob.get(base + "/webchat/api/messages?after=0&wait=0")).json()
        assert thread == {"messages": []}
    async with aiohttp.ClientSession() as nobody:
        assert (await nobody.get(base + url)).status == 404


async def test_platform_media_links_need_their_own_signature(server):
    base = server["base"]
    from handlers.platform import signed_media_url

    settings = make_settings(Path(server["tmp"]), secret_key=kit.SECRET_KEY, public_base_url=base)
    media = Path(server["tmp"]) / "media"
    stored = sorted(p.relative_to(media).as_posix() for p in media.rglob("*.png"))
    assert stored
    good = signed_media_url(settings, stored[0], ttl_s=60)
    async with aiohttp.ClientSession() as http:
        assert (await http.get(good)).status == 200
        assert (await http.get(good.split("?")[0])).status == 403
        other = signed_media_url(settings, "receipts/x.png", ttl_s=60).split("?")[1]
        assert (await http.get(good.split("?")[0] + "?" + other)).status == 403
        assert (await http.get(f"{base}/media/..%2F..%2Fvar%2Fsecret_key?exp=9999999999&sig=x")).status in {
            403,
            404,
        }


COVERED.update(
    {
        "/api/v1/dossiers/{code}/notes": "test_desk_routes_refuse_another_agency",
        "/api/v1/inbox/{conversation}/messages": "test_desk_routes_refuse_another_agency",
        "/officer/dossiers/{code}/attach": "test_desk_routes_refuse_another_agency",
        "/officer/dossiers/{code}/note": "test_desk_routes_refuse_another_agency",
        "/officer/dossiers/{code}/print/{kind}": "test_desk_routes_refuse_another_agency",
        "/officer/inbox/{conv}": "test_desk_routes_refuse_another_agency",
        "/officer/inbox/{conv}/thread": "test_desk_routes_refuse_another_agency",
        "/officer/inbox/{conv}/{action}": "test_desk_routes_refuse_another_agency",
    }
)


async def test_desk_routes_refuse_another_agency(server):
    """The officer's desk (issue 15): internal notes, the conversation inbox, printing and
    attaching chat photos, tried on the other agency's dossier and conversations."""
    from handlers.officer_inbox import THREAD_ACTIONS

    base, code = server["base"], server["DEMO"]
    async with aiohttp.ClientSession() as http:
        owner = {"Authorization": f"Bearer {await _token(http, base, 'hoa')}"}
        attacker = {"Authorization": f"Bearer {await _token(http, base, 'khac')}"}
        before = await _status_of(http, base, owner["Authorization"][7:], code)
        assert (await http.get(f"{base}/api/v1/dossiers/{code}/notes", headers=attacker)).status == 404
        r = await http.post(f"{base}/api/v1/dossiers/{code}/notes", json={"text": "x"}, headers=attacker)
        assert r.status == 404
        owners = []  # the conversations the owner's agency may open: the attacker may not
        for conv in range(1, 12):
            if (await http.get(f"{base}/api/v1/inbox/{conv}/messages", headers=owner)).status == 200:
                owners.append(conv)
        assert owners, "the seeded dossier's conversation is the owner's"
        for conv in owners:
            assert (await http.get(f"{base}/api/v1/inbox/{conv}/messages", headers=attacker)).status == 404
            r = await http.post(f"{base}/api/v1/inbox/{conv}/messages", json={"text": "x"}, headers=attacker)
            assert r.status == 404
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as console:
            csrf = await _console(console, base, "khac")
            form = {
                "csrf": csrf,
                "text": "x",
                "message": "1",
                "document": "cccd_nguoi_khai",
                "officer": "khac",
            }
            for path in ("note", "attach"):
                r = await console.post(
                    f"{base}/officer/dossiers/{code}/{path}", data=form, allow_redirects=False
                )
                assert r.status in {403, 404}, (path, r.status)
            for kind in ("sheet.pdf", "receipt.pdf"):
                r = await console.get(f"{base}/officer/dossiers/{code}/print/{kind}", allow_redirects=False)
                assert r.status == 404, (kind, r.status)
            for conv in owners:
                for path in ("", "/thread"):
                    r = await console.get(f"{base}/officer/inbox/{conv}{path}", allow_redirects=False)
                    assert r.status == 404, (conv, path, r.status)
                for action in THREAD_ACTIONS:
                    r = await console.post(
                        f"{base}/officer/inbox/{conv}/{action}", data=form, allow_redirects=False
                    )
                    assert r.status in {403, 404}, (conv, action, r.status)
        assert await _status_of(http, base, owner["Authorization"][7:], code) == before
        notes = await (await http.get(f"{base}/api/v1/dossiers/{code}/notes", headers=owner)).json()
        assert "x" not in [
            n.get("text") for n in notes.get("notes", notes if isinstance(notes, list) else [])
        ]
