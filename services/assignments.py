"""Who handles a dossier: the first officer who opens it, or whom a supervisor assigns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.db import AuditEvent, Dossier, Officer
from core.db.models import DossierAssignment, utcnow
from services.dossier_views import assignee_names
from services.dossiers import InvalidInput, need_supervisor
from services.officers import ACTING_ROLES

if TYPE_CHECKING:
    from services.officers import Principal


async def assign(rt, who: Principal, d: Dossier, username: str | None = None) -> str:
    """Assign the dossier: to `username` (a supervisor reassigning; same agency, an acting role)
    or, with no username, to the viewer when nobody has it yet. Returns the assignee's username.
    Raises Forbidden (not a supervisor) or InvalidInput("unknown_officer")."""
    try:
        return await _assign(rt, who, d, username)
    except IntegrityError:  # two officers opened it at the same moment: the first one has it
        async with rt.db.session() as s:
            return (await assignee_names(s, [d.id])).get(d.id) or ""


async def claim(rt, who: Principal, d: Dossier) -> str | None:
    """Opening or acting on an unassigned dossier makes an acting officer (any acting role) its
    handler; an assigned dossier keeps its handler. Returns the assignee (None: may not act)."""
    if not who.can_act:
        return None
    return await assign(rt, who, d)


async def acting_officer(s, who: Principal, username: str | None) -> Officer:
    """Whom an assignment goes to: the acting officer themself, or, chosen by a supervisor, a
    named active officer of the same agency who may act."""
    if username is None:
        return await s.get(Officer, who.id)
    need_supervisor(who, "assign")
    target = (await s.execute(select(Officer).where(Officer.username == username))).scalar_one_or_none()
    if target is None or target.agency != who.agency or not target.active or target.role not in ACTING_ROLES:
        raise InvalidInput("unknown_officer", f"no acting officer {username!r} in {who.agency}")
    return target


async def _assign(rt, who: Principal, d: Dossier, username: str | None) -> str:
    async with rt.db.session() as s, s.begin():
        current = await s.get(DossierAssignment, d.id)
        if username is None and current is not None:
            return (await s.get(Officer, current.officer_id)).username
        target = await acting_officer(s, who, username)
        if current is None:
            s.add(
                DossierAssignment(
                    dossier_id=d.id, officer_id=target.id, assigned_by=who.id if username else None
                )
            )
        else:
            current.officer_id, current.assigned_by, current.assigned_at = target.id, who.id, utcnow()
        s.add(
            AuditEvent(
                actor=who.actor,
                action="assigned",
                dossier_id=d.id,
                data={"officer": target.username, "by": who.username},
            )
        )
        return target.username


async def agency_officers(rt, who: Principal) -> list[str]:
    """The usernames a supervisor may assign a dossier to."""
    async with rt.db.session() as s:
        return list(
            (
                await s.execute(
                    select(Officer.username)
                    .where(
                        Officer.agency == who.agency,
                        Officer.active.is_(True),
                        Officer.role.in_(sorted(ACTING_ROLES)),
                    )
                    .order_by(Officer.username)
                )
            ).scalars()
        )
