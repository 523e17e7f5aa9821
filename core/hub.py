"""What the HTTP side sees of the running process: the `Hub` protocol and its application key.

`bot.runtime.Runtime` implements it; handlers and services depend on this protocol only, so
they never import the composition root above them."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Protocol

from aiohttp import web

if TYPE_CHECKING:
    from core.db import Database
    from core.events import InboundEvent
    from core.media import MediaStore
    from core.queue import MessageQueue
    from core.settings import Settings


class Nudge(Protocol):
    def nudge(self) -> None: ...


class Hub(Protocol):
    settings: Settings
    db: Database
    media: MediaStore
    queue: MessageQueue
    sender: Nudge
    engine: Any  # the dialogue engine (flows), used by hand-back
    closing: asyncio.Event

    async def submit(self, event: InboundEvent) -> bool: ...


RUNTIME = web.AppKey("runtime", Hub)
