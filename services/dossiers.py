"""Dossiers as officers see them: the statuses, the one table of allowed status changes, due
dates, the rules of who sees what, and the typed errors every officer-facing adapter renders.

No HTTP here: the API answers an error with JSON, the console with a page or a flash; both catch
the errors below (each carries the code of the outside contract, e.g. "bad_status")."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.db import Dossier
from flows import calendar

if TYPE_CHECKING:
    from services.officers import Principal


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    NEEDS_SUPPLEMENT = "needs_supplement"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    RESULT_READY = "result_ready"
    COMPLETED = "completed"


S = Status
#: Every allowed status change (from → the statuses it may become); anything else is refused.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),  # the citizen files it
    S.SUBMITTED: frozenset({S.IN_REVIEW, S.NEEDS_SUPPLEMENT, S.ACCEPTED, S.REJECTED}),
    S.IN_REVIEW: frozenset({S.NEEDS_SUPPLEMENT, S.ACCEPTED, S.REJECTED}),
    # asked again while waiting; the citizen's supplement files it again
    S.NEEDS_SUPPLEMENT: frozenset({S.NEEDS_SUPPLEMENT, S.SUBMITTED, S.REJECTED}),
    S.ACCEPTED: frozenset({S.RESULT_READY}),
    S.REJECTED: frozenset(),
    S.RESULT_READY: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
}
VISIBLE = tuple(s for s in Status if s is not S.DRAFT)  # a draft has no code yet: officers never see it
# statuses in which the office still owes the citizen something by the due date
PENDING = (S.SUBMITTED, S.IN_REVIEW, S.NEEDS_SUPPLEMENT, S.ACCEPTED)
# a new appointment date (with an apology) while the office still owes a result
LATE_APOLOGY_FROM = (S.SUBMITTED, S.IN_REVIEW, S.ACCEPTED)
DUE_SOON_WORKING_DAYS = 2
MAX_PAGE = 200


def can_move(current: str, target: str) -> bool:
    return current in TRANSITIONS and Status(target) in TRANSITIONS[Status(current)]


def sources_of(target: Status) -> tuple[Status, ...]:
    """The statuses from which a dossier may become `target` (in the enum's order)."""
    return tuple(s for s in Status if target in TRANSITIONS[s])


def allowed_actions(status: str) -> list[str]:
    """The officer actions the dossier's status allows (TRANSITIONS is the truth); a message,
    a note and take-over / hand-back are always possible on a visible dossier."""
    out = ["message", "note", "take_over", "hand_back"]
    for action, target in (
        ("supplement", S.NEEDS_SUPPLEMENT),
        ("accept", S.ACCEPTED),
        ("reject", S.REJECTED),
        ("result_ready", S.RESULT_READY),
        ("complete", S.COMPLETED),
    ):
        if can_move(status, target):
            out.append(action)
    if status in LATE_APOLOGY_FROM:
        out.append("late")
    return out


# ---- typed errors ---------------------------------------------------------------------------------
class DossierError(Exception):
    """An officer's request that cannot be done; `code` is the contract's error code."""

    code = "invalid_body"

    def __init__(self, detail: str = "", code: str | None = None) -> None:
        super().__init__(detail or self.code)
        if code is not None:
            self.code = code


class DossierNotFound(DossierError):
    """No such dossier, or another agency's (never told apart: no leak)."""

    code = "not_found"


class TransitionNotAllowed(DossierError):
    code = "bad_status"


class Forbidden(DossierError):
    """The officer's role does not allow it; `what` says what was refused (personal | act | assign | report)."""

    code = "forbidden_role"

    def __init__(self, what: str, detail: str = "") -> None:
        super().__init__(detail or f"role may not {what}")
        self.what = what


class InvalidInput(DossierError):
    """The request names something that does not fit: unknown_document, unknown_officer, empty,
    bad_date, invalid_body."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code, code)


def check_move(dossier: Dossier, target: Status) -> None:
    if not can_move(dossier.status, target):
        allowed = ", ".join(sources_of(target))
        raise TransitionNotAllowed(f"dossier {dossier.code} is {dossier.status}, expected one of {allowed}")


# ---- who may do what ------------------------------------------------------------------------------
def need_personal(who: Principal) -> None:
    if not who.can_read_personal:
        raise Forbidden("personal")


def need_act(who: Principal) -> None:
    if not who.can_act:
        raise Forbidden("act")


def need_supervisor(who: Principal, what: str) -> None:
    if not who.supervises:
        raise Forbidden(what)


async def find_dossier(rt, who: Principal, code: str) -> Dossier | None:
    """The dossier if it exists and belongs to the officer's agency (None otherwise: no leak)."""
    if not isinstance(code, str) or len(code) > 40:
        return None
    async with rt.db.session() as s:
        d = (await s.execute(select(Dossier).where(Dossier.code == code))).scalar_one_or_none()
    if d is None or d.agency != who.agency or d.status == S.DRAFT:
        return None
    return d


async def visible(rt, who: Principal, code: str) -> Dossier:
    """Like find_dossier, but a dossier the officer may not see raises DossierNotFound."""
    d = await find_dossier(rt, who, code)
    if d is None:
        raise DossierNotFound(f"no dossier {code}")
    return d


# ---- due dates ------------------------------------------------------------------------------------
def local_today(settings) -> dt.date:
    return dt.datetime.now(ZoneInfo(settings.timezone)).date()


def due_soon_limit(today: dt.date) -> dt.date:
    day = today
    for _ in range(DUE_SOON_WORKING_DAYS):
        day = calendar.next_working_day(day)
    return day


def due_state(d: Dossier, today: dt.date) -> str | None:
    if d.due_date is None or d.status not in PENDING:
        return None
    if d.due_date < today:
        return "overdue"
    if d.due_date <= due_soon_limit(today):
        return "due_soon"
    return "on_time"
