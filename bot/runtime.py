"""The runtime: everything one process needs, wired together (database, queue, dialogue,
workers, sender, channels). The web app, the terminal chat and the tests all build one."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot import ocr_pool
from bot.sender import Sender
from bot.worker import Prepare, Worker
from core import metrics
from core.channel import Channel
from core.db import Database
from core.events import InboundEvent
from core.logs import correlated
from core.media import MediaStore
from core.queue import create_queue
from core.settings import Settings, ensure_secret_key
from flows.engine import Engine
from nlu import NLU
from places.agencies import load_directory

log = logging.getLogger(__name__)


class Runtime:
    def __init__(self, settings: Settings) -> None:
        self.settings = ensure_secret_key(settings)
        ocr_pool.configure(self.settings)  # photo checks in worker processes
        self.db = Database(self.settings.resolved_database_url)
        self.queue = create_queue(self.settings)
        self.media = MediaStore(self.settings.media_path)
        self.nlu = NLU.from_settings(self.settings)
        self.agencies = load_directory(
            self.settings.agencies_path, self.settings.agency_code, self.settings.agency_name
        )
        self.engine = Engine(
            self.nlu,
            agency_name=self.settings.agency_name,
            agencies=self.agencies,
            survey_off=frozenset(
                c.strip() for c in self.settings.survey_off_channels.split(",") if c.strip()
            ),
            survey_after_cancel=self.settings.survey_after_cancel,
        )
        self.channels: dict[str, Channel] = {}
        self.sender = Sender(self.settings, self.db, self.channels)
        self.workers: list[Worker] = []
        # per channel: run by the worker before each event's transaction (e.g. media download)
        self.prepare: dict[str, Prepare] = {}
        self._stop = asyncio.Event()
        self.closing = asyncio.Event()  # set when the server shuts down: long polls return at once
        self._tasks: list[asyncio.Task] = []
        self._batch: list[tuple[InboundEvent, asyncio.Future]] = []
        self._submitting: set[asyncio.Task] = set()

    def add_channel(self, channel: Channel) -> None:
        self.channels[channel.name] = channel
        if channel.prepares():
            self.prepare[channel.name] = channel.prepare

    async def submit(self, event: InboundEvent) -> bool:
        """Accept an inbound event once (durably when Redis is used). False for a repeat.

        Events submitted in the same event-loop turn (many webhook requests under load, or the
        items of one Messenger batch) go to the queue together in one `submit_many`; at low load
        a batch holds one event and nothing waits (the flush is scheduled with `call_soon`)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bool] = loop.create_future()
        self._batch.append((event, future))
        if len(self._batch) == 1:
            loop.call_soon(self._flush_batch)
        return await future

    def _flush_batch(self) -> None:
        batch, self._batch = self._batch, []
        task = asyncio.get_running_loop().create_task(self._submit_batch(batch))
        self._submitting.add(task)
        task.add_done_callback(self._submitting.discard)

    async def _submit_batch(self, batch: list[tuple[InboundEvent, asyncio.Future]]) -> None:
        try:
            results = await self.queue.submit_many([event for event, _ in batch])
        except Exception as exc:  # the queue is unreachable: every caller sees the error
            results = [exc] * len(batch)
        debug = log.isEnabledFor(logging.DEBUG)
        for (event, future), result in zip(batch, results):
            if future.done():
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                (metrics.INBOUND if result else metrics.DUPLICATES).labels(event.channel).inc()
                if debug:
                    with correlated(event.dedupe_key):
                        log.debug("accepted %s event (%s)", event.kind, "new" if result else "a repeat")
                future.set_result(result)

    async def start(self, *, workers: int = 1, sender: bool = True, retention: bool = False) -> None:
        """Worker loops, the outbox sender, and (the worker role) the retention job."""
        self._stop.clear()
        if self.agencies.routed and workers:
            # the communes' data (a few seconds) read now, not in the first citizen's turn
            await asyncio.to_thread(self.agencies.resolver.warm)
        for _ in range(workers):
            worker = Worker(
                self.settings,
                self.db,
                self.queue,
                self.engine,
                self.media,
                on_committed=self.sender.nudge,
                prepare=self.prepare,
            )
            self.workers.append(worker)
            self._tasks.append(asyncio.create_task(worker.run(self._stop), name=f"worker-{worker.consumer}"))
        if sender:
            self._tasks.append(asyncio.create_task(self.sender.run(self._stop), name="sender"))
        if retention and self.settings.retention_days > 0:
            from services.retention import run_retention

            job = run_retention(
                self.db,
                self.media,
                self.queue,
                self.settings.retention_days,
                self.settings.retention_interval_s,
                self._stop,
            )
            self._tasks.append(asyncio.create_task(job, name="retention"))

    async def stop(self) -> None:
        self._stop.set()
        if self._tasks:
            done, pending = await asyncio.wait(self._tasks, timeout=10)
            for task in pending:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._tasks.clear()
        for channel in self.channels.values():
            await channel.close()
        close_nlu = getattr(self.nlu, "close", None)
        if close_nlu is not None:
            await close_nlu()  # the Rasa backend's HTTP session
        await self.queue.close()
        await self.db.close()
