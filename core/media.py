"""Media storage under MEDIA_DIR: content-addressed, so storing the same bytes twice is harmless."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from core.events import Attachment
from core.sniff import sniff

EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp", "heif": "heic", "pdf": "pdf", "gif": "gif"}
CONTENT_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "heif": "image/heif",
    "pdf": "application/pdf",
    "gif": "image/gif",
}


#: Formats the photo check can read: anything else received is a file with problem "not_image".
IMAGE_KINDS = frozenset({"jpeg", "png", "webp", "heif", "pdf"})

_TYPE_BY_EXTENSION = {ext: CONTENT_TYPES[kind] for kind, ext in EXTENSIONS.items()}


@dataclass(frozen=True)
class Stored:
    path: str  # relative to MEDIA_DIR
    sha256: str
    size: int
    kind: str | None  # sniffed format, None when unknown
    content_type: str


class MediaStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    @staticmethod
    def content_type(relative: str) -> str:
        """The type of a stored file: its extension was chosen from its sniffed content."""
        return _TYPE_BY_EXTENSION.get(Path(relative).suffix.lstrip("."), "application/octet-stream")

    def full_path(self, relative: str) -> Path:
        path = (self.root / relative).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("path outside MEDIA_DIR")
        return path

    def store(self, data: bytes, channel: str) -> Stored:
        digest = hashlib.sha256(data).hexdigest()
        kind = sniff(data[:64])
        ext = EXTENSIONS.get(kind or "", "bin")
        month = dt.date.today().strftime("%Y-%m")
        relative = f"{channel}/{month}/{digest[:2]}/{digest}.{ext}"
        target = self.root / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(target.suffix + f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, target)  # atomic: a reader never sees half a file
        return Stored(
            relative, digest, len(data), kind, CONTENT_TYPES.get(kind or "", "application/octet-stream")
        )

    def attachment(
        self, data: bytes, channel: str, *, name: str | None = None, received: Attachment | None = None
    ) -> Attachment:
        """Store received bytes and describe them, with one rule for every channel: an image
        (type "image", `path` set) when the sniffed format is in IMAGE_KINDS, else a file with
        problem "not_image". `received` is the attachment as announced (a platform's url, name),
        kept apart from what the bytes say (the declared type is never trusted)."""
        base = received if received is not None else Attachment(type="file", name=name)
        if not data:
            return dataclasses.replace(base, type="file", problem="not_image", size=0)
        stored = self.store(data, channel)
        if stored.kind not in IMAGE_KINDS:  # sniffed from the bytes
            return dataclasses.replace(
                base, type="file", problem="not_image", size=stored.size, sha256=stored.sha256
            )
        return dataclasses.replace(
            base,
            type="image",
            path=stored.path,
            size=stored.size,
            content_type=stored.content_type,
            sha256=stored.sha256,
        )

    @staticmethod
    def too_large(name: str | None = None) -> Attachment:
        """A file refused for its size before being stored (over MAX_UPLOAD_BYTES)."""
        return Attachment(type="file", name=name, problem="too_large")
