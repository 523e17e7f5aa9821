"""Batches of conversations on Redis: lock + read, renew, and trim + ack + unlock, each one Lua
script per conversation and one round trip for the whole batch (a pipeline; on a cluster the
scripts run per conversation, concurrently, each on the node of its slot).

Every script's keys carry the conversation's shard hash tag ``{qN}`` (its lock, its log, its
shard's jobs stream), so each runs in one slot on a Redis Cluster. The lock is the same key and
value protocol as `RedisQueue.lock` (redis-py's Lock: SET NX PX with a random token; released or
renewed only by its token), so both exclude each other.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from redis.exceptions import NoScriptError, ResponseError

from core.events import InboundEvent

from .base import Entry, Held, Job

GROUP = "workers"  # the consumer group that reads the shards' job streams

# KEYS: lock, log; ARGV: token, ttl ms, max events. The log's first events, or nil if another
# holds the lock.
_HOLD = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', ARGV[3])
end
return false
"""

# KEYS: lock; ARGV: token, ttl ms. 1 if still ours (renewed), else 0.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

# KEYS: log, jobs, lock; ARGV: trim MINID ('' for none), token, group, job ids... Drop the applied
# events, ack and delete the jobs, release the lock if still ours.
_FINISH = """
if ARGV[1] ~= '' then redis.call('XTRIM', KEYS[1], 'MINID', ARGV[1]) end
if #ARGV > 3 then
  redis.call('XACK', KEYS[2], ARGV[3], unpack(ARGV, 4))
  redis.call('XDEL', KEYS[2], unpack(ARGV, 4))
end
if redis.call('GET', KEYS[3]) == ARGV[2] then redis.call('DEL', KEYS[3]) end
return 1
"""


def _missing_script(result: Any) -> bool:
    return isinstance(result, NoScriptError) or (
        isinstance(result, ResponseError) and "NOSCRIPT" in str(result)
    )


class HoldMixin:
    """`MessageQueue.hold` and friends for `RedisQueue` (which provides the names used here)."""

    r: Any
    cluster: bool
    _scripts: dict[str, Any]

    def _conv(self, key: str) -> str:  # RedisQueue's: the conversation's log
        raise NotImplementedError

    def _lock_key(self, key: str) -> str:  # RedisQueue's: the conversation's lock
        raise NotImplementedError

    def _jobs_of(self, key: str) -> str:  # RedisQueue's: the jobs stream of its shard
        raise NotImplementedError

    def _script(self, source: str) -> Any:
        if source not in self._scripts:
            self._scripts[source] = self.r.register_script(source)
        return self._scripts[source]

    async def _run_all(self, source: str, calls: list[tuple[list[str], list]]) -> list:
        """The script once per (keys, args), all in one round trip; a script Redis forgot (a
        restart, a flush) is loaded again by redis-py's script object and that call rerun."""
        script = self._script(source)
        if not calls:
            return []
        if self.cluster:  # one slot per script: redis-py routes each call to its node
            return list(await asyncio.gather(*(script(keys=k, args=a) for k, a in calls)))
        async with self.r.pipeline(transaction=False) as p:
            for keys, args in calls:
                p.evalsha(script.sha, len(keys), *keys, *args)
            results = await p.execute(raise_on_error=False)
        out = []
        for (keys, args), result in zip(calls, results):
            if _missing_script(result):  # it did not run: run it again, loading the script
                result = await script(keys=keys, args=args)
            elif isinstance(result, BaseException):
                raise result
            out.append(result)
        return out

    async def hold(self, keys: list[str], ttl_s: float, limit: int) -> dict[str, Held]:
        token = uuid.uuid4().hex
        ttl = str(int(ttl_s * 1000))
        calls = [([self._lock_key(k), self._conv(k)], [token, ttl, limit]) for k in keys]
        held: dict[str, Held] = {}
        for key, items in zip(keys, await self._run_all(_HOLD, calls)):
            if items is None or items is False:
                continue  # another worker holds it
            entries = [Entry(i, _event(f)) for i, f in items]
            held[key] = Held(token, entries)
        return held

    async def renew(self, held: dict[str, str], ttl_s: float) -> set[str]:
        ttl = str(int(ttl_s * 1000))
        calls = [([self._lock_key(k)], [token, ttl]) for k, token in held.items()]
        results = await self._run_all(_RENEW, calls)
        return {k for k, ok in zip(held, results) if not ok}

    async def touch_many(self, jobs: list[Job], consumer: str) -> None:
        by_stream: dict[str, list[str]] = {}
        for job in jobs:
            by_stream.setdefault(self._jobs_of(job.conversation_key), []).append(job.id)
        calls = [(key, GROUP, consumer, 0, ids) for key, ids in by_stream.items()]
        if self.cluster:  # each shard's stream on its node
            await asyncio.gather(*(self.r.xclaim(*c, justid=True) for c in calls))
            return
        async with self.r.pipeline(transaction=False) as p:
            for call in calls:
                p.xclaim(*call, justid=True)
            await p.execute()

    async def finish_held(self, done: list[tuple[str, str, list[Job], str | None]]) -> None:
        calls = [
            (
                [self._conv(key), self._jobs_of(key), self._lock_key(key)],
                [_after(upto) if upto else "", token, GROUP, *(j.id for j in jobs)],
            )
            for key, token, jobs, upto in done
        ]
        await self._run_all(_FINISH, calls)


def _after(cursor: str) -> str:
    """The smallest stream id after `cursor` (XTRIM MINID keeps ids >= it: everything after)."""
    ms, _, seq = cursor.partition("-")
    return f"{ms}-{int(seq or 0) + 1}"


def _event(fields: Any) -> InboundEvent:
    if isinstance(fields, list):  # a script's reply: a flat [field, value, ...] list
        fields = dict(zip(fields[::2], fields[1::2]))
    return InboundEvent.from_json(fields["e"])
