"""Batches of conversations on Redis: lock + read, renew, and trim + ack + unlock of a batch's
conversations, each one Lua script call per queue shard (with the default single shard: one
round trip for the whole batch; the shards' calls run concurrently).

A script's keys all carry one shard's hash tag ``{qN}`` (the conversations' locks and logs, the
shard's jobs stream), so each call runs in one slot on a Redis Cluster. The lock is the same key
and value protocol as `RedisQueue.lock` (redis-py's Lock: SET NX PX with a random token; released
or renewed only by its token), so both exclude each other.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from core.events import InboundEvent

from .base import Entry, Held, Job

GROUP = "workers"  # the consumer group that reads the shards' job streams

# KEYS: lock, log of each conversation; ARGV: token, ttl ms, max events. Per conversation, its
# log's first events, or false if another holds its lock.
_HOLD = """
local out = {}
for i = 1, #KEYS, 2 do
  if redis.call('SET', KEYS[i], ARGV[1], 'NX', 'PX', ARGV[2]) then
    out[#out + 1] = redis.call('XRANGE', KEYS[i + 1], '-', '+', 'COUNT', ARGV[3])
  else
    out[#out + 1] = false
  end
end
return out
"""

# KEYS: locks; ARGV: token, ttl ms. Per lock, 1 if still ours (renewed), else 0.
_RENEW = """
local out = {}
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    out[i] = redis.call('PEXPIRE', KEYS[i], ARGV[2])
  else
    out[i] = 0
  end
end
return out
"""

# KEYS: the shard's jobs stream, then log, lock of each conversation; ARGV: group, then per
# conversation: trim MINID ('' for none), token, number of jobs, the job ids. Drops the applied
# events, acks and deletes the jobs, releases the lock if still ours.
_FINISH = """
local a = 2
for i = 2, #KEYS, 2 do
  if ARGV[a] ~= '' then redis.call('XTRIM', KEYS[i], 'MINID', ARGV[a]) end
  local n = tonumber(ARGV[a + 2])
  for j = a + 3, a + 2 + n do
    redis.call('XACK', KEYS[1], ARGV[1], ARGV[j])
    redis.call('XDEL', KEYS[1], ARGV[j])
  end
  if redis.call('GET', KEYS[i + 1]) == ARGV[a + 1] then redis.call('DEL', KEYS[i + 1]) end
  a = a + 3 + n
end
return 1
"""


class HoldMixin:
    """`MessageQueue.hold` and friends for `RedisQueue` (which provides the names used here)."""

    r: Any
    cluster: bool
    _scripts: dict[str, Any]

    def shard_of(self, key: str) -> int:  # RedisQueue's: the conversation's shard
        raise NotImplementedError

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

    def _by_shard(self, keys: list[str]) -> list[list[str]]:
        shards: dict[int, list[str]] = {}
        for key in keys:
            shards.setdefault(self.shard_of(key), []).append(key)
        return list(shards.values())

    async def _per_shard(self, source: str, calls: list[tuple[list[str], list]]) -> list:
        """The script once per shard's (keys, args), concurrently (redis-py's script object loads
        the script again if Redis forgot it: a restart, a flush)."""
        script = self._script(source)
        if len(calls) == 1:
            return [await script(keys=calls[0][0], args=calls[0][1])]
        return list(await asyncio.gather(*(script(keys=k, args=a) for k, a in calls)))

    async def hold(self, keys: list[str], ttl_s: float, limit: int) -> dict[str, Held]:
        token = uuid.uuid4().hex
        args = [token, str(int(ttl_s * 1000)), limit]
        shards = self._by_shard(keys)
        calls = [([k for key in ks for k in (self._lock_key(key), self._conv(key))], args) for ks in shards]
        held: dict[str, Held] = {}
        for ks, answer in zip(shards, await self._per_shard(_HOLD, calls)):
            for key, items in zip(ks, answer):
                if items is not None and items is not False:  # else another worker holds it
                    held[key] = Held(token, [Entry(i, _event(f)) for i, f in items])
        return held

    async def renew(self, held: dict[str, str], ttl_s: float) -> set[str]:
        ttl = str(int(ttl_s * 1000))
        by_token: dict[str, list[str]] = {}
        for key, token in held.items():
            by_token.setdefault(token, []).append(key)
        groups = [(token, ks) for token, keys in by_token.items() for ks in self._by_shard(keys)]
        calls = [([self._lock_key(k) for k in ks], [token, ttl]) for token, ks in groups]
        lost: set[str] = set()
        for (_token, ks), answer in zip(groups, await self._per_shard(_RENEW, calls)):
            lost.update(k for k, ok in zip(ks, answer) if not ok)
        return lost

    async def touch_many(self, jobs: list[Job], consumer: str) -> None:
        by_stream: dict[str, list[str]] = {}
        for job in jobs:
            by_stream.setdefault(self._jobs_of(job.conversation_key), []).append(job.id)
        await asyncio.gather(
            *(
                self.r.xclaim(key, GROUP, consumer, 0, ids, justid=True)  # one slot per stream
                for key, ids in by_stream.items()
            )
        )

    async def finish_held(self, done: list[tuple[str, str, list[Job], str | None]]) -> None:
        rows = {key: (token, jobs, upto) for key, token, jobs, upto in done}
        calls = []
        for ks in self._by_shard(list(rows)):
            keys, args = [self._jobs_of(ks[0])], list[Any]([GROUP])
            for key in ks:
                token, jobs, upto = rows[key]
                keys += [self._conv(key), self._lock_key(key)]
                args += [_after(upto) if upto else "", token, len(jobs), *(j.id for j in jobs)]
            calls.append((keys, args))
        if calls:
            await self._per_shard(_FINISH, calls)


def _after(cursor: str) -> str:
    """The smallest stream id after `cursor` (XTRIM MINID keeps ids >= it: everything after)."""
    ms, _, seq = cursor.partition("-")
    return f"{ms}-{int(seq or 0) + 1}"


def _event(fields: Any) -> InboundEvent:
    if isinstance(fields, list):  # a script's reply: a flat [field, value, ...] list
        fields = dict(zip(fields[::2], fields[1::2]))
    return InboundEvent.from_json(fields["e"])
