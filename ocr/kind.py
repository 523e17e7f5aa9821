"""Which side of which card: every piece of evidence weighed together (card_labels.yml
`evidence` and `structure`): phrases found anywhere on the card (titles, labels, the issuer), an
MRZ, a QR code, a lone 9-digit number. Positions on the card are not used, so a QR printed on
either side of the top, a title moved or missing, or labels in another order change nothing."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from . import labels

KINDS = ("cccd_front", "cccd_back", "cancuoc_front", "cancuoc_back", "cmnd_front")
MIN_SCORE = 2.0


@lru_cache(maxsize=1)
def _evidence() -> list[tuple[list[str], dict[str, float]]]:
    sp = labels.spec()
    return [(phrase.split(), weights) for phrase, weights in sp["evidence"].items()]


def _row_tokens(row: list[dict]) -> list[str]:
    return [t for w in row for t in labels.tokens(w["text"])]


def phrase_found(toks: list[str], phrase: list[str]) -> bool:
    """The phrase as consecutive words of the row, fuzzy (a letter in six or so may be misread;
    words run together or split apart are the same): compared without the spaces."""
    target = "".join(phrase)
    need = 92 if len(target) < 9 else 86
    slack = max(1, len(target) // 6)
    for i in range(len(toks)):
        s = ""
        for t in toks[i : i + len(phrase) + 1]:
            s += t
            if len(s) > len(target) + slack:
                break
            if len(s) >= len(target) - slack and fuzz.ratio(s, target) >= need:
                return True
    return False


def _mrz_rows(rows) -> int:
    n = 0
    for r in rows:
        t = "".join(w["text"] for w in r)
        n += len(t) >= 20 and (t.count("<") >= 3 or "VNM" in t.upper())
    return n


def scores(rows: list[list[dict]], qr: bool) -> tuple[dict[str, float], list[str]]:
    """({kind: score}, the evidence found)."""
    sp = labels.spec()
    sc = dict.fromkeys(KINDS, 0.0)
    seen: list[str] = []
    toks = [_row_tokens(r) for r in rows]

    def add(name: str, weights: dict) -> None:
        seen.append(name)
        for k, w in weights.items():
            sc[k] += float(w)

    for phrase, weights in _evidence():
        if any(phrase_found(t, phrase) for t in toks):
            add(" ".join(phrase), weights)
    # the 2024 title "CĂN CƯỚC" alone on its line (not the 2021 "CĂN CƯỚC CÔNG DÂN")
    for t in toks:
        s = " ".join(t)
        if 6 <= len(s) <= 12 and fuzz.ratio(s, "can cuoc") >= 85:
            add("title_can_cuoc", sp["structure"]["title_can_cuoc"])
            break
    if _mrz_rows(rows) >= 2:
        add("mrz", sp["structure"]["mrz"])
    if qr:
        add("qr", sp["structure"]["qr"])
    digits = [re.sub(r"\D", "", w["text"]) for r in rows for w in r if "<" not in w["text"]]
    if any(len(d) == 9 for d in digits) and not any(len(d) == 12 for d in digits):
        add("nine_digits", sp["structure"]["nine_digits"])
    return sc, seen


def decide(rows: list[list[dict]], qr: bool) -> tuple[str, float, dict]:
    """(type or "other", its score, checks) from the card's text lines and whether a QR was read."""
    sc, seen = scores(rows, qr)
    ranked = sorted(sc.items(), key=lambda kv: -kv[1])
    (best, top), (_, nxt) = ranked[0], ranked[1]
    checks = {"type_by": seen, "type_scores": {k: v for k, v in ranked if v > 0}, "type_margin": top - nxt}
    if top < MIN_SCORE:
        return "other", top, checks
    return best, top, checks


def carries(kind: str) -> set[str]:
    return set(labels.spec()["carries"].get(kind, ()))
