"""End to end in headless Chromium (Debian's package, driven by Playwright): a citizen files a birth
registration through /chat; an officer logs in to the console, asks for two documents in one
notice; the citizen sends them; the dossier page shows the new messages without a reload; the
officer accepts and the citizen's own thread holds the receipt (Mẫu 01)."""

from __future__ import annotations

import re

import pytest
from citizen import photo
from support import chromium, file_birth_registration_in_browser, served

PASSWORD = "mat-khau-trinh-duyet-1"
pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path):
    with served(tmp_path, officers=(("lan", "DEMO", "officer", PASSWORD),)) as base:
        yield base


async def test_officer_asks_for_two_documents_then_accepts_in_the_browser(server, tmp_path):
    from playwright.async_api import expect

    base = server
    async with chromium() as browser:
        citizen = await (await browser.new_context()).new_page()
        code = await file_birth_registration_in_browser(citizen, base, tmp_path)

        officer = await (await browser.new_context()).new_page()
        errors: list[str] = []
        officer.on("pageerror", lambda e: errors.append(str(e)))
        await officer.goto(base + "/officer")
        await expect(officer).to_have_url(re.compile(r"/officer/login"))
        # keyboard only: the username field has focus
        await officer.keyboard.type("lan")
        await officer.keyboard.press("Tab")
        await officer.keyboard.type(PASSWORD)
        await officer.keyboard.press("Enter")
        await expect(officer.get_by_role("heading", name="Hồ sơ của DEMO")).to_be_visible(timeout=10000)
        await officer.get_by_role("link", name=code).click()
        await expect(officer.get_by_role("heading", name=f"Hồ sơ {code}")).to_be_visible()
        await expect(officer.locator("#status")).to_have_text("Đang xem xét")
        thumbs = officer.locator("img.thumb")
        await expect(thumbs).to_have_count(2)
        # the photo is served through its signed link and decodes (waits for the load, which
        # may finish after the element appears)
        await officer.wait_for_function(
            "() => { const i = document.querySelector('img.thumb'); return i && i.complete && i.naturalWidth > 100; }",
            timeout=10000,
        )

        form = officer.locator("#supplement")
        for box in await form.locator('input[type="checkbox"]').all():
            await box.uncheck()
        await form.get_by_label("Giấy chứng sinh", exact=False).first.check()
        await form.locator('input[name="reason:giay_chung_sinh"]').fill(
            "Ảnh bị lóa, không đọc được tên người mẹ"
        )
        await form.locator("#doc-van_ban_uy_quyen").check()
        await form.locator('input[name="reason:van_ban_uy_quyen"]').fill(
            "Cần văn bản ủy quyền của người đi nộp"
        )
        await form.get_by_label("Ghi chú chung").fill("Bạn gửi cả hai giấy tờ giúp mình nhé.")
        await form.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
        await expect(officer.locator(".flash")).to_contain_text("Đã gửi yêu cầu bổ sung")
        await expect(officer.locator("#status")).to_have_text("Chờ bổ sung")
        officer_thread = officer.locator("#thread")
        notice = officer_thread.locator("li.officer").last
        await expect(notice).to_contain_text("Cần văn bản ủy quyền của người đi nộp")
        await expect(notice.locator(".delivery")).to_have_text("Đã gửi", timeout=15000)

        # the citizen receives one notice naming both documents, and sends them
        cthread = citizen.locator("#thread")
        await expect(cthread).to_contain_text("Cần văn bản ủy quyền của người đi nộp", timeout=20000)
        one = citizen.locator("#thread li", has_text="Ảnh bị lóa, không đọc được tên người mẹ")
        await expect(one).to_have_count(1)
        await expect(one).to_contain_text("Cần văn bản ủy quyền của người đi nộp")
        for seed in (31, 32):
            f = tmp_path / f"bo_sung_{seed}.jpg"
            f.write_bytes(photo("paper", seed=seed))
            count = await cthread.locator("li").count()
            await citizen.set_input_files("#photo", str(f))
            await expect(cthread.locator("li")).not_to_have_count(count, timeout=30000)
        await expect(cthread).to_contain_text("Đã nhận đủ giấy tờ bổ sung", timeout=30000)

        # the open dossier page shows it without a reload
        await expect(officer_thread).to_contain_text("Đã nhận đủ giấy tờ bổ sung", timeout=15000)
        await expect(officer.locator("#status")).to_have_text("Mới nộp", timeout=15000)
        await officer.reload()
        await expect(officer.locator("img.thumb")).to_have_count(4)
        await officer.get_by_role("button", name="Tiếp nhận hồ sơ (gửi giấy hẹn Mẫu 01)").click()
        await expect(officer.locator(".flash")).to_contain_text("Đã tiếp nhận hồ sơ")
        await expect(officer.locator("#status")).to_have_text("Đã tiếp nhận")
        await officer.screenshot(path=str(tmp_path / "officer.png"), full_page=True)

        await expect(cthread).to_contain_text("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", timeout=20000)
        await expect(cthread).to_contain_text(code)

        # markup typed by a citizen reaches the open page as text (the live path, not a reload)
        dialogs: list[str] = []
        officer.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        hostile = "<img src=x onerror=alert(1)><script>alert(2)</script> cảm ơn"
        await citizen.fill("#text", hostile)
        await citizen.keyboard.press("Enter")
        live = officer_thread.locator("li.citizen").last
        await expect(live).to_contain_text(hostile, timeout=15000)
        assert await officer_thread.locator("img[src='x'], script").count() == 0
        await officer.wait_for_timeout(300)
        assert dialogs == [] and errors == []
