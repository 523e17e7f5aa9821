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
