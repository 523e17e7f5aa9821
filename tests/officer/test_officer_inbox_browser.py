"""The officer's desk in headless Chromium (Debian's package, driven by Playwright), against the
real server as `make run` starts it: the inbox with a citizen's hand-off request before any
dossier exists, its SLA timer moving, a canned reply inserted and sent, assignment visible in the
page and the API, search, an internal note that never reaches the citizen, a confirmed refusal,
and the dossier sheet downloaded as PDF and opened with pypdfium2."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import pypdfium2
import pytest
from inbox_kit import seed_thread
from officer_kit import seed_dossier
from PIL import Image
from support import chromium, served

PASSWORD = "mat-khau-hop-thu-12"
pytestmark = pytest.mark.browser


class _Rt:
    def __init__(self, db, settings=None) -> None:
        self.db = db


async def _seed(url: str, media: str) -> dict:
    from pathlib import Path

    from core.db import Database

    rel = "web/cccd-browser.jpg"
    path = Path(media) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (640, 400), (200, 80, 40)).save(path, "JPEG")
    db = Database(url)
    try:
        rt = _Rt(db)
        return {
            "thread": await seed_thread(rt, channel="web", name="Võ Thị Sáu"),
            "late": await seed_thread(rt, channel="web", name="Lý Văn Chờ", ago=dt.timedelta(minutes=20)),
            "code": await seed_dossier(rt, photo_path=rel),
            "other": await seed_dossier(rt),
        }
    finally:
        await db.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("inbox-browser")
    seeded: dict = {}
    with served(
        tmp,
        officers=(("lan", "DEMO", "officer", PASSWORD), ("khac", "OTHER", "officer", PASSWORD)),
        before_start=lambda url: seeded.update(asyncio.run(_seed(url, str(tmp / "media")))),
    ) as base:
        yield base, seeded
    log = (tmp / "server.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-4000:]


async def _login(page, base: str, username: str = "lan") -> None:
    await page.goto(base + "/officer/login")
    await page.get_by_label("Tên đăng nhập").fill(username)
    await page.get_by_label("Mật khẩu").fill(PASSWORD)
    await page.get_by_role("button", name="Đăng nhập").click()
    await page.wait_for_url(re.compile(r"/officer$"))


async def _token(page, base: str, username: str = "lan") -> dict[str, str]:
    r = await page.request.post(
        base + "/api/v1/auth/token", data={"username": username, "password": PASSWORD}
    )
    return {"Authorization": "Bearer " + (await r.json())["access_token"]}


async def test_inbox_hand_off_sla_timer_canned_reply_and_assignment(server):
    from playwright.async_api import expect

    base, seeded = server
    conv = seeded["thread"]
    async with chromium() as browser:
        page = await (await browser.new_context()).new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        await _login(page, base)
        await expect(page.locator("#nav-inbox-waiting")).to_have_text("2")  # two threads waiting
        await page.locator("#nav-inbox").click()
        row = page.locator(f'tr[data-thread="{conv}"]')
        await expect(row).to_contain_text("Võ Thị Sáu")
        await expect(row).to_contain_text("Yêu cầu gặp cán bộ")
        await expect(row.locator(".marker.unread")).to_have_text("2")
        timer = row.locator(".timer .elapsed")
        await expect(timer).to_have_text(re.compile(r"^\d+:\d\d$"))
        first = await timer.text_content()
        await expect(timer).not_to_have_text(first or "", timeout=5000)  # the clock moves
        # 3 minutes waited of a 15-minute SLA: not late yet; 20 minutes: late, and listed first
        assert "sla-breached" not in (await row.locator(".timer").get_attribute("class") or "")
        late = page.locator(f'tr[data-thread="{seeded["late"]}"]')
        await expect(late.locator(".timer")).to_have_class(re.compile(r"sla-breached"))
        await expect(page.locator("#inbox tbody tr").first).to_have_attribute(
            "data-thread", str(seeded["late"])
        )

        await row.get_by_role("link", name="Võ Thị Sáu").click()
        await expect(page.locator("#thread")).to_contain_text("Tôi cần hỏi về giấy khai sinh")
        await expect(page.locator("#reply-window")).to_contain_text("không giới hạn")
        await page.locator("#canned").select_option(label="Chào hỏi")
        box = page.locator("#reply-text")
        await expect(box).to_have_value(re.compile(r"^Chào Võ Thị Sáu, tôi là cán bộ lan"))
        await box.press("End")
        await box.type(" Chị cần hỏi gì ạ?")
        await page.get_by_role("button", name="Gửi tin nhắn").click()
        await expect(page.locator(".flash")).to_contain_text("Đã gửi tin nhắn")
        sent = page.locator("#thread li.officer").last
        await expect(sent).to_contain_text("Chị cần hỏi gì ạ?")
        await expect(page.locator("#assignee")).to_have_text("lan")
        api = await (await page.request.get(base + "/api/v1/inbox", headers=await _token(page, base))).json()
        item = next(i for i in api["items"] if i["id"] == conv)
        assert item["assignee"] == "lan" and item["unread"] == 0 and item["waiting_since"] is None
        assert not errors, errors


async def test_dossier_assignment_search_note_refusal_and_pdf(server, tmp_path):
    from playwright.async_api import expect

    base, seeded = server
    code = seeded["code"]
    async with chromium() as browser:
        context = await browser.new_context(accept_downloads=True)
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        await _login(page, base)
        # search, folded: no diacritics typed
        await page.get_by_label("Tìm hồ sơ, người dân").fill("tran thi b")
        await page.get_by_label("Tìm hồ sơ, người dân").press("Enter")
        await expect(page.locator("#search-dossiers")).to_contain_text(code)
        await page.locator("#search-dossiers").get_by_role("link", name=code).click()
        await expect(page.locator("#applicant")).to_contain_text("TRẦN THỊ B")
        await expect(page.locator("#assignee")).to_have_text("lan")
        h = await _token(page, base)
        detail = await (await page.request.get(f"{base}/api/v1/dossiers/{code}", headers=h)).json()
        assert detail["assignee"] == "lan"
        await page.goto(base + "/officer?mine=1")
        await expect(page.locator("#queue")).to_contain_text(code)
        await page.goto(f"{base}/officer/dossiers/{code}")

        secret = "Nội bộ: đã gọi xác minh với tổ dân phố"
        await page.get_by_label("Thêm ghi chú nội bộ").fill(secret)
        await page.get_by_role("button", name="Lưu ghi chú").click()
        await expect(page.locator("#notes")).to_contain_text(secret)
        await expect(page.locator("#thread")).not_to_contain_text(secret)
        thread = await (await page.request.get(f"{base}/api/v1/dossiers/{code}/messages", headers=h)).json()
        assert all(secret not in m["text"] for m in thread["messages"])

        async with page.expect_download() as info:
            await page.locator("#print-sheet").click()
        download = await info.value
        target = tmp_path / "sheet.pdf"
        await download.save_as(target)
        pdf = pypdfium2.PdfDocument(str(target))
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
        assert "PHIẾU THÔNG TIN HỒ SƠ" in text and code in text and secret not in text
        pdf.close()

        # refusing asks first: dismissed, nothing happens; confirmed, the dossier is refused
        await page.locator("#reject-reason").fill("Giấy tờ không đúng thủ tục")
        await page.locator("#reject-confirm").check()
        page.once("dialog", lambda d: asyncio.ensure_future(d.dismiss()))
        await page.locator("#reject").get_by_role("button", name="Từ chối").click()
        await expect(page.locator("#status")).to_have_text("Đang xem xét")
        page.once("dialog", lambda d: asyncio.ensure_future(d.accept()))
        await page.locator("#reject").get_by_role("button", name="Từ chối").click()
        await expect(page.locator("#status")).to_have_text("Đã từ chối")
        await expect(page.locator("#reject")).to_have_count(0)  # no refusing a refused dossier

        # the receipt (Mẫu 01) of an accepted dossier
        other = seeded["other"]
        r = await page.request.post(f"{base}/api/v1/dossiers/{other}/accept", headers=h)
        assert r.status == 200
        await page.goto(f"{base}/officer/dossiers/{other}")
        async with page.expect_download() as info:
            await page.locator("#print-receipt").click()
        target = tmp_path / "receipt.pdf"
        await (await info.value).save_as(target)
        pdf = pypdfium2.PdfDocument(str(target))
        text = pdf[0].get_textpage().get_text_range()
        assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and other in text and "Mẫu số 01" in text
        pdf.close()
        assert not errors, errors


async def test_another_agency_sees_neither_the_thread_nor_the_dossier(server):
    from playwright.async_api import expect

    base, seeded = server
    async with chromium() as browser:
        page = await (await browser.new_context()).new_page()
        await _login(page, base, "khac")
        await page.goto(base + "/officer/inbox")
        await expect(page.locator(f'tr[data-thread="{seeded["thread"]}"]')).to_have_count(0)
        await page.goto(base + "/officer/search?q=vo+thi+sau")
        await expect(page.locator("#search-conversations")).to_contain_text("Không tìm thấy")
        r = await page.goto(f"{base}/officer/inbox/{seeded['thread']}")
        assert r is not None and r.status == 404
