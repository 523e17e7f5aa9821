"""CPU per turn of the worker's own code, in one process, on PostgreSQL + Redis.

    PYTHONPATH=. .venv/bin/python bench/worker_turn.py [--turns 2000] [--workers 1] [--profile out.prof]
                                                        [--concurrency 16] [--batch 32] [--round-trips]

N new citizens' "Xin chào" (the bench/load.py turn) are put in the queue first; then the worker
loops and the outbox sender (to a channel that only counts, with Zalo's reply window) run until
every reply is sent. Reported: this process's CPU time (user + system) per turn for the worker
phase alone and for the sender phase, and the PostgreSQL backends' and Redis's CPU per turn, from
/proc (CPU time, not wall time: stable on a shared machine). `--profile` writes a cProfile of the
worker and sender phases (open it with `python -m pstats`).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from load import Probe, cpu_seconds  # noqa: E402
from redis_servers import RedisServer  # noqa: E402
from support import PG_ADMIN, _migrate, fresh_pg_database, make_settings  # noqa: E402

from bot.runtime import Runtime  # noqa: E402
from core.channel import Channel  # noqa: E402
from core.event_loop import use_uvloop  # noqa: E402
from core.events import InboundEvent  # noqa: E402


class RoundTrips:
    """Counts the statements sent to PostgreSQL (asyncpg: each `execute`/`fetch*` is one round
    trip, a transaction's BEGIN and COMMIT included; an `executemany`/`fetchmany`, pipelined, one)
    and the commands sent to Redis: figures that do not depend on what else the machine runs."""

    def __init__(self) -> None:
        import contextvars

        import asyncpg.connection as pg
        from redis.asyncio.client import Redis

        self.pg = self.redis = 0
        inside: contextvars.ContextVar[bool] = contextvars.ContextVar("inside", default=False)
        execute, _execute, command = pg.Connection.execute, pg.Connection._execute, Redis.execute_command
        many = pg.Connection._executemany

        async def counted_execute(conn, query, *args, **kw):
            self.pg += 1
            token = inside.set(True)  # `execute` with arguments goes through `_execute`: once
            try:
                return await execute(conn, query, *args, **kw)
            finally:
                inside.reset(token)

        async def counted__execute(conn, *args, **kw):
            if not inside.get():
                self.pg += 1
            return await _execute(conn, *args, **kw)

        async def counted_many(conn, *args, **kw):
            self.pg += 1
            return await many(conn, *args, **kw)

        async def counted_command(client, *args, **kw):
            self.redis += 1
            return await command(client, *args, **kw)

        pg.Connection.execute, pg.Connection._execute = counted_execute, counted__execute  # type: ignore[method-assign]
        pg.Connection._executemany = counted_many  # type: ignore[method-assign]
        Redis.execute_command = counted_command  # type: ignore[method-assign]


class Counting(Channel):
    """Zalo's name and reply window; sending only counts."""

    name = "zalo"

    def __init__(self) -> None:
        super().__init__()
        self.sent = 0
        self.done = asyncio.Event()
        self.expect = 0

    async def send(self, recipient: str, payload: dict) -> None:
        self.sent += 1
        if self.sent >= self.expect:
            self.done.set()

    def reply_window(self, author: str) -> dt.timedelta | None:
        return dt.timedelta(hours=48)


async def others(redis: RedisServer, db_name: str) -> dict[str, dict[int, float]]:
    """CPU seconds so far of the database's PostgreSQL backends and of redis-server."""
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN)
    try:
        rows = await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1", db_name)
    finally:
        await conn.close()
    assert redis.proc is not None
    return {
        "postgres": {r["pid"]: cpu_seconds(r["pid"]) for r in rows},
        "redis": {redis.proc.pid: cpu_seconds(redis.proc.pid)},
    }


async def turns_through(rt: Runtime, events: list[InboundEvent], workers: int) -> None:
    channel = Counting()
    channel.expect = len(events)
    rt.add_channel(channel)
    await rt.queue.submit_many(events)
    await rt.start(workers=workers, sender=True)
    await asyncio.wait_for(channel.done.wait(), 120)


async def wait_until(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the turns did not finish")
        await asyncio.sleep(0.02)


async def run(
    turns: int,
    workers: int,
    profile: str | None,
    tmp: Path,
    concurrency: int,
    batch: int,
    trips: RoundTrips | None = None,
) -> None:
    redis = RedisServer(tmp / "redis").start()
    async with fresh_pg_database(PG_ADMIN) as url:
        await _migrate(url)
        settings = make_settings(
            tmp, database_url=url, redis_url=redis.url, redis_prefix="bench:",
            worker_concurrency=concurrency, worker_batch=batch,
        )  # fmt: skip
        warm = Runtime(settings)  # the first turns load what is lazy (module caches stay)
        await turns_through(warm, [hello(f"warm{i}") for i in range(20)], workers)
        await warm.stop()

        rt = Runtime(settings)
        channel = Counting()
        rt.add_channel(channel)
        applied = 0

        def committed() -> None:
            nonlocal applied
            applied += 1

        db_name = urlparse(url).path.lstrip("/")
        tag = uuid.uuid4().hex[:6]
        try:
            for i in range(0, turns, 500):
                await rt.queue.submit_many([hello(f"{tag}{j}") for j in range(i, min(turns, i + 500))])
            prof = cProfile.Profile(time.process_time) if profile else None
            await rt.start(workers=workers, sender=False)  # tasks made, not yet run
            for w in rt.workers:
                w.on_committed = committed
            before = await others(redis, db_name)
            cpu0, wall0 = time.process_time(), time.monotonic()
            n0 = (trips.pg, trips.redis) if trips else (0, 0)
            if prof:
                prof.enable()
            await wait_until(lambda: applied >= turns, 600)  # the worker phase: no sender yet
            cpu1, wall1 = time.process_time(), time.monotonic()
            n1 = (trips.pg, trips.redis) if trips else (0, 0)
            channel.expect = turns  # the menu is one message
            sender_task = asyncio.create_task(rt.sender.run(rt._stop))
            await asyncio.wait_for(channel.done.wait(), 600)
            cpu2, wall2 = time.process_time(), time.monotonic()
            n2 = (trips.pg, trips.redis) if trips else (0, 0)
            if prof:
                prof.disable()
                prof.dump_stats(profile)
            other = Probe.delta(before, await others(redis, db_name))
            rt._stop.set()
            await sender_task
            print(
                f"{turns} turns, {workers} worker loop(s): worker {1000 * (cpu1 - cpu0) / turns:.2f} ms CPU/turn "
                f"({turns / (wall1 - wall0):.0f} turns/s wall), sender {1000 * (cpu2 - cpu1) / turns:.2f} "
                f"ms/turn ({turns / (wall2 - wall1):.0f}/s wall); PostgreSQL "
                f"{1000 * other['postgres'] / turns:.2f} ms/turn, Redis {1000 * other['redis'] / turns:.2f} ms/turn",
                flush=True,
            )
            if trips:
                print(
                    f"round trips per turn: worker PostgreSQL {(n1[0] - n0[0]) / turns:.2f}, Redis "
                    f"{(n1[1] - n0[1]) / turns:.2f}; sender PostgreSQL {(n2[0] - n1[0]) / turns:.2f}, "
                    f"Redis {(n2[1] - n1[1]) / turns:.2f}",
                    flush=True,
                )
        finally:
            await rt.stop()
            redis.stop()


def hello(user: str) -> InboundEvent:
    return InboundEvent("zalo", user, uuid.uuid4().hex, "text", text="Xin chào")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--turns", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--profile")
    ap.add_argument("--concurrency", type=int, default=16, help="WORKER_CONCURRENCY")
    ap.add_argument("--batch", type=int, default=32, help="WORKER_BATCH (1: a job per transaction)")
    ap.add_argument("--round-trips", action="store_true", help="also count statements and Redis commands")
    ap.add_argument("--no-uvloop", action="store_true", help="asyncio's own loop even if uvloop is installed")
    args = ap.parse_args()
    print("event loop:", "asyncio" if args.no_uvloop or not use_uvloop() else "uvloop", flush=True)
    with tempfile.TemporaryDirectory(prefix="motcua-turn-") as tmp:
        trips = RoundTrips() if args.round_trips else None
        asyncio.run(
            run(args.turns, args.workers, args.profile, Path(tmp), args.concurrency, args.batch, trips)
        )


if __name__ == "__main__":
    main()
