"""A khai sinh dossier filed in real headless Chromium with the keyboard alone: Tab to a quick reply
and Enter, typing and Enter in the composer, and the photos sent through the "Gửi ảnh" button
(Tab, Enter, then the file chooser). Focus stays in the composer after every turn."""

from __future__ import annotations

import asyncio
import re

import pytest
from citizen import photo
from support import BIRTH_FORM_ANSWERS, chromium, focused_id, record_pending, served, tab_to

pytestmark = pytest.mark.browser


async def choose(page, name: str) -> None:
    """Tab to the quick reply `name`, press Enter; focus comes back to the composer."""
    await tab_to(page, name)
    await page.keyboard.press("Enter")
    assert await focused_id(page) == "text"


async def type_and_send(page, text: str) -> None:
    assert await focused_id(page) == "text"
    await page.keyboard.type(text)
    await page.keyboard.press("Enter")
    assert await focused_id(page) == "text"


async def send_photo(page, choosers: asyncio.Queue, path) -> None:
    """Tab to "Gửi ảnh", Enter, and pick `path` in the file chooser it opens."""
    await tab_to(page, "📷 Gửi ảnh")
    assert await page.evaluate("() => document.activeElement.tagName") == "BUTTON"
    await page.keyboard.press("Enter")
    chooser = await asyncio.wait_for(choosers.get(), timeout=10)
    await chooser.set_files(str(path))


async def test_a_birth_registration_filed_with_the_keyboard_alone(tmp_path):
    from playwright.async_api import expect

    paper = tmp_path / "giay_chung_sinh.jpg"
    paper.write_bytes(photo("paper", seed=41))
    card = tmp_path / "can_cuoc.jpg"
    card.write_bytes(photo("cccd_front", seed=42))
    with served(tmp_path) as base:
        async with chromium() as browser:
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            await record_pending(page)
            # Listening from the start: Playwright intercepts the chooser before the first Enter.
            choosers: asyncio.Queue = asyncio.Queue()
            page.on("filechooser", choosers.put_nowait)
            await page.goto(base + "/chat")
            last = page.locator("#thread li.bot").last
            await expect(last).to_contain_text("1. Có em bé", timeout=20000)
            assert await focused_id(page) == "text"  # the composer has focus on arrival

            await choose(page, "1. Có em bé")
            await expect(last).to_contain_text("trọn gói", timeout=20000)
            await choose(page, "2. Khai sinh")
            await expect(last).to_contain_text("Bạn đồng ý không?", timeout=20000)
            await choose(page, "1. Đồng ý")
            await expect(last).to_contain_text("Bạn là bố hoặc mẹ của bé", timeout=20000)
            await choose(page, "2. Tôi là bố/mẹ bé")
            await expect(last).to_contain_text("Bước 1/2", timeout=20000)

            await send_photo(page, choosers, paper)
            await expect(last).to_contain_text("Bước 2/2", timeout=30000)
            assert "Đang kiểm tra ảnh…" in await page.evaluate("window.__pending")
            assert await focused_id(page) == "text"
            await send_photo(page, choosers, card)
            asked = page.locator("#thread li.bot", has_text="Họ và tên dự kiến của bé")
            read = page.locator("#thread li.bot", has_text="Mình đọc được trên thẻ")
            await expect(asked.or_(read).last).to_be_visible(timeout=30000)
            if await read.count():
                await choose(page, "1. Đúng hết")
                await expect(asked).to_be_visible(timeout=20000)

            for text, next_prompt in BIRTH_FORM_ANSWERS:
                await type_and_send(page, text)
                await expect(page.locator("#thread")).to_contain_text(next_prompt, timeout=20000)
            await choose(page, "1. Nộp hồ sơ")
            await expect(page.locator("#thread")).to_contain_text("Mã hồ sơ của bạn", timeout=20000)
            await expect(page.locator("#pinned-code")).to_have_text(
                re.compile(r"^DEMO-\d{6}-\d{4}$"), timeout=20000
            )
            # Every message carries its time.
            # (counted in one evaluation: the survey's first question may arrive meanwhile)
            untimed = await page.evaluate(
                "[...document.querySelectorAll('#thread li')].filter(li => !li.querySelector('time')).length"
            )
            assert untimed == 0
            stamps = page.locator("#thread li time")
            assert await stamps.first.get_attribute("datetime")
