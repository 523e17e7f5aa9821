"""The worker's batches: the jobs of one fetch, their conversations locked and read in one Redis
round trip (`MessageQueue.hold`), their turns applied in ONE database transaction, then their
logs trimmed, jobs acknowledged and locks released in one round trip (`finish_held`).

The guarantees are the single job's (`Worker.handle_job`): each turn still checks and advances its
conversation's cursor (compare-and-set) in the transaction that writes its rows and outbox, so a
batch commits every turn or none; a conversation's events are applied in log order under its
lock. A conversation that fails the batch (its dialogue raised, a cursor conflict) is taken out
and the batch run again without it; it then goes alone, on the single-event path (its apology,
its own transaction). A conversation with attachments (downloads, photo checks that may take
seconds) goes alone too, so it never holds the batch's transaction open. A conversation another
worker holds is left to `handle_job`, which waits for its lock as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from core import store
from core.logs import correlated
from core.queue import Entry, Job, LockLost

if TYPE_CHECKING:
    from bot.worker import Worker

log = logging.getLogger(__name__)

DRAIN_BATCH = 100  # events read from a conversation's log at once


class DialogueFailed(RuntimeError):
    """The dialogue raised: its transaction is dropped and the event answered with an apology."""


class CursorConflict(store.CursorMoved):
    """Another worker applied the event first (a lock expired): this transaction is dropped."""


class TurnFailed(RuntimeError):
    """One conversation's turn failed inside a batch: the batch is rolled back and run again
    without that conversation."""

    def __init__(self, key: str, cursor: str, dialogue: bool) -> None:
        super().__init__(key)
        self.key, self.cursor, self.dialogue = key, cursor, dialogue


class Lanes:
    """At most `n` batches in flight: `take` waits for a free lane and returns its release, which
    a batch calls once its text turns are committed (what is left, photo checks and conversations
    waiting for another worker's lock, may take seconds and does not hold the lane)."""

    def __init__(self, n: int) -> None:
        self._free = asyncio.Semaphore(n)

    async def take(self) -> Callable[[], None]:
        await self._free.acquire()
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self._free.release()

        return release


def no_lane() -> None:
    """The lane of a batch run outside a worker loop's lanes (tests, handle_batch called alone)."""


class BatchMixin:
    async def handle_batch(self: Worker, jobs: list[Job], lane: Callable[[], None] = no_lane) -> None:
        by_key: dict[str, list[Job]] = {}
        for job in jobs:  # two jobs of one conversation: one drain answers both
            by_key.setdefault(job.conversation_key, []).append(job)
        try:
            held = await self.queue.hold(list(by_key), self.settings.lock_ttl_s, DRAIN_BATCH)
        except Exception as exc:
            await self._job_failed(jobs, exc)
            return
        waiting = [self.handle_job(j) for k, js in by_key.items() if k not in held for j in js]
        others = asyncio.gather(*waiting)  # held by another worker: wait for its lock, as before
        tokens = {k: h.token for k, h in held.items()}
        lost: set[str] = set()
        keeper = asyncio.create_task(self._keep_held(tokens, [j for k in held for j in by_key[k]], lost))
        try:
            results = await self.apply_held({k: h.entries for k, h in held.items()}, lane) if held else {}
        except Exception as exc:  # e.g. the database is unreachable
            results = dict.fromkeys(held, exc)
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
        done = [(k, tokens[k], by_key[k], r) for k, r in results.items() if not isinstance(r, BaseException)]
        done = [d for d in done if d[0] not in lost]  # lost its lock: not trimmed (as LockLost)
        try:
            await self.queue.finish_held(done)
        except Exception as exc:
            await self._job_failed([j for d in done for j in d[2]], exc)
        failed = {k: results.get(k) for k in held if k not in {d[0] for d in done}}
        if failed:
            with contextlib.suppress(Exception):
                await self.queue.finish_held([(k, tokens[k], [], None) for k in failed])  # unlock
            error = next((e for e in failed.values() if isinstance(e, BaseException)), None)
            await self._job_failed([j for k in failed for j in by_key[k]], error or LockLost(str(lost)))
        lane()
        await others

    async def _keep_held(self: Worker, tokens: dict[str, str], jobs: list[Job], lost: set[str]) -> None:
        """While a batch runs long: its locks renewed, its jobs kept claimed."""
        period = max(0.05, min(self.settings.lock_ttl_s / 3, self.settings.claim_idle_ms / 3000))
        while True:
            await asyncio.sleep(period)
            with contextlib.suppress(Exception):
                keep = {k: t for k, t in tokens.items() if k not in lost}
                lost |= await self.queue.renew(keep, self.settings.lock_ttl_s)
            with contextlib.suppress(Exception):
                await self.queue.touch_many(jobs, self.consumer)

    async def apply_held(
        self: Worker, held: dict[str, list[Entry]], lane: Callable[[], None] = no_lane
    ) -> dict[str, Any]:
        """Apply the held conversations' events; per conversation, the cursor of its last applied
        event (None: none) or the exception that stopped it. The batch's lane is released once
        its one transaction is done, before the conversations that go alone."""
        batch = {k: es for k, es in held.items() if not any(e.event.attachments for e in es)}
        alone: dict[str, str | None] = {k: None for k in held if k not in batch}  # key: apology at
        results: dict[str, Any] = {}
        while batch:
            try:
                results.update(await self.apply_batch(batch))
                break
            except TurnFailed as failed:  # that conversation alone, the others batched again
                if not isinstance(failed.__cause__, DialogueFailed | store.CursorMoved):
                    if not await self._database_answers():
                        raise  # not that conversation's fault: every job waits for the database
                del batch[failed.key]
                alone[failed.key] = failed.cursor if failed.dialogue else None
            except Exception:
                if not await self._database_answers():
                    raise
                log.exception("a batch of %d conversations failed; each alone", len(batch))
                alone.update(dict.fromkeys(batch))
                break
        lane()
        for key, apology_at in alone.items():
            try:
                results[key] = await self._apply_alone(held[key], apology_at)
            except Exception as exc:
                results[key] = exc
        for key, entries in held.items():  # a full read: the log may hold more
            if len(entries) >= DRAIN_BATCH and not isinstance(results.get(key), BaseException):
                try:
                    results[key] = await self.drain(key, after=results[key]) or results[key]
                except Exception as exc:
                    results[key] = exc
        return results

    async def _apply_alone(self: Worker, entries: list[Entry], apology_at: str | None) -> str | None:
        for entry in entries:
            await self.apply(entry, apologise=entry.cursor == apology_at)
        return entries[-1].cursor if entries else None

    async def apply_batch(self: Worker, batch: dict[str, list[Entry]]) -> dict[str, str | None]:
        """The conversations' events in one transaction; per conversation, its last cursor."""
        started = time.perf_counter()
        todo = [(k, e, await self._prepared(e.event)) for k, es in batch.items() for e in es]
        applied = []
        # a conversation with one event here has its turn's rows written with the others' at the
        # end, in one round trip (nothing in the batch reads them before: a conversation's later
        # events are read after its earlier turns are written, so those are written at once)
        events = Counter(k for k, _, _ in todo)
        async with self.db.session() as s, s.begin():
            store.write_turns_later(s)
            # each conversation's first event read (or created) for the whole batch at once; its
            # later events read it again, as the turns before them changed it
            firsts = {event.conversation_key: event for _, _, event in reversed(todo)}
            known = await store.conversations_for_batch(s, list(firsts.values()))
            for key, entry, event in todo:
                with correlated(event.dedupe_key):
                    try:
                        first = known.pop(event.conversation_key, None)
                        later = events[key] == 1
                        if await self._in_transaction(s, entry, event, self._turn, first, later):
                            applied.append((entry, event))
                    except store.HeldTurnsFailed:
                        raise  # no one conversation's fault: the batch's turns go one by one
                    except Exception as exc:  # a cursor that moved names its own conversation
                        failed = exc.key if isinstance(exc, store.CursorMoved) else key
                        raise TurnFailed(failed, entry.cursor, isinstance(exc, DialogueFailed)) from exc
            try:
                await store.write_later_turns(s)
            except store.CursorMoved as exc:
                raise TurnFailed(exc.key, "", False) from exc
        for entry, event in applied:
            with correlated(event.dedupe_key):
                self._applied(entry, event, started)
        return {k: es[-1].cursor if es else None for k, es in batch.items()}
