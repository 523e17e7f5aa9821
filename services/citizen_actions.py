"""What a citizen's own messages do to their dossiers (called by the worker's dialogue context):
the documents an officer asked for arrived; the citizen withdraws a dossier; whether an officer
is waiting for the citizen's answer, or a dossier for papers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from core import store
from core.db import AuditEvent, Dossier, MessageLog
from core.db.models import utcnow

from .dossiers import Status as S


async def supplement_received(session, dossier_id: int, keys: list[str]) -> str | None:
    """Called by the worker's context when the citizen has sent everything asked for."""
    dossier = await session.get(Dossier, dossier_id)
    if dossier is None or dossier.status != S.NEEDS_SUPPLEMENT:
        return None
    dossier.status = S.SUBMITTED
    dossier.supplemented_at = utcnow()
    store.audit(session, f"citizen:{dossier.citizen_id}", "supplemented", {"documents": keys}, dossier_id)
    return dossier.code


#: Statuses a citizen may withdraw a dossier from: the office has not accepted it yet.
WITHDRAWABLE = (S.SUBMITTED, S.IN_REVIEW, S.NEEDS_SUPPLEMENT)


async def withdraw_by_citizen(session, code: str, citizen_id: int) -> bool:
    """The citizen withdraws their own dossier before the office accepts it: it ends refused,
    with the reason and an audit line saying it was the citizen's request."""
    dossier = await store.dossier_by_code(session, code)
    if dossier is None or dossier.citizen_id != citizen_id or dossier.status not in WITHDRAWABLE:
        return False
    dossier.status = S.REJECTED
    store.audit(session, f"citizen:{citizen_id}", "withdrawn", {"reason": "citizen_request"}, dossier.id)
    return True


#: The status a citizen is shown for a dossier they withdrew (stored as refused, see above).
WITHDRAWN = "withdrawn"


async def citizen_statuses(session, rows: list[tuple[int, str]]) -> dict[int, str]:
    """Statuses as the citizen should read them, by dossier id: a refused dossier the citizen
    withdrew is "withdrawn", not "refused" (the office refused nothing)."""
    refused = [dossier_id for dossier_id, status in rows if status == S.REJECTED]
    withdrawn: set[int] = set()
    if refused:
        found = await session.execute(
            select(AuditEvent.dossier_id).where(
                AuditEvent.dossier_id.in_(refused), AuditEvent.action == "withdrawn"
            )
        )
        withdrawn = {r[0] for r in found}
    return {i: (WITHDRAWN if i in withdrawn else status) for i, status in rows}


#: Statuses in which an officer's question in the thread still waits for the citizen's answer
#: (the inbox's "answered" reason lists the same dossiers).
OPEN = (S.SUBMITTED, S.IN_REVIEW, S.NEEDS_SUPPLEMENT, S.ACCEPTED, S.RESULT_READY)


async def officer_waiting(session, conv_id: int, window: dt.timedelta) -> dict[str, Any] | None:
    """The conversation's latest dossier, when it is open and an officer wrote in the thread
    within `window` (a question or a supplement notice the citizen may be answering):
    {"dossier_id", "code"}; else None."""
    recent = (
        await session.execute(
            select(func.count())
            .select_from(MessageLog)
            .where(
                MessageLog.conversation_id == conv_id,
                MessageLog.author == "officer",
                MessageLog.created_at >= utcnow() - window,
            )
        )
    ).scalar()
    if not recent:
        return None
    dossier = (
        await session.execute(
            select(Dossier).where(Dossier.conversation_id == conv_id).order_by(Dossier.id.desc()).limit(1)
        )
    ).scalar_one_or_none()
    if dossier is None or dossier.status not in OPEN or not dossier.code:
        return None
    return {"dossier_id": dossier.id, "code": dossier.code}


async def waiting_for_papers(session, citizen_id: int) -> dict[str, Any] | None:
    """The citizen's newest dossier an officer asked papers for and still waits on:
    {"dossier_id", "code", "procedure", "documents": [the keys asked for]}; else None."""
    dossier = (
        await session.execute(
            select(Dossier)
            .where(Dossier.citizen_id == citizen_id, Dossier.status == S.NEEDS_SUPPLEMENT)
            .order_by(Dossier.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    if dossier is None:
        return None
    asked = (
        await session.execute(
            select(AuditEvent.data)
            .where(AuditEvent.dossier_id == dossier.id, AuditEvent.action == "supplement_requested")
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
    ).scalar()
    keys = [str(i.get("document")) for i in (asked or {}).get("items", []) if i.get("document")]
    if not keys:
        return None
    return {"dossier_id": dossier.id, "code": dossier.code, "procedure": dossier.procedure, "documents": keys}
