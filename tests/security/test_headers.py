"""Security headers on every HTML page (citizen and officer, errors included) and on media: a
CSP without inline scripts and with frame-ancestors 'none', nosniff, a same-origin (or
stricter) referrer policy; photos with their sniffed type and a Content-Disposition."""

from __future__ import annotations

import re

import aiohttp
import security_kit as kit


def _assert_page_headers(r: aiohttp.ClientResponse) -> None:
    csp = r.headers.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts and "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, (r.url, csp)
    assert directives.get("frame-ancestors") == ["'none'"], (r.url, csp)
    assert r.headers.get("X-Content-Type-Options") == "nosniff", r.url
    assert r.headers.get("Referrer-Policy") in {"same-origin", "no-referrer"}, r.url


def _assert_no_inline_script(html: str) -> None:
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S | re.I):
        assert "src=" in attrs and not body.strip(), attrs  # only external scripts
    assert not re.search(r"\son[a-z]+\s*=", html, flags=re.I)  # no inline event handlers


async def test_every_html_page_carries_the_headers(server):
    base, ip = server["base"], kit.client_address()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        pages = []
        for path in ("/chat", "/officer/login", "/no-such-page", "/officer/static/none"):
            pages.append(await http.get(base + path, headers=kit.via(ip)))
        login = pages[1]
        csrf = re.search(r'name="csrf" value="([^"]+)"', await login.text()).group(1)
        form = {"username": "lan", "password": kit.PASSWORD, "csrf": csrf, "next": "/officer"}
        r = await http.post(base + "/officer/login", data=form, headers=kit.via(ip))
        pages.append(r)  # the queue, after the redirect
        code = server["DEMO"]
        pages.append(await http.get(f"{base}/officer/dossiers/{code}"))
        pages.append(await http.get(f"{base}/officer/dossiers/{code}/thread"))
        pages.append(await http.get(f"{base}/officer/dossiers/{server['OTHER']}"))  # 404 page
        for page in pages:
            _assert_page_headers(page)
            if "text/html" in page.headers.get("Content-Type", ""):
                _assert_no_inline_script(await page.text())
        dossier = await pages[5].text()
        photo = re.search(r'src="(/officer/media/[^"]+)"', dossier).group(1).replace("&amp;", "&")
        media = await http.get(base + photo)
        assert media.status == 200 and media.headers["Content-Type"] == "image/png"
        assert media.headers["Content-Disposition"].startswith("inline")
        assert media.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in media.headers["Content-Security-Policy"]


async def test_an_uploaded_file_is_served_with_its_sniffed_type_only(server):
    """A PNG uploaded under a lying name and type comes back as image/png, inline, nosniff."""
    base, ip = server["base"], kit.client_address()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        await http.get(base + "/chat", headers=kit.via(ip))
        form = aiohttp.FormData()
        form.add_field("client_message_id", "lying-upload-01")
        form.add_field("file", kit.png_bytes(), filename="trang.html", content_type="text/html")
        assert (await http.post(base + "/webchat/api/upload", data=form, headers=kit.via(ip))).status == 202
        from support import wait_for

        async def image_id():
            data = await (await http.get(base + "/webchat/api/messages?after=0&wait=1")).json()
            return next((m["image"] for m in data["messages"] if m.get("image")), None)

        url = await wait_for(image_id, timeout=30, every=0.3)
        r = await http.get(base + url)
        assert r.status == 200 and r.headers["Content-Type"] == "image/png"
        assert (
            r.headers["Content-Disposition"].startswith("inline")
            and "html" not in r.headers["Content-Disposition"]
        )
        assert r.headers["X-Content-Type-Options"] == "nosniff"
