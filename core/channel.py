"""The channel interface every connector implements (web chat, terminal, Zalo OA, Messenger).

A channel has both directions, like a Rasa channel connector:
- inbound: `routes()` (mounted by `setup(app)` in the web roles), `verify(request, body)` for the
  platform's signature over the raw body, `parse(...)` normalising what arrived to `InboundEvent`s;
- outbound: `prepare(event)` (run by the worker before the event's transaction, e.g. to download
  platform media), `send(recipient, payload)`, `reply_window(author)`, `close()`.

A channel class says whether the settings enable it (`configured`) and is built from the runtime
hub (`Channel(hub)`); the app mounts every configured class of `handlers.registry.CHANNELS`."""

from __future__ import annotations

import datetime as dt
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from aiohttp import web

if TYPE_CHECKING:
    from core.events import InboundEvent
    from core.hub import Hub
    from core.settings import Settings


class Malformed(ValueError):
    """An inbound body the channel cannot read (answered 400)."""


class PermanentSendError(Exception):
    """The platform refused the message in a way a retry cannot fix (bad recipient, 4xx)."""


class OutsideWindow(PermanentSendError):
    """The platform refuses because the reply window is closed: the sender holds the message until
    the citizen writes again (outbox status `held`)."""


class RetryLater(Exception):
    """A transient refusal (rate limit, 5xx, timeout); `after_s` is the platform's hint, if any."""

    def __init__(self, message: str, after_s: float | None = None) -> None:
        super().__init__(message)
        self.after_s = after_s


@dataclass(frozen=True)
class Delivery:
    """What the sender knows about the outbox row being delivered (set around `Channel.send`).

    `parts_sent` and `record_parts` serve `send_in_parts`."""

    outbox_id: int
    author: str  # "bot" | "officer"
    last_inbound_at: dt.datetime | None
    parts_sent: int = 0  # parts of this row the platform accepted in earlier attempts
    record_parts: Callable[[int], Awaitable[None]] | None = None  # stores a new parts_sent on the row


DELIVERY: ContextVar[Delivery | None] = ContextVar("motcua_delivery", default=None)
log = logging.getLogger(__name__)


async def send_in_parts(messages: list[Any], send_one: Callable[[Any], Awaitable[Any]]) -> None:
    """Send a reply rendered as several platform messages, in order. Parts accepted by an earlier
    attempt of the same outbox row (in this process or another) are skipped, and each part is
    recorded on the row before the next goes out: a retry after an error or a crash resumes
    where delivery stopped (at worst the one part in flight at the crash is sent twice)."""
    delivery = DELIVERY.get()
    done = delivery.parts_sent if delivery is not None else 0
    if (
        delivery is not None and done >= len(messages) > 0
    ):  # fewer parts since (a changed limit): send the last
        log.warning("outbox %s: %d parts recorded, %d rendered", delivery.outbox_id, done, len(messages))
        done = len(messages) - 1
    for i, message in enumerate(messages):
        if i < done:
            continue
        await send_one(message)
        if delivery is not None and delivery.record_parts is not None and i + 1 < len(messages):
            await delivery.record_parts(i + 1)


class Channel(ABC):
    name: ClassVar[str]

    def __init__(self, hub: Hub | None = None) -> None:
        self.hub = hub

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        """Whether the settings enable this channel (credentials present); the app adds only those."""
        return True

    # ---- inbound
    def routes(self) -> list[web.RouteDef]:
        """The HTTP routes of the channel (none for the terminal)."""
        return []

    def setup(self, app: web.Application) -> None:
        """Mount the channel on the application (its routes)."""
        app.add_routes(self.routes())

    def verify(self, request: web.Request, body: bytes) -> bool:
        """Whether the request's signature matches its raw body; True for channels without one."""
        return True

    def parse(self, body: Any, *, user: str = "") -> list[InboundEvent]:
        """What arrived (a webhook's raw body, a browser's message, a terminal line), normalised;
        `user` when the transport, not the body, identifies the citizen. Raise Malformed.
        A send-only channel (no inbound path) receives nothing."""
        return []

    # ---- outbound
    async def prepare(self, event: InboundEvent) -> InboundEvent:
        """Run by the worker before each event's transaction (e.g. download platform media)."""
        return event

    @abstractmethod
    async def send(self, recipient: str, payload: dict[str, Any]) -> None:
        """Deliver one outbox payload ({"text", "quick_replies"?, "image_path"?}).

        Raise PermanentSendError when retrying cannot help; any other exception is retried.
        """

    def reply_window(self, author: str) -> dt.timedelta | None:
        """How long after the citizen's last message a message by `author` ("bot" | "officer")
        may be sent; None when the channel has no window."""
        return None

    async def close(self) -> None:
        return None

    @classmethod
    def prepares(cls) -> bool:
        """Whether the channel has a `prepare` step of its own (the worker skips the others)."""
        return cls.prepare is not Channel.prepare
