"""What an officer does to a dossier (console and API call these; nothing else changes a
dossier's status on an officer's behalf).

Each action runs in one transaction under the conversation's lock (so it never interleaves with
a worker applying the citizen's message), checks the dossier's status, changes it, writes an
audit event, and writes its message into the citizen's own thread through the outbox, with the
officer as author. The forms follow TT 03/2025/TT-VPCP: Mẫu 01 (receipt), 02 (supplement request,
everything at once), 03 (refusal), 04 (apology for a late result).

`perform` is what the console and the API call: it first checks that the officer sees the
dossier (else DossierNotFound) and that their role acts (else Forbidden).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core import store
from core.db import Conversation, Dossier, MessageLog
from core.events import Reply
from flows import calendar
from services import conversations, surveys
from services.assignments import claim
from services.dossiers import (
    LATE_APOLOGY_FROM,
    DossierError,
    DossierNotFound,
    InvalidInput,
    S,
    Status,
    TransitionNotAllowed,
    check_move,
    find_dossier,
    need_act,
    visible,
)

if TYPE_CHECKING:
    from services.officers import Principal

#: The statuses in which the satisfaction survey may be sent (the dossier has its result).
SURVEY_FROM = (S.RESULT_READY, S.COMPLETED)
ActionError = DossierError  # what every action raises: DossierNotFound, TransitionNotAllowed, InvalidInput


# ---- an officer's request, as the console and the API both make it -------------------------------
ACTIONS = (
    "supplement",
    "message",
    "accept",
    "reject",
    "result_ready",
    "complete",
    "late",
    "review",
    "take_over",
    "hand_back",
    "survey",
)


async def actionable(rt, who: Principal, code: str) -> None:
    """Raise unless `who` may act on dossier `code` (not found first: another agency's is not told)."""
    await visible(rt, who, code)
    need_act(who)


async def perform(
    rt,
    who: Principal,
    code: str,
    name: str,
    *,
    text: str = "",
    reason: str = "",
    note: str = "",
    items: Sequence[dict[str, Any]] = (),
    new_date: dt.date | None = None,
) -> dict[str, Any]:
    """Do action `name` (one of ACTIONS); returns {code, status, message_id} (message_id: the
    officer's message in the citizen's thread, None for actions that send none)."""
    await actionable(rt, who, code)
    mid: int | None
    if name == "supplement":
        mid = await request_supplement(rt, code, who.id, list(items), note)
    elif name == "message":
        mid = await send_officer_message(rt, code, who.id, text)
    elif name == "accept":
        mid = await accept(rt, code, who.id)
    elif name == "reject":
        mid = await reject(rt, code, who.id, reason)
    elif name == "result_ready":
        mid = await result_ready(rt, code, who.id, note)
    elif name == "complete":
        mid = await complete(rt, code, who.id, note)
    elif name == "late":
        if new_date is None:
            raise InvalidInput("invalid_body", "new_date is needed")
        mid = await apologise_late(rt, code, who.id, reason, new_date)
    elif name == "review":
        mid = await start_review(rt, code, who.id)
    elif name == "take_over":
        mid = await take_over(rt, code, who.id)
    elif name == "hand_back":
        mid = await hand_back(rt, code, who.id)
    elif name == "survey":
        mid = await send_survey(rt, code, who.id)
    else:
        raise ValueError(f"no action {name!r}")
    d = await find_dossier(rt, who, code)
    if d is not None:  # acting on an unassigned dossier makes the officer its handler
        await claim(rt, who, d)
    return {"code": code, "status": d.status if d else None, "message_id": mid}


# ---- the actions ------------------------------------------------------------------------------------
class _Turn:
    """The open transaction of one action: the dossier, its conversation, helpers to reply."""

    def __init__(self, rt, session, dossier: Dossier, conv: Conversation, officer_id: int | None) -> None:
        self.rt, self.s, self.dossier, self.conv, self.officer_id = rt, session, dossier, conv, officer_id
        self.proc = rt.engine.catalog.get(dossier.procedure)
        self.out: list[MessageLog] = []

    @property
    def actor(self) -> str:
        return f"officer:{self.officer_id}" if self.officer_id else "system"

    def check(self, target: Status) -> None:
        """Refuse (TransitionNotAllowed) unless the dossier may become `target`."""
        check_move(self.dossier, target)

    def move(self, target: Status) -> None:
        self.check(target)
        self.dossier.status = target

    def reply(self, text: str, *, author: str = "officer", image_path: str | None = None) -> MessageLog:
        recipient = self.conv.key.split(":", 1)[1]
        msg = store.add_outbound(
            self.s,
            self.conv,
            recipient,
            Reply(text, image_path=image_path),
            author=author,
            step=self.conv.step,
            officer_id=self.officer_id if author == "officer" else None,
        )
        self.out.append(msg)
        return msg

    def audit(self, action: str, data: dict[str, Any]) -> None:
        store.audit(self.s, self.actor, action, data, self.dossier.id)

    @property
    def agency_name(self) -> str:
        """The dossier's office (a deployment of several offices), else the settings' one."""
        agencies = getattr(self.rt.engine, "agencies", None)
        office = agencies.by_code(self.dossier.agency) if agencies is not None else None
        return office.name if office is not None else self.rt.settings.agency_name

    def notice(self, key: str, **kw: Any) -> str:
        return self.rt.engine.text(
            f"notices.{key}",
            code=self.dossier.code,
            agency=self.agency_name,
            procedure=self.proc.name if self.proc else self.dossier.procedure,
            **kw,
        )

    def with_note(self, text: str, note: str, key: str = "result_note") -> str:
        """`text`, then the officer's note (one line, at most 1,000 characters) if there is one."""
        note = " ".join((note or "").split())[:1000]
        return text + "\n" + self.rt.engine.text(f"notices.{key}", note=note) if note else text

    def local_now(self) -> dt.datetime:
        return dt.datetime.now(ZoneInfo(self.rt.settings.timezone))


@contextlib.asynccontextmanager
async def _action(rt, code: str, officer_id: int | None) -> AsyncIterator[_Turn]:
    async with rt.db.session() as s:
        found = (await s.execute(select(Dossier.conversation_id).where(Dossier.code == code))).scalar()
        key = (
            (await s.execute(select(Conversation.key).where(Conversation.id == found))).scalar()
            if found
            else None
        )
    if key is None:
        raise DossierNotFound(f"no dossier {code}")
    async with rt.queue.lock(key, rt.settings.lock_ttl_s):
        async with rt.db.session() as s:
            async with s.begin():
                dossier = (await s.execute(select(Dossier).where(Dossier.code == code))).scalar_one()
                conv = await s.get(Conversation, dossier.conversation_id)
                turn = _Turn(rt, s, dossier, conv, officer_id)
                yield turn
                await s.flush()
    rt.sender.nudge()


def _text(value: str, what: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise InvalidInput("empty", f"{what} must not be empty")
    return value[:2000]


async def send_officer_message(rt, code: str, officer_id: int, text: str) -> int:
    text = _text(text, "text")
    async with _action(rt, code, officer_id) as t:
        msg = t.reply(text)
        t.audit("officer_message", {"length": len(text)})
    return msg.id


async def start_review(rt, code: str, officer_id: int) -> None:
    async with _action(rt, code, officer_id) as t:
        if t.dossier.status == S.SUBMITTED:
            t.move(S.IN_REVIEW)
            t.audit("review_started", {})


async def request_supplement(rt, code: str, officer_id: int, items: list[dict], note: str = "") -> int:
    if not items:
        raise InvalidInput("empty", "at least one document is needed")
    async with _action(rt, code, officer_id) as t:
        t.check(S.NEEDS_SUPPLEMENT)
        names = _document_names(t.proc)
        keys: list[str] = []
        reasons: list[str] = []
        lines = []
        for item in items:
            key = str(item.get("document", ""))
            if key not in names:
                raise InvalidInput("unknown_document", f"'{key}' is not a document of {t.dossier.procedure}")
            if key in keys:
                continue
            reason = _text(str(item.get("reason", "")), f"the reason for {key}")
            keys.append(key)
            reasons.append(reason)
            lines.append(f"{len(keys)}. {names[key]}: {reason}")
        text = t.with_note(t.notice("supplement", items="\n".join(lines)), note, "supplement_note")
        text += "\n" + t.rt.engine.text("notices.supplement_how")
        msg = t.reply(text)
        t.move(S.NEEDS_SUPPLEMENT)
        t.audit(
            "supplement_requested",
            {"items": [{"document": k, "reason": r} for k, r in zip(keys, reasons)], "note": note or ""},
        )
        # the bot reopens collection of exactly these documents, in this thread
        state, replies = rt.engine.reopen_for_supplement(
            t.conv.state or {}, t.dossier.procedure, t.dossier.id, keys
        )
        t.conv.state = state
        t.conv.step = rt.engine.step_of(state)
        t.conv.handled_by = None
        for reply in replies:
            t.reply(reply.text, author="bot")
    return msg.id


async def accept(rt, code: str, officer_id: int) -> int:
    async with _action(rt, code, officer_id) as t:
        t.check(S.ACCEPTED)
        now = t.local_now()
        days = t.proc.processing_days if t.proc else 1
        due = calendar.due_date(now.replace(tzinfo=None), days, t.proc.cutoff_hour if t.proc else 15)
        t.move(S.ACCEPTED)
        t.dossier.due_date = due
        msg = t.reply(
            t.notice(
                "accepted",
                received=now.strftime("%d/%m/%Y %H:%M"),
                due=due.strftime("%d/%m/%Y"),
                where=t.proc.where if t.proc else rt.settings.agency_name,
            )
        )
        t.audit("accepted", {"due_date": due.isoformat()})
    return msg.id


async def reject(rt, code: str, officer_id: int, reason: str) -> int:
    reason = _text(reason, "reason")
    async with _action(rt, code, officer_id) as t:
        t.move(S.REJECTED)
        msg = t.reply(t.notice("rejected", reason=reason))
        t.audit("rejected", {"reason": reason})
        if (t.conv.state or {}).get("dossier_id") == t.dossier.id:
            conversations.reset_to_menu(t.conv)
    return msg.id


async def result_ready(rt, code: str, officer_id: int, note: str = "") -> int:
    async with _action(rt, code, officer_id) as t:
        t.move(S.RESULT_READY)
        msg = t.reply(
            t.with_note(
                t.notice("result_ready", where=t.proc.where if t.proc else rt.settings.agency_name), note
            )
        )
        t.audit("result_ready", {"note": note or ""})
        await surveys.ask(rt, t.s, t.dossier, t.conv, t.actor)
    return msg.id


async def complete(rt, code: str, officer_id: int, note: str = "") -> int:
    """The citizen has collected the result: the dossier is closed."""
    async with _action(rt, code, officer_id) as t:
        t.move(S.COMPLETED)
        msg = t.reply(t.with_note(t.notice("completed"), note))
        t.audit("completed", {"note": note or ""})
        await surveys.ask(rt, t.s, t.dossier, t.conv, t.actor)
    return msg.id


async def send_survey(rt, code: str, officer_id: int) -> None:
    """An officer sends the satisfaction survey by hand (services/surveys.py), once the result is
    ready: the survey opens by saying the dossier has its result."""
    async with _action(rt, code, officer_id) as t:
        if t.dossier.status not in SURVEY_FROM:
            raise TransitionNotAllowed(
                f"dossier {code} is {t.dossier.status}: no result yet", "survey_not_ready"
            )
        await surveys.ask(rt, t.s, t.dossier, t.conv, t.actor, by_hand=True)


async def apologise_late(rt, code: str, officer_id: int, reason: str, new_date: dt.date) -> int:
    reason = _text(reason, "reason")
    async with _action(rt, code, officer_id) as t:
        if t.dossier.status not in LATE_APOLOGY_FROM:
            raise TransitionNotAllowed(f"dossier {code} is {t.dossier.status}: no result is owed")
        if new_date <= t.local_now().date():
            raise InvalidInput("bad_date", "the new date must be in the future")
        old = t.dossier.due_date
        t.dossier.due_date = new_date
        msg = t.reply(t.notice("late", reason=reason, due=new_date.strftime("%d/%m/%Y")))
        t.audit(
            "late_apology",
            {
                "reason": reason,
                "old_due_date": old.isoformat() if old else None,
                "new_due_date": new_date.isoformat(),
            },
        )
    return msg.id


async def take_over(rt, code: str, officer_id: int) -> None:
    await conversations.take_over(rt, await _conversation_key(rt, code), officer_id)


async def hand_back(rt, code: str, officer_id: int) -> None:
    await conversations.hand_back(rt, await _conversation_key(rt, code), officer_id)


async def _conversation_key(rt, code: str) -> str:
    async with rt.db.session() as s:
        key = (
            await s.execute(
                select(Conversation.key)
                .join(Dossier, Dossier.conversation_id == Conversation.id)
                .where(Dossier.code == code)
            )
        ).scalar()
    if key is None:
        raise DossierNotFound(f"no dossier {code}")
    return key


def _document_names(proc) -> dict[str, str]:
    """Every document an officer may ask for: the procedure's, their alternatives included."""
    if proc is None:
        return {}
    names = {}
    for d in proc.documents:
        names[d.key] = d.name
        for a in d.alternatives:
            names[a.key] = a.name
    return names
