"""Words read twice: one line of print found as two overlapping runs (a tall value box cut in two,
or a run whose crop reaches into its neighbour's) gives the same words twice at the same place
("TRẦN TRẦN XUÂN XUÂN"). Keep one reading of each."""

from __future__ import annotations

import difflib

from core.vietnamese import strip_diacritics


def _key(w: dict) -> str:
    return "".join(ch for ch in strip_diacritics(w["text"]).lower() if ch.isalnum())


def _same_place(a: dict, b: dict) -> bool:
    """Overlapping boxes: most of the narrower width and a third of the shorter height."""
    ox = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    oy = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
    wa, wb = a["x1"] - a["x0"], b["x1"] - b["x0"]
    ha, hb = a["y1"] - a["y0"], b["y1"] - b["y0"]
    return ox >= 0.6 * max(1, min(wa, wb)) and oy >= 0.3 * max(1, min(ha, hb))


def dedupe(words: list[dict]) -> list[dict]:
    """Drop a word when another run read the same text at the same place with more confidence."""
    drop: set[int] = set()
    for i, a in enumerate(words):
        ka = _key(a)
        if not ka:
            continue
        for j in range(i + 1, len(words)):
            b = words[j]
            if j in drop or i in drop or a.get("blob") == b.get("blob") or not _same_place(a, b):
                continue
            kb = _key(b)
            if not kb or (ka != kb and difflib.SequenceMatcher(None, ka, kb).ratio() < 0.75):
                continue
            drop.add(j if a["conf"] >= b["conf"] else i)
    return [w for k, w in enumerate(words) if k not in drop]
