"""End to end in real headless Chromium (Debian's package, driven by Playwright): a citizen files a
birth registration through /chat on a server started as `make run` starts it; the dossier row is
then read from the server's database."""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from citizen import photo

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/motcua.db", REDIS_URL="",
               MEDIA_DIR=str(tmp_path / "media"), VAR_DIR=str(tmp_path / "var"), LOG_LEVEL="WARNING")
    subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
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
    yield base, tmp_path / "motcua.db"
    proc.terminate()
    proc.wait(timeout=10)


async def test_citizen_files_a_birth_registration_in_the_browser(server, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed (make test installs it as root: apt-get install chromium)")
    from playwright.async_api import async_playwright, expect

    base, db_file = server
    paper = tmp_path / "giay_chung_sinh.jpg"
    paper.write_bytes(photo("paper", seed=21))
    card = tmp_path / "can_cuoc.jpg"
    card.write_bytes(photo("cccd_front", seed=22))

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"])
        try:
            page = await browser.new_page()
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
                                      ("05/03/2026", "Số điện thoại"),
                                      ("0912345678", "Thông tin đã đúng chưa?")):
                await page.fill("#text", text)
                await page.keyboard.press("Enter")
                await expect(thread).to_contain_text(next_prompt, timeout=20000)
            await page.get_by_role("button", name="1. Nộp hồ sơ").click()
            await expect(thread).to_contain_text("Mã hồ sơ của bạn", timeout=20000)
            receipt = page.locator("#thread li.bot img").last
            await expect(receipt).to_be_visible(timeout=20000)
            assert await receipt.evaluate("img => img.complete && img.naturalWidth > 300")
            text = await thread.inner_text()
        finally:
            await browser.close()

    code = re.search(r"Mã hồ sơ của bạn: (DEMO-\d{6}-\d{4})", text).group(1)
    with sqlite3.connect(db_file) as conn:
        status, procedure, fields = conn.execute(
            "SELECT status, procedure, fields FROM dossier WHERE code = ?", (code,)).fetchone()
        n_docs = conn.execute("SELECT count(*) FROM dossier_document d JOIN dossier x ON x.id = d.dossier_id "
                              "WHERE x.code = ?", (code,)).fetchone()[0]
    assert (status, procedure, n_docs) == ("submitted", "khai_sinh", 2)
    assert '"child_name": "NGUYỄN MINH AN"' in fields or "NGUY\\u1ec4N MINH AN" in fields
