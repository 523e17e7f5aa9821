"""What a citizen's own messages do to their dossiers (called by the worker's dialogue context):
the documents an officer asked for arrived; the citizen withdraws a dossier."""

from __future__ import annotations

from sqlalchemy import select

from core import store
from core.db import AuditEvent, Dossier
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
