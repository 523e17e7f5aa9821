"""Server-side SVG charts for the analytics dashboard: geometry only (the template draws it,
autoescaped); no script, no library, readable on a phone (a viewBox that scales)."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
BAR = 26
GAP = 10
LABEL = 210
VALUE = 90


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    w: float
    h: float
    label: str
    text: str  # the value as shown beside the bar


def hbars(rows: list[tuple[str, float, str]]) -> dict:
    """Horizontal bars: (label, value, value as shown) each; the longest bar fills the width."""
    top = max((v for _l, v, _t in rows), default=0) or 1
    room = WIDTH - LABEL - VALUE
    bars = [
        Bar(LABEL, i * (BAR + GAP), max(1.0, room * v / top) if v else 0.0, BAR, label, text)
        for i, (label, v, text) in enumerate(rows)
    ]
    return {"width": WIDTH, "height": max(BAR, len(rows) * (BAR + GAP)), "bars": bars, "label_x": LABEL - 8}


def columns(rows: list[tuple[str, float | None, str]], target: float | None = None) -> dict:
    """Vertical columns of shares (0..1) per day, with an optional target line."""
    height, base, pad = 220, 190, 40
    n = max(1, len(rows))
    step = (WIDTH - pad) / n
    w = min(48.0, step * 0.7)
    bars = []
    for i, (label, v, text) in enumerate(rows):
        h = (base - 20) * (v or 0)
        bars.append(Bar(pad + i * step + (step - w) / 2, base - h, w, h, label, text))
    line = None if target is None else base - (base - 20) * target
    return {"width": WIDTH, "height": height, "base": base, "bars": bars, "target_y": line, "pad": pad}
