"""Retention: finished dossiers older than RETENTION_DAYS lose their personal fields and media
(code, dates and the audit trail stay); others are untouched. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import select
from support import wait_for

from bot.runtime import Runtime
from core import store
from core.db import AuditEvent, Database, Dossier, DossierDocument
from core.db.models import utcnow
from core.media import MediaStore
from services.retention import purge_expired

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


async def _dossier(
    db: Database, media: MediaStore, user: str, status: str, age_days: int, photo: bytes | None = None
) -> tuple[int, str]:
    stored = media.store(photo or PNG + user.encode(), "zalo")
    async with db.session() as s, s.begin():
        conv = await store.get_or_create_conversation(s, "zalo", user)
        d = Dossier(
            conversation_id=conv.id,
            citizen_id=conv.citizen_id,
            agency="DEMO",
            procedure="khai_sinh",
            status=status,
            code=f"DEMO-260101-{user[-4:]}",
            fields={"child_name": "Nguyễn Minh An", "phone": "0912345678"},
            updated_at=utcnow() - dt.timedelta(days=age_days),
        )
        s.add(d)
        await s.flush()
        s.add(
            DossierDocument(
                dossier_id=d.id,
                doc_key="id_card",
                file_path=stored.path,
                content_type="image/png",
                size=len(PNG),
                sha256="x" * 64,
                quality={"ok": True},
                reading={"fields": {"id_number": "001099012345"}},
                confirmed={"id_number": "001099012345"},
            )
        )
        return d.id, stored.path


async def test_only_finished_dossiers_past_the_period_are_purged(backend_settings):
    db = Database(backend_settings.resolved_database_url)
    media = MediaStore(backend_settings.media_path)
    try:
        old_done, old_file = await _dossier(db, media, "u0001", "completed", 40)
        old_rejected, _ = await _dossier(db, media, "u0002", "rejected", 31)
        recent, recent_file = await _dossier(db, media, "u0003", "completed", 5)
        pending, pending_file = await _dossier(db, media, "u0004", "in_review", 90)
        # the same ID card photo reused by a newer dossier of the same citizen stays
        shared, shared_file = await _dossier(db, media, "u0005", "completed", 60, photo=PNG + b"card")
        _newer, newer_file = await _dossier(db, media, "u0006", "submitted", 1, photo=PNG + b"card")
        assert shared_file == newer_file

        assert await purge_expired(db, media, days=30) == 3
        assert await purge_expired(db, media, days=30) == 0  # once
        async with db.session() as s:
            d = await s.get(Dossier, old_done)
            assert d is not None and d.fields == {} and d.purged_at is not None
            assert d.code == "DEMO-260101-0001" and d.status == "completed"  # the record stays
            doc = (
                await s.execute(select(DossierDocument).where(DossierDocument.dossier_id == old_done))
            ).scalar_one()
            assert doc.file_path == "" and doc.reading is None and doc.confirmed is None
            assert doc.doc_key == "id_card" and doc.quality == {"ok": True}
            audit = (
                await s.execute(select(AuditEvent).where(AuditEvent.dossier_id == old_done))
            ).scalar_one()
            assert audit.action == "personal_data_deleted" and audit.actor == "system:retention"
            for gone in (old_rejected, shared):
                assert (await s.get(Dossier, gone)).purged_at is not None  # type: ignore[union-attr]
            for kept in (recent, pending):
                k = await s.get(Dossier, kept)
                assert k is not None and k.purged_at is None and k.fields["child_name"] == "Nguyễn Minh An"
        assert not media.full_path(old_file).exists()
        assert media.full_path(recent_file).exists() and media.full_path(pending_file).exists()
        assert media.full_path(shared_file).exists()
        assert await purge_expired(db, media, days=0) == 0  # 0: kept forever
    finally:
        await db.close()


async def test_the_worker_role_runs_the_job(backend_settings):
    s = backend_settings.with_overrides(retention_days=30, retention_interval_s=0.2)
    rt = Runtime(s)
    old, path = await _dossier(rt.db, rt.media, "u0009", "completed", 45)
    await rt.start(workers=0, sender=False, retention=True)
    try:

        async def purged() -> bool:
            async with rt.db.session() as session:
                d = await session.get(Dossier, old)
                return d is not None and d.purged_at is not None

        await wait_for(purged, timeout=20)
        assert not rt.media.full_path(path).exists()
    finally:
        await rt.stop()
        await asyncio.sleep(0)
