"""Redis implementation: Streams with a consumer group for jobs, one stream per conversation.

Keys (all under ``prefix``; ``{qN}`` is the hash tag of the conversation's shard N, where
N = crc32(conversation key) % REDIS_QUEUE_SHARDS):
- ``{qN}:dedupe:{channel}:{message id}`` — set once, expires after DEDUPE_TTL_S;
- ``{qN}:conv:{conversation key}`` — the conversation's ordered events (a stream, trimmed once
  applied);
- ``{qN}:jobs`` — shard N's jobs, a stream read through the consumer group ``workers``; a job
  names a conversation;
- ``{qN}:lock:{conversation key}`` — the per-conversation lock (redis-py's Lock, renewed while
  held; or taken by `hold` for a batch, with the same SET NX PX token protocol).

De-duplication and both appends happen in one Lua script, so an event is either accepted whole or
not at all; the script's three keys and every transaction (ack, release) stay in one shard, so
they share a hash slot and the queue runs unchanged on a Redis Cluster, where the shards spread
over the nodes. Jobs left pending by a dead consumer are taken over with XAUTOCLAIM.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
import zlib
from collections.abc import AsyncIterator
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import LockError, NoScriptError, ResponseError

from core.events import InboundEvent
from core.redis_client import connect

from .base import Entry, Job, LockLost, MessageQueue
from .redis_hold import GROUP, HoldMixin, _after

log = logging.getLogger(__name__)

_SUBMIT = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  local id = redis.call('XADD', KEYS[2], '*', 'e', ARGV[2])
  redis.call('EXPIRE', KEYS[2], ARGV[4])
  redis.call('XADD', KEYS[3], '*', 'c', ARGV[3])
  return id
end
return false
"""


CLUSTER_POLL_S = 0.01  # on a cluster with several shards: pause between rounds of reads when idle
PACKED_READ_TIMEOUT_S = 10.0  # all the replies of one packed submit, when the client sets no socket timeout


def _resp(*parts: bytes) -> bytes:
    """One command in the Redis protocol (an array of bulk strings)."""
    return b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)


class RedisQueue(HoldMixin, MessageQueue):
    batches = True  # hold / renew / finish_held (core/queue/redis_hold.py)

    def __init__(
        self,
        client: aioredis.Redis,
        *,
        prefix: str = "motcua:",
        dedupe_ttl_s: int = 604800,
        claim_idle_ms: int = 60000,
        conversation_ttl_s: int = 30 * 86400,
        shards: int = 1,
    ) -> None:
        self.r = client
        self.prefix = prefix
        self.dedupe_ttl_s = dedupe_ttl_s
        self.claim_idle_ms = claim_idle_ms
        self.conversation_ttl_s = conversation_ttl_s
        self.shards = max(1, shards)
        self.cluster = not isinstance(client, aioredis.Redis)  # RedisCluster: one slot per command
        self.jobs_keys = [self._tagged(n, "jobs") for n in range(self.shards)]
        self._submit = self.r.register_script(_SUBMIT)
        self._scripts: dict[str, Any] = {}
        self._group_ready = False
        self._last_claim = 0.0
        self._next_shard = 0

    @classmethod
    def from_settings(cls, settings) -> RedisQueue:
        return cls(
            connect(settings.redis_url, decode_responses=True),
            prefix=settings.redis_prefix,
            dedupe_ttl_s=settings.dedupe_ttl_s,
            claim_idle_ms=settings.claim_idle_ms,
            shards=settings.redis_queue_shards,
        )

    @property
    def jobs_key(self) -> str:
        """Shard 0's jobs stream (the only one with a single shard)."""
        return self.jobs_keys[0]

    def _tagged(self, shard: int, name: str) -> str:
        return f"{self.prefix}{{q{shard}}}:{name}"

    def shard_of(self, conversation_key: str) -> int:
        return zlib.crc32(conversation_key.encode()) % self.shards

    def _conv(self, key: str) -> str:
        return self._tagged(self.shard_of(key), f"conv:{key}")

    def _jobs_of(self, conversation_key: str) -> str:
        return self.jobs_keys[self.shard_of(conversation_key)]

    def _lock_key(self, conversation_key: str) -> str:
        """The conversation's lock, in its shard's slot (scripts lock and read the log at once)."""
        return self._tagged(self.shard_of(conversation_key), f"lock:{conversation_key}")

    async def _ensure_group(self) -> None:
        if self._group_ready:
            return
        for key in self.jobs_keys:
            try:
                await self.r.xgroup_create(key, GROUP, id="0", mkstream=True)
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise
        self._group_ready = True

    def _submit_keys_args(self, event: InboundEvent) -> tuple[list[str], list]:
        shard = self.shard_of(event.conversation_key)
        keys = [
            self._tagged(shard, f"dedupe:{event.dedupe_key}"),
            self._conv(event.conversation_key),
            self.jobs_keys[shard],
        ]
        return keys, [self.dedupe_ttl_s, event.to_json(), event.conversation_key, self.conversation_ttl_s]

    async def submit(self, event: InboundEvent) -> bool:
        await self._ensure_group()
        keys, args = self._submit_keys_args(event)
        return bool(await self._submit(keys=keys, args=args))

    async def submit_many(self, events: list[InboundEvent]) -> list[bool | BaseException]:
        """The submit script once per event, all written at once on one connection.

        Under load the webhooks hand over many events per event-loop turn; one round trip for all
        of them is what keeps ingest close to a bare handler (bench/webhook.py). The commands are
        packed here rather than by redis-py's pipeline, whose per-argument packing costs several
        times more CPU; the pipeline remains the fallback. Each event is still its own atomic
        script run: accepted whole or not at all.
        """
        if len(events) == 1:
            return await super().submit_many(events)
        if self.cluster:
            return await self._submit_per_shard(events)
        await self._ensure_group()
        commands = [self._submit_keys_args(e) for e in events]
        try:
            results = await self._evalsha_packed(commands)
        except (AttributeError, TypeError):  # a redis-py without these connection methods
            log.warning("packed submit unavailable; using a pipeline", exc_info=True)
            async with self.r.pipeline(transaction=False) as p:
                for keys, args in commands:
                    p.evalsha(self._submit.sha, len(keys), *keys, *args)
                results = await p.execute(raise_on_error=False)
        out: list[bool | BaseException] = []
        for event, result in zip(events, results):
            if isinstance(result, NoScriptError) or (
                isinstance(result, ResponseError) and "NOSCRIPT" in str(result)
            ):
                try:  # Redis lost its scripts (restart, flush): submit loads it again
                    out.append(await self.submit(event))
                except Exception as exc:
                    out.append(exc)
            else:
                out.append(result if isinstance(result, BaseException) else bool(result))
        return out

    async def _submit_per_shard(self, events: list[InboundEvent]) -> list[bool | BaseException]:
        """On a cluster: the shards in parallel (each on its node), the events of one shard one
        after the other, so a conversation's events keep their order."""
        out: list[bool | BaseException] = [False] * len(events)
        by_shard: dict[int, list[int]] = {}
        for i, event in enumerate(events):
            by_shard.setdefault(self.shard_of(event.conversation_key), []).append(i)

        async def shard(indexes: list[int]) -> None:
            for i in indexes:
                try:
                    out[i] = await self.submit(events[i])
                except Exception as exc:
                    out[i] = exc

        await asyncio.gather(*(shard(ix) for ix in by_shard.values()))
        return out

    async def _evalsha_packed(self, commands: list[tuple[list[str], list]]) -> list:
        sha = self._submit.sha.encode()
        data = b"".join(
            _resp(b"EVALSHA", sha, str(len(keys)).encode(), *(str(a).encode() for a in (*keys, *args)))
            for keys, args in commands
        )
        pool = self.r.connection_pool
        conn = await pool.get_connection()
        try:
            await conn.send_packed_command(data, check_health=False)
            results: list = []
            # one deadline for all the replies, rather than a timeout context per reply (which
            # cost a tenth of the ingest CPU); math.inf: no per-read timeout in redis-py >= 7
            async with asyncio.timeout(getattr(conn, "socket_timeout", None) or PACKED_READ_TIMEOUT_S):
                for _ in commands:
                    try:
                        results.append(await conn.read_response(timeout=math.inf))
                    except ResponseError as exc:  # an error reply is read whole: go on with the next
                        results.append(exc)
            return results
        except BaseException:
            await conn.disconnect()  # replies may be left unread on it
            raise
        finally:
            await pool.release(conn)

    async def fetch(self, consumer: str, count: int, block_ms: int) -> list[Job]:
        await self._ensure_group()
        jobs: list[Job] = []
        loop = asyncio.get_running_loop()
        # Look for abandoned jobs at most every half idle period.
        if loop.time() - self._last_claim >= self.claim_idle_ms / 2000:
            self._last_claim = loop.time()
            for key in self.jobs_keys:
                if len(jobs) < count:
                    jobs += await self._claim_abandoned(key, consumer, count - len(jobs))
        if len(jobs) < count:
            jobs += await self._read_new(consumer, count - len(jobs), block_ms)
        return jobs

    async def _claim_abandoned(self, key: str, consumer: str, count: int) -> list[Job]:
        jobs: list[Job] = []
        _next, claimed, *_deleted = await self.r.xautoclaim(
            key, GROUP, consumer, min_idle_time=self.claim_idle_ms, start_id="0-0", count=count
        )
        for job_id, fields in claimed:
            if fields and "c" in fields:
                jobs.append(Job(job_id, fields["c"], deliveries=int(fields.get("d", 1)) + 1))
                log.warning("took over job %s of %s from a dead worker", job_id, fields["c"])
            else:  # the entry was deleted under us: nothing to do
                await self.r.xack(key, GROUP, job_id)
        return jobs

    async def _read_new(self, consumer: str, count: int, block_ms: int) -> list[Job]:
        if not self.cluster or self.shards == 1:  # one (blocking) read over every shard's stream
            answer: Any = await self.r.xreadgroup(
                GROUP, consumer, dict.fromkeys(self.jobs_keys, ">"), count=count, block=block_ms
            )
            return self._jobs(answer)
        # A cluster cannot read streams of several slots in one command: read the shards one by
        # one without blocking (starting from a rotating one, for fairness) and poll briefly.
        deadline = asyncio.get_running_loop().time() + block_ms / 1000
        while True:
            start, self._next_shard = self._next_shard, (self._next_shard + 1) % self.shards
            jobs: list[Job] = []
            for i in range(self.shards):
                key = self.jobs_keys[(start + i) % self.shards]
                answer = await self.r.xreadgroup(GROUP, consumer, {key: ">"}, count=count - len(jobs))
                jobs += self._jobs(answer)
                if len(jobs) >= count:
                    break
            if jobs or asyncio.get_running_loop().time() >= deadline:
                return jobs
            await asyncio.sleep(CLUSTER_POLL_S)

    @staticmethod
    def _jobs(answer: Any) -> list[Job]:
        if isinstance(answer, dict):  # RESP3 answers are keyed by stream
            answer = [(k, v[0] if v and isinstance(v[0], list) else v) for k, v in answer.items()]
        return [
            Job(job_id, fields["c"], deliveries=int(fields.get("d", 1)))
            for _stream, items in answer or ()
            for job_id, fields in items
        ]

    async def ack(self, job: Job) -> None:
        key = self._jobs_of(job.conversation_key)
        async with self.r.pipeline(transaction=True) as p:  # one key: one slot
            p.xack(key, GROUP, job.id)
            p.xdel(key, job.id)
            await p.execute()

    async def finish(self, job: Job, applied_upto: str | None) -> None:
        # the conversation's log and the shard's jobs share the shard's hash tag: one slot, one
        # transaction, one round trip
        key = self._jobs_of(job.conversation_key)
        async with self.r.pipeline(transaction=True) as p:
            if applied_upto:
                p.xtrim(self._conv(job.conversation_key), minid=_after(applied_upto), approximate=False)
            p.xack(key, GROUP, job.id)
            p.xdel(key, job.id)
            await p.execute()

    async def release(self, job: Job) -> None:
        key = self._jobs_of(job.conversation_key)
        async with self.r.pipeline(transaction=True) as p:
            p.xadd(key, {"c": job.conversation_key, "d": job.deliveries + 1})
            p.xack(key, GROUP, job.id)
            p.xdel(key, job.id)
            await p.execute()

    async def touch(self, job: Job, consumer: str) -> None:
        # Re-claiming our own job resets its idle time, so nobody takes it over while we work.
        await self.r.xclaim(
            self._jobs_of(job.conversation_key),
            GROUP,
            consumer,
            min_idle_time=0,
            message_ids=[job.id],
            justid=True,
        )

    async def depth(self) -> tuple[int, float]:
        """Jobs waiting or in progress over every shard, and the age in seconds of the oldest
        (the queue's lag), for the metrics."""
        total, oldest = 0, None
        for key in self.jobs_keys:
            total += int(await self.r.xlen(key))
            first: Any = await self.r.xrange(key, min="-", max="+", count=1)
            if first:
                ms = int(str(first[0][0]).partition("-")[0])
                oldest = ms if oldest is None else min(oldest, ms)
        lag = 0.0 if oldest is None else max(0.0, time.time() - oldest / 1000)
        return total, lag

    async def entries(self, conversation_key: str, after: str, limit: int = 100) -> list[Entry]:
        items: Any = await self.r.xrange(self._conv(conversation_key), min=f"({after}", max="+", count=limit)
        return [Entry(entry_id, InboundEvent.from_json(fields["e"])) for entry_id, fields in items]

    async def trim(self, conversation_key: str, upto: str) -> None:
        await self.r.xtrim(self._conv(conversation_key), minid=_after(upto), approximate=False)

    @contextlib.asynccontextmanager
    async def lock(self, conversation_key: str, ttl_s: float) -> AsyncIterator[None]:
        lock = self.r.lock(self._lock_key(conversation_key), timeout=ttl_s, sleep=0.02)
        await lock.acquire()
        lost = asyncio.Event()

        async def keep() -> None:
            while True:
                await asyncio.sleep(ttl_s / 3)
                try:
                    await lock.reacquire()
                except LockError:
                    lost.set()
                    return

        keeper = asyncio.create_task(keep())
        try:
            yield
            if lost.is_set():
                raise LockLost(conversation_key)
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            with contextlib.suppress(LockError):
                await lock.release()

    async def ping(self) -> None:
        await self.r.ping()

    async def close(self) -> None:
        await self.r.aclose()
