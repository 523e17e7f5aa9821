"""Deleting personal data: finished dossiers after the retention period (a job the worker role
runs), and everything of one citizen on their own request (the dialogue's "xóa dữ liệu").

A purged dossier keeps its code, procedure, status, dates and audit trail (the office's record
that it existed and how it ended); its form fields, its documents' files, readings and confirmed
ID-card fields are deleted, and `purged_at` is set, which the officer's view shows."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import store
from core.db import Citizen, Conversation, Database, Dossier, DossierDocument, MessageLog
from core.db.models import utcnow
from core.media import MediaStore

log = logging.getLogger(__name__)

FINISHED = ("completed", "rejected")
BATCH = 200


async def purge_dossiers(
    session: AsyncSession, media: MediaStore, dossiers: Iterable[Dossier], actor: str, reason: str
) -> int:
    """Delete the personal fields and media of `dossiers` (in the caller's transaction); the
    files go once the rows are changed. Returns how many were purged."""
    n = 0
    files: list[str] = []
    now = utcnow()
    for dossier in dossiers:
        docs = (
            await session.execute(select(DossierDocument).where(DossierDocument.dossier_id == dossier.id))
        ).scalars()
        for doc in docs:
            if doc.file_path:
                files.append(doc.file_path)
            doc.file_path = ""
            doc.reading = None
            doc.confirmed = None
            doc.sha256 = ""
        dossier.fields = {}
        dossier.purged_at = now
        store.audit(session, actor, "personal_data_deleted", {"reason": reason}, dossier.id)
        n += 1
    await session.flush()
    # Media is stored by content: a file another dossier still uses (an ID card reused from an
    # earlier dossier, the same photo sent twice) stays until that dossier is purged too.
    in_use = set(
        (
            await session.execute(
                select(DossierDocument.file_path).where(DossierDocument.file_path.in_(set(files)))
            )
        ).scalars()
    )
    for path in set(files) - in_use:
        with contextlib.suppress(OSError, ValueError):
            media.full_path(path).unlink(missing_ok=True)
    return n


async def purge_expired(db: Database, media: MediaStore, days: int, now: dt.datetime | None = None) -> int:
    """One pass of the retention job: dossiers completed or rejected more than `days` days ago."""
    if days <= 0:
        return 0
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    total = 0
    while True:
        async with db.session() as s, s.begin():
            batch = (
                await s.execute(
                    select(Dossier)
                    .where(
                        Dossier.status.in_(FINISHED), Dossier.updated_at < cutoff, Dossier.purged_at.is_(None)
                    )
                    .order_by(Dossier.id)
                    .limit(BATCH)
                )
            ).scalars()
            done = await purge_dossiers(
                s, media, list(batch), "system:retention", f"finished over {days} days ago"
            )
        total += done
        if done < BATCH:
            return total


async def run_retention(
    db: Database, media: MediaStore, queue, days: int, every_s: float, stop: asyncio.Event
) -> None:
    """The scheduled job: every `every_s`, one pass under a queue lock (one worker process at a
    time does it)."""
    while not stop.is_set():
        try:
            async with queue.lock("retention-job", max(60.0, every_s)):
                purged = await purge_expired(db, media, days)
            if purged:
                log.info("retention: personal data of %d finished dossier(s) deleted", purged)
        except Exception:
            log.exception("retention pass failed; next pass later")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every_s)


async def erase_citizen(session: AsyncSession, media: MediaStore, citizen_id: int) -> int:
    """The citizen's own request ("xóa dữ liệu của tôi"), in the caller's transaction: every
    dossier of theirs is purged, the texts and attachments of their conversations are blanked
    (the rows stay: time, direction, step, intent — the redacted log), their display name goes.
    Returns how many dossiers were purged."""
    await store.write_later_turns(session)  # a batch's held-back turns are in the log to blank too
    actor = f"citizen:{citizen_id}"
    dossiers = (
        await session.execute(
            select(Dossier).where(Dossier.citizen_id == citizen_id, Dossier.purged_at.is_(None))
        )
    ).scalars()
    count = await purge_dossiers(session, media, list(dossiers), actor, "citizen request")
    conversations = select(Conversation.id).where(Conversation.citizen_id == citizen_id)
    await session.execute(
        update(MessageLog)
        .where(MessageLog.conversation_id.in_(conversations))
        .values(text="", attachments=[], quick_replies=[])
        .execution_options(synchronize_session=False)
    )
    citizen = await session.get(Citizen, citizen_id)
    if citizen is not None:
        citizen.display_name = None
    store.audit(session, actor, "citizen_data_deleted", {"dossiers": count})
    return count
