"""Values read off a card, cleaned: names and places corrected against vocabularies, dates,
sex."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from core.vietnamese import strip_diacritics

from . import address, idnum

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"


def _words(name: str) -> list[str]:
    lines = (LEXICON_DIR / name).read_text(encoding="utf-8").splitlines()
    return [w for ln in lines if ln.strip() and not ln.startswith("#") for w in [ln.strip()]]


@lru_cache(maxsize=1)
def lexicon() -> dict[str, set[str]]:
    """Vocabularies for post-correction, shipped as data (ocr/lexicon/): family names and name
    syllables from public statistics, the provinces (63 before and 34 after June 2025), syllables
    of place names. Independent of the synthetic generators."""
    up = lambda lst: {unicodedata.normalize("NFC", w).upper() for w in lst}  # noqa: E731
    surnames, given = up(_words("surnames.txt")), up(_words("given.txt"))
    places = set(_words("provinces.txt")) | set(idnum.PROVINCES.values())
    syll = {w for ln in _words("place_syllables.txt") for w in ln.split()}
    syll |= {w.title() for w in surnames | given} | {w for p in places for w in p.split()}
    # every syllable of the names of the administrative units and of the name lists: a word that
    # is one of them is a real Vietnamese syllable and is kept as read (never "corrected" into the
    # nearest entry of a short list)
    valid = {address.canon(w).upper() for n in address.names()["list"] for w in n.split()}
    valid |= {address.canon(w) for w in surnames | given}
    return {
        "valid": valid,
        "name_folds": {_fold(w) for w in surnames | given},
        "name_canon": {address.canon(w) for w in surnames | given},
        "surname": surnames,
        "middle": given,
        "given": given,
        "name": surnames | given,
        "place": places,
        "syll": syll,
    }


_fold = strip_diacritics


@lru_cache(maxsize=8192)
def _best_cached(word: str, key: str, cutoff: float) -> str | None:
    vocab = lexicon()[key]
    if word in vocab:
        return word
    fw = _fold(word)
    same = [v for v in vocab if _fold(v) == fw]  # only the marks differ: OCR's commonest slip
    if same:
        return _closest(word, same)
    best, best_s = None, 0.0
    for v in sorted(vocab):  # a tie goes the same way in every process
        sc = (
            0.7 * difflib.SequenceMatcher(None, fw, _fold(v)).ratio()
            + 0.3 * difflib.SequenceMatcher(None, word, v).ratio()
        )
        if sc > best_s:
            best, best_s = v, sc
    return best if best_s >= cutoff else None


def _closest(word: str, cands: list[str]) -> str:
    """The candidate nearest to `word`, letter by letter and then mark by mark (decomposed: "ĐỘNG"
    is nearer "ĐÔNG", a mark more, than "ĐỒNG", a mark changed), in a fixed order on a tie (the
    sets' order changed from one process to the next, and so did the name read)."""
    nfd = unicodedata.normalize("NFD", word)
    return max(
        sorted(cands),
        key=lambda v: (
            difflib.SequenceMatcher(None, word, v).ratio(),
            difflib.SequenceMatcher(None, nfd, unicodedata.normalize("NFD", v)).ratio(),
        ),
    )


def _split_glued(word: str, vocab: set[str]) -> list[str] | None:
    """A word read without its spaces ("BÍCHTHANHTÂM"): split into 2-3 vocabulary syllables."""
    folded = {_fold(v) for v in vocab}
    n = len(word)
    for i in range(2, n - 1):
        if _fold(word[:i]) in folded:
            if _fold(word[i:]) in folded:
                return [word[:i], word[i:]]
            for j in range(i + 2, n - 1):
                if _fold(word[i:j]) in folded and _fold(word[j:]) in folded:
                    return [word[:i], word[i:j], word[j:]]
    return None


# capitals OCR takes for one another (a typed face's I with serifs read as T, O as Q or D ...)
_ALIKE = [set("ITLJ1"), set("OQD0"), set("UV"), set("EF"), set("HN"), set("CG")]


def _lookalike_surname(word: str) -> str | None:
    """The one family name that `word` (folded) becomes when one letter is replaced by a letter
    OCR confuses it with ("MAT" -> MAI), or None (none, or more than one: "MẠC" and "MAI" are
    both a letter from "MAT", but only MAI by a look-alike)."""
    fw = _fold(word).upper()
    found = set()
    for v in lexicon()["surname"]:
        fv = _fold(v).upper()
        if len(fv) != len(fw):
            continue
        diff = [(a, b) for a, b in zip(fw, fv) if a != b]
        if len(diff) == 1 and any(diff[0][0] in g and diff[0][1] in g for g in _ALIKE):
            found.add(v)
    return found.pop() if len(found) == 1 else None


def fix_name(text: str) -> tuple[str, float]:
    raw = re.sub(r"[^A-ZÀ-Ỹa-zà-ỹĐđ ]", " ", unicodedata.normalize("NFC", text)).upper().split()
    lx = lexicon()
    words: list[str] = []
    for w in raw:
        keep = w in lx["name"] or len(w) < 6 or address.canon(w) in lx["valid"]
        parts = None if keep else _split_glued(w, lx["name"])
        words += parts or [w]
    out, hits = [], 0
    for i, w in enumerate(words):
        key = "surname" if i == 0 else "given" if i == len(words) - 1 else "middle"
        if i == 0 and len(words) > 1 and w not in lx["surname"]:
            same = [v for v in lx["surname"] if _fold(v) == _fold(w)]
            if not same and address.canon(w) not in lx["valid"]:
                # no Vietnamese syllable at all ("ĐENH"): the one family name a letter away
                from rapidfuzz.distance import Levenshtein

                same = [v for v in lx["surname"] if Levenshtein.distance(_fold(v), _fold(w)) == 1]
                same = same if len(same) == 1 else []
            if same:  # family names are a short closed list: a lost mark is put back
                out.append(_closest(w, same))
                hits += 1
                continue
            alike = _lookalike_surname(w)
            if alike:  # a real syllable, but a letter OCR confuses away from one family name ("MAT")
                out.append(alike)
                hits += 0.5
                continue
        if address.canon(w) in lx["name_canon"]:  # a listed name, the old tone placement (HOÀ)
            out.append(w)
            hits += 1
            continue
        if (
            w not in lx["name"]
            and len(w) > 1
            and address.canon(w) in lx["valid"]
            and _fold(w) not in lx["name_folds"]  # a listed name with other marks is likelier
        ):
            out.append(w)
            hits += 1
            continue
        b = _best_cached(w, key, 0.8) or _best_cached(w, "name", 0.85)
        if b is None and len(w) <= 1:
            continue  # specks read as a letter
        hits += b is not None
        out.append(b or w)
    return " ".join(out), (hits / len(out) if out else 0.0)


fix_place = address.fix_place  # kept here for the callers of values


_LOOKS = str.maketrans("IlT|!ODQSBZGØø", "17111000582600")  # Ø: a monospace face's slashed zero


def numeric(text: str) -> str:
    """A digit-only field's text with the letters that look like digits ("0792O3OO1234",
    "94I50", "T1") read as those digits, inside runs of digits only: a run with at least as many
    digits as look-alikes. Only for fields printed in digits (the number, dates), never names."""

    def fix(m: re.Match) -> str:
        run = m.group(0)
        digits = sum(c.isdigit() for c in run)
        return run.translate(_LOOKS) if digits and digits >= len(run) - digits else run

    return re.sub(r"[0-9IlT|!ODQSBZGØø]+", fix, text)


def parse_date(text: str) -> str | None:
    """dd/mm/yyyy (or dd-mm-yyyy, dd.mm.yyyy, the digits run together) -> ISO; a year outside
    1900-2100 is a misread, not a date."""

    def ok(d: str, m: str, y: str) -> str | None:
        try:
            v = dt.date(int(y), int(m), int(d))
        except ValueError:
            return None
        return v.isoformat() if 1900 <= v.year <= 2100 else None

    # a typewriter's or a hand's wide spacing splits a group ("1 2/03/19 75"): the digits of a
    # full dd/mm/yyyy closed up first, so "1 2" is not read as a day of 2
    closed = re.sub(r"(?<=\d)\s+(?=\d)", "", re.sub(r"\s*([/.\-])\s*", r"\1", text))
    for m in re.finditer(r"(?<!\d)(\d{2})[/.\-](\d{2})[/.\-](\d{4})(?!\d)", closed):
        v = ok(*m.groups())
        if v:
            return v
    for m in re.finditer(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})", text):
        v = ok(*m.groups())
        if v:
            return v
    # written out: "12 tháng 3 năm 1975"
    words = _fold(text).lower()
    for m in re.finditer(r"(\d{1,2})\W*thang\W*(\d{1,2})\W*nam\W*(\d{4})", words):
        v = ok(*m.groups())
        if v:
            return v
    # one separator read as a digit ("20/0711975": the second slash read as 1 or 7)
    t = re.sub(r"\s+", "", text)
    for m in re.finditer(
        r"(?=(\d{2})([/.\-])(\d{2})[17](\d{4})(?!\d))|(?=(\d{2})[17](\d{2})([/.\-])(\d{4})(?!\d))", t
    ):
        g = [x for x in m.groups() if x is not None and not re.fullmatch(r"[/.\-]", x)]
        v = ok(*g)
        if v:
            return v
    d = re.sub(r"\D", "", text)
    if len(d) == 10 and d[2] in "17" and d[5] in "17":  # both separators read as digits
        v = ok(d[0:2], d[3:5], d[6:10])
        if v:
            return v
    if len(d) == 9:  # one separator lost, the other read as a digit ("070111989": 07/01/1989)
        opts = {ok(d[0:2], d[2:4], d[5:9]) if d[4] in "17" else None}
        opts |= {ok(d[0:2], d[3:5], d[5:9]) if d[2] in "17" else None}
        opts.discard(None)
        if len(opts) == 1:
            return opts.pop()
    if len(d) >= 8:
        for i in [0, len(d) - 8] + list(range(1, len(d) - 8)):
            v = ok(d[i : i + 2], d[i + 2 : i + 4], d[i + 4 : i + 8])
            if v:
                return v
    return None


_ZERO_LIKE = "986"  # what a typewriter's 0 is read as, in a digit that can only be 0 there


def parse_date_repaired(text: str, lo: int = 1900, hi: int = 2100) -> tuple[str | None, bool]:
    """parse_date, or when no date holds, the same with a typed 0 misread put right: a day's or
    month's first digit that makes it impossible ("22/95/1952": 05), and the century ("2901" for
    2001): the one its first two digits tell (1 or 2, 9 or 0), or of two they tell, the one alone in
    lo..hi ("1801" is 1901 or nothing). (ISO date or None, repaired)."""
    v = parse_date(text)
    if v and lo <= int(v[:4]) <= hi:
        return v, False
    for m in re.finditer(r"(\d{1,2})\s*[/.\-:]\s*(\d{1,2})\s*[/.\-:]\s*(\d{4})(?!\d)", text):
        d, mo, y = m.groups()
        d = "0" + d[1] if len(d) == 2 and int(d) > 31 and d[0] in _ZERO_LIKE else d
        mo = "0" + mo[1] if len(mo) == 2 and int(mo) > 12 and mo[0] in _ZERO_LIKE else mo
        told = {"1": "19", "2": "20"}.get(y[0]), {"9": "19", "0": "20"}.get(y[1])
        # the century the digits tell (both, when they disagree: "2901"), kept if in lo..hi
        fits = [c for c in ("19", "20") if c in told and lo <= int(c + y[2:]) <= hi]
        v = parse_date(f"{d}/{mo}/{fits[0]}{y[2:]}") if len(fits) == 1 else None
        if v:
            return v, True
        # a year out of range whose decade digit can only be a typed 0 misread ("2094": 2004)
        if not lo <= int(y) <= hi and y[2] in _ZERO_LIKE and lo <= int(y[:2] + "0" + y[3]) <= hi:
            v = parse_date(f"{d}/{mo}/{y[:2]}0{y[3]}")
            if v:
                return v, True
    return None, False


def _sex(text: str) -> str | None:
    t = _fold(text).lower()
    if re.search(r"n[uư]|nu|n[uúùủũụ]", text.lower()) or "nu" in t:
        return "Nữ"
    if "nam" in t or "am" in t:
        return "Nam"
    return None


# ---------------------------------------------------------------- crops
