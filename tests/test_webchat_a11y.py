"""Accessibility of /chat in real headless Chromium: axe-core (vendored in tests/vendor, never
fetched) finds no serious or critical violation; only new messages are announced (the history is
not re-read on load); the photo control is a real button; tap targets are at least 44 px."""

from __future__ import annotations

import pytest
from support import axe_violations, chromium, served

pytestmark = pytest.mark.browser


async def test_chat_has_no_serious_axe_violation_and_announces_only_new_messages(tmp_path):
    from playwright.async_api import expect

    with served(tmp_path) as base:
        async with chromium() as browser:
            for viewport in ({"width": 390, "height": 844}, {"width": 1280, "height": 900}):
                page = await browser.new_page(viewport=viewport)
                await page.goto(base + "/chat")
                await expect(page.locator("#thread li.bot").last).to_contain_text(
                    "1. Có em bé", timeout=20000
                )
                assert await axe_violations(page) == [], viewport

                # Only one polite live region besides the status line: the thread itself is silent.
                assert await page.locator("#thread").get_attribute("aria-live") is None
                assert await page.locator("[aria-live], [role=log]").count() == 1

                # The photo control is a button reachable with Tab, with a name.
                button = page.get_by_role("button", name="Gửi ảnh")
                await expect(button).to_have_count(1)
                assert await button.evaluate("b => b.tagName === 'BUTTON' && b.tabIndex === 0")

                # Tap targets: every button and the text field are at least 44 px high and wide.
                small = await page.evaluate(
                    """() => [...document.querySelectorAll('button, input:not([type=file])')]
                      .filter(e => e.offsetParent !== null)
                      .map(e => [e.textContent.trim() || e.id, e.getBoundingClientRect()])
                      .filter(([, r]) => r.height < 44 || r.width < 44).map(([n]) => n)"""
                )
                assert small == []
                await page.close()

            # A reload draws the history without announcing it; a new reply is announced.
            page = await browser.new_page()
            await page.goto(base + "/chat")
            await expect(page.locator("#thread li.bot").last).to_contain_text("1. Có em bé", timeout=20000)
            await page.reload()
            await expect(page.locator("#thread li.bot").last).to_contain_text("1. Có em bé", timeout=20000)
            await page.wait_for_timeout(500)
            announce = page.locator("#announce")
            await expect(announce).to_have_text("")
            await page.get_by_role("button", name="1. Có em bé").click()
            await expect(announce).to_contain_text("trọn gói", timeout=20000)
            assert "Xin chào" not in await announce.inner_text()

            # axe again on a longer thread, after a turn.
            assert await axe_violations(page) == []
