"""The channel interface every connector implements (web chat, terminal, Zalo OA, Messenger)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class PermanentSendError(Exception):
    """The platform refused the message in a way a retry cannot fix (bad recipient, 4xx)."""


class Channel(ABC):
    name: str

    @abstractmethod
    async def send(self, recipient: str, payload: dict[str, Any]) -> None:
        """Deliver one outbox payload ({"text", "quick_replies"?, "image_path"?}).

        Raise PermanentSendError when retrying cannot help; any other exception is retried.
        """

    async def close(self) -> None:
        return None
