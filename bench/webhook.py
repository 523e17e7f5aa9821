"""Webhook ingest benchmark: signed Zalo text events against the real server, and the same load
against a bare aiohttp handler that only reads the body (the ceiling), in one run.

    .venv/bin/python bench/webhook.py [--db sqlite|postgres] [--rates 250,500,1000,2000]
                                      [--duration 5] [--connections 64]

The server is started as a subprocess, `python -m bot serve --role web`, with REDIS_URL set (so
every accepted event is de-duplicated and enqueued durably in Redis before the 200) and a
PostgreSQL or SQLite database; the bare handler runs in a subprocess of its own. The load
generator is a small keep-alive HTTP/1.1 client on asyncio streams (lighter than aiohttp's client,
so the generator is less of the bottleneck). At fixed rates it is open-loop: request i is due at
t0 + i/rate and its latency is counted from that moment (no coordinated omission). At saturation
each connection sends its next request as soon as the previous one is answered.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_ID = "3141592653589793238"
OA_SECRET = "bench-oa-secret"
OA_ID = "579745863508352884"
TEXTS: list[str] = yaml.safe_load(
    (Path(__file__).resolve().with_name("webhook_texts.yml")).read_text(encoding="utf-8")
)


# ---- the bare ceiling ----------------------------------------------------------------------------
def bare_server(port: int) -> None:
    from aiohttp import web

    async def handler(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=b'{"ok":true}', content_type="application/json")

    app = web.Application()
    app.router.add_post("/webhooks/zalo", handler)
    app.router.add_get("/healthz", lambda r: web.Response(text="ok"))
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


# ---- requests ---------------------------------------------------------------------------------------
def signed_request(port: int, i: int, run: str) -> bytes:
    ts = str(int(time.time() * 1000))
    user = f"{run}{i % 5000:05d}"  # 5,000 citizens
    body = {
        "event_name": "user_send_text",
        "app_id": APP_ID,
        "sender": {"id": user},
        "recipient": {"id": OA_ID},
        "message": {"text": TEXTS[i % len(TEXTS)], "msg_id": f"{run}-{i}"},
        "timestamp": ts,
        "user_id_by_app": "55" + user,
    }
    raw = json.dumps(body, ensure_ascii=False).encode()
    mac = hashlib.sha256(APP_ID.encode() + raw + ts.encode() + OA_SECRET.encode()).hexdigest()
    head = (
        f"POST /webhooks/zalo HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"X-ZEvent-Signature: mac={mac}\r\nContent-Length: {len(raw)}\r\n\r\n"
    ).encode()
    return head + raw


class Conn:
    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    async def request(self, data: bytes) -> int:
        assert self.reader and self.writer
        self.writer.write(data)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        if length:
            await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        if self.writer:
            self.writer.close()


async def fixed_rate(port: int, rate: float, duration: float, connections: int, run: str) -> dict:
    n = int(rate * duration)
    requests = [signed_request(port, i, run) for i in range(n)]
    conns = [Conn(port) for _ in range(connections)]
    await asyncio.gather(*(c.open() for c in conns))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    loop = asyncio.get_running_loop()
    next_i = 0
    t0 = loop.time() + 0.05

    async def run_conn(c: Conn) -> None:
        nonlocal next_i
        while next_i < n:
            i = next_i
            next_i += 1
            due = t0 + i / rate
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            status = await c.request(requests[i])
            latencies.append(loop.time() - due)
            statuses[status] = statuses.get(status, 0) + 1

    await asyncio.gather(*(run_conn(c) for c in conns))
    elapsed = loop.time() - t0
    for c in conns:
        c.close()
    return _summary(latencies, statuses, elapsed)


async def saturation(port: int, duration: float, connections: int, run: str) -> dict:
    pool = [signed_request(port, i, run) for i in range(int(duration * 15000))]
    conns = [Conn(port) for _ in range(connections)]
    await asyncio.gather(*(c.open() for c in conns))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    loop = asyncio.get_running_loop()
    next_i = 0
    t0 = loop.time()
    deadline = t0 + duration

    async def run_conn(c: Conn) -> None:
        nonlocal next_i
        while loop.time() < deadline and next_i < len(pool):
            i = next_i
            next_i += 1
            started = loop.time()
            status = await c.request(pool[i])
            latencies.append(loop.time() - started)
            statuses[status] = statuses.get(status, 0) + 1

    await asyncio.gather(*(run_conn(c) for c in conns))
    elapsed = loop.time() - t0
    for c in conns:
        c.close()
    return _summary(latencies, statuses, elapsed)


def _summary(lat: list[float], statuses: dict[int, int], elapsed: float) -> dict:
    lat = sorted(lat)
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")  # noqa: E731
    return {
        "n": len(lat),
        "events_s": len(lat) / elapsed,
        "p50_ms": q(0.50),
        "p99_ms": q(0.99),
        "max_ms": lat[-1] * 1000 if lat else float("nan"),
        "statuses": statuses,
    }


# ---- orchestration ------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("server did not start")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    ap.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"))
    ap.add_argument("--rates", default="250,500,1000,2000")
    ap.add_argument("--duration", type=float, default=5.0)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument(
        "--pin", action="store_true", help="pin the server to CPU 0 and the load generator to CPU 1"
    )
    ap.add_argument("--bare-server", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.bare_server:
        bare_server(args.bare_server)
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    prefix = f"motcua-bench:{uuid.uuid4().hex[:8]}:"
    db_name = None
    if args.db == "postgres":
        import asyncpg

        db_name = f"motcua_bench_{uuid.uuid4().hex[:8]}"

        async def create() -> None:
            c = await asyncpg.connect(args.postgres)
            await c.execute(f'CREATE DATABASE "{db_name}"')
            await c.close()

        asyncio.run(create())
        host = args.postgres.split("@", 1)[1].rsplit("/", 1)[0]
        database_url = f"postgresql+asyncpg://postgres@{host}/{db_name}"
    else:
        database_url = f"sqlite+aiosqlite:///{tmp}/bench.db"
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        REDIS_URL=args.redis,
        REDIS_PREFIX=prefix,
        MEDIA_DIR=str(tmp / "media"),
        VAR_DIR=str(tmp / "var"),
        LOG_LEVEL="WARNING",
        ZALO_APP_ID=APP_ID,
        ZALO_OA_SECRET_KEY=OA_SECRET,
        ZALO_ACCESS_TOKEN="bench",
        PYTHONPATH=str(ROOT),
    )
    subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    rates = [float(r) for r in args.rates.split(",") if r]
    results: dict[str, dict[str, dict]] = {}
    try:
        for name in ("ingest", "bare"):
            port = free_port()
            cmd = (
                [sys.executable, "-m", "bot", "serve", "--role", "web", "--port", str(port)]
                if name == "ingest"
                else [sys.executable, str(Path(__file__).resolve()), "--bare-server", str(port)]
            )
            pin = args.pin and (os.cpu_count() or 1) >= 2
            if pin:  # the server on CPU 0, this generator on CPU 1: they do not steal each other's core
                cmd = ["taskset", "-c", "0", *cmd]
                os.sched_setaffinity(0, {1})
            proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
            try:
                wait_http(port, proc)
                run = uuid.uuid4().hex[:6]
                asyncio.run(fixed_rate(port, 500, 1.0, args.connections, run + "w"))  # warm up
                results[name] = {}
                for rate in rates:
                    results[name][f"{rate:.0f}/s"] = asyncio.run(
                        fixed_rate(port, rate, args.duration, args.connections, f"{run}r{rate:.0f}")
                    )
                cpu0, redis0 = _cpu(proc.pid), _redis_cpu(args.redis)
                sat = asyncio.run(saturation(port, args.duration, args.connections, run + "s"))
                sat["server_cpu_us"] = (_cpu(proc.pid) - cpu0) / sat["n"] * 1e6
                sat["redis_cpu_us"] = (_redis_cpu(args.redis) - redis0) / sat["n"] * 1e6
                results[name]["saturation"] = sat
            finally:
                proc.terminate()
                proc.wait(10)
        accepted = _redis_jobs(args.redis, prefix)
    finally:
        _cleanup(args, prefix, db_name)
    print(
        f"\nwebhook ingest benchmark: {args.duration:.0f} s per step, {args.connections} keep-alive connections, "
        f"DB {args.db}, REDIS_URL set, {os.cpu_count()} CPUs{', server pinned to CPU 0' if args.pin else ''}, "
        f"load average {os.getloadavg()[0]:.1f} at the end"
    )
    print(f"{'target':>12} {'step':>11} {'events/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  statuses")
    for name, steps in results.items():
        for step, r in steps.items():
            print(
                f"{name:>12} {step:>11} {r['events_s']:9.0f} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} "
                f"{r['max_ms']:8.1f}  {r['statuses']}"
            )
    ratio = results["ingest"]["saturation"]["events_s"] / results["bare"]["saturation"]["events_s"]
    print(
        f"\ningest/bare at saturation: {ratio:.2f}x   events enqueued in Redis by the ingest runs: {accepted}"
    )
    for name, steps in results.items():
        sat = steps["saturation"]
        print(
            f"CPU per event at saturation, {name}: server {sat['server_cpu_us']:.0f} us"
            + (f", Redis {sat['redis_cpu_us']:.0f} us" if name == "ingest" else "")
        )
    cost = results["bare"]["saturation"]["server_cpu_us"] / results["ingest"]["saturation"]["server_cpu_us"]
    print(f"server CPU ratio bare/ingest (what ingest/bare events/s would be with a core each): {cost:.2f}x")
    return 0


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _redis_cpu(url: str) -> float:
    import redis

    r = redis.Redis.from_url(url)
    try:
        info = r.info("cpu")
        return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])
    finally:
        r.close()


def _redis_jobs(url: str, prefix: str) -> int:
    import redis

    r = redis.Redis.from_url(url)
    try:
        return int(r.xlen(prefix + "{q0}:jobs"))
    finally:
        r.close()


def _cleanup(args, prefix: str, db_name: str | None) -> None:
    import redis

    r = redis.Redis.from_url(args.redis)
    keys = list(r.scan_iter(match=prefix + "*", count=5000))
    for i in range(0, len(keys), 1000):
        r.delete(*keys[i : i + 1000])
    r.close()
    if db_name:
        import asyncpg

        async def drop() -> None:
            c = await asyncpg.connect(args.postgres)
            await c.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
            await c.close()

        asyncio.run(drop())


if __name__ == "__main__":
    sys.exit(main())
