"""Photos: intake and quality checks. Placeholder (format sniffing only) until the OCR issue lands.

Stable interface for the dialogue and the CLI:
``sniff(head: bytes) -> str | None`` and ``analyze(path) -> dict`` (the contract's `ocr --json` object).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

_MAGIC = [
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"%PDF-", "pdf"),
    (b"GIF8", "gif"),
]


def sniff(head: bytes) -> str | None:
    """The file format from its first bytes (never from a name or a declared type)."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in {b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis"}:
        return "heif"
    return None


def analyze(path: str | Path, expect: str | None = None) -> dict[str, Any]:
    t0 = time.perf_counter()
    p = Path(path)
    problems: list[str] = []
    try:
        head = p.read_bytes()[:32]
    except OSError:
        head = b""
        problems.append("unreadable_file")
    kind = sniff(head) if head else None
    if not problems and kind is None:
        problems.append("unsupported_format")
    if not problems and kind in {"jpeg", "png", "webp", "gif"}:
        from PIL import Image

        try:
            with Image.open(p) as im:
                im.verify()
        except Exception:
            problems.append("unreadable_file")
    return {
        "file": str(path),
        "quality": {"ok": not problems, "problems": problems, "metrics": {"format": kind}},
        "document": None,
        "timings_ms": {"total": round((time.perf_counter() - t0) * 1000, 2)},
    }
