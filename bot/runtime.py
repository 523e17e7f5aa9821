"""The runtime: everything one process needs, wired together (database, queue, dialogue,
workers, sender, channels). The web app, the terminal chat and the tests all build one."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiohttp import web

from bot import metrics
from bot.db import Database
from bot.events import InboundEvent
from bot.media import MediaStore
from bot.queue import create_queue
from bot.sender import Sender
from bot.settings import Settings, ensure_secret_key
from bot.worker import Prepare, Worker
from flows.engine import Engine
from handlers.base import Channel
from nlu import NLU

log = logging.getLogger(__name__)


class Runtime:
    def __init__(self, settings: Settings) -> None:
        self.settings = ensure_secret_key(settings)
        self.db = Database(self.settings.resolved_database_url)
        self.queue = create_queue(self.settings)
        self.media = MediaStore(self.settings.media_path)
        self.nlu = NLU.from_settings(self.settings)
        self.engine = Engine(self.nlu, agency_name=self.settings.agency_name)
        self.channels: dict[str, Channel] = {}
        self.sender = Sender(self.settings, self.db, self.channels)
        self.workers: list[Worker] = []
        # per channel: run by the worker before each event's transaction (e.g. media download)
        self.prepare: dict[str, Prepare] = {}
        self._stop = asyncio.Event()
        self.closing = asyncio.Event()  # set when the server shuts down: long polls return at once
        self._tasks: list[asyncio.Task] = []

    def add_channel(self, channel: Channel) -> None:
        self.channels[channel.name] = channel
        if channel.prepare is not None:
            self.prepare[channel.name] = channel.prepare

    async def submit(self, event: InboundEvent) -> bool:
        """Accept an inbound event once (durably when Redis is used). False for a repeat."""
        accepted = await self.queue.submit(event)
        (metrics.INBOUND if accepted else metrics.DUPLICATES).labels(event.channel).inc()
        return accepted

    async def start(self, *, workers: int = 1, sender: bool = True) -> None:
        self._stop.clear()
        for _ in range(workers):
            worker = Worker(self.settings, self.db, self.queue, self.engine, self.media,
                            on_committed=self.sender.nudge, prepare=self.prepare)
            self.workers.append(worker)
            self._tasks.append(asyncio.create_task(worker.run(self._stop), name=f"worker-{worker.consumer}"))
        if sender:
            self._tasks.append(asyncio.create_task(self.sender.run(self._stop), name="sender"))

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
        await self.queue.close()
        await self.db.close()


RUNTIME = web.AppKey("runtime", Runtime)
