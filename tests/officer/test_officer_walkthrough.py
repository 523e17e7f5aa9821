"""What the officer and analyst walkthrough of 2026-12-07 found (docs/officer_walkthrough.md),
each held by a test: an ID reading's diagnostics are not failed checks, a citizen's answer to an
officer's message reaches the inbox, the receipt lists a paper sent twice once, bulk accept with
nothing chosen says so, analytics times read in Vietnamese units."""

from __future__ import annotations

import io
import re
import uuid

import pypdfium2
from inbox_kit import citizen_writes
from officer_kit import api_token, bearer, console_login, seed_dossier
from sqlalchemy import select, update

from core.db import AuditEvent, Dossier, DossierDocument
from handlers.analytics_text import duration
from ocr import kind
from services.audit_lines import sentence
from services.reading_notes import reading_notes


def test_how_the_card_was_recognised_is_not_a_failed_check():
    # the checks the card reader really writes when it decides the side (phrases seen, scores,
    # margin): the officer saw them as "Kiểm tra “type_by” chưa đạt: [...]"
    _type, _score, checks = kind.decide([[{"text": "CĂN CƯỚC CÔNG DÂN"}], [{"text": "Họ và tên"}]], True)
    assert {"type_by", "type_scores", "type_margin"} <= set(checks)
    reading = {"type": "cccd_front", "fields": {}, "confidence": {}, "checks": checks | {"text_lines": 9}}
    assert reading_notes(reading, {}) == []
    # a check that really failed still speaks, in Vietnamese, without its key
    reading["checks"] |= {"qr": "unreadable", "found_by_shape": ["full_name"]}
    notes = reading_notes(reading, {})
    assert notes[0] == "Không đọc được mã QR trên thẻ."
    assert "Họ và tên" in notes[1] and "found_by_shape" not in notes[1]
    assert not any(re.search(r"type_|text_lines|[{\[]", n) for n in notes), notes


def test_a_corrected_year_and_an_unknown_check_read_as_vietnamese_sentences():
    checks = {"year_corrected": {"date_of_birth": "29/08/2901"}, "new_check": {"a": [1]}, "other_new": False}
    notes = reading_notes({"type": "cccd_front", "fields": {}, "checks": checks}, {})
    assert notes[0].startswith("Ngày sinh: năm đọc được không hợp lý") and "29/08/2901" in notes[0]
    assert notes[1:] == [
        "Bộ đọc ảnh còn một kiểm tra khác chưa đạt; nên đối chiếu kỹ các thông tin với ảnh gốc."
    ]
    assert not any(re.search(r"year_corrected|new_check|other_new|[{\[]", n) for n in notes), notes


def test_a_value_said_or_kept_is_not_said_to_be_read_on_a_paper():
    label = {"field": "relation", "label": "Quan hệ với người mất"}
    said = sentence("paper_field_confirmed", label | {"said": "mẹ"}, {})
    assert (
        said
        == "Người dân xác nhận “Quan hệ với người mất” do trợ lý điền sẵn theo lời người dân (làm cho mẹ)."
    )
    own = sentence("paper_field_corrected", label | {"self": "con"}, {})
    assert "người dân là con" in own and "đọc được" not in own
    kept = sentence("paper_field_confirmed", label | {"kept": "khai sinh"}, {})
    assert "hồ sơ khai sinh bỏ dở" in kept and "đọc được" not in kept
    read = sentence("paper_field_confirmed", label | {"paper": "Giấy báo tử"}, {})
    assert read == "Người dân xác nhận “Quan hệ với người mất” mà trợ lý đọc được trên Giấy báo tử."


async def test_a_name_typed_without_marks_is_said_in_the_log_and_next_to_the_field(client, rt):
    code = await seed_dossier(rt)
    async with rt.db.session() as s, s.begin():
        d = (await s.execute(select(Dossier).where(Dossier.code == code))).scalar_one()
        data = {"field": "child_name", "label": "Họ tên của bé"}
        s.add(AuditEvent(actor="bot", action="name_without_marks", dossier_id=d.id, data=data))
    await console_login(client, "lan")
    page = await (await client.get(f"/officer/dossiers/{code}")).text()
    assert "Người dân gõ “Họ tên của bé” không dấu; cán bộ cần đối chiếu" in page
    assert "Sự kiện khác của hệ thống" not in page
    row = re.search(r"<tr><th scope=\"row\">[^<]*</th><td>NGUYỄN MINH AN.*?</tr>", page, re.S)
    assert row and "Gõ không dấu: cần đối chiếu" in row.group(0), page


def _inbox_row(page: str, conv: int) -> str | None:
    m = re.search(rf'<tr data-thread="{conv}">.*?</tr>', page, re.S)
    return m.group(0) if m else None


async def test_a_citizen_answering_the_officer_waits_in_the_inbox(client, rt):
    code = await seed_dossier(rt)
    async with rt.db.session() as s:
        conv = (await s.execute(select(Dossier.conversation_id).where(Dossier.code == code))).scalar_one()
    csrf = await console_login(client, "lan")
    await client.get(f"/officer/dossiers/{code}")  # opened: the queue's "new messages" marker is gone
    r = await client.post(
        f"/officer/dossiers/{code}/message",
        data={"csrf": csrf, "text": "Bác cho cháu hỏi bé sinh ở bệnh viện nào ạ?"},
        allow_redirects=False,
    )
    assert r.status == 303
    assert _inbox_row(await (await client.get("/officer/inbox")).text(), conv) is None  # nothing to answer
    await citizen_writes(rt, conv, "Dạ bé sinh ở Bệnh viện Phụ sản thành phố ạ")
    page = await (await client.get("/officer/inbox")).text()
    row = _inbox_row(page, conv)
    assert row and "Trả lời tin nhắn của cán bộ" in row and code in row and "data-since=" in row, page
    assert "thời hạn trả lời 15 phút" in page
    summary = await (await client.get("/officer/inbox/summary")).json()
    assert summary["waiting"] >= 1
    h = bearer(await api_token(client, "lan"))
    items = (await (await client.get("/api/v1/inbox", headers=h)).json())["items"]
    assert [i["reason"] for i in items if i["id"] == conv] == ["answered"]
    # the officer answers: it leaves the inbox; a closed dossier is the "after closed" case instead
    await client.post(f"/officer/dossiers/{code}/message", data={"csrf": csrf, "text": "Cảm ơn bác."})
    assert _inbox_row(await (await client.get("/officer/inbox")).text(), conv) is None


async def test_an_empty_inbox_still_says_its_reply_deadline(client, rt):
    await console_login(client, "lan")
    page = await (await client.get("/officer/inbox")).text()
    assert "0 trò chuyện · thời hạn trả lời 15 phút" in page


async def test_the_receipt_lists_a_paper_sent_twice_once(client, rt):
    code = await seed_dossier(rt)
    async with rt.db.session() as s, s.begin():
        d = (await s.execute(select(Dossier).where(Dossier.code == code))).scalar_one()
        s.add(  # the same paper again, after a supplement request
            DossierDocument(
                dossier_id=d.id,
                doc_key="cccd_nguoi_khai",
                file_path="web/again.jpg",
                content_type="image/jpeg",
                size=10,
                sha256=uuid.uuid4().hex * 2,
                quality={"ok": True, "problems": []},
            )
        )
    await console_login(client, "lan")
    page = await (await client.get(f"/officer/dossiers/{code}")).text()
    assert page.count("Nhận lúc ") == 2 and page.count("đã có ảnh gửi sau") == 1
    h = bearer(await api_token(client, "lan"))
    detail = await (await client.get(f"/api/v1/dossiers/{code}", headers=h)).json()
    assert [doc["superseded"] for doc in detail["documents"]] == [True, False]
    await client.post(f"/api/v1/dossiers/{code}/accept", headers=h)
    r = await client.get(f"/officer/dossiers/{code}/print/receipt.pdf")
    text = pypdfium2.PdfDocument(io.BytesIO(await r.read()))[0].get_textpage().get_text_range()
    lines = re.findall(r"^\d+\. .*?: 01", text, re.M)
    assert len(lines) == 1 and "Thẻ căn cước" in lines[0], text


async def test_bulk_accept_is_offered_only_with_something_to_pick(client, rt):
    code = await seed_dossier(rt)
    csrf = await console_login(client, "lan")
    queue = await (await client.get("/officer")).text()
    assert 'id="bulk-accept"' not in queue  # no supplemented dossier: no button
    r = await client.post("/officer/bulk-accept", data={"csrf": csrf}, allow_redirects=False)
    page = await (await client.get(r.headers["Location"])).text()
    assert "Chưa chọn hồ sơ nào" in page and "Thành công: 0" not in page
    async with rt.db.session() as s, s.begin():
        await s.execute(
            update(Dossier).where(Dossier.code == code).values(supplemented_at=Dossier.submitted_at)
        )
    queue = await (await client.get("/officer")).text()
    assert 'id="bulk-accept"' in queue and f'id="pick-{code}"' in queue


def test_analytics_times_read_in_vietnamese_units():
    assert duration(115) == "115 giây"
    assert duration(156) == "2,6 phút"
    assert duration(3 * 3600) == "3 giờ"
    assert duration(5.5 * 86400) == "5,5 ngày"
    assert duration(None) == "—"


async def test_declared_and_read_dates_show_as_dd_mm_yyyy(client, rt):
    code = await seed_dossier(rt)
    async with rt.db.session() as s, s.begin():
        d = (await s.execute(select(Dossier).where(Dossier.code == code))).scalar_one()
        d.fields = {"child_name": "NGUYỄN MINH AN", "child_birth_date": "2026-03-05", "phone": "0912345678"}
        doc = (
            await s.execute(select(DossierDocument).where(DossierDocument.dossier_id == d.id))
        ).scalar_one()
        doc.reading = doc.reading | {"fields": doc.reading["fields"] | {"date_of_birth": "1961-12-04"}}
        doc.confirmed = doc.confirmed | {"date_of_birth": "1961-12-04"}
    await console_login(client, "lan")
    page = await (await client.get(f"/officer/dossiers/{code}")).text()
    assert "05/03/2026" in page and "2026-03-05" not in page
    assert page.count("04/12/1961") == 2 and "1961-12-04" not in page
    assert "0912345678" in page and "001099012345" in page  # numbers stay as they are
