"""Fixtures: settings on a temporary directory, fresh PostgreSQL databases, Redis key prefixes
of their own, and the two backend pairs (embedded and production). Helpers are in support.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from support import PG_ADMIN, REDIS, _migrate, fresh_pg_database, fresh_redis_prefix, make_settings, need

from core.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture(scope="session")
def pg_server() -> str:
    need(PG_ADMIN, 5432, "PostgreSQL")
    return PG_ADMIN


@pytest.fixture
async def pg_url(pg_server: str) -> AsyncIterator[str]:
    async with fresh_pg_database(pg_server) as url:
        yield url


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory):
    """A local 3-node Redis Cluster (private redis-server processes) shared by the session."""
    from redis_servers import redis_cluster as start_cluster

    with start_cluster(tmp_path_factory.mktemp("redis-cluster")) as cluster:
        yield cluster


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    need(REDIS, 6379, "Redis")
    async with fresh_redis_prefix() as prefix:
        yield prefix


@pytest.fixture
async def production_settings(tmp_path: Path) -> AsyncIterator[Settings]:
    """Migrated settings on PostgreSQL + Redis only."""
    need(PG_ADMIN, 5432, "PostgreSQL")
    need(REDIS, 6379, "Redis")
    async with fresh_pg_database(PG_ADMIN) as url, fresh_redis_prefix() as prefix:
        s = make_settings(tmp_path, database_url=url, redis_url=REDIS, redis_prefix=prefix)
        await _migrate(url)
        yield s


BACKENDS = ["embedded", "production"]


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
async def backend_settings(backend: str, tmp_path: Path) -> AsyncIterator[Settings]:
    """Migrated settings for the embedded default (SQLite + in-process queue) or the production
    pair (PostgreSQL + Redis)."""
    if backend == "embedded":
        s = make_settings(tmp_path)
        await _migrate(s.resolved_database_url)
        yield s
        return
    need(PG_ADMIN, 5432, "PostgreSQL")
    need(REDIS, 6379, "Redis")
    async with fresh_pg_database(PG_ADMIN) as url, fresh_redis_prefix() as prefix:
        s = make_settings(tmp_path, database_url=url, redis_url=REDIS, redis_prefix=prefix)
        await _migrate(url)
        yield s
