"""End to end in headless Chromium (Debian's package, driven by Playwright): a citizen files a birth
registration through /chat; an officer logs in to the console, asks for two documents in one
notice; the citizen sends them; the dossier page shows the new messages without a reload; the
officer accepts and the citizen's own thread holds the receipt (Mẫu 01)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from citizen import photo

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "mat-khau-trinh-duyet-1"
pytestmark = pytest.mark.browser
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/motcua.db", REDIS_URL="",
               MEDIA_DIR=str(tmp_path / "media"), VAR_DIR=str(tmp_path / "var"), LOG_LEVEL="WARNING",
               PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "bot", "officer", "add", "--username", "lan", "--agency", "DEMO",
                    "--role", "officer"], cwd=ROOT, env=env, check=True, capture_output=True,
                   input=(PASSWORD + "\n").encode())
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                raise AssertionError((tmp_path / "server.log").read_text())
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


async def _file_birth_registration(page, base: str, tmp_path: Path) -> str:
    from playwright.async_api import expect

    paper = tmp_path / "giay_chung_sinh.jpg"
    paper.write_bytes(photo("paper", seed=21))
    card = tmp_path / "can_cuoc.jpg"
    card.write_bytes(photo("cccd_front", seed=22))
    await page.goto(base + "/chat")
    thread = page.locator("#thread")
    await expect(thread).to_contain_text("1. Có em bé", timeout=20000)
    await page.get_by_role("button", name="1. Có em bé").click()
    await expect(thread).to_contain_text("trọn gói", timeout=20000)
    await page.get_by_role("button", name="2. Khai sinh", exact=True).click()
    await expect(thread).to_contain_text("Bạn đồng ý không?", timeout=20000)
    await page.get_by_role("button", name="1. Đồng ý").click()
    await expect(thread).to_contain_text("Bạn là bố hoặc mẹ của bé", timeout=20000)
    await page.get_by_role("button", name="2. Tôi là bố/mẹ bé").click()
    await expect(thread).to_contain_text("Bước 1/2", timeout=20000)
    await page.set_input_files("#photo", str(paper))
    await expect(thread).to_contain_text("Bước 2/2", timeout=30000)
    await page.set_input_files("#photo", str(card))
    asked = page.locator("#thread li", has_text="Họ và tên dự kiến của bé")
    read = page.locator("#thread li", has_text="Mình đọc được trên thẻ")
    await expect(asked.or_(read)).to_be_visible(timeout=30000)
    if await read.count():
        await page.get_by_role("button", name="1. Đúng hết").click()
        await expect(asked).to_be_visible(timeout=20000)
    for text, next_prompt in (("Nguyễn Minh An", "bé trai hay bé gái"), ("1", "Bé sinh ngày nào"),
                              ("05/03/2026", "Số điện thoại"), ("0912345678", "Thông tin đã đúng chưa?")):
        await page.fill("#text", text)
        await page.keyboard.press("Enter")
        await expect(thread).to_contain_text(next_prompt, timeout=20000)
    await page.get_by_role("button", name="1. Nộp hồ sơ").click()
    await expect(thread).to_contain_text("Mã hồ sơ của bạn", timeout=20000)
    return re.search(r"Mã hồ sơ của bạn: (DEMO-\d{6}-\d{4})", await thread.inner_text()).group(1)


async def test_officer_asks_for_two_documents_then_accepts_in_the_browser(server, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed (make test installs it as root: apt-get install chromium)")
    from playwright.async_api import async_playwright, expect

    base = server
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            citizen = await (await browser.new_context()).new_page()
            code = await _file_birth_registration(citizen, base, tmp_path)

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
            assert await thumbs.first.evaluate("img => img.complete && img.naturalWidth > 100")

            form = officer.locator("#supplement")
            for box in await form.locator('input[type="checkbox"]').all():
                await box.uncheck()
            await form.get_by_label("Giấy chứng sinh", exact=False).first.check()
            await form.locator('input[name="reason:giay_chung_sinh"]').fill("Ảnh bị lóa, không đọc được tên người mẹ")
            await form.locator("#doc-van_ban_uy_quyen").check()
            await form.locator('input[name="reason:van_ban_uy_quyen"]').fill("Cần văn bản ủy quyền của người đi nộp")
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
            hostile = '<img src=x onerror=alert(1)><script>alert(2)</script> cảm ơn'
            await citizen.fill("#text", hostile)
            await citizen.keyboard.press("Enter")
            live = officer_thread.locator("li.citizen").last
            await expect(live).to_contain_text(hostile, timeout=15000)
            assert await officer_thread.locator("img[src='x'], script").count() == 0
            await officer.wait_for_timeout(300)
            assert dialogs == [] and errors == []
        finally:
            await browser.close()
