"""The normalised shapes every channel speaks: one inbound event, one outbound reply."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from core import fastjson

EventKind = Literal[
    "text",
    "image",
    "file",
    "sticker",
    "location",
    "link",
    "payload",  # quick reply / postback / button tap
    "follow",
    "unfollow",
    "delivery",
    "seen",
    "audio",
    "video",
]


@dataclass(frozen=True)
class Attachment:
    """A photo or file. `path` (relative to MEDIA_DIR) once stored; `url` while remote."""

    type: str  # "image" | "file" | ...
    url: str | None = None
    path: str | None = None
    name: str | None = None
    content_type: str | None = None
    size: int | None = None
    sha256: str | None = None
    problem: str | None = None  # why it could not be taken (e.g. "not_image", "too_large")


_ATTACHMENT_FIELDS = tuple(f.name for f in fields(Attachment))


@dataclass(frozen=True)
class InboundEvent:
    channel: str  # "web" | "cli" | "zalo" | "messenger"
    user_id: str  # the platform's id of the citizen on that channel
    message_id: str  # the platform's message id (dedupe key together with channel)
    kind: EventKind = "text"
    text: str | None = None
    payload: str | None = None
    attachments: tuple[Attachment, ...] = ()
    timestamp_ms: int = field(default_factory=lambda: int(time.time() * 1000))
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def conversation_key(self) -> str:
        return f"{self.channel}:{self.user_id}"

    @property
    def dedupe_key(self) -> str:
        return f"{self.channel}:{self.message_id}"

    def to_json(self) -> str:
        # Built by hand: `dataclasses.asdict` deep-copies and costs a third of the ingest CPU.
        return fastjson.dumps(
            {
                "channel": self.channel,
                "user_id": self.user_id,
                "message_id": self.message_id,
                "kind": self.kind,
                "text": self.text,
                "payload": self.payload,
                "attachments": [{f: getattr(a, f) for f in _ATTACHMENT_FIELDS} for a in self.attachments],
                "timestamp_ms": self.timestamp_ms,
                "meta": self.meta,
            }
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> InboundEvent:
        data = fastjson.loads(raw)
        data["attachments"] = tuple(Attachment(**a) for a in data.get("attachments") or ())
        return cls(**data)


@dataclass(frozen=True)
class QuickReply:
    title: str  # what the button shows
    payload: str  # what comes back when tapped (also accepted typed)


@dataclass(frozen=True)
class Reply:
    """One bot message: text, optional quick replies, optional image (by media path)."""

    text: str
    quick_replies: tuple[QuickReply, ...] = ()
    image_path: str | None = None

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"text": self.text}
        if self.quick_replies:
            # by hand: `asdict` deep-copies (a tenth of a turn's CPU for the menu's buttons)
            payload["quick_replies"] = [{"title": q.title, "payload": q.payload} for q in self.quick_replies]
        if self.image_path:
            payload["image_path"] = self.image_path
        return payload
