"""Fixtures of the officer tests: the real application on either backend pair, with officers of
two agencies and every role."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from officer_kit import make_officers

from bot.app import create_app
from core.hub import RUNTIME


@pytest.fixture
async def client(backend_settings) -> AsyncIterator[TestClient]:
    await make_officers(backend_settings)
    app = create_app(backend_settings, role="all")
    async with TestClient(TestServer(app)) as c:
        yield c


@pytest.fixture
def rt(client):
    return client.server.app[RUNTIME]
