"""The console: login with CSRF and throttling, hostile citizen strings escaped on every page,
CSRF-less posts refused, roles and agencies, signed photo links, the live thread."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlparse

import aiohttp
from citizen import photo
from officer_kit import EVIL, PASSWORD, assert_inert, console_login, csrf_of, seed_dossier

from handlers import auth


async def _stored_photo(rt) -> str:
    return rt.media.store(photo("cccd_front", seed=5), "web").path


async def test_login_needs_csrf_and_wrong_passwords_are_throttled(client):
    r = await client.get("/officer", allow_redirects=False)
    assert r.status == 303 and r.headers["Location"].startswith("/officer/login")
    page = await client.get("/officer/login")
    assert page.status == 200 and "Đăng nhập cán bộ" in await page.text()
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    no_csrf = await client.post(
        "/officer/login", data={"username": "lan", "password": PASSWORD}, allow_redirects=False
    )
    assert no_csrf.status == 403
    token = csrf_of(await no_csrf.text())
    for _ in range(auth.THROTTLE_MAX_FAILURES):
        bad = await client.post(
            "/officer/login", data={"username": "lan", "password": "sai-roi-000", "csrf": token}
        )
        assert bad.status == 401 and "Sai tên đăng nhập hoặc mật khẩu" in await bad.text()
    locked = await client.post(
        "/officer/login", data={"username": "lan", "password": PASSWORD, "csrf": token}, allow_redirects=False
    )
    assert locked.status == 429 and "quá nhiều lần" in await locked.text()
    # another officer on the same computer still logs in
    csrf = await console_login(client, "hoa")
    assert csrf


async def test_hostile_strings_are_escaped_on_every_page(client, rt):
    code = await seed_dossier(rt, evil=EVIL, photo_path=await _stored_photo(rt))
    csrf = await console_login(client, "lan")
    # an officer's own message with markup is shown as text too
    r = await client.post(
        f"/officer/dossiers/{code}/message",
        data={"csrf": csrf, "text": f"Trả lời {EVIL}"},
        allow_redirects=False,
    )
    assert r.status == 303
    for url in (
        "/officer",
        f"/officer/dossiers/{code}",
        "/officer?status=in_review",
        f"/officer/login?next=/officer/{EVIL}",
    ):
        page = await client.get(url)
        html = await page.text()
        assert page.status == 200, url
        assert "<script>alert" not in html and "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
        assert_inert(html)
    html = await (await client.get(f"/officer/dossiers/{code}")).text()
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html  # the names, texts, readings
    assert f"giay{EVIL}.pdf" not in html and "giay&lt;script&gt;" in html  # the file name
    assert html.count("&lt;svg onload=alert(2)&gt;") >= 7
    assert '<span class="citizen-name">Nguyễn Văn A &lt;script&gt;' in html  # the name on the channel
    # the live thread is JSON, rendered by the page with textContent
    thread = await client.get(f"/officer/dossiers/{code}/thread?after=0")
    assert thread.content_type == "application/json"
    js = await (await client.get("/officer/static/officer.js")).text()
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js


async def test_forms_without_a_valid_csrf_token_are_refused(client, rt):
    code = await seed_dossier(rt)
    csrf = await console_login(client, "lan")
    tampered = ("y" if csrf[0] == "x" else "x") + csrf[1:]  # one character changed (1 in 64 began with "x")
    for data in ({}, {"csrf": ""}, {"csrf": tampered}, {"csrf": auth.csrf_token("wrong", "n")}):
        r = await client.post(f"/officer/dossiers/{code}/accept", data=data, allow_redirects=False)
        assert r.status == 403, data
        assert "Phiên làm việc đã hết hạn" in await r.text()
    # another officer's session token does not fit this session
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as other:
        base = str(client.make_url(""))
        page = await other.get(base + "/officer/login")
        await other.post(
            base + "/officer/login",
            data={"username": "hoa", "password": PASSWORD, "csrf": csrf_of(await page.text())},
        )
        foreign = csrf_of(await (await other.get(base + "/officer")).text())
    r = await client.post(f"/officer/dossiers/{code}/accept", data={"csrf": foreign}, allow_redirects=False)
    assert r.status == 403
    r = await client.post("/officer/logout", data={}, allow_redirects=False)
    assert r.status == 403
    detail = await (await client.get(f"/officer/dossiers/{code}")).text()
    assert "Đang xem xét" in detail  # opening it started the review, nothing else changed
    ok = await client.post(f"/officer/dossiers/{code}/accept", data={"csrf": csrf}, allow_redirects=False)
    assert ok.status == 303 and ok.headers["Location"].endswith("?ok=accept#thread")
    assert "Đã tiếp nhận" in await (await client.get(f"/officer/dossiers/{code}")).text()


async def test_agency_and_role_limits_in_the_console(client, rt):
    other = await seed_dossier(rt, agency="OTHER")
    mine = await seed_dossier(rt)
    csrf = await console_login(client, "lan")
    assert (await client.get(f"/officer/dossiers/{other}")).status == 404
    assert (
        await client.post(f"/officer/dossiers/{other}/accept", data={"csrf": csrf}, allow_redirects=False)
    ).status == 404
    assert (await client.get(f"/officer/dossiers/{other}/thread")).status == 404
    queue = await (await client.get("/officer")).text()
    assert mine in queue and other not in queue
    await client.post("/officer/logout", data={"csrf": csrf})
    csrf = await console_login(client, "minh")  # analyst
    queue = await (await client.get("/officer")).text()
    assert mine in queue and f'href="/officer/dossiers/{mine}"' not in queue
    assert (await client.get(f"/officer/dossiers/{mine}")).status == 403
    r = await client.post(f"/officer/dossiers/{mine}/accept", data={"csrf": csrf}, allow_redirects=False)
    assert r.status == 403
    assert (await client.get(f"/officer/dossiers/{mine}/thread")).status == 404


async def test_photos_only_through_signed_expiring_checked_links(client, rt, backend_settings):
    code = await seed_dossier(rt, photo_path=await _stored_photo(rt))
    await console_login(client, "lan")
    html = await (await client.get(f"/officer/dossiers/{code}")).text()
    src = re.search(r'<img src="(/officer/media/d\d+\?[^"]+)"', html).group(1).replace("&amp;", "&")
    ok = await client.get(src)
    assert ok.status == 200 and ok.headers["Content-Type"] == "image/jpeg"
    assert ok.headers["Cache-Control"].startswith("private")
    assert rt.settings.media_dir not in html and "/media/web/" not in html  # never a storage path
    path = urlparse(src).path
    assert (await client.get(path)).status == 403  # unsigned
    q = parse_qs(urlparse(src).query)
    exp = int(q["exp"][0])
    assert (await client.get(f"{path}?exp={exp + 1}&sig={q['sig'][0]}")).status == 403  # altered expiry
    old = int(time.time()) - 1
    ref = path.rsplit("/", 1)[1]
    from sqlalchemy import select

    from core.db import Officer

    async with rt.db.session() as s:
        ids = dict((await s.execute(select(Officer.username, Officer.id))).all())
    expired = auth.media_signature(backend_settings.secret_key, ref, ids["lan"], old)
    assert (await client.get(f"{path}?exp={old}&sig={expired}")).status == 403
    # a link signed for another officer is refused to this one
    exp2 = int(time.time()) + 600
    theirs = auth.media_signature(backend_settings.secret_key, ref, ids["hoa"], exp2)
    assert (await client.get(f"{path}?exp={exp2}&sig={theirs}")).status == 403
    # the link is refused once the viewer is logged out
    async with aiohttp.ClientSession() as anon:
        assert (await anon.get(str(client.make_url(src)))).status == 403
    # an officer of another agency with a link signed for them: still refused (not their dossier)
    other_sig = auth.media_signature(backend_settings.secret_key, ref, ids["khac"], exp2)
    token = auth.new_api_token(backend_settings.secret_key, await _officer(rt, "khac"))
    r = await client.get(f"{path}?exp={exp2}&sig={other_sig}", headers={"Authorization": f"Bearer {token}"})
    assert r.status in (403, 404)


async def _officer(rt, username):
    from sqlalchemy import select

    from core.db import Officer

    async with rt.db.session() as s:
        return (await s.execute(select(Officer).where(Officer.username == username))).scalar_one()


async def test_new_citizen_messages_reach_the_open_page_without_reload(client, rt):
    from citizen import Citizen

    citizen = Citizen(rt)
    await citizen.say("Xin chào")
    # file a dossier from this conversation, written straight away
    from sqlalchemy import select

    from core.db import Conversation, Dossier

    code = await seed_dossier(rt)
    async with rt.db.session() as s, s.begin():
        conv = (await s.execute(select(Conversation).where(Conversation.key == citizen.key))).scalar_one()
        d = (await s.execute(select(Dossier).where(Dossier.code == code))).scalar_one()
        d.conversation_id = conv.id
    await console_login(client, "lan")
    html = await (await client.get(f"/officer/dossiers/{code}")).text()
    after = int(re.search(r'data-after="(\d+)"', html).group(1))
    first = await (await client.get(f"/officer/dossiers/{code}/thread?after={after}")).json()
    assert first["messages"] == []
    await citizen.say("Tôi đã gửi đủ chưa ạ?")
    later = await (await client.get(f"/officer/dossiers/{code}/thread?after={after}")).json()
    texts = [m["text"] for m in later["messages"]]
    assert "Tôi đã gửi đủ chưa ạ?" in texts
    assert later["messages"][0]["author_label"] == "Người dân"
    assert all(v in {"sending", "sent", "failed", "held"} for v in later["delivery"].values())


async def test_queue_filters_and_counts(client, rt):
    import datetime as dt

    from services.dossiers import local_today

    today = local_today(rt.settings)  # the agency's date (Asia/Ho_Chi_Minh), not the machine's
    late = await seed_dossier(rt, due=today - dt.timedelta(days=3))
    later = await seed_dossier(rt, status="accepted", due=today + dt.timedelta(days=60))
    other_proc = await seed_dossier(rt, procedure="khai_tu")
    await console_login(client, "lan")
    page = await (await client.get("/officer")).text()
    assert all(c in page for c in (late, later, other_proc))
    assert re.search(r'data-status="submitted">2<', page) and re.search(r'data-status="accepted">1<', page)
    overdue = await (await client.get("/officer?due=overdue")).text()
    assert late in overdue and later not in overdue and "Quá hạn 3 ngày" in overdue
    accepted = await (await client.get("/officer?status=accepted")).text()
    assert later in accepted and late not in accepted
    by_proc = await (await client.get("/officer?procedure=khai_tu")).text()
    assert other_proc in by_proc and late not in by_proc
    junk = await client.get("/officer?status=%3Cscript%3E&procedure=%22%3E&due=x")
    assert junk.status == 200 and "<script>" not in await junk.text()
