"""The officer's walk of 2026-12-07 in headless Chromium (docs/officer_walkthrough.md): a citizen
files through /chat; an officer on a phone (390x844) and on a laptop (1366x768) opens the queue,
the dossier and the inbox without the page scrolling sideways, reads the ID card's checks without
the reader's diagnostics, asks the citizen a question in the thread, and finds the answer waiting
in the inbox; every console page passes axe-core (serious and critical)."""

from __future__ import annotations

import re

import pytest
from support import axe_violations, chromium, file_birth_registration_in_browser, served

PASSWORD = "mat-khau-trinh-duyet-2"
pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def server(tmp_path):
    with served(tmp_path, officers=(("lan", "DEMO", "officer", PASSWORD),)) as base:
        yield base


async def _login(browser, base: str, viewport: dict):
    from playwright.async_api import expect

    page = await (await browser.new_context(viewport=viewport)).new_page()
    await page.goto(base + "/officer/login")
    await page.get_by_label("Tên đăng nhập").fill("lan")
    await page.get_by_label("Mật khẩu").fill(PASSWORD)
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Hồ sơ của DEMO")).to_be_visible(timeout=10000)
    return page


async def _fits(page) -> None:
    width = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width}"
    assert await axe_violations(page) == [], page.url


async def test_an_officer_on_a_phone_asks_and_finds_the_answer_in_the_inbox(server, tmp_path):
    from playwright.async_api import expect

    base = server
    async with chromium() as browser:
        citizen = await (await browser.new_context(viewport=PHONE)).new_page()
        code = await file_birth_registration_in_browser(citizen, base, tmp_path)

        officer = await _login(browser, base, PHONE)
        await _fits(officer)
        await officer.get_by_role("link", name=code).click()
        await expect(officer.get_by_role("heading", name=re.compile(f"Hồ sơ {code}"))).to_be_visible()
        await expect(officer.locator("article.doc")).to_have_count(2)
        await expect(officer.locator("article.doc").first).to_contain_text("Nhận lúc ")
        await _fits(officer)
        # how the card's side was recognised is not shown as a failed check
        assert "type_" not in await officer.locator("main").inner_text()
        await officer.screenshot(path=str(tmp_path / "dossier-phone.png"), full_page=True)

        await officer.get_by_label("Trả lời người dân").fill("Bé sinh ở bệnh viện nào ạ?")
        await officer.get_by_role("button", name="Gửi tin nhắn").click()
        await expect(officer.locator(".flash")).to_contain_text("Đã gửi tin nhắn")
        thread = citizen.locator("#thread")
        await expect(thread).to_contain_text("Bé sinh ở bệnh viện nào ạ?", timeout=20000)
        await citizen.fill("#text", "Dạ bệnh viện Phụ sản thành phố ạ")
        await citizen.keyboard.press("Enter")
        await expect(officer.locator("#thread")).to_contain_text("Phụ sản thành phố", timeout=15000)

        await officer.get_by_role("link", name=re.compile("Hộp thư")).click()
        row = officer.locator("#inbox tbody tr", has_text=code)
        await expect(row).to_contain_text("Trả lời tin nhắn của cán bộ")
        await _fits(officer)
        await officer.screenshot(path=str(tmp_path / "inbox-phone.png"), full_page=True)

        laptop = await _login(browser, base, LAPTOP)
        await _fits(laptop)
        await laptop.goto(f"{base}/officer/dossiers/{code}")
        await _fits(laptop)
        await laptop.goto(f"{base}/officer/search?q={code}")
        await _fits(laptop)
