"""Test infrastructure shared by the suite (imported as `support`; fixtures live in conftest.py).

PostgreSQL and Redis are real servers (TEST_POSTGRES_URL, TEST_REDIS_URL). When they do not
answer, the tests that need them fail, they are not skipped: set MOTCUA_TEST_SERVICES=off to skip
them knowingly (e.g. on a laptop without them).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import uuid
from pathlib import Path
from typing import AsyncIterator, Callable
from urllib.parse import urlparse

import pytest

from bot.settings import Settings, load_settings

PG_ADMIN = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SERVICES_OFF = os.environ.get("MOTCUA_TEST_SERVICES", "").lower() == "off"


def _answers(url: str, default_port: int) -> bool:
    u = urlparse(url)
    try:
        with socket.create_connection((u.hostname or "127.0.0.1", u.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def need(url: str, port: int, what: str) -> None:
    if _answers(url, port):
        return
    if SERVICES_OFF:
        pytest.skip(f"{what} not answering at {url} (MOTCUA_TEST_SERVICES=off)")
    pytest.fail(f"{what} is not answering at {url}; start it (see README) or set MOTCUA_TEST_SERVICES=off")


def make_settings(tmp_path: Path, **overrides) -> Settings:
    base = dict(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/motcua.db",
        media_dir=str(tmp_path / "media"),
        var_dir=str(tmp_path / "var"),
        redis_url="",
        secret_key="test-secret-key-not-for-production",
        sender_poll_s=0.05,
        sender_backoff_base_s=0.05,
        claim_idle_ms=60000,
        lock_ttl_s=10.0,
    )
    base.update(overrides)
    return load_settings(environ={}, **base)


@contextlib.asynccontextmanager
async def fresh_pg_database(server: str) -> AsyncIterator[str]:
    """A fresh, empty PostgreSQL database (dropped afterwards); yields its async URL."""
    import asyncpg

    name = f"motcua_t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    u = urlparse(server)
    try:
        yield f"postgresql+asyncpg://{u.username or 'postgres'}@{u.hostname}:{u.port or 5432}/{name}"
    finally:
        admin = await asyncpg.connect(server)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@contextlib.asynccontextmanager
async def fresh_redis_prefix() -> AsyncIterator[str]:
    """A key prefix of its own on the real Redis (its keys are removed afterwards)."""
    import redis.asyncio as aioredis

    prefix = f"motcua-test:{uuid.uuid4().hex[:10]}:"
    try:
        yield prefix
    finally:
        r = aioredis.Redis.from_url(REDIS)
        try:
            keys = [k async for k in r.scan_iter(match=prefix + "*", count=1000)]
            if keys:
                await r.delete(*keys)
        finally:
            await r.aclose()


async def _migrate(url: str) -> None:
    from bot.db.migrate import upgrade_async

    await upgrade_async(url)


async def wait_for(predicate: Callable[[], "asyncio.Future | bool"], timeout: float = 15.0, every: float = 0.05):
    """Await until `predicate()` (sync or async) returns a truthy value; return it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(every)
