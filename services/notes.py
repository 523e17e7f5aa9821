"""Internal notes on a dossier: written by officers for officers, never sent to the citizen and
never part of their thread (no message log, no outbox). Adding one is audited (without its
text, which the audit shows elsewhere)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from core import store
from core.db import Dossier, Officer
from core.db.models import DossierNote
from services.dossiers import InvalidInput, need_act, need_personal

if TYPE_CHECKING:
    from services.officers import Principal

MAX_NOTE = 4000


async def add_note(rt, who: Principal, d: Dossier, text: str) -> dict[str, Any]:
    need_act(who)
    text = (text or "").strip()[:MAX_NOTE]
    if not text:
        raise InvalidInput("empty", "the note must not be empty")
    async with rt.db.session() as s, s.begin():
        note = DossierNote(dossier_id=d.id, officer_id=who.id, text=text)
        s.add(note)
        await s.flush()
        store.audit(s, who.actor, "note_added", {"note_id": note.id}, d.id)
        return {"id": note.id, "officer": who.username, "text": text, "at": note.created_at.isoformat()}


async def list_notes(rt, who: Principal, d: Dossier) -> list[dict[str, Any]]:
    need_personal(who)
    async with rt.db.session() as s:
        rows = (
            await s.execute(
                select(DossierNote, Officer.username)
                .join(Officer, Officer.id == DossierNote.officer_id)
                .where(DossierNote.dossier_id == d.id)
                .order_by(DossierNote.id)
            )
        ).all()
    return [
        {"id": n.id, "officer": username, "text": n.text, "at": n.created_at.isoformat()}
        for n, username in rows
    ]
