"""What an officer does to a conversation from the inbox (a thread may have no dossier): read
it, take it (assignment; supervisors reassign), answer into it, take it over from the bot and
hand it back. Each change is audited; an answer goes through the outbox like every reply, so
outside the platform's reply window it is held until the citizen writes again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core import store
from core.db import Conversation, Dossier, MessageLog, Officer
from core.db.models import ConversationAssignment, ConversationRead, utcnow
from core.events import Reply
from services import conversations
from services.assignments import acting_officer
from services.dossiers import InvalidInput, need_act
from services.inbox import find_thread

if TYPE_CHECKING:
    from services.officers import Principal


async def _dossier_id(s, conv_id: int) -> int | None:
    return (await s.execute(select(func.max(Dossier.id)).where(Dossier.conversation_id == conv_id))).scalar()


async def mark_read(rt, who: Principal, conv_id: int, upto: int | None = None) -> None:
    """The officer has seen the conversation up to message `upto` (default: its newest)."""
    try:
        await _mark_read(rt, who, conv_id, upto)
    except IntegrityError:  # the same officer's first read in two tabs at once: one row is enough
        pass


async def _mark_read(rt, who: Principal, conv_id: int, upto: int | None) -> None:
    async with rt.db.session() as s, s.begin():
        if upto is None:
            upto = (
                await s.execute(select(func.max(MessageLog.id)).where(MessageLog.conversation_id == conv_id))
            ).scalar() or 0
        row = await s.get(ConversationRead, (conv_id, who.id))
        if row is None:
            s.add(ConversationRead(conversation_id=conv_id, officer_id=who.id, last_read_id=upto))
        elif upto > row.last_read_id:
            row.last_read_id, row.read_at = upto, utcnow()


async def assign_thread(rt, who: Principal, conv_id: int, username: str | None = None) -> str:
    """Give the thread to `username` (supervisors) or, with none, to the viewer when nobody has
    it. Returns the assignee's username."""
    need_act(who)
    try:
        return await _assign(rt, who, conv_id, username)
    except IntegrityError:
        async with rt.db.session() as s:
            row = await s.get(ConversationAssignment, conv_id)
            return (await s.get(Officer, row.officer_id)).username if row else ""


async def _assign(rt, who: Principal, conv_id: int, username: str | None) -> str:
    async with rt.db.session() as s, s.begin():
        current = await s.get(ConversationAssignment, conv_id)
        if username is None and current is not None:
            return (await s.get(Officer, current.officer_id)).username
        target = await acting_officer(s, who, username)
        if current is None:
            s.add(
                ConversationAssignment(
                    conversation_id=conv_id, officer_id=target.id, assigned_by=who.id if username else None
                )
            )
        else:
            current.officer_id, current.assigned_by, current.assigned_at = target.id, who.id, utcnow()
        conv = await s.get(Conversation, conv_id)
        store.audit(
            s,
            who.actor,
            "assigned",
            {"officer": target.username, "by": who.username, "conversation": conv.key if conv else conv_id},
            await _dossier_id(s, conv_id),
        )
        return target.username


async def send_message(rt, who: Principal, conv_id: int, text: str) -> int:
    """An officer's free answer into the thread; returns the message id."""
    need_act(who)
    conv = await find_thread(rt, who, conv_id)
    text = (text or "").strip()[:2000]  # line breaks kept (a canned reply may have several lines)
    if not text:
        raise InvalidInput("empty", "text must not be empty")
    async with rt.queue.lock(conv.key, rt.settings.lock_ttl_s):
        async with rt.db.session() as s, s.begin():
            conv = await s.get(Conversation, conv_id)
            msg = store.add_outbound(
                s,
                conv,
                conv.key.split(":", 1)[1],
                Reply(text),
                author="officer",
                step=conv.step,
                officer_id=who.id,
            )
            await s.flush()
            store.audit(
                s,
                who.actor,
                "officer_message",
                {"length": len(text), "conversation": conv.key},
                await _dossier_id(s, conv_id),
            )
            mid = msg.id
    rt.sender.nudge()
    await assign_thread(rt, who, conv_id)
    await mark_read(rt, who, conv_id)
    return mid


async def take_over(rt, who: Principal, conv_id: int) -> None:
    need_act(who)
    conv = await find_thread(rt, who, conv_id)
    await conversations.take_over(rt, conv.key, who.id)
    await assign_thread(rt, who, conv_id)


async def hand_back(rt, who: Principal, conv_id: int) -> None:
    need_act(who)
    conv = await find_thread(rt, who, conv_id)
    await conversations.hand_back(rt, conv.key, who.id)
