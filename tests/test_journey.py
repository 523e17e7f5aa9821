"""The first real journey end to end through queue, worker, dialogue, outbox and sender, on the
embedded default (SQLite + in-process) and on production (PostgreSQL + Redis) with two workers."""

from __future__ import annotations

import asyncio
import re

from citizen import Citizen, file_birth_registration, photo
from sqlalchemy import func, select
from support import wait_for

from bot.runtime import Runtime
from core.db import Dossier, DossierDocument, MessageLog, Outbox
from handlers.webchat import WebChannel

CODE = re.compile(r"DEMO-\d{6}-\d{4}")


async def start(settings, workers: int = 2) -> Runtime:
    rt = Runtime(settings)
    rt.add_channel(WebChannel())
    await rt.start(workers=workers)
    return rt


async def test_birth_registration_reaches_a_dossier(backend_settings):
    rt = await start(backend_settings)
    try:
        citizen = Citizen(rt)
        final = await file_birth_registration(citizen)
        code = CODE.search(final).group(0)
        assert "Ngày hẹn trả kết quả" in final
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
        assert dossier.status == "submitted"
        assert dossier.procedure == "khai_sinh"
        assert dossier.fields == {
            "child_name": "NGUYỄN MINH AN",
            "child_sex": "Nam",
            "child_dob": "2026-03-05",
            "parent_phone": "0912345678",
        }
        assert dossier.due_date is not None and dossier.submitted_at is not None
        assert [d.doc_key for d in docs] == ["giay_chung_sinh", "cccd_nguoi_khai"]
        for d in docs:
            assert (rt.media.root / d.file_path).is_file()
            assert d.content_type == "image/jpeg" and len(d.sha256) == 64
    finally:
        await rt.stop()


async def test_invalid_inputs_are_explained_and_asked_again(backend_settings):
    rt = await start(backend_settings)
    try:
        c = Citizen(rt)
        await c.say("chào")
        await c.say("1")
        await c.say("2")
        await c.say("đồng ý")
        await c.say("2")
        assert "ảnh" in (await c.say("để mình chụp")).lower()
        not_image = await c.say(photo=b"%NOT-AN-IMAGE" * 100)
        assert "không phải là ảnh" in not_image
        await c.say(photo=b"\xff\xd8\xff\xe0" + b"\x00" * 200)  # a truncated JPEG: unreadable
        await c.say(photo=photo("paper", seed=3))
        if "Mình đọc được trên thẻ" in await c.say(photo=photo("cccd_front", seed=4)):
            await c.say("1")
        assert "chỉ gồm chữ cái" in await c.say("b3 123")
        await c.say("Trần Thị Bình")
        assert "Bạn chọn một trong các lựa chọn" in await c.say("xyz")
        # "I don't know" at a field the citizen must give: told kindly where to find it, asked again
        assert "hồ sơ cần bạn cho biết" in await c.say("không biết")
        await c.say("nữ")
        assert "tương lai" in await c.say("01/01/2099")
        assert "không có trên lịch" in await c.say("31/02/2026")
        await c.say("1/2/2026")
        assert "03, 05, 07, 08 hoặc 09" in await c.say("12345")
        assert "tóm tắt" in await c.say("+84 912 345 678")
    finally:
        await rt.stop()


async def test_repeated_delivery_gets_one_reply(backend_settings):
    rt = await start(backend_settings)
    try:
        c = Citizen(rt)
        event = c.event("Xin chào", message_id="dup-1")
        results = await asyncio.gather(*(rt.submit(event) for _ in range(3)))
        assert sorted(results) == [False, False, True]
        await wait_for(lambda: c.processed("dup-1"))
        await asyncio.sleep(0.3)
        async with rt.db.session() as s:
            inbound = (
                await s.execute(
                    select(func.count()).select_from(MessageLog).where(MessageLog.direction == "in")
                )
            ).scalar()
            outbound = (await s.execute(select(func.count()).select_from(Outbox))).scalar()
        assert inbound == 1 and outbound == 1
    finally:
        await rt.stop()


async def test_order_is_kept_per_citizen_with_two_workers(backend_settings):
    rt = await start(backend_settings, workers=2)
    try:
        citizens = [Citizen(rt) for _ in range(6)]
        n = 15

        async def burst(c: Citizen) -> None:
            # one citizen's messages accepted one after another, with no waiting for replies;
            # the six citizens run at once, so both workers see them interleaved
            for i in range(n):
                await c.send(f"tin {i}", message_id=f"{c.user}-{i:02d}")

        await asyncio.gather(*(burst(c) for c in citizens))
        for c in citizens:
            await wait_for(lambda c=c: c.processed(f"{c.user}-{n - 1:02d}"), timeout=30)
        async with rt.db.session() as s:
            for c in citizens:
                rows = (
                    (
                        await s.execute(
                            select(MessageLog.external_id)
                            .where(
                                MessageLog.channel == "web",
                                MessageLog.direction == "in",
                                MessageLog.external_id.like(f"{c.user}-%"),
                            )
                            .order_by(MessageLog.id)
                        )
                    )
                    .scalars()
                    .all()
                )
                assert rows == [f"{c.user}-{i:02d}" for i in range(n)]
    finally:
        await rt.stop()


async def test_an_unfollow_does_not_reopen_the_reply_window(backend_settings):
    from core.db import Conversation
    from core.events import InboundEvent

    rt = await start(backend_settings)
    try:
        c = Citizen(rt)
        await c.say("Xin chào")
        async with rt.db.session() as s:
            before = (
                await s.execute(select(Conversation.last_inbound_at).where(Conversation.key == c.key))
            ).scalar()
        await rt.submit(InboundEvent(c.channel, c.user, "unf-1", kind="unfollow"))
        await wait_for(lambda: c.processed("unf-1"))
        async with rt.db.session() as s:
            after = (
                await s.execute(select(Conversation.last_inbound_at).where(Conversation.key == c.key))
            ).scalar()
        assert after == before
    finally:
        await rt.stop()
