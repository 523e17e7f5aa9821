"""Real processes for the fault test and bench/load.py: `python -m bot serve --role web|worker`
subprocesses on one PostgreSQL (reached through a TCP proxy the test can pause) and one Redis,
the fake Zalo API, and simulated citizens posting signed Zalo webhooks."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
ZALO_APP_ID = "4455667788990011223"
ZALO_OA_SECRET = "oa-secret-của-bài-thử"
OA_ID = "579745863508352884"


class TcpProxy:
    """Forwards 127.0.0.1:port to a target. `pause()` closes the listener and cuts every open
    connection (the database "refuses connections"); `resume()` listens again on the same port."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> TcpProxy:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                with contextlib.suppress(Exception):
                    dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._writers -= {writer, up_writer}

    async def pause(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for w in list(self._writers):
            with contextlib.suppress(Exception):
                w.transport.abort()
        self._writers.clear()

    async def resume(self) -> None:
        await self.start()

    async def stop(self) -> None:
        await self.pause()


def zalo_text(user: str, text: str, msg_id: str | None = None) -> dict:
    return {
        "event_name": "user_send_text",
        "app_id": ZALO_APP_ID,
        "sender": {"id": user},
        "recipient": {"id": OA_ID},
        "message": {"msg_id": msg_id or uuid.uuid4().hex, "text": text},
        "timestamp": str(int(time.time() * 1000)),
        "user_id_by_app": "55" + user[-10:],
    }


def signed(body: dict) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body, ensure_ascii=False).encode()
    mac = hashlib.sha256(ZALO_APP_ID.encode() + raw + body["timestamp"].encode() + ZALO_OA_SECRET.encode())
    return raw, {"X-ZEvent-Signature": f"mac={mac.hexdigest()}", "Content-Type": "application/json"}


class Fleet:
    """One web process and N worker processes sharing a database and a Redis."""

    def __init__(
        self, tmp: Path, *, database_url: str, redis_url: str, redis_prefix: str, zalo_base: str, **env
    ):
        self.tmp = tmp
        self.env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            REDIS_PREFIX=redis_prefix,
            MEDIA_DIR=str(tmp / "media"),
            VAR_DIR=str(tmp / "var"),
            SECRET_KEY="fleet-secret-key-not-for-production",
            ZALO_APP_ID=ZALO_APP_ID,
            ZALO_OA_SECRET_KEY=ZALO_OA_SECRET,
            ZALO_APP_SECRET="zalo-app-secret",
            ZALO_ACCESS_TOKEN="zalo-at-0",
            ZALO_REFRESH_TOKEN="zalo-rt-0",
            ZALO_API_BASE=zalo_base,
            ZALO_OAUTH_BASE=zalo_base,
            LOG_LEVEL="WARNING",
            **{k.upper(): str(v) for k, v in env.items()},
        )
        self.procs: dict[str, subprocess.Popen] = {}
        self.ports: dict[str, int] = {}

    def start(self, name: str, role: str) -> None:
        from redis_servers import free_port

        port = free_port()
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 (the child keeps it)
        self.procs[name] = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--role", role, "--port", str(port)],
            cwd=ROOT,
            env=dict(self.env, PUBLIC_BASE_URL=f"http://127.0.0.1:{port}"),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.ports[name] = port

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    async def wait_ready(self, http: aiohttp.ClientSession, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        for name in self.procs:
            while True:
                with contextlib.suppress(aiohttp.ClientError, OSError):
                    async with http.get(self.url(name) + "/readyz") as r:
                        if r.status == 200:
                            break
                if self.procs[name].poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"{name} did not start:\n" + self.log(name)[-3000:])
                await asyncio.sleep(0.1)

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    def kill(self, name: str) -> None:
        self.procs[name].send_signal(signal.SIGKILL)
        self.procs[name].wait(timeout=10)

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
