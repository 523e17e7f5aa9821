"""Server-side request forgery through the media fetcher: signed Zalo image events whose URL
names an internal address. Each is answered 200 (the event is genuine), refused by the fetch
rules (counted in motcua_media_refused_total) and never reaches the internal service; the
citizen is told the photo could not be received. A URL on the allowed stand-in CDN is fetched
(so the refusals are the rules, not a broken fetcher)."""

from __future__ import annotations

import uuid

import aiohttp
import pytest
import security_kit as kit
from support import wait_for


async def _send_image(http, base: str, url: str) -> str:
    user = "u" + uuid.uuid4().hex[:14]
    raw, headers = kit.zalo_signed(kit.zalo_event(user, url=url))
    r = await http.post(base + "/webhooks/zalo", data=raw, headers=headers)
    assert r.status == 200, await r.text()
    return user


def _cases(port: int) -> dict[str, str]:
    marker = "/internal/" + uuid.uuid4().hex
    loop_cdn = f"http://127.0.0.1:{port}"
    return {
        "loopback by name over http": f"http://localhost:{port}{marker}",
        "a name resolving to 127.0.0.1 (https)": f"https://localhost:{port}{marker}",
        "another loopback address": f"https://127.0.0.2:{port}{marker}",
        "IPv6 loopback": f"https://[::1]:{port}{marker}",
        "unspecified address": f"https://0.0.0.0:{port}{marker}",
        "private range 10/8": f"https://10.0.0.1{marker}",
        "private range 192.168/16": f"https://192.168.1.10{marker}",
        "link-local metadata service": "https://169.254.169.254/latest/meta-data/",
        "shared address space": f"https://100.64.0.1{marker}",
        "file scheme": "file:///etc/passwd",
        "ftp scheme": f"ftp://127.0.0.1:{port}{marker}",
        "gopher scheme": f"gopher://127.0.0.1:{port}/_{marker}",
        "host not on the CDN list": f"https://internal.example.org{marker}",
        "CDN suffix lookalike": f"https://zdn.vn.attacker.example{marker}",
        "credentials in URL": f"https://user:pw@zdn.vn{marker}",
        "redirect to a loopback name": f"{loop_cdn}/redirect?to=http://localhost:{port}{marker}",
        "redirect to another loopback address": f"{loop_cdn}/redirect?to=https://127.0.0.2:{port}{marker}",
        "redirect to a private address": f"{loop_cdn}/redirect?to=https://10.0.0.1{marker}",
        "redirect to file://": f"{loop_cdn}/redirect?to=file:///etc/passwd",
        "redirect to the metadata service": f"{loop_cdn}/redirect?to=https://169.254.169.254/latest/",
    }


@pytest.mark.parametrize("case", list(_cases(1)))
async def test_an_event_naming_an_internal_address_is_refused(server, target, case):
    base = server["base"]
    url = _cases(target.port)[case]
    marker = url.split("/internal/")[-1] if "/internal/" in url else "latest/meta-data"
    async with aiohttp.ClientSession() as http:
        before = await kit.counter(http, base, "motcua_media_refused_total", channel="zalo")
        user = await _send_image(http, base, url)
        await wait_for(
            lambda: _refused_more_than(http, base, before), timeout=20, every=0.2
        )  # the fetch rules refused it
        await wait_for(lambda: target.texts_to(user), timeout=20, every=0.2)  # the citizen was answered
    assert not target.internal_hits(marker), target.hits[-5:]


async def _refused_more_than(http, base: str, before: float) -> bool:
    return await kit.counter(http, base, "motcua_media_refused_total", channel="zalo") > before


async def test_a_photo_on_the_allowed_cdn_is_fetched(server, target):
    async with aiohttp.ClientSession() as http:
        before = await kit.counter(http, server["base"], "motcua_media_refused_total", channel="zalo")
        await _send_image(http, server["base"], f"{target.base}/photo.png?n={uuid.uuid4().hex}")
        await wait_for(lambda: [h for h in target.hits if h[1].startswith("/photo.png")], timeout=20)
        assert await kit.counter(http, server["base"], "motcua_media_refused_total", channel="zalo") == before
