"""The terminal channel (`python -m bot chat`): a typed line becomes an event (`/anh PATH…` sends
photos from disk), and replies are printed as they are delivered."""

from __future__ import annotations

import shlex
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.channel import Channel
from core.events import Attachment, InboundEvent
from core.hub import Hub
from handlers.channel_texts import TEXTS

PHOTO_COMMANDS = ("/anh", "/photo")


def render(payload: dict[str, Any]) -> str:
    lines = [payload.get("text", "")]
    if payload.get("image_path"):
        lines.append(TEXTS("cli.image", path=payload["image_path"]))
    return "\n".join(lines)


class CliChannel(Channel):
    name = "cli"

    def __init__(
        self,
        hub: Hub | None = None,
        write: Callable[[str], None] = print,
        notice: Callable[[str], None] = print,
    ) -> None:
        """`write` shows a delivered reply; `notice` tells the person at the terminal about a line
        that could not be sent (a missing file)."""
        super().__init__(hub)
        self.write = write
        self.notice = notice

    @classmethod
    def configured(cls, settings) -> bool:
        return False  # never served: only the terminal chat builds it

    def hello(self, user: str) -> InboundEvent:
        """The citizen's first turn, sent when the chat starts."""
        return InboundEvent(
            channel=self.name, user_id=user, message_id=uuid.uuid4().hex, text=TEXTS("cli.hello")
        )

    def parse(self, body: Any, *, user: str = "") -> list[InboundEvent]:
        """The event of one typed line; none (and a notice) when a photo command names no file."""
        line = str(body)
        mid = uuid.uuid4().hex
        if not line.startswith(PHOTO_COMMANDS):
            return [InboundEvent(channel=self.name, user_id=user, message_id=mid, text=line)]
        attachments = self._photos(shlex.split(line)[1:])
        if attachments is None:
            return []
        kind = "image" if all(a.type == "image" for a in attachments) else "file"
        return [
            InboundEvent(
                channel=self.name, user_id=user, message_id=mid, kind=kind, attachments=tuple(attachments)
            )
        ]

    def _photos(self, raw_paths: list[str]) -> list[Attachment] | None:
        if not raw_paths:
            self.notice(TEXTS("cli.path_needed"))
            return None
        assert self.hub is not None, "the terminal channel stores photos through the runtime"
        attachments = []
        for raw in raw_paths:
            path = Path(raw).expanduser()
            if not path.is_file():
                self.notice(TEXTS("cli.no_file", path=path))
                return None
            data = path.read_bytes()
            if len(data) > self.hub.settings.max_upload_bytes:
                attachments.append(self.hub.media.too_large(path.name))
            else:
                attachments.append(self.hub.media.attachment(data, self.name, name=path.name))
        return attachments

    async def send(self, recipient: str, payload: dict[str, Any]) -> None:
        self.write(render(payload))
