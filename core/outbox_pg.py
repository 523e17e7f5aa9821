"""The sender's statements on PostgreSQL without a SQLAlchemy session, and its wake-up by
LISTEN/NOTIFY.

A pass of the sender used to be two sessions (pool check-out with its ping, BEGIN, the held rows'
release and the claim, COMMIT; then again for the record of deliveries). Each statement here is
atomic on its own, so they run in autocommit: the release, the claim (`store_pg.CLAIM`, one
statement) and the record, on the sender's own connection (`OutboxListener`, which also LISTENs)
or, when that one is down or busy, on a pooled connection's asyncpg handle.

Rows written by a process that runs no sender (the web role: an officer's reply, a citizen's
action in the console) wake the senders with `NOTIFY motcua_outbox` instead of waiting for their
poll (`SENDER_POLL_S`); a worker's own commits wake its own sender in-process.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from core.db import Database
from core.db.engine import COMMAND_TIMEOUT_S, CONNECT_TIMEOUT_S

log = logging.getLogger(__name__)

CHANNEL = "motcua_outbox"
RECONNECT_FIRST_S = 0.25
RECONNECT_MAX_S = 4.0

# held rows (outside a reply window) become due again once the citizen wrote after they were held
# (`next_attempt_at` of a held row is when it was held): bot/sender.py `_release_held`
RELEASE_HELD = (
    "UPDATE outbox SET status = 'pending', next_attempt_at = $1, claimed_until = NULL"
    " WHERE status = 'held' AND EXISTS (SELECT 1 FROM conversation c"
    " WHERE c.id = outbox.conversation_id AND c.last_inbound_at > outbox.next_attempt_at)"
)
# a pass's deliveries, each row still under this sender's claim
RECORD_SENT = (
    "UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = $3, last_error = NULL,"
    " claimed_until = NULL WHERE id = ANY ($1::bigint[]) AND claimed_until = $2"
)


def _decode_json(data: bytes) -> Any:
    return json.loads(data.decode())


async def connect(db: Database) -> Any:
    """An asyncpg connection with the engine's parameters and its JSON codec (rows read here
    look like those read through SQLAlchemy's asyncpg dialect)."""
    import asyncpg

    _, params = db.engine.dialect.create_connect_args(db.engine.url)
    for key in ("prepared_statement_cache_size", "prepared_statement_name_func", "async_creator_fn"):
        params.pop(key, None)
    params.update(timeout=CONNECT_TIMEOUT_S, command_timeout=COMMAND_TIMEOUT_S)
    conn = await asyncpg.connect(**params)
    await conn.set_type_codec(
        "json", encoder=str.encode, decoder=_decode_json, schema="pg_catalog", format="binary"
    )
    return conn


async def notify(db: Database) -> None:
    """Wake the senders of every process (one NOTIFY; it is sent when its statement commits)."""
    async with pooled(db) as conn:
        await conn.execute(f"NOTIFY {CHANNEL}")


@contextlib.asynccontextmanager
async def pooled(db: Database) -> AsyncIterator[Any]:
    """A pooled connection's asyncpg handle, outside any transaction (each statement commits)."""
    async with db.engine.connect() as sa_conn:
        raw = await sa_conn.get_raw_connection()
        yield raw.driver_connection


class OutboxListener:
    """The sender's own connection: LISTEN for new rows (`on_notify`), and its statements run
    here rather than through the pool. Reconnects with backoff when PostgreSQL goes away; while
    it is down the sender polls and uses the pool."""

    def __init__(self, db: Database, on_notify: Callable[[], None]) -> None:
        self.db = db
        self.on_notify = on_notify
        self.conn: Any = None
        self._busy = asyncio.Lock()
        self._lost = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        delay = RECONNECT_FIRST_S
        try:
            while not stop.is_set():
                try:
                    await self._open()
                    delay = RECONNECT_FIRST_S
                    self.on_notify()  # rows written while nobody listened
                    stopping = asyncio.ensure_future(stop.wait())
                    lost = asyncio.ensure_future(self._lost.wait())
                    try:
                        await asyncio.wait({stopping, lost}, return_when=asyncio.FIRST_COMPLETED)
                    finally:
                        stopping.cancel()
                        lost.cancel()
                except Exception as exc:
                    log.warning("outbox listener: %r; again in %.2f s", exc, delay)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), timeout=delay)
                    delay = min(delay * 2, RECONNECT_MAX_S)
                finally:
                    await self._close()
        finally:
            await self._close()

    async def _open(self) -> None:
        self._lost.clear()
        conn = await connect(self.db)
        conn.add_termination_listener(lambda _c: self._lost.set())
        await conn.add_listener(CHANNEL, lambda *_: self.on_notify())
        self.conn = conn

    async def _close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None and not conn.is_closed():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), timeout=2)
            if not conn.is_closed():
                conn.terminate()

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        """This listener's connection if it is up and free, else a pooled one. A failure on it
        drops it (the listener reconnects)."""
        conn = self.conn
        if conn is None or conn.is_closed() or self._busy.locked():
            async with pooled(self.db) as other:
                yield other
            return
        async with self._busy:
            try:
                yield conn
            except Exception:
                self._lost.set()
                raise


async def release_and_claim(conn: Any, now: dt.datetime, until: dt.datetime) -> list[Any]:
    """Held rows released, then up to 100 due rows claimed (`store_pg.CLAIM`), in autocommit."""
    from core.store_pg import CLAIM

    await conn.execute(RELEASE_HELD, now)
    return list(await conn.fetch(CLAIM, now, until))
