"""The web chat in real headless Chromium at a phone (390×844) and a desktop (1280×900) viewport:
after every bot turn the newest message and its quick replies are in view above the composer;
a photo shows "Đang kiểm tra ảnh…" until its verdict; the dossier code stays pinned after the menu;
a text longer than the server keeps is announced as cut."""

from __future__ import annotations

import pytest
from citizen import photo
from support import BIRTH_FORM_ANSWERS, assert_newest_in_view, chromium, record_pending, served

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_the_newest_turn_stays_in_view_through_a_journey(tmp_path, viewport):
    from playwright.async_api import expect

    paper = tmp_path / "giay_chung_sinh.jpg"
    paper.write_bytes(photo("paper", seed=31))
    card = tmp_path / "can_cuoc.jpg"
    card.write_bytes(photo("cccd_front", seed=32))
    with served(tmp_path) as base:
        async with chromium() as browser:
            page = await browser.new_page(viewport=viewport)
            await record_pending(page)
            await page.goto(base + "/chat")
            thread = page.locator("#thread")
            await expect(thread).to_contain_text("1. Có em bé", timeout=20000)
            await assert_newest_in_view(page)
            for button, reply in (
                ("1. Có em bé", "trọn gói"),
                ("2. Khai sinh", "Bạn đồng ý không?"),
                ("1. Đồng ý", "Bạn là bố hoặc mẹ của bé"),
                ("2. Tôi là bố/mẹ bé", "Bước 1/2"),
            ):
                await page.get_by_role("button", name=button, exact=True).click()
                await expect(page.locator("#thread li.bot").last).to_contain_text(reply, timeout=20000)
                await assert_newest_in_view(page)

            await page.set_input_files("#photo", str(paper))
            await expect(thread).to_contain_text("Bước 2/2", timeout=30000)
            await assert_newest_in_view(page)
            assert "Đang kiểm tra ảnh…" in await page.evaluate("window.__pending")
            await expect(page.locator("#pending")).to_be_hidden()

            await page.set_input_files("#photo", str(card))
            asked = page.locator("#thread li.bot", has_text="Họ và tên dự kiến của bé")
            read = page.locator("#thread li.bot", has_text="Mình đọc được trên thẻ")
            await expect(asked.or_(read).last).to_be_visible(timeout=30000)
            await assert_newest_in_view(page)
            if await read.count():
                await page.get_by_role("button", name="1. Đúng hết").click()
                await expect(asked).to_be_visible(timeout=20000)
                await assert_newest_in_view(page)
            for text, next_prompt in BIRTH_FORM_ANSWERS:
                await page.fill("#text", text)
                await page.keyboard.press("Enter")
                await expect(page.locator("#thread li.bot").last).to_contain_text(next_prompt, timeout=20000)
                await assert_newest_in_view(page)

            await page.get_by_role("button", name="1. Nộp hồ sơ").click()
            await expect(thread).to_contain_text("Mã hồ sơ của bạn", timeout=20000)
            pinned = page.locator("#pinned")
            await expect(pinned).to_be_visible(timeout=20000)
            code = (await page.locator("#pinned-code").inner_text()).strip()
            assert code.startswith("DEMO-")
            await expect(thread).to_contain_text(code)
            await expect(pinned).to_be_in_viewport(ratio=1)
            await assert_newest_in_view(page, timeout=20000)

            # After a reload the code is still pinned and the newest turn still in view.
            await page.reload()
            await expect(page.locator("#pinned-code")).to_have_text(code, timeout=20000)
            await assert_newest_in_view(page)


async def test_a_text_longer_than_the_server_keeps_is_announced_as_cut(tmp_path):
    from playwright.async_api import expect

    from handlers.webchat import MAX_TEXT

    with served(tmp_path) as base:
        async with chromium() as browser:
            page = await browser.new_page(viewport=PHONE)
            await page.goto(base + "/chat")
            await expect(page.locator("#thread")).to_contain_text("1. Có em bé", timeout=20000)
            assert await page.locator("#text").get_attribute("maxlength") is None
            long_text = "Tôi muốn hỏi về thủ tục khai sinh cho con. " * 120  # > 5,000 characters
            assert len(long_text.strip()) > MAX_TEXT
            await page.fill("#text", long_text)
            status = page.locator("#status")
            await expect(status).to_contain_text("phần sau sẽ bị cắt")  # before it is sent
            await page.keyboard.press("Enter")
            await expect(status).to_contain_text("phần sau đã bị cắt", timeout=20000)
            await expect(status).to_contain_text(f"{MAX_TEXT:,}".replace(",", "."))
            mine = page.locator("#thread li.citizen").last
            await expect(mine).to_contain_text("Tôi muốn hỏi", timeout=20000)
            body = await mine.evaluate("li => li.childNodes[1].textContent")
            assert len(body) == MAX_TEXT
