"""The terminal channel (`python -m bot chat`): replies are printed as they are delivered."""

from __future__ import annotations

from typing import Any, Callable

from core.channel import Channel


def render(payload: dict[str, Any]) -> str:
    lines = [payload.get("text", "")]
    if payload.get("image_path"):
        lines.append(f"[ảnh: {payload['image_path']}]")
    return "\n".join(lines)


class CliChannel(Channel):
    name = "cli"

    def __init__(self, write: Callable[[str], None] = print) -> None:
        self.write = write

    async def send(self, recipient: str, payload: dict[str, Any]) -> None:
        self.write(render(payload))
