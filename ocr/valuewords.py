"""Which words read on a card's line belong to a value: a name's words (capitals), a word boxed
on its dotted line, words read inside a taller word (used by labels.values)."""

from __future__ import annotations

import re

NAME_WORD = re.compile(r"[A-ZÀ-ỸĐ]{2,}[.,]?|[A-ZÀ-ỸĐ][.,]?")


def name_line(ws: list[dict]) -> bool:
    """A line that can go on with a name: words of letters in capitals (most of each word's
    letters: OCR reads a capital small now and then; a speck's stray dot kept), at least one of
    two letters or more, five words at most."""
    texts = [w["text"].strip(".,:;'`\"“”") for w in ws]
    texts = [t for t in texts if t]
    caps = [
        t for t in texts if NAME_WORD.fullmatch(t.upper()) and sum(c.isupper() for c in t) >= 0.6 * len(t)
    ]
    return 0 < len(texts) <= 5 and len(caps) == len(texts) and any(len(t) >= 2 for t in texts)


def uncovered(words: list[dict], tallest: float) -> list[dict]:
    """Without the words read inside a taller word of print (a name's stacked marks read as a
    flat line of their own over the name, "SE ĐC CVD" over "HỒ BÍCH HỒNG TÂM"): a word under 0.6
    of its height whose height band it lies in, and whose width it mostly shares. A covering box
    taller than `tallest` (a seal or a photo read as a word) covers nothing."""

    def inside(w: dict, v: dict) -> bool:
        hw, hv = w["y1"] - w["y0"], v["y1"] - v["y0"]
        if v is w or hv > tallest or hw >= 0.6 * hv:
            return False
        xo = min(w["x1"], v["x1"]) - max(w["x0"], v["x0"])
        return xo >= 0.5 * (w["x1"] - w["x0"]) and w["y0"] >= v["y0"] - 2 and w["y1"] <= v["y1"] + 2

    return [w for w in words if not any(inside(w, v) for v in words)]


INTO_DOTS = re.compile(r"^[^\W\d_]{2,}[,;]?\.{2,}$")  # letters, then the dots of their line


def name_words(ws: list[dict]) -> list[dict]:
    """A name on its label's line up to the first word that is no name's: names are printed in
    capitals, a word in small letters after them ("VINH the", the dotted line read as a word) is not."""
    for i, w in enumerate(ws):
        t = re.sub(r"[\W\d_]", "", w["text"])
        if i and t and sum(c.isupper() for c in t) < 0.6 * len(t):
            return ws[:i]
    return ws


def median(v: list[float]) -> float:
    return sorted(v)[len(v) // 2]


def wrapped(parts: list[list[dict]], lh: float) -> bool:
    """The value's last line runs as far right as the line before it: the text wrapped there and
    may go on (a long address over three lines); a short last line ends the value."""
    ends = [max(w["x1"] for w in p) for p in parts[-2:]]
    return ends[1] >= ends[0] - 5 * lh


def starts_under(x: float, lx0: float, lh: float, vx: float) -> bool:
    """A line under a label starts under it, or (a value wrapped) under the value's first word."""
    return lx0 - 3 * lh <= x <= lx0 + 12 * lh or abs(x - vx) <= 3 * lh


def garbled(ws: list[dict]) -> bool:
    """No word of two letters or more and no number in a line: marks and a pattern read as text."""
    return not any(
        re.fullmatch(r"[^\W\d_]{2,}[.,]?|\d+[^\W\d_]?(/\d+)*[.,]?", w["text"].strip("\"'“”‘’()")) for w in ws
    )


def cy(w: dict) -> float:
    return (w["y0"] + w["y1"]) / 2


def overlap(w: dict, y0: float, y1: float) -> float:
    """Vertical overlap of a word with the span y0..y1, as a share of the smaller height."""
    return max(0.0, min(w["y1"], y1) - max(w["y0"], y0)) / max(1.0, min(w["y1"] - w["y0"], y1 - y0))


def glued_tail(w: dict) -> dict | None:
    """The digits a label's last word ends with ("ngày:27", "Sinhngày12-03-1985": a value typed
    right after its label, no space between), as a word of their own at their share of the
    word's box; None when it has none."""
    m = re.search(r"(?<=[^\W\d_]|:)[:.]?(\d[\d/.\-]*)$", w["text"])
    if not m or m.start(1) < 3:
        return None
    x0 = w["x0"] + (w["x1"] - w["x0"]) * m.start(1) / len(w["text"])
    return {**w, "text": m.group(1), "x0": int(x0), "glued": True}
