"""In-process queue for the embedded default (one process: web + worker).

It keeps its data in memory: a crash of the process loses events accepted but not yet applied.
Deployments that need durability set REDIS_URL.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import OrderedDict, defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from core.events import InboundEvent

from .base import Entry, Job, MessageQueue, cursor_key


class MemoryQueue(MessageQueue):
    def __init__(self, dedupe_ttl_s: int = 604800, max_dedupe_keys: int = 200_000) -> None:
        self._dedupe: OrderedDict[str, float] = OrderedDict()
        self._dedupe_ttl = dedupe_ttl_s
        self._max_dedupe = max_dedupe_keys
        self._logs: dict[str, list[Entry]] = defaultdict(list)
        self._jobs: asyncio.Queue[Job] = asyncio.Queue()
        self._job_ids = itertools.count(1)
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}  # lock, [holders + waiters]
        self._last = (0, 0)

    def _next_cursor(self) -> str:
        # Time-based like Redis stream ids, so cursors stay increasing across restarts.
        ms = int(time.time() * 1000)
        last_ms, last_seq = self._last
        self._last = (ms, 0) if ms > last_ms else (last_ms, last_seq + 1)
        return f"{self._last[0]}-{self._last[1]}"

    def _seen(self, key: str) -> bool:
        now = time.monotonic()
        while self._dedupe:
            oldest_key, expiry = next(iter(self._dedupe.items()))
            if expiry > now and len(self._dedupe) < self._max_dedupe:
                break
            self._dedupe.popitem(last=False)
        if key in self._dedupe:
            return True
        self._dedupe[key] = now + self._dedupe_ttl
        return False

    async def submit(self, event: InboundEvent) -> bool:
        if self._seen(event.dedupe_key):
            return False
        key = event.conversation_key
        self._logs[key].append(Entry(self._next_cursor(), event))
        self._jobs.put_nowait(Job(str(next(self._job_ids)), key))
        return True

    async def fetch(self, consumer: str, count: int, block_ms: int) -> list[Job]:
        jobs: list[Job] = []
        try:
            jobs.append(await asyncio.wait_for(self._jobs.get(), timeout=block_ms / 1000))
        except TimeoutError:
            return jobs
        while len(jobs) < count and not self._jobs.empty():
            jobs.append(self._jobs.get_nowait())
        return jobs

    async def ack(self, job: Job) -> None:
        return None

    async def release(self, job: Job) -> None:
        self._jobs.put_nowait(Job(job.id, job.conversation_key, job.deliveries + 1))

    async def touch(self, job: Job, consumer: str) -> None:
        return None

    async def entries(self, conversation_key: str, after: str, limit: int = 100) -> list[Entry]:
        floor = cursor_key(after)
        return [e for e in self._logs.get(conversation_key, ()) if cursor_key(e.cursor) > floor][:limit]

    async def trim(self, conversation_key: str, upto: str) -> None:
        ceiling = cursor_key(upto)
        log = self._logs.get(conversation_key)
        if log is None:
            return
        log[:] = [e for e in log if cursor_key(e.cursor) > ceiling]
        if not log:
            del self._logs[conversation_key]

    @asynccontextmanager
    async def lock(self, conversation_key: str, ttl_s: float) -> AsyncIterator[None]:
        lock, users = self._locks.setdefault(conversation_key, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if users[0] == 0:  # nobody holds or waits: forget the lock
                del self._locks[conversation_key]

    async def depth(self) -> tuple[int, float]:
        return self._jobs.qsize(), 0.0

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        return None
