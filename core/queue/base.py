"""The queue interface.

How a message travels:

1. ``submit(event)`` de-duplicates on (channel, message id) and, in the same atomic step, appends
   the event to its conversation's ordered log and adds a *job* naming the conversation.
2. A worker ``fetch``es jobs, takes the conversation's ``lock``, reads the conversation's
   ``entries`` after the cursor stored with the dialogue state, applies them in order, then
   ``ack``s the job. Jobs of a worker that died are handed to another by ``fetch`` after
   ``claim_idle_ms``.

Ordering per citizen comes from the per-conversation log, not from job order: whichever worker
holds the lock drains every entry in log order. Exactly-once effects come from the cursor being
committed in the same database transaction as the dialogue state and the outbox.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from core.events import InboundEvent


@dataclass(frozen=True)
class Job:
    id: str
    conversation_key: str
    deliveries: int = 1  # how many times this job has been handed out


@dataclass(frozen=True)
class Entry:
    cursor: str  # "ms-seq", increasing within a conversation
    event: InboundEvent


@dataclass(frozen=True)
class Held:
    """A conversation locked by `MessageQueue.hold`: the lock's token and its first events."""

    token: str
    entries: list[Entry]


class LockLost(RuntimeError):
    """The per-conversation lock expired while it was held."""


def cursor_key(cursor: str) -> tuple[int, int]:
    ms, _, seq = cursor.partition("-")
    return int(ms), int(seq or 0)


class MessageQueue(ABC):
    batches = False  # whether hold / renew / finish_held are implemented (a worker's batches)

    @abstractmethod
    async def submit(self, event: InboundEvent) -> bool:
        """Accept an event once. False if this (channel, message id) was already accepted."""

    async def submit_many(self, events: list[InboundEvent]) -> list[bool | BaseException]:
        """`submit` for several events at once (one round trip where the backend allows it).
        One result per event, in order: accepted, repeat, or the error of that event alone."""
        results: list[bool | BaseException] = []
        for event in events:
            try:
                results.append(await self.submit(event))
            except Exception as exc:
                results.append(exc)
        return results

    @abstractmethod
    async def fetch(self, consumer: str, count: int, block_ms: int) -> list[Job]:
        """Up to `count` jobs: ones abandoned by dead consumers first, then new ones."""

    @abstractmethod
    async def ack(self, job: Job) -> None:
        """The job's conversation has been drained; forget the job."""

    async def finish(self, job: Job, applied_upto: str | None) -> None:
        """The job is done: drop its conversation's events up to `applied_upto` (None: none were
        applied) and `ack` the job (one round trip where the backend allows it)."""
        if applied_upto:
            await self.trim(job.conversation_key, applied_upto)
        await self.ack(job)

    @abstractmethod
    async def release(self, job: Job) -> None:
        """The worker could not finish the job: hand it out again."""

    @abstractmethod
    async def touch(self, job: Job, consumer: str) -> None:
        """Tell the queue the job is still being worked on (so it is not handed to another)."""

    @abstractmethod
    async def entries(self, conversation_key: str, after: str, limit: int = 100) -> list[Entry]:
        """The conversation's events with a cursor greater than `after`, oldest first."""

    @abstractmethod
    async def trim(self, conversation_key: str, upto: str) -> None:
        """Drop the conversation's events up to and including `upto` (they are applied)."""

    @abstractmethod
    def lock(self, conversation_key: str, ttl_s: float) -> AbstractAsyncContextManager[None]:
        """Hold the conversation exclusively (renewed while held; raises LockLost if lost)."""

    async def hold(self, keys: list[str], ttl_s: float, limit: int) -> dict[str, Held]:
        """Lock each conversation that nobody holds (without waiting) and read its first `limit`
        events; the ones another worker holds are left out. One round trip for all."""
        raise NotImplementedError

    async def renew(self, held: dict[str, str], ttl_s: float) -> set[str]:
        """Extend the locks `hold` took ({key: token}); the keys whose lock was lost."""
        raise NotImplementedError

    async def touch_many(self, jobs: list[Job], consumer: str) -> None:
        """`touch` for several jobs (one round trip where the backend allows it)."""
        for job in jobs:
            await self.touch(job, consumer)

    async def finish_held(self, done: list[tuple[str, str, list[Job], str | None]]) -> None:
        """For each (key, token, jobs, applied_upto): drop the events up to `applied_upto` (None:
        none), ack the jobs, release the lock if still held. One round trip for all."""
        raise NotImplementedError

    async def depth(self) -> tuple[int, float]:
        """Jobs waiting or in progress, and the age in seconds of the oldest (the queue's lag)."""
        return 0, 0.0

    @abstractmethod
    async def ping(self) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...
