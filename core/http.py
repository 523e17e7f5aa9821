"""One lazily opened aiohttp client session per owner, reopened when closed or when used from
another event loop (tests run several loops in one process)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import aiohttp


class LazySession:
    def __init__(
        self,
        timeout: Callable[[], aiohttp.ClientTimeout] | aiohttp.ClientTimeout,
        factory: Callable[[aiohttp.ClientTimeout], aiohttp.ClientSession] | None = None,
    ) -> None:
        self._timeout = timeout
        self._factory = factory  # builds the session (e.g. with a connector of its own)
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def __call__(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            timeout = self._timeout() if callable(self._timeout) else self._timeout
            self._session = (
                self._factory(timeout) if self._factory else aiohttp.ClientSession(timeout=timeout)
            )
            self._loop = loop
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None
