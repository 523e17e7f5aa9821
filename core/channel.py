"""The channel interface every connector implements (web chat, terminal, Zalo OA, Messenger)."""

from __future__ import annotations

import datetime as dt
import logging
from abc import ABC, abstractmethod
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Awaitable, Callable

if TYPE_CHECKING:
    from core.events import InboundEvent


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
    if done >= len(messages) > 0:  # rendered into fewer parts since (a changed limit): send the last
        log.warning("outbox %s: %d parts recorded, %d rendered", delivery.outbox_id, done, len(messages))
        done = len(messages) - 1
    for i, message in enumerate(messages):
        if i < done:
            continue
        await send_one(message)
        if delivery is not None and delivery.record_parts is not None and i + 1 < len(messages):
            await delivery.record_parts(i + 1)


class Channel(ABC):
    name: str

    #: Optional worker hook, run before each event's transaction (e.g. download platform media).
    prepare: Callable[["InboundEvent"], Awaitable["InboundEvent"]] | None = None

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
