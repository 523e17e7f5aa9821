"""Officer actions on a filed dossier, through the real message path: the supplement request
reopens collection of exactly the documents asked for; accept, refuse, result, apology, free
reply; every action audited and written into the citizen's own thread."""

from __future__ import annotations

import datetime as dt

import pytest
from citizen import Citizen, file_procedure, photo
from sqlalchemy import select
from support import wait_for

from bot.runtime import Runtime
from core.db import AuditEvent, Dossier, DossierDocument, MessageLog, Officer
from handlers.webchat import WebChannel
from services import actions
from services.actions import ActionError
from services.officers import hash_password


@pytest.fixture
async def rt(backend_settings):
    runtime = Runtime(backend_settings)
    runtime.add_channel(WebChannel())
    await runtime.start(workers=2)
    async with runtime.db.session() as s, s.begin():
        s.add(
            Officer(
                username="can_bo_lan",
                password_hash=hash_password("mat-khau-thu-nghiem"),
                agency="DEMO",
                role="officer",
            )
        )
    yield runtime
    await runtime.stop()


async def officer_id(rt) -> int:
    async with rt.db.session() as s:
        return (await s.execute(select(Officer.id))).scalar_one()


async def status_of(rt, code) -> Dossier:
    async with rt.db.session() as s:
        return (await s.execute(select(Dossier).where(Dossier.code == code))).scalar_one()


async def new_replies(c: Citizen, count: int) -> list[str]:
    async def enough():
        return len(await c.outbound()) >= c.seen + count

    await wait_for(enough)
    replies = await c.outbound()
    new = replies[c.seen :]
    c.seen = len(replies)
    return new


async def test_supplement_request_collects_exactly_what_was_asked(rt):
    c = Citizen(rt)
    code, _ = await file_procedure(c, "khai_sinh")
    oid = await officer_id(rt)
    await actions.start_review(rt, code, oid)
    assert (await status_of(rt, code)).status == "in_review"
    await actions.request_supplement(
        rt,
        code,
        oid,
        [
            {"document": "giay_chung_sinh", "reason": "Ảnh bị mất góc dưới, không đọc được số"},
            {"document": "van_ban_uy_quyen", "reason": "Người đi khai không phải bố mẹ của bé"},
        ],
        note="Gửi trong tuần này giúp cán bộ",
    )
    notice, first_ask = await new_replies(c, 2)
    assert notice.startswith("PHIẾU YÊU CẦU BỔ SUNG")
    assert "1. Giấy chứng sinh của bé: Ảnh bị mất góc dưới" in notice
    assert "2. Văn bản ủy quyền" in notice and "Gửi trong tuần này" in notice
    assert "Bước 1/2" in first_ask
    assert (await status_of(rt, code)).status == "needs_supplement"
    assert "Bước 2/2" in await c.say(photo=photo("paper", seed=201))
    done = await c.say(photo=photo("paper", seed=202))
    assert "Đã nhận đủ giấy tờ bổ sung" in done and code in done
    dossier = await status_of(rt, code)
    assert dossier.status == "submitted" and dossier.supplemented_at is not None
    async with rt.db.session() as s:
        keys = (
            (
                await s.execute(
                    select(DossierDocument.doc_key)
                    .where(DossierDocument.dossier_id == dossier.id)
                    .order_by(DossierDocument.id)
                )
            )
            .scalars()
            .all()
        )
        supplemented = (
            await s.execute(select(AuditEvent).where(AuditEvent.action == "supplemented"))
        ).scalar_one()
        authors = (
            (await s.execute(select(MessageLog.author).where(MessageLog.text.like("PHIẾU YÊU CẦU%"))))
            .scalars()
            .all()
        )
    assert keys[-2:] == ["giay_chung_sinh", "van_ban_uy_quyen"]
    assert supplemented.data["documents"] == ["giay_chung_sinh", "van_ban_uy_quyen"]
    assert authors == ["officer"]

    await actions.accept(rt, code, oid)
    [receipt] = await new_replies(c, 1)
    assert receipt.startswith("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ") and code in receipt
    assert (await status_of(rt, code)).status == "accepted"
    new_date = dt.date.today() + dt.timedelta(days=10)
    await actions.apologise_late(rt, code, oid, "Cần xác minh thêm với bệnh viện", new_date)
    [late] = await new_replies(c, 1)
    assert "XIN LỖI" in late and new_date.strftime("%d/%m/%Y") in late
    await actions.result_ready(rt, code, oid, "Mang theo giấy hẹn")
    ready, survey = await new_replies(c, 2)  # the notice, then the satisfaction survey
    assert "đã có kết quả" in ready and "hài lòng thế nào" in survey
    with pytest.raises(ActionError) as err:
        await actions.accept(rt, code, oid)
    assert err.value.code == "bad_status"


async def test_free_reply_and_refusal(rt):
    c = Citizen(rt)
    code, _ = await file_procedure(c, "trich_luc_ho_tich")
    oid = await officer_id(rt)
    await actions.send_officer_message(rt, code, oid, "Chào bạn, cán bộ đã nhận hồ sơ.")
    assert await new_replies(c, 1) == ["Chào bạn, cán bộ đã nhận hồ sơ."]
    with pytest.raises(ActionError) as err:
        await actions.send_officer_message(rt, code, oid, "   ")
    assert err.value.code == "empty"
    with pytest.raises(ActionError) as err:
        await actions.request_supplement(rt, code, oid, [{"document": "giay_phep_lai_xe", "reason": "x"}])
    assert err.value.code == "unknown_document"
    await actions.reject(rt, code, oid, "Không thuộc thẩm quyền của xã")
    [refusal] = await new_replies(c, 1)
    assert refusal.startswith("PHIẾU TỪ CHỐI") and "Không thuộc thẩm quyền" in refusal
    with pytest.raises(ActionError) as err:
        await actions.reject(rt, "DEMO-000000-0000", oid, "x")
    assert err.value.code == "not_found"
