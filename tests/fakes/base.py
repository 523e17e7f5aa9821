"""The common part of the fakes: an aiohttp server on a random port, a request log, scripted
failures, and a small "CDN" serving files (for media downloads) that can be slow or expire."""

from __future__ import annotations

import asyncio
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any  # parsed JSON, form fields, or raw bytes
    at: float = 0.0
    ok: bool = False  # answered with success


@dataclass
class Failure:
    """One scripted answer instead of the normal one: an HTTP status, or a platform error body."""

    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


class FakeServer:
    def __init__(self) -> None:
        self.app = web.Application(client_max_size=50_000_000)
        self.requests: list[Recorded] = []
        self.failures: deque[Failure] = deque()
        self.files: dict[str, tuple[bytes, str]] = {}
        self.file_delay_s = 0.0
        self.file_hits: list[str] = []
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        self.app.router.add_get("/cdn/{name}", self._file)

    async def start(self) -> FakeServer:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- scripting
    def fail_next(self, *failures: Failure) -> None:
        self.failures.extend(failures)

    async def scripted(self) -> web.Response | None:
        if not self.failures:
            return None
        f = self.failures.popleft()
        if f.delay_s:
            await asyncio.sleep(f.delay_s)
        if f.status != 200 or f.body:
            return web.json_response(f.body, status=f.status, headers=f.headers)
        return None

    async def record(self, request: web.Request, body: Any) -> Recorded:
        rec = Recorded(
            request.method,
            request.path,
            dict(request.query),
            dict(request.headers),
            body,
            asyncio.get_running_loop().time(),
        )
        self.requests.append(rec)
        return rec

    def calls(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    # -- the CDN
    def host(self, data: bytes, content_type: str = "image/jpeg", name: str | None = None) -> str:
        name = name or uuid.uuid4().hex
        self.files[name] = (data, content_type)
        return f"{self.base_url}/cdn/{name}"

    async def _file(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.file_hits.append(name)
        if self.file_delay_s:
            await asyncio.sleep(self.file_delay_s)
        if name not in self.files:
            return web.Response(status=404, text="expired")  # platform URLs expire
        data, ctype = self.files[name]
        return web.Response(body=data, content_type=ctype)
