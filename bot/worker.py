"""The worker: takes jobs, drains each conversation in order under its lock, applies every event
in one transaction with the dialogue state, the message log and the outbox."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
import os
import random
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core import metrics, store
from core.db import Conversation, Database
from core.db.models import utcnow
from core.events import InboundEvent, Reply
from core.logs import correlated
from core.media import MediaStore
from core.queue import Entry, Job, MessageQueue, cursor_key
from core.settings import Settings
from flows.engine import Engine, Outcome, State, Step

from .turn_context import TurnContext, check_photo
from .worker_batch import DRAIN_BATCH, BatchMixin, CursorConflict, DialogueFailed, Lanes, no_lane

log = logging.getLogger(__name__)

Prepare = Callable[[InboundEvent], Awaitable[InboundEvent]]
#: A turn's result: the dialogue's outcome and the citizen's message as the log will hold it.
Logged = tuple[Outcome, dict[str, Any]]


NOT_A_MESSAGE = {"unfollow", "delivery", "seen"}
DB_RETRY_FIRST_S = 0.25  # a worker that lost the database probes it again after this, doubling
DB_RETRY_MAX_S = 4.0  # ... up to this


def _log_facts(received_at: dt.datetime, before: State, outcome: Outcome) -> dict[str, Any]:
    """What analytics reads from a citizen's turn (core/db/models.py MessageLog): the procedure
    and dossier it was about, the NLU's confidence, a fallback, the photos, the bot's latency."""
    after = outcome.state
    places = [after, after.paused, before, before.paused]
    details: dict[str, Any] = {"step_after": after.saved_step}
    if outcome.entities:
        details["entities"] = outcome.entities
    if outcome.photos:
        details["photos"] = outcome.photos
    return {
        "intent": outcome.intent,
        "procedure": next((p.procedure for p in places if p is not None and p.procedure), None),
        "dossier_id": outcome.dossier_id
        or next((p.dossier_id for p in places if p is not None and p.dossier_id), None),
        "confidence": outcome.confidence,
        "fallback": outcome.fallback,
        "latency_ms": max(0, int((utcnow() - received_at).total_seconds() * 1000)),
        "details": details,
    }


class Worker(BatchMixin):
    def __init__(
        self,
        settings: Settings,
        db: Database,
        queue: MessageQueue,
        engine: Engine,
        media: MediaStore,
        *,
        on_committed: Callable[[], None] = lambda: None,
        prepare: dict[str, Prepare] | None = None,
        consumer: str | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.queue = queue
        self.engine = engine
        self.media = media
        self.on_committed = on_committed
        self.prepare = prepare or {}
        self.consumer = consumer or f"{socket.gethostname()}-{os.getpid()}-{random.randrange(1 << 30):x}"
        self.tz = ZoneInfo(settings.timezone)
        self._tasks: set[asyncio.Task] = set()
        self.database_down = False  # set when a job failed and the database did not answer

    async def run(self, stop: asyncio.Event) -> None:
        limit = self.settings.worker_concurrency
        log.info("worker %s started (%d jobs at once)", self.consumer, limit)
        # a queue that locks and reads many conversations at once: a fetch's jobs are one batch
        # (one transaction). At most WORKER_BATCHES_IN_FLIGHT batches run at once (2 by default;
        # 0: up to WORKER_CONCURRENCY): while they do, new jobs gather in the queue and the next fetch
        # takes them together, so a batch shares its fixed cost (fetch, locks, transaction) among
        # several turns; when idle a job still goes at once.
        batches = self.queue.batches
        lanes = Lanes(self.settings.worker_batches_in_flight or max(1, limit))
        while not stop.is_set():
            if self.database_down:  # take no job while the database is unreachable
                await self._wait_for_database(stop)
                continue
            free = limit - len(self._tasks)
            if free <= 0:
                await asyncio.wait(self._tasks, return_when=asyncio.FIRST_COMPLETED)
                continue
            lane = await lanes.take() if batches else None
            if lane is not None and (stop.is_set() or self.database_down):
                lane()  # waited for a lane while a batch found the database gone, or a stop came
                continue
            try:
                jobs = await self.queue.fetch(
                    self.consumer, count=self.settings.worker_batch if batches else free, block_ms=500
                )
            except Exception:
                if lane is not None:
                    lane()
                if stop.is_set():
                    break
                log.exception("fetching jobs failed; retrying")
                await asyncio.sleep(1)
                continue
            if lane is not None and not jobs:
                lane()
            runs = (
                [self._run_batch(jobs, lane)]
                if lane is not None and jobs
                else [self._run_job(j) for j in jobs]
            )
            for run in runs:
                task = asyncio.create_task(run)
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _run_job(self, job: Job) -> None:
        metrics.WORKERS_BUSY.inc()
        try:
            await self.handle_job(job)
        finally:
            metrics.WORKERS_BUSY.dec()

    async def _run_batch(self, jobs: list[Job], lane: Callable[[], None] = no_lane) -> None:
        metrics.WORKERS_BUSY.inc()
        try:
            await self.handle_batch(jobs, lane)
        finally:
            lane()
            metrics.WORKERS_BUSY.dec()

    async def handle_job(self, job: Job) -> None:
        keeper = asyncio.create_task(self._keep_claimed(job))
        try:
            async with self.queue.lock(job.conversation_key, self.settings.lock_ttl_s):
                applied_upto = await self.drain(job.conversation_key)
                await self.queue.finish(job, applied_upto)  # trim the applied events, ack the job
        except Exception:
            await self._job_failed([job])
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper

    async def _job_failed(self, jobs: list[Job], error: BaseException | None = None) -> None:
        """The jobs could not be finished: released, to be handed out again (after a pause)."""
        if not jobs:
            return
        metrics.JOB_FAILURES.inc(len(jobs))
        key = jobs[0].conversation_key
        if not await self._database_answers():
            self.database_down = True  # the loop stops fetching; the jobs wait in the queue
            log.warning("%d job(s) of %s...: database unreachable; released", len(jobs), key)
        else:
            log.error("%d job(s) of %s... failed; to be retried", len(jobs), key, exc_info=error or True)
            await asyncio.sleep(min(5.0, 0.2 * max(j.deliveries for j in jobs)))
        for job in jobs:
            with contextlib.suppress(Exception):
                await self.queue.release(job)

    async def _database_answers(self) -> bool:
        try:
            await self.db.ping()  # bounded by the driver's connect timeout (never cancelled)
            return True
        except Exception:
            return False

    async def _wait_for_database(self, stop: asyncio.Event) -> None:
        """Probe the database with exponential backoff (with jitter) until it answers."""
        metrics.DATABASE_DOWN.set(1)
        delay = DB_RETRY_FIRST_S
        while not stop.is_set() and not await self._database_answers():
            log.warning("worker %s: database unreachable; next try in %.1f s", self.consumer, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay * random.uniform(0.8, 1.2))
            delay = min(delay * 2, DB_RETRY_MAX_S)
        self.database_down = False
        metrics.DATABASE_DOWN.set(0)
        log.info("worker %s: database reachable; taking jobs again", self.consumer)

    async def _keep_claimed(self, job: Job) -> None:
        period = max(0.05, self.settings.claim_idle_ms / 3000)
        while True:
            await asyncio.sleep(period)
            with contextlib.suppress(Exception):
                await self.queue.touch(job, self.consumer)

    async def drain(self, key: str, after: str | None = None) -> str | None:
        """Apply the conversation's logged events in order; the cursor of the last one, if any.

        The log holds only events not yet applied (it is trimmed after each drain), so it is read
        from its start rather than after the cursor kept in the database: that saves a database
        round trip per job. An event applied already (its worker died between the commit and the
        trim) is skipped by `_apply`'s compare with the stored cursor."""
        applied_upto = after
        while True:
            entries = await self.queue.entries(key, after=applied_upto or "0-0", limit=DRAIN_BATCH)
            for entry in entries:
                await self.apply(entry)
                applied_upto = entry.cursor
            if len(entries) < DRAIN_BATCH:
                # an event logged since has a job of its own: whoever takes it drains the log again
                return applied_upto

    async def apply(self, entry: Entry, *, apologise: bool = False) -> None:
        with correlated(entry.event.dedupe_key):
            await self._apply(entry, apologise)

    async def _prepared(self, event: InboundEvent) -> InboundEvent:
        prepare = self.prepare.get(event.channel)
        if prepare is not None:
            event = await prepare(event)  # e.g. download platform media before the transaction
        return event

    async def _apply(self, entry: Entry, apologise: bool = False) -> None:
        started = time.perf_counter()
        event = await self._prepared(entry.event)
        prechecked = await self._precheck(event)  # and check its photos

        async def turn(s, conv, state, event):
            return await self._turn(s, conv, state, event, prechecked)

        try:
            applied = await self._transaction(entry, event, self._apology if apologise else turn)
        except DialogueFailed:
            # the failed dialogue's transaction is rolled back whole (no savepoint on every turn:
            # two round trips saved); the event is applied again, answered with the apology
            applied = await self._transaction(entry, event, self._apology)
        if applied:
            self._applied(entry, event, started)

    def _applied(self, entry: Entry, event: InboundEvent, started: float) -> None:
        metrics.APPLIED.labels(event.channel).inc()
        metrics.TURN_SECONDS.observe(time.perf_counter() - started)
        log.debug("applied %s event at %s", event.kind, entry.cursor)
        self.on_committed()

    async def _transaction(self, entry: Entry, event: InboundEvent, turn) -> bool:
        """The event's one transaction; False if it was applied already."""
        async with self.db.session() as s, s.begin():
            return await self._in_transaction(s, entry, event, turn)

    async def _in_transaction(
        self, s, entry: Entry, event: InboundEvent, turn, known=None, later: bool = False
    ) -> bool:
        """The event's turn inside the transaction `s`: False if it was applied already; raises
        CursorConflict if another worker applied it meanwhile (a lock expired). `known`: the
        conversation as read for the batch in this transaction (`store.conversations_for_batch`);
        `later`: its rows may be written with the batch's others (`store.write_later_turns`)."""
        conv, repeated = known or await store.conversation_for_turn(s, event)
        old = conv.inbound_cursor
        if cursor_key(entry.cursor) <= cursor_key(old):
            return False  # applied already
        state = dict(conv.state or {})
        inbound: dict[str, Any] | None = None
        if repeated:
            outcome = Outcome(State.from_dict(state))  # delivered again after the queue forgot it
        else:
            outcome, inbound = await turn(s, conv, state, event)
        ok = await store.finish_turn(
            s,
            conv,
            event,
            inbound=inbound,
            replies=outcome.replies,
            old_cursor=old,
            new_cursor=entry.cursor,
            state=outcome.state.to_dict(),
            step=outcome.state.saved_step,
            # the reply windows run from the citizen's last message, not from an unfollow
            last_inbound_at=conv.last_inbound_at if event.kind in NOT_A_MESSAGE else utcnow(),
            later=later,
        )
        if not ok:
            raise CursorConflict(event.conversation_key)
        return True

    async def _precheck(self, event: InboundEvent) -> dict[tuple[str, str], dict[str, Any]]:
        """The photo checks this event's turn will ask for, run before its transaction: a check
        may take seconds (a hostile PDF: up to OCR_TIMEOUT_S), and inside the transaction it would
        hold a database connection and, on SQLite, the write lock every other writer (and every
        reader but Database.read_session) queues behind. The expected document is the one the
        conversation's committed state is at; a photo the turn checks against something else
        (a second photo of the same message, a step the dialogue leaves first) is checked in the
        turn as before."""
        photos = [a for a in event.attachments if a.path and not a.problem]
        if not photos:
            return {}
        try:
            async with self.db.read_session() as s:
                data = (
                    await s.execute(
                        select(Conversation.state).where(Conversation.key == event.conversation_key)
                    )
                ).scalar()
            state = State.from_dict(data)
            expect: str
            if state.step in (Step.DOC, Step.DOC_WRONG):
                expect = self.engine.current_doc(state).photo
            elif state.step in (Step.START, Step.MENU, Step.ADD_PHOTO):
                # a photo no step asked for, the very first message too (no conversation yet: no
                # state, START): its quality and which paper it is (flows/steps/stray_photo.py)
                expect = ""
            else:
                return {}
        except Exception:  # no plan to read the state by: nothing to guess
            return {}
        return {(a.path or "", expect): await check_photo(self.media, a, expect) for a in photos[:1]}

    async def _turn(self, s, conv, state: dict, event: InboundEvent, prechecked=None) -> Logged:
        return await self._logged(s, conv, state, event, dialogue=True, prechecked=prechecked)

    async def _apology(self, s, conv, state: dict, event: InboundEvent) -> Logged:
        return await self._logged(s, conv, state, event, dialogue=False)

    async def _logged(
        self, s, conv, state: dict, event: InboundEvent, *, dialogue: bool, prechecked=None
    ) -> Logged:
        """The dialogue's outcome and the citizen's message as the log will hold it (written with
        the replies when the turn ends: `store.finish_turn`)."""
        received_at = dt.datetime.fromtimestamp(event.timestamp_ms / 1000, dt.UTC)
        step_before = self.engine.step_of(state)
        idle = (utcnow() - conv.last_inbound_at).total_seconds() if conv.last_inbound_at is not None else None
        ctx = TurnContext(s, conv, self.settings, self.media, dt.datetime.now(self.tz), idle, prechecked)
        if dialogue:
            try:
                outcome = await self.engine.handle(ctx, state, event)
            except (store.CursorMoved, store.HeldTurnsFailed):
                raise  # the batch's held-back turns (`store.write_later_turns`), not this dialogue
            except Exception as exc:
                metrics.DIALOGUE_ERRORS.inc()
                log.exception("dialogue failed on %s; apologising", event.dedupe_key)
                raise DialogueFailed(event.dedupe_key) from exc
        else:
            outcome = Outcome(State.from_dict(state), [Reply(self.engine.text("error"))])
        # the citizen's message is written once, after the dialogue, with what the turn learnt
        # (one INSERT rather than an INSERT and an UPDATE), with the replies and the cursor's
        # advance (one statement on PostgreSQL); nothing in the turn reads it
        erased = ctx.erased  # the citizen's data was erased in this turn: so is this message's
        return outcome, dict(
            conversation_id=conv.id,
            direction="in",
            author="citizen",
            channel=event.channel,
            external_id=event.message_id,
            kind=event.kind,
            text="" if erased else event.text if event.text else event.payload,
            attachments=[] if erased else [dataclasses.asdict(a) for a in event.attachments],
            quick_replies=[],
            step=step_before,
            received_at=received_at,
            **_log_facts(received_at, State.from_dict(state), outcome),
        )
