"""An officer's action on a dossier of their agency, as the console and the API both ask for it:
the dossier must be visible to them (else DossierNotFound) and their role must act (else
Forbidden); then services.actions does it. Inputs arrive already shaped (strings, a date)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Sequence

from services import actions
from services.assignments import assign
from services.dossiers import find_dossier, need_act, visible

if TYPE_CHECKING:
    from services.officers import Principal

ACTIONS = ("supplement", "message", "accept", "reject", "result_ready", "complete", "late", "review", "take_over",
           "hand_back")


async def actionable(rt, who: Principal, code: str) -> None:
    """Raise unless `who` may act on dossier `code` (not found first: another agency's is not told)."""
    await visible(rt, who, code)
    need_act(who)


async def run(rt, who: Principal, code: str, name: str, *, text: str = "", reason: str = "", note: str = "",
              items: Sequence[dict[str, Any]] = (), new_date: dt.date | None = None) -> dict[str, Any]:
    """Do action `name` (one of ACTIONS); returns {code, status, message_id} (message_id: the
    officer's message in the citizen's thread, None for actions that send none)."""
    await actionable(rt, who, code)
    mid: int | None
    if name == "supplement":
        mid = await actions.request_supplement(rt, code, who.id, list(items), note)
    elif name == "message":
        mid = await actions.send_officer_message(rt, code, who.id, text)
    elif name == "accept":
        mid = await actions.accept(rt, code, who.id)
    elif name == "reject":
        mid = await actions.reject(rt, code, who.id, reason)
    elif name == "result_ready":
        mid = await actions.result_ready(rt, code, who.id, note)
    elif name == "complete":
        mid = await actions.complete(rt, code, who.id, note)
    elif name == "late":
        if new_date is None:
            raise actions.InvalidInput("invalid_body", "new_date is needed")
        mid = await actions.apologise_late(rt, code, who.id, reason, new_date)
    elif name == "review":
        mid = await actions.start_review(rt, code, who.id)
        d = await find_dossier(rt, who, code)
        if d is not None:
            await assign(rt, who, d)
    elif name == "take_over":
        mid = await actions.take_over(rt, code, who.id)
    elif name == "hand_back":
        mid = await actions.hand_back(rt, code, who.id)
    else:
        raise ValueError(f"no action {name!r}")
    d = await find_dossier(rt, who, code)
    return {"code": code, "status": d.status if d else None, "message_id": mid}
