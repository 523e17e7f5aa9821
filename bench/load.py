"""End-to-end load: signed Zalo text webhooks -> web -> Redis -> workers -> PostgreSQL -> outbox
-> sender -> the fake Zalo API, with real processes (`python -m bot serve --role web|worker`).

    PYTHONPATH=. .venv/bin/python bench/load.py [--workers 1,2,4] [--rates 50,100,300]
                                                 [--duration 10] [--saturation 1500]

For each worker count: one web process and N worker processes on a fresh PostgreSQL database and a
private redis-server (append-only, as in production). Each turn is a new citizen's "Xin chào"
(answered by the menu). At fixed rates the load is open-loop: turn i is posted at t0 + i/rate and
its latency runs from that moment to the reply's arrival at the fake Zalo API (no coordinated
omission). At saturation the offered rate is above what the system completes; turns/s is replies
received per second. CPU per turn is split by process (web, workers, the PostgreSQL backends of
the database, redis-server, and this bench process: load generator + fake Zalo API), from /proc;
memory per 10,000 conversations from the database's table sizes and Redis's used_memory after the
run. The load generator posts over raw keep-alive connections (`Poster`); `--aiohttp-client` posts
with aiohttp's client instead, as the figures before 2026-12-07 did (~0.3 ms more CPU per turn on
the same two cores). The Zalo API the replies reach is `bench/lean_zalo.py` (its message endpoints
only); `--aiohttp-fake` uses the tests' FakeZalo, as the figures before 2026-12-08 did.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakes import FakeZalo  # noqa: E402
from fleet import Fleet, signed, zalo_text  # noqa: E402
from lean_zalo import LeanZalo  # noqa: E402
from redis_servers import RedisServer  # noqa: E402
from support import PG_ADMIN, _migrate, fresh_pg_database  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
TABLES = ("citizen", "conversation", "message_log", "outbox")


def _due_now() -> str:
    """The sender's claim, read only (without its row locks and marks), for rows due now."""
    from core.store_pg import CLAIM_DUE

    return CLAIM_DUE.replace("$1", "now()")


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Probe:
    """CPU seconds of each group of processes, read before and after a phase."""

    def __init__(self, fleet: Fleet, redis: RedisServer, admin_url: str, db_name: str) -> None:
        self.fleet, self.redis, self.admin_url, self.db_name = fleet, redis, admin_url, db_name

    async def groups(self) -> dict[str, list[int]]:
        import asyncpg

        conn = await asyncpg.connect(self.admin_url)
        try:
            rows = await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1", self.db_name)
        finally:
            await conn.close()
        assert self.redis.proc is not None
        return {
            "web": [self.fleet.procs["web"].pid],
            "workers": [p.pid for n, p in self.fleet.procs.items() if n.startswith("worker")],
            "postgres": [r["pid"] for r in rows],
            "redis": [self.redis.proc.pid],
            # this process: the load generator (signing, posting) and the fake Zalo API
            "bench": [os.getpid()],
        }

    async def snapshot(self) -> dict[str, dict[int, float]]:
        return {g: {pid: cpu_seconds(pid) for pid in pids} for g, pids in (await self.groups()).items()}

    @staticmethod
    def delta(before: dict, after: dict) -> dict[str, float]:
        # a PostgreSQL backend that appeared during the phase counts from zero
        return {g: sum(after[g][p] - before.get(g, {}).get(p, 0.0) for p in after[g]) for g in after}


class Monitor:
    """Where the turns wait, sampled every `every` s during a phase: webhooks acknowledged, jobs
    not yet taken by a worker (the group's lag) and taken but not acknowledged, outbox rows by
    status, replies received, the database's backends by state / wait event, and the cores each
    group of processes kept busy since the previous sample."""

    def __init__(self, probe: Probe, fake, db_url: str, redis_url: str, every: float = 0.5) -> None:
        self.probe, self.fake, self.db_url, self.redis_url, self.every = probe, fake, db_url, redis_url, every

    async def run(self, statuses: list[int], stop: asyncio.Event) -> None:
        import asyncpg
        import redis.asyncio as aioredis

        conn = await asyncpg.connect(self.db_url.replace("+asyncpg", ""))
        from core.store_pg import CLAIM_PLAN

        await conn.execute(CLAIM_PLAN.replace(" LOCAL", ""))  # the sender's plan, on this connection
        r = aioredis.Redis.from_url(self.redis_url, decode_responses=True)
        keys = [k async for k in r.scan_iter(match="bench:{q*}:jobs")]
        loop = asyncio.get_running_loop()
        t0, last, cpu0 = loop.time(), loop.time(), await self.probe.snapshot()
        explained = False
        print(
            "  t(s) webhooks200 jobs:lag/pending outbox:pending/sending/sent replies | pg backends | cores busy",
            flush=True,
        )
        try:
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.every)
                lag = pending = 0
                for key in keys:
                    for g in await r.xinfo_groups(key):
                        lag += int(g.get("lag") or 0)
                        pending += int(g.get("pending") or 0)
                rows = await conn.fetch("SELECT status, count(*) AS n FROM outbox GROUP BY status")
                out = {row["status"]: row["n"] for row in rows}
                act = await conn.fetch(
                    "SELECT state || coalesce(':' || wait_event, '') AS w, count(*) AS n "
                    "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "GROUP BY 1 ORDER BY 2 DESC"
                )
                slow = await conn.fetchrow(
                    "SELECT extract(epoch FROM now() - query_start) * 1000 AS ms, left(query, 40) AS q "
                    "FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' "
                    "AND pid <> pg_backend_pid() ORDER BY query_start LIMIT 1"
                )
                if not explained and slow and slow["ms"] > 1000 and "WITH due" in slow["q"]:
                    explained = True
                    await self.explain(conn)
                xact = await conn.fetchrow(
                    "SELECT count(*) AS n, coalesce(max(extract(epoch FROM now() - xact_start)), 0) * 1000 AS ms, "
                    "coalesce(max(age(backend_xmin)), 0) AS xmin_age FROM pg_stat_activity "
                    "WHERE datname = current_database() AND xact_start IS NOT NULL AND pid <> pg_backend_pid()"
                )
                claim = await self.claim_cost(conn)
                cpu1, now = await self.probe.snapshot(), loop.time()
                busy = {g: v / (now - last) for g, v in Probe.delta(cpu0, cpu1).items()}
                cpu0, last = cpu1, now
                print(
                    f"  {now - t0:5.1f} {statuses.count(200):6d} {lag:6d}/{pending:<5d} "
                    f"{out.get('pending', 0):6d}/{out.get('sending', 0):<4d}/{out.get('sent', 0):<6d} "
                    f"{sum(1 for q in self.fake.requests if q.ok):6d} | "
                    + " ".join(f"{a['w']}={a['n']}" for a in act)
                    + (f" longest {slow['ms']:.0f} ms {slow['q']!r}" if slow else "")
                    + f" | xacts {xact['n']} oldest {xact['ms']:.0f} ms xmin age {xact['xmin_age']}"
                    + f" | claim {claim}"
                    + " | "
                    + " ".join(f"{g} {v:.2f}" for g, v in busy.items())
                    + f" = {sum(busy.values()):.2f}",
                    flush=True,
                )
            if not explained:  # the claim as the planner runs it after the phase
                await self.explain(conn)
        finally:
            await conn.close()
            await r.aclose()

    @staticmethod
    async def claim_cost(conn) -> str:
        """The sender's claim (read only, without its row locks) run now: its time and buffers."""
        plan = await conn.fetchval("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + _due_now())
        top = json.loads(plan)[0]
        node = top["Plan"]
        return f"{top['Execution Time']:.1f} ms {node['Shared Hit Blocks'] + node['Shared Read Blocks']} buf"

    @staticmethod
    async def explain(conn) -> None:
        """The sender's claim (read only) as the planner runs it now, with the table's statistics."""
        due = _due_now()
        plan = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + due)
        await conn.execute("PREPARE claim_generic(timestamptz) AS " + due.replace("now()", "$1"))
        await conn.execute("SET plan_cache_mode = force_generic_plan")
        generic = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) EXECUTE claim_generic(now())")
        await conn.execute("RESET plan_cache_mode")
        await conn.execute("DEALLOCATE claim_generic")
        stats = await conn.fetchrow(
            "SELECT n_live_tup, n_dead_tup, last_autoanalyze, last_autovacuum, autoanalyze_count, "
            "(SELECT reltuples FROM pg_class WHERE relname = 'outbox') AS reltuples "
            "FROM pg_stat_user_tables WHERE relname = 'outbox'"
        )
        print("  outbox statistics:", dict(stats or {}), flush=True)
        print("\n".join("    " + r[0] for r in plan), flush=True)
        print("  the same, generic plan:", flush=True)
        print("\n".join("    " + r[0] for r in generic), flush=True)


class Poster:
    """The load generator's HTTP/1.1 client: POSTs over a pool of keep-alive connections (at most
    `limit`, as aiohttp's connector had), written and read with asyncio streams. aiohttp's client
    spent more CPU per request (~0.3 ms, on the same two cores as the system measured) than the
    web process spends answering it; this one about a tenth of that. Only the status is read."""

    def __init__(self, url: str, limit: int = 256) -> None:
        u = urlparse(url)
        self.host, self.port, self.path, self.limit = u.hostname or "127.0.0.1", u.port or 80, u.path, limit
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.opened = 0
        self.freed = asyncio.Condition()

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        while not self.idle:
            if self.opened < self.limit:
                self.opened += 1
                try:
                    return await asyncio.open_connection(self.host, self.port)
                except OSError:
                    self.opened -= 1
                    raise
            async with self.freed:
                await self.freed.wait()
        return self.idle.pop()

    async def post(self, body: bytes, headers: dict[str, str]) -> int:
        """The response's status; 0 when the connection failed (it is dropped)."""
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        request = (
            f"POST {self.path} HTTP/1.1\r\nHost: {self.host}\r\n{head}Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        try:
            reader, writer = await self._connection()
        except OSError:
            return 0
        try:
            writer.write(request)
            response = await reader.readuntil(b"\r\n\r\n")
            status = int(response[9:12])
            length = 0
            for line in response.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if length:
                await reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            writer.close()
            self.opened -= 1
            status = 0
        else:
            self.idle.append((reader, writer))
        async with self.freed:
            self.freed.notify()
        return status

    async def close(self) -> None:
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()


class AiohttpPoster:
    """The load generator of the figures before 2026-12-07 (aiohttp's client), for comparison."""

    def __init__(self, http: aiohttp.ClientSession, url: str) -> None:
        self.http, self.url = http, url

    async def post(self, body: bytes, headers: dict[str, str]) -> int:
        try:
            async with self.http.post(self.url, data=body, headers=headers) as r:
                return r.status
        except (aiohttp.ClientError, TimeoutError):
            return 0

    async def close(self) -> None:
        pass


async def phase(
    http: Poster | AiohttpPoster,
    fake,
    url: str,
    tag: str,
    rate: float,
    duration: float,
    monitor: Monitor | None = None,
) -> dict:
    """Open-loop at `rate` for `duration` s; each turn a new citizen. Returns latencies, counts."""
    loop = asyncio.get_running_loop()
    n = int(rate * duration)
    due: dict[str, float] = {}
    statuses: list[int] = []

    async def one(i: int, at: float) -> None:
        await asyncio.sleep(max(0.0, at - loop.time()))
        user = f"{tag}{i:07d}"
        raw, headers = signed(zalo_text(user, "Xin chào"))
        due[user] = at
        statuses.append(await http.post(raw, headers))

    start = fake_len = len(fake.requests)
    stop = asyncio.Event()
    watching = asyncio.create_task(monitor.run(statuses, stop)) if monitor else None
    t0 = loop.time() + 0.2
    await asyncio.gather(*(one(i, t0 + i / rate) for i in range(n)))
    deadline = loop.time() + max(60.0, duration * 6)  # the backlog drains before the next phase
    got: set[str] = set()
    seen = start
    while loop.time() < deadline:
        new, seen = fake.requests[seen:], len(fake.requests)  # read once each
        got.update(u for r in new if r.ok and (u := r.body["recipient"]["user_id"]) in due)
        if len(got) >= n:
            break
        await asyncio.sleep(0.2)
    if watching is not None:
        stop.set()
        await watching
    first: dict[str, float] = {}
    for r in fake.requests[fake_len:]:
        user = r.body["recipient"]["user_id"]
        if r.ok and user in due and user not in first:
            first[user] = r.at
    latencies = sorted(first[u] - due[u] for u in first)
    span = (max(first.values()) - t0) if first else float("nan")
    return {"sent": n, "answered": len(first), "ok": statuses.count(200), "lat": latencies, "span": span}


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(p / 100 * len(values)))] * 1000


async def run(
    workers: int,
    rates: list[float],
    duration: float,
    saturation: float,
    tmp: Path,
    watch: bool = False,
    aiohttp_client: bool = False,
    aiohttp_fake: bool = False,
) -> None:
    fake: FakeZalo | LeanZalo = await (FakeZalo() if aiohttp_fake else LeanZalo()).start()
    redis = RedisServer(tmp / f"redis-{workers}").start()
    async with fresh_pg_database(PG_ADMIN) as url:
        await _migrate(url)
        fleet = Fleet(
            tmp, database_url=url, redis_url=redis.url, redis_prefix="bench:", zalo_base=fake.base_url,
            sender_poll_s=0.05, worker_concurrency=16, zalo_image_mode="url",
        )  # fmt: skip
        http = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=30), connector=aiohttp.TCPConnector(limit=256)
        )
        probe = Probe(fleet, redis, PG_ADMIN, urlparse(url).path.lstrip("/"))
        poster: Poster | AiohttpPoster | None = None
        try:
            fleet.start("web", "web")
            for i in range(workers):
                fleet.start(f"worker{i + 1}", "worker")
            await fleet.wait_ready(http)
            webhook = fleet.url("web") + "/webhooks/zalo"
            poster = AiohttpPoster(http, webhook) if aiohttp_client else Poster(webhook)
            await phase(poster, fake, webhook, "warm", 20, 1.0)  # first turns load what is lazy
            total = 0
            for k, rate in enumerate([*rates, saturation]):
                before = await probe.snapshot()
                monitor = Monitor(probe, fake, url, redis.url) if watch and k == len(rates) else None
                res = await phase(poster, fake, webhook, f"w{workers}r{k}-", rate, duration, monitor)
                cpu = probe.delta(before, await probe.snapshot())
                total += res["answered"]
                label = f"saturation (offered {rate:.0f}/s)" if k == len(rates) else f"{rate:.0f}/s"
                per_turn = {g: 1000 * c / max(1, res["answered"]) for g, c in cpu.items()}
                print(
                    f"workers={workers} {label}: {res['answered']}/{res['sent']} answered "
                    f"({res['ok']} webhooks 200), {res['answered'] / res['span']:.0f} turns/s, "
                    f"p50 {pct(res['lat'], 50):.0f} ms, p99 {pct(res['lat'], 99):.0f} ms; CPU ms/turn "
                    + ", ".join(f"{g} {v:.2f}" for g, v in per_turn.items()),
                    flush=True,
                )
            await memory(url, redis, fleet, total)
        finally:
            await http.close()
            if poster is not None:
                await poster.close()
            fleet.stop()
            redis.stop()
            await fake.stop()


async def memory(url: str, redis: RedisServer, fleet: Fleet, conversations: int) -> None:
    import asyncpg
    import redis as redis_sync

    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        pg = sum([await conn.fetchval("SELECT pg_total_relation_size($1)", t) for t in TABLES])
        n = await conn.fetchval("SELECT count(*) FROM conversation")
    finally:
        await conn.close()
    used = redis_sync.Redis.from_url(redis.url).info("memory")["used_memory"]
    rss = {name: round(rss_mb(p.pid)) for name, p in fleet.procs.items() if p.poll() is None}
    per = 10_000 / max(1, n)
    print(
        f"  after {n} conversations ({conversations} measured turns): per 10,000 conversations "
        f"PostgreSQL {pg * per / 2**20:.1f} MiB (tables {', '.join(TABLES)}), Redis {used * per / 2**20:.1f} MiB "
        f"(de-duplication keys kept DEDUPE_TTL_S); process RSS MiB {rss}",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--rates", default="50,100,300")
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--saturation", type=float, default=1500.0)
    ap.add_argument("--monitor", action="store_true", help="sample where the saturation's turns wait")
    ap.add_argument(
        "--aiohttp-fake",
        action="store_true",
        help="the tests' FakeZalo as the Zalo API (figures before 2026-12-08)",
    )
    ap.add_argument(
        "--aiohttp-client", action="store_true", help="post with aiohttp's client (figures before 2026-12-07)"
    )
    args = ap.parse_args()
    rates = [float(r) for r in args.rates.split(",") if r]
    with tempfile.TemporaryDirectory(prefix="motcua-load-") as tmp:
        for w in [int(x) for x in args.workers.split(",")]:
            started = time.monotonic()
            asyncio.run(
                run(
                    w,
                    rates,
                    args.duration,
                    args.saturation,
                    Path(tmp),
                    args.monitor,
                    args.aiohttp_client,
                    args.aiohttp_fake,
                )  # fmt: skip
            )
            print(f"  ({time.monotonic() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
