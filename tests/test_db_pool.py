"""The PostgreSQL pool (core/db/engine.py): no ping on every checkout (three round trips on
asyncpg), but a connection that sat idle in the pool is pinged first, and one whose server
backend died meanwhile is replaced without the caller seeing an error."""

from __future__ import annotations

import asyncio

import asyncpg
from sqlalchemy import text
from support import PG_ADMIN, need

from core.db import engine as db_engine
from core.db.engine import Database


async def _backend_pid(db: Database) -> int:
    async with db.session() as s, s.begin():
        return (await s.execute(text("SELECT pg_backend_pid()"))).scalar_one()


async def test_a_connection_killed_while_idle_is_replaced_before_use(monkeypatch):
    need(PG_ADMIN, 5432, "PostgreSQL")
    monkeypatch.setattr(db_engine, "PING_IDLE_S", 0.2)

    db = Database(PG_ADMIN.replace("postgresql://", "postgresql+asyncpg://"))
    try:
        first = await _backend_pid(db)
        assert await _backend_pid(db) == first  # a busy connection is reused as it is
        admin = await asyncpg.connect(PG_ADMIN)
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", first)
        finally:
            await admin.close()
        await asyncio.sleep(0.3)  # idle longer than PING_IDLE_S: pinged, found dead, replaced
        second = await _backend_pid(db)
        assert second != first
    finally:
        await db.close()


async def test_a_busy_connection_is_not_pinged_and_a_dead_one_replaces_the_whole_pool(monkeypatch):
    need(PG_ADMIN, 5432, "PostgreSQL")
    monkeypatch.setattr(db_engine, "PING_IDLE_S", 0.3)
    db = Database(PG_ADMIN.replace("postgresql://", "postgresql+asyncpg://"))
    pings = 0
    do_ping = db.engine.dialect.do_ping

    def counted(dbapi_connection):
        nonlocal pings
        pings += 1
        return do_ping(dbapi_connection)

    monkeypatch.setattr(db.engine.dialect, "do_ping", counted)
    try:

        async def held(ready: asyncio.Event, go: asyncio.Event) -> int:
            async with db.session() as s, s.begin():
                pid = (await s.execute(text("SELECT pg_backend_pid()"))).scalar_one()
                ready.set()
                await go.wait()
                return pid

        # two connections in the pool, both just used
        ready, go = [asyncio.Event(), asyncio.Event()], asyncio.Event()
        tasks = [asyncio.create_task(held(r, go)) for r in ready]
        for r in ready:
            await r.wait()
        go.set()
        old = set(await asyncio.gather(*tasks))
        assert len(old) == 2
        for _ in range(5):  # back to back: no ping
            assert await _backend_pid(db) in old
        assert pings == 0
        admin = await asyncpg.connect(PG_ADMIN)
        try:
            for pid in old:  # e.g. the server restarted
                assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
        finally:
            await admin.close()
        await asyncio.sleep(0.4)
        assert await _backend_pid(db) not in old  # pinged, found dead: the pool is replaced
        assert pings == 1
        ready, go = [asyncio.Event(), asyncio.Event()], asyncio.Event()
        tasks = [asyncio.create_task(held(r, go)) for r in ready]
        for r in ready:
            await r.wait()
        go.set()
        new = set(await asyncio.gather(*tasks))  # neither caller saw an error
        assert len(new) == 2 and not new & old
        assert pings == 1  # the other dead one was replaced with the pool, not pinged
    finally:
        await db.close()
