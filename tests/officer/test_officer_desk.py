"""The console as an officer's desk: only the actions the status allows (refusing needs a
confirmation), Vietnamese audit lines and ID checks, internal notes that never reach the
citizen, canned replies filled for the dossier, bulk accept of supplemented dossiers, and the
printed dossier sheet and receipt (Mẫu 01) read back with pypdfium2."""

from __future__ import annotations

import io
import re

import pypdfium2
from officer_kit import api_token, bearer, console_login, seed_dossier
from PIL import Image
from sqlalchemy import select, update

from core.db import Dossier, MessageLog, Outbox
from core.db.models import utcnow


def _forms(page: str) -> set[str]:
    return set(re.findall(r'action="/officer/dossiers/[^/"]+/([a-z-]+)"', page))


async def test_only_the_actions_the_status_allows_and_refusing_is_confirmed(client, rt):
    code = await seed_dossier(rt, status="accepted")
    csrf = await console_login(client, "lan")
    page = await (await client.get(f"/officer/dossiers/{code}")).text()
    forms = _forms(page)
    assert {"result-ready", "late", "message", "note"} <= forms
    assert not forms & {"accept", "reject", "supplement", "complete"}
    fresh = await seed_dossier(rt)
    page = await (await client.get(f"/officer/dossiers/{fresh}")).text()  # opening starts the review
    assert {"accept", "reject", "supplement", "late"} <= _forms(page)
    assert not _forms(page) & {"result-ready", "complete"}
    assert 'id="reject-confirm"' in page and "data-confirm=" in page
    r = await client.post(
        f"/officer/dossiers/{fresh}/reject",
        data={"csrf": csrf, "reason": "Thiếu giấy"},
        allow_redirects=False,
    )
    assert "err=confirm_reject" in r.headers["Location"]
    page = await (await client.get(r.headers["Location"])).text()
    assert "Hãy đánh dấu ô xác nhận" in page and re.search(r'id="status">Đang xem xét<', page)
    r = await client.post(
        f"/officer/dossiers/{fresh}/reject",
        data={"csrf": csrf, "reason": "Thiếu giấy", "confirm": "1"},
        allow_redirects=False,
    )
    assert "ok=reject" in r.headers["Location"]


async def test_names_dates_and_audit_lines_in_vietnamese(client, rt):
    code = await seed_dossier(rt)
    h = bearer(await api_token(client, "lan"))
    assert (await client.post(f"/api/v1/dossiers/{code}/accept", headers=h)).status == 200
    await console_login(client, "lan")
    queue = await (await client.get("/officer")).text()
    assert re.search(rf'{code}</a></td>\s*<td class="applicant">TRẦN THỊ B', queue)
    page = await (await client.get(f"/officer/dossiers/{code}")).text()
    assert '<span id="applicant">TRẦN THỊ B' in page
    start = page.index('id="h-audit"')
    audit = page[start : page.index("</table>", start)]
    assert "Tiếp nhận hồ sơ (Mẫu 01), hẹn trả kết quả ngày " in audit
    assert "Phân công cho cán bộ lan." in audit and "Người dân nộp hồ sơ, mã " + code in audit
    assert not re.search(r"\d{4}-\d{2}-\d{2}", audit)
    assert "due_date" not in audit and "officer_message" not in audit
    # ID checks as sentences; a card that has not expired is no warning
    async with rt.db.session() as s, s.begin():
        d = (await s.execute(select(Dossier).where(Dossier.code == code))).scalar_one()
        from core.db import DossierDocument

        doc = (
            await s.execute(select(DossierDocument).where(DossierDocument.dossier_id == d.id))
        ).scalar_one()
        doc.reading = {**doc.reading, "checks": {"qr": "ok", "expired": False, "mrz": {"id_number": False}}}
    page = await (await client.get(f"/officer/dossiers/{code}")).text()
    assert "expired" not in page and "Vùng MRZ: số kiểm tra không khớp ở Số định danh cá nhân." in page
    assert "Họ và tên: độ tin cậy thấp (42%)." in page


async def test_an_internal_note_never_reaches_the_citizen(client, rt):
    code = await seed_dossier(rt)
    csrf = await console_login(client, "lan")
    secret = "Ghi chú nội bộ: gọi điện xác minh với UBND xã cũ"
    r = await client.post(
        f"/officer/dossiers/{code}/note", data={"csrf": csrf, "text": secret}, allow_redirects=False
    )
    assert "ok=note" in r.headers["Location"]
    page = await (await client.get(f"/officer/dossiers/{code}")).text()
    notes = page[page.index('id="notes"') : page.index('id="note-form"')]
    assert secret in notes
    h = bearer(await api_token(client, "lan"))
    thread = (await (await client.get(f"/api/v1/dossiers/{code}/messages", headers=h)).json())["messages"]
    assert all(secret not in m["text"] for m in thread)
    async with rt.db.session() as s:
        texts = (await s.execute(select(MessageLog.text))).scalars().all()
        payloads = (await s.execute(select(Outbox.payload))).scalars().all()
    assert all(secret not in (t or "") for t in texts) and all(secret not in str(p) for p in payloads)
    listed = (await (await client.get(f"/api/v1/dossiers/{code}/notes", headers=h)).json())["notes"]
    assert [n["text"] for n in listed] == [secret]
    r = await client.post(f"/api/v1/dossiers/{code}/notes", headers=h, json={"text": "Thêm qua API"})
    assert r.status == 201
    hm = bearer(await api_token(client, "minh"))
    assert (await client.post(f"/api/v1/dossiers/{code}/notes", headers=hm, json={"text": "x"})).status == 403
    hk = bearer(await api_token(client, "khac"))
    assert (await client.get(f"/api/v1/dossiers/{code}/notes", headers=hk)).status == 404


async def test_canned_replies_are_filled_for_the_dossier(client, rt):
    code = await seed_dossier(rt, status="accepted")
    await console_login(client, "lan")
    page = await (await client.get(f"/officer/dossiers/{code}")).text()
    options = re.findall(r'<option value="([a-z_]+)" data-text="([^"]*)">', page)
    texts = dict(options)
    assert code in texts["due"] and re.search(r"\d{2}/\d{2}/\d{4}", texts["due"])
    assert "TRẦN THỊ B" in texts["greet"] and "lan" in texts["greet"] and "{" not in "".join(texts.values())


async def test_bulk_accept_of_supplemented_dossiers(client, rt):
    codes = [await seed_dossier(rt) for _ in range(2)]
    late = await seed_dossier(rt, status="rejected")
    async with rt.db.session() as s, s.begin():
        await s.execute(
            update(Dossier).where(Dossier.code.in_(codes + [late])).values(supplemented_at=utcnow())
        )
    csrf = await console_login(client, "lan")
    queue = await (await client.get("/officer")).text()
    assert all(f'id="pick-{c}"' in queue for c in codes) and f'id="pick-{late}"' not in queue
    assert queue.count('class="marker supplemented">Đã bổ sung ') >= 2
    r = await client.post(
        "/officer/bulk-accept",
        data=[("csrf", csrf)] + [("code", c) for c in codes + [late]],
        allow_redirects=False,
    )
    assert r.status == 303
    page = await (await client.get(r.headers["Location"])).text()
    assert "Thành công: 2; không tiếp nhận được: 1." in page
    async with rt.db.session() as s:
        statuses = (
            await s.execute(select(Dossier.code, Dossier.status).where(Dossier.code.in_(codes)))
        ).all()
    assert {st for _, st in statuses} == {"accepted"}


async def test_dossier_sheet_and_receipt_as_pdf(client, rt, backend_settings):
    rel = "web/cccd-test.jpg"
    path = backend_settings.media_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (640, 400), (40, 120, 200)).save(path, "JPEG")
    code = await seed_dossier(rt, photo_path=rel)
    await console_login(client, "lan")
    assert (await client.get(f"/officer/dossiers/{code}/print/receipt.pdf")).status == 404  # not accepted yet
    r = await client.get(f"/officer/dossiers/{code}/print/sheet.pdf")
    assert r.status == 200 and r.content_type == "application/pdf"
    pdf = pypdfium2.PdfDocument(io.BytesIO(await r.read()))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "PHIẾU THÔNG TIN HỒ SƠ" in text and code in text and "TRẦN THỊ B" in text
    assert "Tên của trẻ" in text or "NGUYỄN MINH AN" in text
    images = [
        o for i in range(len(pdf)) for o in pdf[i].get_objects() if o.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE
    ]
    assert images, "the document's photo is in the sheet"
    h = bearer(await api_token(client, "lan"))
    await client.post(f"/api/v1/dossiers/{code}/accept", headers=h)
    r = await client.get(f"/officer/dossiers/{code}/print/receipt.pdf")
    pdf = pypdfium2.PdfDocument(io.BytesIO(await r.read()))
    text = pdf[0].get_textpage().get_text_range()
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and "Mẫu số 01" in text and code in text
    assert re.search(r"Thời gian trả kết quả giải quyết hồ sơ: ngày \d{2}/\d{2}/\d{4}", text)
    await client.post("/officer/logout", data={"csrf": ""})
    await console_login(client, "khac")
    assert (await client.get(f"/officer/dossiers/{code}/print/sheet.pdf")).status == 404


async def test_a_photo_from_the_chat_attached_to_a_document(client, rt, backend_settings):
    import uuid

    rel = "web/chat-photo.jpg"
    path = backend_settings.media_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (320, 200), (10, 200, 90)).save(path, "JPEG")
    code = await seed_dossier(rt)
    async with rt.db.session() as s, s.begin():
        d = (await s.execute(select(Dossier).where(Dossier.code == code))).scalar_one()
        msg = MessageLog(
            conversation_id=d.conversation_id,
            direction="in",
            author="citizen",
            channel="web",
            external_id=uuid.uuid4().hex,
            kind="image",
            attachments=[{"type": "image", "path": rel, "content_type": "image/jpeg"}],
        )
        s.add(msg)
        await s.flush()
        mid = msg.id
    csrf = await console_login(client, "lan")
    page = await (await client.get(f"/officer/dossiers/{code}")).text()
    assert f'id="attach-{mid}-0"' in page
    r = await client.post(
        f"/officer/dossiers/{code}/attach",
        data={"csrf": csrf, "message": str(mid), "index": "0", "document": "giay_chung_sinh"},
        allow_redirects=False,
    )
    assert "ok=attach" in r.headers["Location"], r.headers["Location"]
    h = bearer(await api_token(client, "lan"))
    detail = await (await client.get(f"/api/v1/dossiers/{code}", headers=h)).json()
    attached = [doc for doc in detail["documents"] if doc["document"] == "giay_chung_sinh"]
    assert len(attached) == 1 and (await client.get(attached[0]["url"])).status == 200
    assert any(
        "Đính kèm ảnh người dân gửi trong trò chuyện vào “Giấy chứng sinh" in e["text"]
        for e in detail["audit"]
    )
    # a message of another thread, or a document of another procedure, is refused
    for data in (
        {"message": "1", "index": "0", "document": "giay_chung_sinh"},
        {"message": str(mid), "index": "0", "document": "nope"},
    ):
        r = await client.post(
            f"/officer/dossiers/{code}/attach", data={"csrf": csrf, **data}, allow_redirects=False
        )
        assert "err=" in r.headers["Location"]
