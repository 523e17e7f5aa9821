"""A citizen asks the bot to delete their data ("xóa dữ liệu của tôi", or without diacritics):
asked once more; "giữ lại" changes nothing; yes deletes the dossiers' fields and photos and the
conversation's texts, writes audit events, and the officer's view shows it. SQLite and PostgreSQL."""

from __future__ import annotations

from citizen import Citizen, file_birth_registration
from sqlalchemy import select

from bot.runtime import Runtime
from core.db import AuditEvent, Dossier, DossierDocument, MessageLog
from handlers.webchat import WebChannel


async def test_a_citizen_deletes_their_data_after_confirming(backend_settings):
    rt = Runtime(backend_settings)
    rt.add_channel(WebChannel())
    await rt.start(workers=1)
    try:
        citizen = Citizen(rt)
        await file_birth_registration(citizen)
        async with rt.db.session() as s:
            dossier = (await s.execute(select(Dossier))).scalar_one()
            files = [d.file_path for d in (await s.execute(select(DossierDocument))).scalars()]
        assert dossier.fields and files

        ask = await citizen.say("xoa du lieu cua toi")
        assert "Bạn muốn xóa dữ liệu cá nhân của mình?" in ask and "Xóa dữ liệu" in ask
        kept = await citizen.say("Giữ lại")
        assert "Dữ liệu của bạn vẫn được giữ nguyên." in kept
        async with rt.db.session() as s:
            assert (await s.get(Dossier, dossier.id)).purged_at is None  # type: ignore[union-attr]

        await citizen.say("Tôi muốn xóa dữ liệu của tôi")
        done = await citizen.say("1")
        assert "Đã xóa dữ liệu cá nhân của bạn (1 hồ sơ)" in done
        async with rt.db.session() as s:
            d = await s.get(Dossier, dossier.id)
            assert d is not None and d.purged_at is not None and d.fields == {} and d.code == dossier.code
            docs = (await s.execute(select(DossierDocument))).scalars().all()
            assert docs and all(doc.file_path == "" and doc.confirmed is None for doc in docs)
            actions = {(e.actor, e.action) for e in (await s.execute(select(AuditEvent))).scalars()}
            texts = (
                await s.execute(
                    select(MessageLog.text).where(MessageLog.direction == "in").order_by(MessageLog.id)
                )
            ).scalars()
            assert all(t == "" for t in texts)  # the log keeps its rows, not what was said
        actor = f"citizen:{dossier.citizen_id}"
        assert {(actor, "personal_data_deleted"), (actor, "citizen_data_deleted")} <= actions
        assert not any((rt.media.root / f).exists() for f in files)

        from services.dossier_views import dossier_detail

        view = await dossier_detail(rt, d, lambda name: f"/media/{name}")
        assert view["purged_at"] and view["fields"] == {}
    finally:
        await rt.stop()
