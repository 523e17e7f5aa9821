"""Fixtures of the channel tests: the fake platforms, settings pointing at them, and the real
application (webhooks, queue, workers, sender) on either backend pair."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from channel_kit import ZALO_APP_SECRET, platform_overrides
from fakes import FakeGraph, FakeZalo


@pytest.fixture
async def fake_zalo() -> AsyncIterator[FakeZalo]:
    server = await FakeZalo(app_secret=ZALO_APP_SECRET).start()
    yield server
    await server.stop()


@pytest.fixture
async def fake_graph() -> AsyncIterator[FakeGraph]:
    server = await FakeGraph().start()
    yield server
    await server.stop()


@pytest.fixture
def channel_settings(backend_settings, fake_zalo, fake_graph):
    return backend_settings.with_overrides(**platform_overrides(fake_zalo, fake_graph))


@pytest.fixture
async def client(channel_settings) -> AsyncIterator[TestClient]:
    from bot.app import create_app

    app = create_app(channel_settings, role="all", workers=2)
    async with TestClient(TestServer(app)) as c:
        yield c
