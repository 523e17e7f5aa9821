"""The load bench's fake Zalo OpenAPI, lean: the message endpoints only (`/v3.0/oa/message/cs`
and `/transaction`), with Zalo's own answers (success with a message id; -216 for an unknown
access token), over HTTP/1.1 keep-alive, written as one asyncio Protocol.

The tests' `FakeZalo` (tests/fakes/zalo.py, aiohttp's server, scripted failures, uploads, OAuth)
cost ~0.1 ms of CPU per reply on the same two cores as the system measured, the platform's share
that in production runs on Zalo's machines; this one a fraction of that. `bench/load.py
--aiohttp-fake` uses FakeZalo instead. Requests are recorded as FakeZalo records them (`requests`:
`body`, `at` on the loop's clock, `ok`)."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

import orjson

MESSAGE_PATHS = ("/v3.0/oa/message/cs", "/v3.0/oa/message/transaction")


@dataclass(slots=True)
class Received:
    path: str
    body: Any
    at: float
    ok: bool


class LeanZalo:
    def __init__(self, access_token: str = "zalo-at-0") -> None:
        self.access_token = access_token
        self.requests: list[Received] = []
        self.base_url = ""
        self._server: asyncio.Server | None = None

    async def start(self) -> LeanZalo:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: _Connection(self), "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()

    def answer(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, bytes]:
        at = asyncio.get_running_loop().time()
        if path not in MESSAGE_PATHS:
            return 404, b'{"error":404,"message":"not in the lean fake"}'
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return 400, b'{"error":-201,"message":"Body is not JSON"}'
        ok = headers.get("access_token") == self.access_token
        self.requests.append(Received(path, body, at, ok))
        if not ok:
            return 200, b'{"error":-216,"message":"Access token is invalid"}'
        user = (body.get("recipient") or {}).get("user_id")
        data = {"message_id": uuid.uuid4().hex, "user_id": user}
        return 200, orjson.dumps({"error": 0, "message": "Success", "data": data})


class _Connection(asyncio.Protocol):
    def __init__(self, fake: LeanZalo) -> None:
        self.fake = fake
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            lines = self.buffer[:end].decode("latin-1").split("\r\n")
            headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
            length = int(headers.get("content-length") or 0)
            if len(self.buffer) < end + 4 + length:
                return  # the body is still coming
            raw, self.buffer = self.buffer[end + 4 : end + 4 + length], self.buffer[end + 4 + length :]
            target = lines[0].split(" ")[1] if lines[0].count(" ") >= 2 else "/"
            status, answer = self.fake.answer(target.split("?", 1)[0], headers, raw)
            head = f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\nContent-Type: application/json"
            assert self.transport is not None
            self.transport.write(f"{head}\r\nContent-Length: {len(answer)}\r\n\r\n".encode() + answer)
