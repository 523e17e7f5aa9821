"""The analytics dashboard in headless Chromium: a citizen files a can_cuoc through the web
chat's HTTP API (one file that is no photo on the way), an officer accepts it and reports the
result through the API, the citizen rates it 4; a supervisor opens the dashboard from the nav:
the four charts render, each with its table, and the numbers are the API's; on a phone's width
nothing scrolls sideways; the date range can be changed. The console (HTML, no browser) refuses
officers and the dashboard's page carries no inline script."""

from __future__ import annotations

import re

import aiohttp
import pytest
from officer_kit import api_token, bearer, console_login
from support import chromium, served, wait_for

from flows.catalog import load_life_events
from handlers.analytics_text import duration

PASSWORD = "mat-khau-thong-ke-123"
pytestmark = pytest.mark.browser


class WebCitizen:
    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.s, self.base, self.after = session, base, 0

    async def _wait(self, needle: str) -> str:
        async def found():
            async with self.s.get(f"{self.base}/webchat/api/messages?after={self.after}&wait=1") as r:
                messages = (await r.json())["messages"]
            for m in messages:
                self.after = max(self.after, m["id"])
                if m["author"] == "bot" and needle in (m.get("text") or ""):
                    return m["text"]
            return None

        return await wait_for(found, timeout=30)

    async def say(self, text: str, expect: str) -> str:
        async with self.s.post(f"{self.base}/webchat/api/messages", json={"text": text}) as r:
            assert r.status in (200, 202), await r.text()
        return await self._wait(expect)

    async def upload(self, data: bytes, expect: str) -> str:
        form = aiohttp.FormData()
        form.add_field("file", data, filename="giay.jpg", content_type="image/jpeg")
        async with self.s.post(f"{self.base}/webchat/api/upload", data=form) as r:
            assert r.status in (200, 202), await r.text()
        return await self._wait(expect)


async def _history(base: str) -> None:
    events = load_life_events()
    number, event = next((i, e) for i, e in enumerate(events, 1) if "can_cuoc" in (e.procedure, e.single))
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as s:
        await (await s.get(base + "/chat")).read()
        c = WebCitizen(s, base)
        await c.say("Xin chào", f"{number}. {event.title}")
        if event.single:
            await c.say(str(number), "")
            await c.say("1" if event.procedure == "can_cuoc" else "2", "Bạn đồng ý không?")
        else:
            await c.say(str(number), "Bạn đồng ý không?")
        await c.say("1", "Bước 1/1")
        await c.upload(b"this is not a photo", "không phải là ảnh")
        await c.say("Bỏ qua", "số căn cước 12 số")
        await c.say("001099012345", "Lý do")
        await c.say("1", "điện thoại")
        await c.say("0912 345 678", "tóm tắt")
        code = re.search(r"Mã hồ sơ của bạn: (\S+-\d{6}-\d{4})", await c.say("1", "Mã hồ sơ của bạn")).group(
            1
        )
        async with aiohttp.ClientSession() as api:
            r = await api.post(base + "/api/v1/auth/token", json={"username": "lan", "password": PASSWORD})
            h = bearer((await r.json())["access_token"])
            for path in ("accept", "result-ready"):
                r = await api.post(f"{base}/api/v1/dossiers/{code}/{path}", headers=h, json={})
                assert r.status == 200, await r.text()
        await c._wait("Anh/chị hài lòng thế nào")
        await c.say("4", "góp ý gì thêm")
        await c.say("Bỏ qua", "Cảm ơn anh/chị đã đánh giá")


@pytest.fixture
def server(tmp_path):
    officers = (("hoa", "DEMO", "supervisor", PASSWORD), ("lan", "DEMO", "officer", PASSWORD))
    with served(tmp_path, officers=officers) as base:
        yield base


async def test_dashboard_charts_match_the_api(server):
    from playwright.async_api import expect

    base = server
    await _history(base)
    async with aiohttp.ClientSession() as api:
        r = await api.post(base + "/api/v1/auth/token", json={"username": "hoa", "password": PASSWORD})
        h = bearer((await r.json())["access_token"])
        metrics = await (await api.get(base + "/api/v1/metrics", headers=h)).json()
    o = metrics["overall"]
    assert o["dossiers"]["submitted"] == 1 and o["csat"]["answers"] == 1

    async with chromium() as browser:
        page = await (await browser.new_context(viewport={"width": 390, "height": 844})).new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        await page.goto(base + "/officer/login")
        await page.get_by_label("Tên đăng nhập").fill("hoa")
        await page.get_by_label("Mật khẩu").fill(PASSWORD)
        await page.keyboard.press("Enter")
        await page.get_by_role("link", name="Thống kê").click()
        await expect(page.get_by_role("heading", name="Thống kê", exact=True)).to_be_visible()
        for chart, bars in (("funnel", 7), ("rejections", 1), ("times", 1), ("csat", 1)):
            svg = page.locator(f"svg#chart-{chart}")
            await expect(svg).to_be_visible()
            await expect(svg.locator("rect")).to_have_count(bars)
            box = await svg.bounding_box()
            assert box and box["width"] > 200 and box["height"] > 20, chart
            await expect(page.locator(f"#table-{chart} tbody tr")).to_have_count(bars)
        funnel = [int(t) for t in await page.locator("#table-funnel tbody td:nth-child(2)").all_inner_texts()]
        assert funnel == [s["count"] for s in o["funnel"]]
        bar_values = await page.locator("svg#chart-funnel text.value").all_text_contents()
        assert bar_values == [str(s["count"]) for s in o["funnel"]]
        rejected = await page.locator("#table-rejections tbody td").all_inner_texts()
        assert [int(x) for x in rejected] == list(o["photos"]["by_problem"].values())
        csat_row = await page.locator("#table-csat tbody td").all_inner_texts()
        day = metrics["csat_by_day"][0]
        assert csat_row[:2] == [str(day["answers"]), str(day["satisfied"])]
        times = await page.locator("#table-times tbody td").all_inner_texts()
        block = metrics["by_procedure"]["can_cuoc"]
        assert times == [duration(block["officer_first_response_s"]), duration(block["resolution_s"])]
        submitted = page.locator('.figure[data-key="dossiers_submitted"] dd')
        await expect(submitted).to_have_text(str(o["dossiers"]["submitted"]))
        # a phone's width: nothing scrolls sideways
        assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # another range: a day with nothing
        await page.locator("#since").fill("2020-01-01")
        await page.locator("#until").fill("2020-01-02")
        await page.get_by_role("button", name="Xem").click()
        await expect(page).to_have_url(re.compile(r"since=2020-01-01&until=2020-01-02"))
        await expect(page.locator('.figure[data-key="dossiers_submitted"] dd')).to_have_text("0")
        assert errors == []


async def test_dashboard_is_for_supervisors_and_analysts(client):
    await console_login(client, "lan")
    r = await client.get("/officer/analytics")
    assert r.status == 403
    assert "Thống kê" not in await (await client.get("/officer")).text()
    client.session.cookie_jar.clear()
    await console_login(client, "minh")
    page = await (await client.get("/officer/analytics?since=2026-99-01")).text()
    assert "Khoảng ngày không hợp lệ" in page and "<script>" not in page
    assert re.search(r"<script(?![^>]*\bsrc=)", page) is None  # no inline script (CSP)
    token = await api_token(client, "minh")
    assert (await client.get("/api/v1/metrics", headers=bearer(token))).status == 200
