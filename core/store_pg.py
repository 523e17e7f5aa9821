"""The worker's per-turn statements and the sender's claim on PostgreSQL, run on the session's asyncpg connection
directly (inside the session's transaction): SQLAlchemy's execution layer (compiling the cached
statement's parameters, the result proxy, the greenlet hop) cost more CPU than the round trip
itself. `core/store.py` keeps the same statements in SQLAlchemy Core for SQLite and calls these
on PostgreSQL; both write the same rows (tests/test_worker_turn.py runs both backends).

JSON columns are passed as JSON text (SQLAlchemy's asyncpg dialect sets the json codec to take
text; a Python None is written as JSON null, as SQLAlchemy's JSON type does).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from core import fastjson


class TurnRow(NamedTuple):
    """The worker's view of a conversation (as `store.conversation_for_turn` returns it)."""

    id: int
    citizen_id: int
    channel: str
    state: dict
    inbound_cursor: str
    last_inbound_at: dt.datetime | None


_COLUMNS = "id, citizen_id, channel, state, inbound_cursor, last_inbound_at"
_TURN = (
    f"SELECT {_COLUMNS}, EXISTS (SELECT 1 FROM message_log m WHERE m.channel = $2"
    " AND m.direction = 'in' AND m.external_id = $3) FROM conversation WHERE key = $1"
)
_CITIZEN_INSERT = (
    "INSERT INTO citizen (channel, external_id, created_at) VALUES ($1, $2, $3)"
    " ON CONFLICT DO NOTHING RETURNING id"
)
_CITIZEN = "SELECT id FROM citizen WHERE channel = $1 AND external_id = $2"
_CONV_INSERT = (
    "INSERT INTO conversation (key, citizen_id, channel, state, inbound_cursor, created_at, updated_at)"
    f" VALUES ($1, $2, $3, '{{}}', '0-0', $4, $4) RETURNING {_COLUMNS}"
)

# A turn's rows in one statement (`finish_turn`): the conversation advanced (compare-and-set on the
# cursor: if another worker applied the event first, nothing is written and the count is 0), the
# citizen's message logged, then the replies logged and queued. Every log id of the turn is drawn
# by one scan, in order: `msg` is the turn's log rows, the citizen's message first (position 1,
# when $8; its columns come from the scalar parameters) then the replies, and one function scan
# WITH ORDINALITY evaluates nextval row by row as it emits them. The outbox rows name their log
# rows by those ids. Shaped so that its generic plan is cheap (no join, no generate_series):
# PostgreSQL keeps it after five executions instead of planning 31 parameters on every turn.
_TURN_ROWS = """
WITH adv AS (
  UPDATE conversation SET inbound_cursor = $3, state = $4::json, step = $5, last_inbound_at = $6,
    updated_at = $7 WHERE id = $1 AND inbound_cursor = $2 RETURNING id
), msg AS MATERIALIZED (
  SELECT nextval('message_log_id_seq') AS id, r.*
  FROM unnest($24::text[], $25::text[], $26::text[], $27::text[], $28::timestamptz[], $29::text[])
    WITH ORDINALITY AS r (kind, text, attachments, quick_replies, created_at, payload, n)
), inb AS (
  INSERT INTO message_log (id, conversation_id, direction, author, channel, external_id, kind, text,
    attachments, quick_replies, step, received_at, intent, "procedure", dossier_id, confidence,
    fallback, latency_ms, details, created_at)
  SELECT id, $1, 'in', 'citizen', $9, $10, $11, $12, $13::json, '[]', $14, $15, $16, $17, $18,
    $19, $20, $21, $22::json, $23 FROM msg WHERE $8 AND n = 1 AND EXISTS (SELECT FROM adv)
), outlog AS (
  INSERT INTO message_log (id, conversation_id, direction, author, channel, kind, text, attachments,
    quick_replies, step, created_at)
  SELECT id, $1, 'out', 'bot', $9, kind, text, attachments::json, quick_replies::json, $31, created_at
  FROM msg WHERE NOT ($8 AND n = 1) AND EXISTS (SELECT FROM adv)
), queued AS (
  INSERT INTO outbox (message_id, conversation_id, channel, recipient, payload, status, attempts,
    parts_sent, next_attempt_at, created_at)
  SELECT id, $1, $9, $30::varchar, payload::json, 'pending', 0, 0, created_at, created_at
  FROM msg WHERE NOT ($8 AND n = 1) AND EXISTS (SELECT FROM adv)
)
SELECT count(*) FROM adv
"""
_TURN_INBOUND_ARGS = (
    "external_id", "kind", "text", "attachments", "step", "received_at", "intent", "procedure",
    "dossier_id", "confidence", "fallback", "latency_ms", "details", "created_at",
)  # fmt: skip


def _json(value: Any) -> str:
    return fastjson.dumps(value)


async def connection(session: AsyncSession) -> Any:
    """The asyncpg connection of the session's transaction (begun first if it is not yet: a
    statement run before BEGIN would commit on its own)."""
    cached: Any = session.info.get("motcua_pg")
    if cached is not None and cached.is_in_transaction():
        return cached
    conn = await session.connection()
    pooled = await conn.get_raw_connection()
    raw: Any = pooled.driver_connection
    if not raw.is_in_transaction():
        adapter: Any = pooled.dbapi_connection  # SQLAlchemy's asyncpg adapter: it sends the BEGIN
        if getattr(adapter, "_transaction", 0) is None and hasattr(adapter, "_start_transaction"):
            await adapter._start_transaction()  # the BEGIN alone, as its next statement would
        else:  # another SQLAlchemy version: a statement through it begins the transaction
            await conn.exec_driver_sql("SELECT 1")
    assert raw.is_in_transaction()
    session.info["motcua_pg"] = raw
    return raw


async def conversation_for_turn(
    session: AsyncSession, key: str, channel: str, user_id: str, message_id: str, now: dt.datetime
) -> tuple[TurnRow, bool]:
    pg = await connection(session)
    found = await pg.fetchrow(_TURN, key, channel, message_id)
    if found is not None:
        return TurnRow(*found[:6]), bool(found[6])
    # a new conversation: made as a batch of one makes it (the citizen inserted or found) in one
    # round trip; left out when another transaction is making it or its citizen right now
    made = await _batch(pg, [(key, channel, user_id, message_id)], now)
    if key in made:
        return made[key]
    citizen_id = await pg.fetchval(_CITIZEN_INSERT, channel, user_id, now)
    if citizen_id is None:  # known on this channel already (an earlier conversation key)
        citizen_id = await pg.fetchval(_CITIZEN, channel, user_id)
    return TurnRow(*await pg.fetchrow(_CONV_INSERT, key, citizen_id, channel, now)), False


# A batch's conversations in one round trip (`conversations_for_batch`): for each (key, channel,
# user, message) the conversation and whether the message is logged already; the missing ones
# created (the citizen inserted, or found: known on this channel by an earlier key). This
# statement's snapshot cannot see a conversation or citizen another transaction is inserting right
# now: that key has no row here (ON CONFLICT waits for the other, then does nothing), and its turn
# takes `conversation_for_turn`.
_BATCH = f"""
WITH w AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS w (key, channel, user_id, message_id)
), known AS (
  SELECT w.key, c.id, c.citizen_id, c.channel, c.state, c.inbound_cursor, c.last_inbound_at,
    EXISTS (SELECT 1 FROM message_log m WHERE m.channel = w.channel AND m.direction = 'in'
            AND m.external_id = w.message_id) AS repeated
  FROM w JOIN conversation c ON c.key = w.key
), missing AS (
  SELECT w.* FROM w WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.key = w.key)
), new_citizen AS (
  INSERT INTO citizen (channel, external_id, created_at) SELECT channel, user_id, $5 FROM missing
  ON CONFLICT DO NOTHING RETURNING id, channel, external_id
), who AS (
  SELECT m.key, m.channel, coalesce(n.id, (SELECT ci.id FROM citizen ci WHERE ci.channel = m.channel
    AND ci.external_id = m.user_id)) AS citizen_id
  FROM missing m LEFT JOIN new_citizen n ON n.channel = m.channel AND n.external_id = m.user_id
), created AS (
  INSERT INTO conversation (key, citizen_id, channel, state, inbound_cursor, created_at, updated_at)
  SELECT key, citizen_id, channel, '{{}}', '0-0', $5, $5 FROM who WHERE citizen_id IS NOT NULL
  ON CONFLICT (key) DO NOTHING RETURNING key, {_COLUMNS}
)
SELECT key, id, citizen_id, channel, state, inbound_cursor, last_inbound_at, repeated FROM known
UNION ALL SELECT key, {_COLUMNS}, false FROM created
"""


async def conversations_for_batch(
    session: AsyncSession, wanted: list[tuple[str, str, str, str]], now: dt.datetime
) -> dict[str, tuple[TurnRow, bool]]:
    """The conversations of (key, channel, user_id, message_id), by key, created if new, each
    with whether its message is logged already; a key missing from the answer is left to
    `conversation_for_turn`."""
    return await _batch(await connection(session), wanted, now)


async def _batch(
    pg: Any, wanted: list[tuple[str, str, str, str]], now: dt.datetime
) -> dict[str, tuple[TurnRow, bool]]:
    keys, channels, users, messages = (list(column) for column in zip(*wanted, strict=True))
    rows = await pg.fetch(_BATCH, keys, channels, users, messages, now)
    return {row[0]: (TurnRow(*row[1:7]), bool(row[7])) for row in rows}


# the turn's advance ($1-$7 of _TURN_ROWS) by name; the JSON columns' values go as JSON text
_ADVANCE_ARGS = ("_id", "_old", "inbound_cursor", "state", "step", "last_inbound_at", "updated_at")
# the sender's claim (bot/sender.py `_claim`, the same conditions as its SQLAlchemy query) in one
# statement: due rows of which no earlier row of the conversation is unfinished, locked (skipping
# rows another sender holds), marked sending until $2, with the reply window's facts. With the
# partial indexes on unfinished rows (migration 0011) the plan walks them in id order and stops
# after CLAIM_ROWS (EXPLAIN ANALYZE with 2,000 pending of 20,000 rows: the `due` part 0.18 ms instead of
# 1.9 ms, which read and sorted the whole backlog on every pass).
CLAIM_ROWS = 100  # rows one claim takes at most
#: The rows due now ($1), read only: what the claim locks and marks (bench/load.py reads it alone).
CLAIM_DUE = f"""SELECT o.id FROM outbox o
  WHERE ((o.status = 'pending' AND o.next_attempt_at <= $1) OR (o.status = 'sending' AND o.claimed_until <= $1))
    AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.conversation_id = o.conversation_id AND e.id < o.id
                    AND e.status IN ('pending', 'sending', 'held'))
  ORDER BY o.id LIMIT {CLAIM_ROWS}"""
CLAIM = f"""
WITH due AS (
  {CLAIM_DUE} FOR UPDATE SKIP LOCKED
), claimed AS (
  UPDATE outbox SET status = 'sending', claimed_until = $2 WHERE id = ANY (ARRAY (SELECT id FROM due))
  RETURNING id, conversation_id, channel, recipient, payload, attempts, parts_sent, message_id
)
SELECT c.id, c.conversation_id, c.channel, c.recipient, c.payload, c.attempts, c.parts_sent,
  (SELECT m.author FROM message_log m WHERE m.id = c.message_id),
  (SELECT v.last_inbound_at FROM conversation v WHERE v.id = c.conversation_id)
FROM claimed c ORDER BY c.id
"""
# The claim's plan, whatever the statistics: without them (a young outbox: `reltuples` -1 until the
# first autoanalyze, a minute or more away) the planner took a bitmap scan of the status index and a
# sort, which reads every entry of every row sent since the last VACUUM on each pass (a bitmap scan
# never marks dead entries) and checks the anti-join for the whole backlog. With bitmap and
# sequential scans off for the claim's transaction only the ordered scan of ix_outbox_unfinished
# (stopping after 100 rows, marking the dead entries it meets) and index scans by id are left; every
# table the claim reads has them, so no plan pays the `disable_cost` (1e10, which would cross
# `jit_above_cost` and JIT-compile the statement on every pass: 230-280 ms measured when sort or join
# methods were turned off).
# And a custom plan on every pass: asyncpg prepares the claim once per connection, and after five
# executions PostgreSQL may keep a generic plan, made for the table's size at that moment and kept
# until the next ANALYZE of the outbox. One made while the outbox was nearly empty (the first
# seconds of a fresh database) was sequential scans with a nested-loop anti-join: quadratic in the
# unfinished rows, 1.6-15 s a pass with 2,000-4,000 pending under load (auto_explain, bench/load.py
# saturation), while the same statement planned afresh took 0.3 ms. Planning it costs ~0.2 ms a pass.
CLAIM_PLAN = (
    "SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off;"
    " SET LOCAL plan_cache_mode = force_custom_plan"
)
# Held rows (outside a reply window) due again: the citizen wrote after they were held (a held
# row's `next_attempt_at` is when it was held). Sent with CLAIM_PLAN as one simple query (one
# round trip), so its time is a literal (`_literal`), not a parameter.
_RELEASE_HELD = (
    "UPDATE outbox SET status = 'pending', next_attempt_at = {now}, claimed_until = NULL"
    " WHERE status = 'held' AND EXISTS (SELECT 1 FROM conversation c WHERE c.id = outbox.conversation_id"
    " AND c.last_inbound_at > outbox.next_attempt_at)"
)
# Rows delivered, marked sent: a simple query with its values as literals (our own ids and times),
# so it is planned afresh each time; a prepared one kept the generic plan made on a young outbox
# (a sequential scan of the table) for the connection's life.
_SENT = (
    "UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = {now}, last_error = NULL,"
    " claimed_until = NULL WHERE id = ANY ('{{{ids}}}'::bigint[]) AND claimed_until IS NOT DISTINCT FROM {until}"
)
_JSON_COLUMNS = {"attachments", "quick_replies", "details", "state", "payload"}


def _args(values: dict[str, Any], names: tuple[str, ...]) -> list[Any]:
    return [_json(values[n]) if n in _JSON_COLUMNS else values[n] for n in names]


def turn_args(
    advance: dict[str, Any],
    inbound: dict[str, Any] | None,
    channel: str,
    replies: list[dict[str, Any]],
    recipient: str,
    reply_step: str | None,
) -> list[Any]:
    """The parameters of a turn's rows (`_TURN_ROWS`): the conversation advanced (`advance` as
    `store._advance_values` builds it), the citizen's message (`inbound`, None for none) and the
    replies (each `values` of `store._outbound_values` with its `created_at` and `payload`)."""
    logged = _args(inbound, _TURN_INBOUND_ARGS) if inbound is not None else [None] * len(_TURN_INBOUND_ARGS)
    # the citizen's message takes the first position of `msg` (its own columns are parameters)
    rows = ([{"kind": None, "text": None, "attachments": None, "quick_replies": None, "created_at": None,
              "payload": None}] if inbound is not None else []) + replies  # fmt: skip
    return [
        *_args(advance, _ADVANCE_ARGS),
        inbound is not None,
        channel,
        *logged,
        [r["kind"] for r in rows],
        [r["text"] for r in rows],
        [_json(r["attachments"]) for r in rows],
        [_json(r["quick_replies"]) for r in rows],
        [r["created_at"] for r in rows],
        [_json(r["payload"]) for r in rows],
        recipient,
        reply_step,
    ]


async def finish_turn(session: AsyncSession, args: list[Any]) -> bool:
    """A turn's rows (`turn_args`) in one round trip; False (nothing written) if the
    conversation's cursor moved meanwhile."""
    pg = await connection(session)
    return await pg.fetchval(_TURN_ROWS, *args) == 1


async def finish_turns(session: AsyncSession, turns: list[list[Any]]) -> list[bool]:
    """Several turns' rows (`turn_args` each, of different conversations) in ONE round trip: the
    same statement executed for each, pipelined (asyncpg's `fetchmany`: every Bind/Execute sent
    at once, one Sync). Per turn, False if its conversation's cursor moved meanwhile (its rows
    not written; the caller drops the transaction)."""
    pg = await connection(session)
    return [r[0] == 1 for r in await pg.fetchmany(_TURN_ROWS, turns)]


def _literal(moment: dt.datetime) -> str:
    """An aware datetime as an SQL timestamptz literal (our own value, never input)."""
    if not isinstance(moment, dt.datetime) or moment.tzinfo is None:
        raise ValueError(f"an aware datetime is needed, not {moment!r}")
    return f"'{moment.isoformat()}'::timestamptz"


async def record_sent(
    session: AsyncSession, ids: list[int], claimed_until: dt.datetime | None, now: dt.datetime
) -> None:
    """Rows delivered under the claim `claimed_until` marked sent (a row another sender took over
    meanwhile is left to it)."""
    pg = await connection(session)
    until = "NULL::timestamptz" if claimed_until is None else _literal(claimed_until)
    numbers = ",".join(str(int(i)) for i in ids)  # ints, never text from outside
    await pg.execute(_SENT.format(now=_literal(now), ids=numbers, until=until))


class ClaimedRow:
    """An outbox row claimed by a sender (the attributes `bot/sender.py` reads of an Outbox)."""

    __slots__ = (
        "id", "conversation_id", "channel", "recipient", "payload", "attempts", "parts_sent",
        "claimed_until",
    )  # fmt: skip

    def __init__(self, record: Any, claimed_until: dt.datetime) -> None:
        for i, name in enumerate(self.__slots__[:-1]):  # the claim's columns, in that order
            setattr(self, name, record[i])
        self.claimed_until: dt.datetime | None = claimed_until


async def claim_outbox(
    session: AsyncSession, now: dt.datetime, until: dt.datetime
) -> tuple[list[ClaimedRow], dict[int, tuple[str, dt.datetime | None]]]:
    """Held rows the citizen wrote after released; then up to 100 due outbox rows claimed until
    `until`, and each one's author and the citizen's last message time (the reply window's facts)."""
    pg = await connection(session)
    # the held rows released (with the planner's usual choices), then the claim's plan setting (until
    # the claim's transaction ends), in one round trip; then the claim
    await pg.execute(f"{_RELEASE_HELD.format(now=_literal(now))}; {CLAIM_PLAN}")
    records = await pg.fetch(CLAIM, now, until)
    return [ClaimedRow(r, until) for r in records], {r[0]: (r[7], r[8]) for r in records}
