"""Scripted conversations through the real message path (embedded and production backends):
every procedure of the catalog, both life-event bundles, conditional documents, a misread ID
field corrected, a lack_document alternative, consent refused, resume after three days,
request_human and hand-back, "only once" reuse of a confirmed card, answers from the catalog."""

from __future__ import annotations

import datetime as dt

import pytest
from citizen import Citizen, file_procedure, photo, start_procedure
from sqlalchemy import select, update

from bot.runtime import Runtime
from core.db import AuditEvent, Conversation, Dossier, DossierDocument, MessageLog
from flows.catalog import load_catalog
from handlers.webchat import WebChannel
from services.conversations import hand_back

CATALOG = load_catalog()


@pytest.fixture
async def rt(backend_settings):
    runtime = Runtime(backend_settings)
    runtime.add_channel(WebChannel())
    await runtime.start(workers=2)
    yield runtime
    await runtime.stop()


async def dossier_of(rt, code):
    async with rt.db.session() as s:
        dossier = (await s.execute(select(Dossier).where(Dossier.code == code))).scalar_one()
        docs = (
            (
                await s.execute(
                    select(DossierDocument)
                    .where(DossierDocument.dossier_id == dossier.id)
                    .order_by(DossierDocument.id)
                )
            )
            .scalars()
            .all()
        )
    return dossier, docs


@pytest.mark.parametrize("key", sorted(CATALOG))
async def test_every_procedure_can_be_filed(rt, key):
    citizen = Citizen(rt)
    code, replies = await file_procedure(citizen, key)
    dossier, docs = await dossier_of(rt, code)
    proc = CATALOG[key]
    assert dossier.status == "submitted" and dossier.procedure == key
    expected = [d.key for d in proc.documents if d.photo != "none" and not d.condition]
    assert [d.doc_key for d in docs] == expected
    assert set(dossier.fields) == {f.key for f in proc.fields}
    assert dossier.due_date >= dt.date.today()
    final = replies[-1]
    assert proc.short_name in final and "Ngày hẹn trả kết quả" in final
    # the receipt also went out as an image with the code
    async with rt.db.session() as s:
        images = (
            (
                await s.execute(
                    select(MessageLog.attachments).where(
                        MessageLog.direction == "out", MessageLog.kind == "image"
                    )
                )
            )
            .scalars()
            .all()
        )
    assert any(a and a[0]["path"].startswith("receipts/") for a in images)


async def test_filing_for_someone_else_asks_for_the_authorisation(rt):
    code, _ = await file_procedure(Citizen(rt), "khai_sinh", on_behalf=True)
    _dossier, docs = await dossier_of(rt, code)
    assert [d.doc_key for d in docs] == ["giay_chung_sinh", "cccd_nguoi_khai", "van_ban_uy_quyen"]


async def test_life_event_offers_the_bundle_or_the_single_procedure(rt):
    c = Citizen(rt)
    await c.say("xin chào")
    offer = await c.say("vợ mình mới sinh em bé, cần làm giấy tờ gì để đăng ký cho bé")
    # a question about requirements is answered from the catalog, without starting a dossier
    assert "Giấy chứng sinh" in offer
    c2 = Citizen(rt)
    await c2.say("chào")
    offer = await c2.say("1")
    assert CATALOG["lien_thong_khai_sinh"].name in offer and CATALOG["khai_sinh"].name in offer
    assert "Bạn đồng ý không?" in await c2.say("1")
    c3 = Citizen(rt)
    await c3.say("chào")
    menu_number = next(i for i, line in enumerate((await c3.say("menu")).splitlines()) if "qua đời" in line)
    offer = await c3.say(str(menu_number))
    assert CATALOG["lien_thong_khai_tu"].name in offer


async def test_a_misread_id_field_is_corrected_by_the_citizen(rt):
    c = Citizen(rt)
    await start_procedure(c, "khai_sinh")
    await c.say("1")
    await c.say("2")
    await c.say(photo=photo("paper", seed=31))
    read = await c.say(photo=photo("cccd_front", seed=32))
    assert "Mình đọc được trên thẻ" in read, read
    fix_number = next(line.split(".")[0] for line in read.splitlines() if line.endswith("Sửa họ và tên"))
    assert "Bạn nhập họ và tên đúng" in await c.say(fix_number)
    assert "chỉ gồm chữ cái" in await c.say("Ng0yễn Văn")
    again = await c.say("Phạm Thị Hồng Nhung")
    assert "Họ và tên: PHẠM THỊ HỒNG NHUNG" in again
    assert "Họ và tên dự kiến của bé" in await c.say("1")
    async with rt.db.session() as s:
        doc = (
            await s.execute(select(DossierDocument).where(DossierDocument.doc_key == "cccd_nguoi_khai"))
        ).scalar_one()
        corrected = (
            await s.execute(select(AuditEvent).where(AuditEvent.action == "id_field_corrected"))
        ).scalar_one()
    assert doc.confirmed["full_name"] == "PHẠM THỊ HỒNG NHUNG"
    assert doc.reading["fields"]["full_name"] != "PHẠM THỊ HỒNG NHUNG"  # what was read is kept too
    assert corrected.data["field"] == "full_name"


async def test_lack_document_offers_the_accepted_alternative(rt):
    c = Citizen(rt)
    await start_procedure(c, "khai_sinh")
    await c.say("1")
    await c.say("2")
    alternative = await c.say("bé sinh ở nhà nên mình không có giấy chứng sinh")
    assert "Không sao" in alternative and "người làm chứng" in alternative
    assert "Bước 2/2" in await c.say(photo=photo("paper", seed=41))
    async with rt.db.session() as s:
        keys = (await s.execute(select(DossierDocument.doc_key))).scalars().all()
    assert keys == ["giay_cam_doan_sinh"]


async def test_consent_refused_ends_politely_and_stores_nothing_personal(rt):
    c = Citizen(rt)
    await start_procedure(c, "ket_hon")
    refused = await c.say("không đồng ý")
    assert "nộp trực tiếp" in refused
    async with rt.db.session() as s:
        assert (await s.execute(select(Dossier))).first() is None
        audit = (await s.execute(select(AuditEvent.action))).scalars().all()
    assert audit == ["consent_refused"]


async def test_resume_after_three_days(rt):
    c = Citizen(rt)
    await start_procedure(c, "khai_sinh")
    await c.say("1")
    await c.say("2")
    await c.say(photo=photo("paper", seed=51))
    async with rt.db.session() as s, s.begin():
        await s.execute(
            update(Conversation)
            .where(Conversation.key == c.key)
            .values(last_inbound_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3))
        )
    welcome_back = await c.say("alo")
    assert "Chào mừng bạn quay lại" in welcome_back and "khai sinh" in welcome_back
    assert "Bước 2/2" in await c.say("1")  # continue where it was
    async with rt.db.session() as s, s.begin():
        await s.execute(
            update(Conversation)
            .where(Conversation.key == c.key)
            .values(last_inbound_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3))
        )
    await c.say("chào")
    assert "Bạn đồng ý không?" in await c.say("2")  # restart from the beginning


async def test_request_human_keeps_the_bot_quiet_until_handed_back(rt):
    c = Citizen(rt)
    await start_procedure(c, "khai_sinh")
    await c.say("1")
    await c.say("2")
    assert "chuyển tin nhắn của bạn tới cán bộ" in await c.say("cho mình gặp cán bộ")
    assert await c.say("giấy chứng sinh bị rách thì sao ạ") == ""  # logged, not answered
    async with rt.db.session() as s:
        logged = (
            (await s.execute(select(MessageLog.text).where(MessageLog.direction == "in"))).scalars().all()
        )
    assert "giấy chứng sinh bị rách thì sao ạ" in logged
    replies = await hand_back(rt, c.key)
    assert "tiếp tục" in replies[0].text and "Bước 1/2" in replies[1].text
    assert "Bước 2/2" in await c.say(photo=photo("paper", seed=61))


async def test_a_confirmed_id_card_is_offered_again_in_the_next_dossier(rt):
    c = Citizen(rt)
    await file_procedure(c, "khai_sinh")
    await start_procedure(c, "khai_sinh")
    await c.say("1")
    await c.say("2")
    offer = await c.say(photo=photo("paper", seed=71))
    assert "Dùng lại thẻ này" in offer
    assert "Họ và tên dự kiến" in await c.say("1")
    async with rt.db.session() as s:
        docs = (
            (
                await s.execute(
                    select(DossierDocument)
                    .where(DossierDocument.doc_key == "cccd_nguoi_khai")
                    .order_by(DossierDocument.id)
                )
            )
            .scalars()
            .all()
        )
    assert len(docs) == 2 and docs[1].file_path == docs[0].file_path and docs[1].quality.get("reused")


async def test_questions_are_answered_from_the_catalog_and_status_is_found(rt):
    c = Citizen(rt)
    fee = await c.say("lệ phí cấp đổi căn cước bao nhiêu vậy")
    assert CATALOG["can_cuoc"].fee in fee
    async with rt.db.session() as s:
        assert (await s.execute(select(Dossier))).first() is None  # no dossier started
    where = await c.say("đăng ký kết hôn thì nộp ở đâu, mấy giờ")
    assert CATALOG["ket_hon"].where in where
    code, _ = await file_procedure(c, "trich_luc_ho_tich")
    status = await c.say(f"kiểm tra hồ sơ {code.lower()}")
    assert code in status and "đã nộp" in status
    mine = await c.say("hồ sơ của tôi")
    assert code in mine
    assert "không tìm thấy" in await c.say("tra cứu hồ sơ DEMO-200101-9999")


async def test_a_withdrawn_dossier_reads_as_withdrawn_not_refused(rt):
    c = Citizen(rt)
    code, _ = await file_procedure(c, "trich_luc_ho_tich")
    assert code in await c.say("hủy")
    assert "Đã rút hồ sơ" in await c.say("1")
    async with rt.db.session() as s:
        dossier = (await s.execute(select(Dossier).where(Dossier.code == code))).scalar_one()
    assert dossier.status == "rejected"  # stored as refused, with a "withdrawn" audit line
    for asked in ("hồ sơ của tôi", f"kiểm tra hồ sơ {code}"):
        answer = await c.say(asked)
        assert code in answer and "đã rút" in answer and "từ chối" not in answer


async def test_a_paper_sent_for_the_id_card_is_asked_again_then_flagged(rt):
    c = Citizen(rt)
    await start_procedure(c, "khai_sinh")
    await c.say("1")
    await c.say("2")
    await c.say(photo=photo("paper", seed=81))
    for attempt in range(2):
        again = await c.say(photo=photo("paper", seed=82 + attempt))
        assert "không phải thẻ căn cước" in again
    accepted = await c.say(photo=photo("paper", seed=84))  # third time: taken, flagged for the officer
    # said plainly that no card was seen (eleventh walk), kept and flagged for the officer
    assert "chưa nhận ra thẻ căn cước" in accepted and "ghi chú" in accepted and "cán bộ" in accepted
    async with rt.db.session() as s:
        doc = (
            await s.execute(select(DossierDocument).where(DossierDocument.doc_key == "cccd_nguoi_khai"))
        ).scalar_one()
    assert doc.quality["accepted_with_warning"] is True and doc.quality["retakes"] == 2
    assert "not_id_card" in doc.quality["problems"]


async def test_small_talk_and_complaints(rt):
    c = Citizen(rt)
    assert "Không có gì" in await c.say("cảm ơn bạn nhiều nha")
    assert "tạm biệt" not in (bye := await c.say("bye nha")) and "chúc bạn" in bye
    complaint = await c.say("làm ăn kiểu gì mà chờ cả tuần không ai trả lời, bực mình quá")
    assert "chưa hài lòng" in complaint and "1. Gặp cán bộ" in complaint
    assert "chuyển tin nhắn của bạn tới cán bộ" in await c.say("1")
    async with rt.db.session() as s:
        actions = (await s.execute(select(AuditEvent.action).order_by(AuditEvent.id))).scalars().all()
    assert actions == ["complaint", "request_human"]
