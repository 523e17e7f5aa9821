"""Data access used by the worker, the sender and the handlers (all inside a caller's session)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import Table, bindparam, exists, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from core import store_pg
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
from core.events import InboundEvent, Reply


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


# The worker's statements, built once: a statement built per call (`.values(literal=...)`) costs
# more Python than its round trip. Executed with a dict of parameters.
_LOG, _OUTBOX, _CONV, _CITIZEN = (
    cast(Table, m.__table__) for m in (MessageLog, Outbox, Conversation, Citizen)
)
_TURN_COLUMNS = [
    _CONV.c[k] for k in ("id", "citizen_id", "channel", "state", "inbound_cursor", "last_inbound_at")
]
_TURN_SELECT = select(
    *_TURN_COLUMNS,
    exists().where(
        _LOG.c.channel == bindparam("channel"),
        _LOG.c.direction == "in",
        _LOG.c.external_id == bindparam("message_id"),
    ),
).where(_CONV.c.key == bindparam("key"))
_CITIZEN_SELECT = select(_CITIZEN.c.id).where(
    _CITIZEN.c.channel == bindparam("channel"), _CITIZEN.c.external_id == bindparam("external_id")
)
# a new citizen in one statement (ON CONFLICT: nothing returned when they exist already)
_CITIZEN_INSERT = {
    name: dialect.insert(_CITIZEN).on_conflict_do_nothing().returning(_CITIZEN.c.id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_CONV_INSERT = insert(_CONV).returning(*_TURN_COLUMNS)
_LOG_INSERT = insert(_LOG).returning(_LOG.c.id)  # RETURNING: for the outbox row (SQLite)
_OUTBOX_INSERT = insert(_OUTBOX)
_ADVANCE = update(_CONV).where(_CONV.c.id == bindparam("_id"), _CONV.c.inbound_cursor == bindparam("_old"))


def _pg(session: AsyncSession) -> bool:
    """PostgreSQL: the worker's statements go to asyncpg directly (core/store_pg.py)."""
    return session.bind is not None and session.bind.dialect.name == "postgresql"


async def conversation_for_turn(session: AsyncSession, event: InboundEvent) -> tuple[Any, bool]:
    """The worker's view of the event's conversation (id, citizen_id, channel, state,
    inbound_cursor, last_inbound_at), created if new, and whether the event's message is logged
    already. One round trip for a known conversation: this runs on every turn."""
    key = event.conversation_key
    if _pg(session):
        return await store_pg.conversation_for_turn(
            session, key, event.channel, event.user_id, event.message_id, utcnow()
        )
    params = {"key": key, "channel": event.channel, "message_id": event.message_id}
    found = (await session.execute(_TURN_SELECT, params)).first()
    if found is not None:
        return found, bool(found[-1])
    # a new conversation: nothing of it can be logged yet
    who = {"channel": event.channel, "external_id": event.user_id}
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    citizen_id = (await session.execute(_CITIZEN_INSERT[dialect], {**who, "created_at": utcnow()})).scalar()
    if citizen_id is None:  # known on this channel already (an earlier conversation key)
        citizen_id = (await session.execute(_CITIZEN_SELECT, who)).scalar_one()
    now = utcnow()
    created = await session.execute(
        _CONV_INSERT,
        {
            "key": key,
            "citizen_id": citizen_id,
            "channel": event.channel,
            "state": {},
            "inbound_cursor": "0-0",
            "created_at": now,
            "updated_at": now,
        },
    )
    return created.one(), False


async def conversations_for_batch(
    session: AsyncSession, events: list[InboundEvent]
) -> dict[str, tuple[Any, bool]]:
    """On PostgreSQL, what `conversation_for_turn` gives, for several events of different
    conversations in one round trip, by conversation key (a key left out is read alone). On
    SQLite, nothing: each turn reads its own (no round trips to save in-process)."""
    if len(events) < 2 or not _pg(session):
        return {}
    wanted = [(e.conversation_key, e.channel, e.user_id, e.message_id) for e in events]
    return await store_pg.conversations_for_batch(session, wanted, utcnow())


async def _log_inbound(session: AsyncSession, values: dict[str, Any]) -> None:
    """A citizen's message in the log, with what its turn learnt (intent, confidence, ...):
    `finish_turn` on SQLite."""
    await session.execute(_LOG_INSERT, {"created_at": utcnow(), **values})


async def _add_replies(
    session: AsyncSession, conv: Any, event: InboundEvent, replies: list[Reply], *, step: str | None
) -> None:
    """The bot's replies to `event` in the log and in the outbox, carrying the event's correlation
    id (`finish_turn` on SQLite; `add_outbound` is the ORM way for everyone else)."""
    for row in _reply_rows(conv, event, replies, step):
        payload, now = row.pop("payload"), row["created_at"]
        message_id = (await session.execute(_LOG_INSERT, row)).scalar_one()
        await session.execute(
            _OUTBOX_INSERT,
            {
                "recipient": event.user_id,
                "payload": payload,
                "created_at": now,
                "message_id": message_id,
                "conversation_id": conv.id,
                "channel": conv.channel,
                "status": "pending",
                "attempts": 0,
                "parts_sent": 0,
                "next_attempt_at": now,
            },
        )


def _reply_rows(
    conv: Any, event: InboundEvent, replies: list[Reply], step: str | None
) -> list[dict[str, Any]]:
    """The turn's replies as log rows (`_outbound_values`, `created_at`) with their outbox payload
    (carrying the event's correlation id), on either backend."""
    now = utcnow()
    return [
        {
            **_outbound_values(conv.id, conv.channel, reply, "bot", None, step),
            "created_at": now,
            "payload": {**reply.to_payload(), "correlation_id": event.dedupe_key},
        }
        for reply in replies
    ]


def _outbound_values(
    conversation_id: int, channel: str, reply: Reply, author: str, officer_id: int | None, step: str | None
) -> dict[str, Any]:
    return dict(
        conversation_id=conversation_id,
        direction="out",
        author=author,
        officer_id=officer_id,
        channel=channel,
        kind="image" if reply.image_path else "text",
        text=reply.text,
        attachments=[{"type": "image", "path": reply.image_path}] if reply.image_path else [],
        quick_replies=[{"title": q.title, "payload": q.payload} for q in reply.quick_replies],
        step=step,
    )


def _advance_values(
    conv: Any, old_cursor: str, new_cursor: str, state: dict, step: str | None, last_inbound_at: dt.datetime
) -> dict[str, Any]:
    return {
        "_id": conv.id,
        "_old": old_cursor,
        "inbound_cursor": new_cursor,
        "state": state,
        "step": step,
        "last_inbound_at": last_inbound_at,
        "updated_at": utcnow(),
    }


class CursorMoved(RuntimeError):
    """Another worker applied the conversation's event first (a lock expired): the transaction
    is dropped. `key`: the conversation."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class HeldTurnsFailed(RuntimeError):
    """Writing the turns held back in a transaction failed (a database error): no one turn can be
    blamed (least of all the one whose step asked for them to be written: an erasure), so the
    transaction is dropped and its turns are applied one by one."""


_LATER = "motcua_later_turns"


def write_turns_later(session: AsyncSession) -> None:
    """From now on in this transaction, `finish_turn(..., later=True)` holds a turn's rows back
    and `write_later_turns` writes them all in one round trip (PostgreSQL; on SQLite each turn is
    written at once: nothing to save in-process)."""
    if _pg(session):
        session.info[_LATER] = []


async def write_later_turns(session: AsyncSession) -> None:
    """The turns held back in this transaction, written now (before the commit, and before
    anything in the transaction reads or changes the log across conversations: `erase_citizen`).
    Raises CursorMoved, naming the first conversation whose cursor moved meanwhile, or
    HeldTurnsFailed on a database error."""
    held: list[tuple[str, list[Any]]] = session.info.get(_LATER) or []
    if not held:
        return
    session.info[_LATER] = []
    try:
        written = await store_pg.finish_turns(session, [a for _, a in held])
    except Exception as exc:
        raise HeldTurnsFailed(f"{len(held)} held turns not written: {exc!r}") from exc
    for (key, _), ok in zip(held, written, strict=True):
        if not ok:
            raise CursorMoved(key)


async def finish_turn(
    session: AsyncSession,
    conv: Any,
    event: InboundEvent,
    *,
    inbound: dict[str, Any] | None,
    replies: list[Reply],
    old_cursor: str,
    new_cursor: str,
    state: dict,
    step: str | None,
    last_inbound_at: dt.datetime,
    later: bool = False,
) -> bool:
    """The end of the worker's turn: the conversation advanced (a compare-and-set on the cursor:
    False, and nothing written, if another worker applied this event first), the citizen's
    message logged (`inbound`: the columns of its log row; None for none), the replies logged and
    queued. On PostgreSQL, one statement (core/store_pg.py `_TURN_ROWS`); with `later`, in a
    transaction `write_turns_later` began, held back for `write_later_turns` (the caller makes
    sure nothing in the transaction reads this conversation's rows before then; True then)."""
    advance = _advance_values(conv, old_cursor, new_cursor, state, step, last_inbound_at)
    if not _pg(session):
        moved = getattr(await session.execute(_ADVANCE, advance), "rowcount", 0) == 1
        if moved:
            if inbound is not None:
                await _log_inbound(session, inbound)
            await _add_replies(session, conv, event, replies, step=step)
        return moved
    rows = _reply_rows(conv, event, replies, step)
    args = store_pg.turn_args(
        advance,
        None if inbound is None else {**inbound, "created_at": utcnow()},
        conv.channel,
        rows,
        event.user_id,
        step,
    )
    held = session.info.get(_LATER)
    if later and held is not None:
        held.append((event.conversation_key, args))
        return True
    return await store_pg.finish_turn(session, args)


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
    msg = MessageLog(**_outbound_values(conv.id, conv.channel, reply, author, officer_id, step))
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
