"""Data access used by the worker, the sender and the handlers (all inside a caller's session)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import (
    AuditEvent,
    Citizen,
    Conversation,
    DailyCounter,
    Dossier,
    MessageLog,
    Outbox,
    utcnow,
)
from core.events import Reply


async def get_or_create_conversation(session: AsyncSession, channel: str, user_id: str) -> Conversation:
    key = f"{channel}:{user_id}"
    conv = (await session.execute(select(Conversation).where(Conversation.key == key))).scalar_one_or_none()
    if conv is not None:
        return conv
    citizen = (
        await session.execute(
            select(Citizen).where(Citizen.channel == channel, Citizen.external_id == user_id)
        )
    ).scalar_one_or_none()
    if citizen is None:
        citizen = Citizen(channel=channel, external_id=user_id)
        session.add(citizen)
        await session.flush()
    conv = Conversation(key=key, citizen_id=citizen.id, channel=channel, state={}, inbound_cursor="0-0")
    session.add(conv)
    await session.flush()
    return conv


async def conversation_cursor(session: AsyncSession, key: str) -> str:
    cursor = (
        await session.execute(select(Conversation.inbound_cursor).where(Conversation.key == key))
    ).scalar()
    return cursor or "0-0"


async def advance_conversation(
    session: AsyncSession,
    conv: Conversation,
    *,
    old_cursor: str,
    new_cursor: str,
    state: dict,
    step: str | None,
    last_inbound_at: dt.datetime,
) -> bool:
    """Compare-and-set on the cursor: False if another worker applied this event first."""
    result = await session.execute(
        update(Conversation)
        .where(Conversation.id == conv.id, Conversation.inbound_cursor == old_cursor)
        .values(
            inbound_cursor=new_cursor,
            state=state,
            step=step,
            last_inbound_at=last_inbound_at,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1  # a CursorResult for an UPDATE


def add_outbound(
    session: AsyncSession,
    conv: Conversation,
    recipient: str,
    reply: Reply,
    *,
    author: str = "bot",
    step: str | None = None,
    officer_id: int | None = None,
) -> MessageLog:
    """A reply in the log and in the outbox, in the caller's transaction."""
    msg = MessageLog(
        conversation_id=conv.id,
        direction="out",
        author=author,
        officer_id=officer_id,
        channel=conv.channel,
        kind="image" if reply.image_path else "text",
        text=reply.text,
        attachments=[{"type": "image", "path": reply.image_path}] if reply.image_path else [],
        quick_replies=[{"title": q.title, "payload": q.payload} for q in reply.quick_replies],
        step=step,
    )
    msg.outbox = Outbox(
        conversation_id=conv.id, channel=conv.channel, recipient=recipient, payload=reply.to_payload()
    )
    session.add(msg)
    return msg


async def next_daily_sequence(session: AsyncSession, key: str) -> int:
    """Atomically increment and return the counter `key` (row lock on PostgreSQL)."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(insert(DailyCounter).values(key=key, value=0).on_conflict_do_nothing())
    result = await session.execute(
        update(DailyCounter)
        .where(DailyCounter.key == key)
        .values(value=DailyCounter.value + 1)
        .returning(DailyCounter.value)
    )
    return int(result.scalar_one())


async def assign_dossier_code(session: AsyncSession, agency_code: str, local_day: dt.date) -> str:
    day = local_day.strftime("%y%m%d")
    n = await next_daily_sequence(session, f"dossier:{agency_code}:{day}")
    return f"{agency_code}-{day}-{n:04d}"


async def dossier_by_code(session: AsyncSession, code: str) -> Dossier | None:
    return (await session.execute(select(Dossier).where(Dossier.code == code))).scalar_one_or_none()


def audit(
    session: AsyncSession, actor: str, action: str, data: dict[str, Any], dossier_id: int | None = None
) -> None:
    session.add(AuditEvent(actor=actor, action=action, data=data, dossier_id=dossier_id))
