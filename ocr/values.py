"""Values read off a card, cleaned: names and places corrected against vocabularies, dates,
sex."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from functools import lru_cache

from core.vietnamese import strip_diacritics

from . import idnum


@lru_cache(maxsize=1)
def lexicon() -> dict[str, set[str]]:
    """Vocabularies for post-correction: name syllables by position, place and street names.

    NOTE: these are the same word lists the synthetic generator draws from (plus the 63
    provinces), so on generated cards the correction is optimistic; for real cards they must be
    replaced by full lists (surnames, given-name syllables, the 2025 administrative units).
    """
    from .synth import names as N

    up = lambda lst: {w.upper() for w in lst}  # noqa: E731
    middle = up(N.MIDDLE_M) | up(N.MIDDLE_F) | up(N.GIVEN_M) | up(N.GIVEN_F)
    places = set(idnum.PROVINCES.values()) | set(N.COMMUNES) | {d for d, _ in N.DISTRICTS}
    return {
        "surname": up(N.SURNAMES),
        "middle": middle,
        "given": up(N.GIVEN_M) | up(N.GIVEN_F),
        "name": up(N.SURNAMES) | middle,
        "place": places,
        "street": set(N.STREETS),
    }


_fold = strip_diacritics


def _best(word: str, vocab: set[str], cutoff: float) -> str | None:
    """The closest vocabulary word: letters first (diacritics folded), then the marks."""
    if word in vocab:
        return word
    fw = _fold(word)
    best, best_s = None, 0.0
    for v in vocab:
        sc = (
            0.7 * difflib.SequenceMatcher(None, fw, _fold(v)).ratio()
            + 0.3 * difflib.SequenceMatcher(None, word, v).ratio()
        )
        if sc > best_s:
            best, best_s = v, sc
    return best if best_s >= cutoff else None


def fix_name(text: str) -> tuple[str, float]:
    words = re.sub(r"[^A-ZÀ-Ỹa-zà-ỹĐđ ]", " ", unicodedata.normalize("NFC", text)).upper().split()
    lx = lexicon()
    out, hits = [], 0
    for i, w in enumerate(words):
        vocab = lx["surname"] if i == 0 else lx["given"] if i == len(words) - 1 else lx["middle"]
        b = _best(w, vocab, 0.6) or _best(w, lx["name"], 0.75)
        if b is None and len(w) <= 1:
            continue  # specks read as a letter
        hits += b is not None
        out.append(b or w)
    return " ".join(out), (hits / len(out) if out else 0.0)


def fix_place(text: str) -> tuple[str, float]:
    text = unicodedata.normalize("NFC", text).strip(" .,:;-_|")
    parts = [p.strip() for p in re.split(r"[,.]", text) if p.strip()]
    lx = lexicon()
    out, hits = [], 0
    for i, p in enumerate(parts):
        m = re.match(r"^(S[ốoó0]\s*)?(\d+)\s+(.*)$", p)
        if m and i > 0 and not m.group(1):  # a speck read as a digit: house numbers come first
            p, m = m.group(3), None
        if m:  # house number + street
            st = _best(m.group(3), lx["street"], 0.7)
            hits += st is not None
            out.append(f"Số {m.group(2)} {st or m.group(3)}")
            continue
        b = _best(p, lx["place"], 0.7)
        if b is None and len(p) <= 2:
            continue  # specks read as a letter or two
        hits += b is not None
        out.append(b or p)
    return ", ".join(out), (hits / len(parts) if parts else 0.0)


def parse_date(text: str) -> str | None:
    d = re.sub(r"\D", "", text)
    if len(d) >= 8:
        for cand in (d[:8], d[-8:]):
            try:
                return dt.date(int(cand[4:8]), int(cand[2:4]), int(cand[0:2])).isoformat()
            except ValueError:
                continue
    return None


def _sex(text: str) -> str | None:
    t = _fold(text).lower()
    if re.search(r"n[uư]|nu|n[uúùủũụ]", text.lower()) or "nu" in t:
        return "Nữ"
    if "nam" in t or "am" in t:
        return "Nam"
    return None


# ---------------------------------------------------------------- crops
