"""Engine and session factory for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

CONNECT_TIMEOUT_S = 5.0
PING_IDLE_S = 1.0  # a pooled connection unused this long is pinged before its next use
COMMAND_TIMEOUT_S = 60.0


class Database:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite and ":memory:" not in url:
            Path(url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict = {"echo": echo}
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": 30}
        else:
            # Timeouts in the driver, not by cancelling a session's task (a cancelled checkout or
            # query can leave the pool short of a connection): connecting gives up after
            # CONNECT_TIMEOUT_S, a statement after COMMAND_TIMEOUT_S, a pool checkout after 10 s.
            kwargs.update(
                pool_size=10,
                max_overflow=10,
                # not pool_pre_ping: on asyncpg it is three round trips (BEGIN, a ping, ROLLBACK) at
                # every checkout, as many as a turn's own statements; `_ping_if_idle` pings only a
                # connection that sat in the pool for PING_IDLE_S (a busy one was just used)
                pool_timeout=10,
                connect_args={"timeout": CONNECT_TIMEOUT_S, "command_timeout": COMMAND_TIMEOUT_S},
            )
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_connect)
            event.listen(self.engine.sync_engine, "begin", _sqlite_begin)
        else:
            event.listen(self.engine.sync_engine, "connect", _connected)
            event.listen(self.engine.sync_engine, "checkin", _checked_in)
            event.listen(self.engine.sync_engine, "checkout", self._ping_if_idle)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._reads = async_sessionmaker(
            self.engine.execution_options(motcua_read_only=True), expire_on_commit=False
        )

    def _ping_if_idle(self, dbapi_conn, record, _proxy) -> None:
        """A connection idle in the pool for PING_IDLE_S or more is pinged before use; a dead one
        is replaced (the pool retries the checkout with a new connection)."""
        idle_since = record.info.get("motcua_checked_in")
        if idle_since is None or time.monotonic() - idle_since < PING_IDLE_S:
            return
        try:
            self.engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:
            # as pool_pre_ping does: the server may have restarted, so every pooled connection
            # is replaced, not only this one (the pool retries the checkout with a new one)
            raise InvalidatePoolError(f"pooled connection dead after idling: {exc!r}") from exc

    def session(self) -> AsyncSession:
        return self.sessions()

    def read_session(self) -> AsyncSession:
        """A session that only reads. On SQLite its transaction is a plain (deferred) BEGIN: under
        WAL it reads the last committed state at once instead of queueing for the write lock
        behind a writer (the worker's turn, which may await a photo check for seconds). Writing
        in it may fail with "database is locked"; on PostgreSQL it is an ordinary session."""
        return self._reads()

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def close(self) -> None:
        await self.engine.dispose()


def _connected(_dbapi_conn, record) -> None:
    record.info.pop("motcua_checked_in", None)  # a new connection (also one replacing a dead one)


def _checked_in(_dbapi_conn, record) -> None:
    record.info["motcua_checked_in"] = time.monotonic()


def _sqlite_connect(dbapi_conn, _record) -> None:
    # Let SQLAlchemy, not the driver, issue BEGIN (needed for SAVEPOINT; SQLAlchemy's pysqlite recipe).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin(conn) -> None:
    # One writer at a time, taken at BEGIN: no deadlock when a reader later wants to write.
    # A read-only session (Database.read_session) takes no lock.
    read_only = conn.get_execution_options().get("motcua_read_only")
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
