"""The names of the administrative units, as shipped in ocr/lexicon/ (units.txt, provinces.txt,
unit_provinces.txt; generated from the packages places/ reads by tools/make_ocr_lexicon.py): the
unit type words, spelling normalised (tone placement), a unit's name corrected towards a known one,
which units lie in which district or province. Used by address.py."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from core.vietnamese import strip_diacritics

LEXICON = Path(__file__).resolve().parent / "lexicon" / "units.txt"
# unit type words as printed in full or abbreviated (folded, lower case) -> the spelling kept
PREFIXES = {
    "thanh pho": "Thành phố",
    "thi tran": "Thị trấn",
    "thi xa": "Thị xã",
    "dac khu": "Đặc khu",
    "tinh": "Tỉnh",
    "quan": "Quận",
    "huyen": "Huyện",
    "phuong": "Phường",
    "xa": "Xã",
}
# below a commune (villages, hamlets, streets): kept exactly as read, never matched to a unit
LOCAL = (
    "khu pho",
    "thon",
    "ap",
    "xom",
    "to",
    "ban",
    "khom",
    "doi",
    "khu",
    "duong",
    "ngo",
    "ngach",
    "hem",
    "kiet",
    "so",
)
UNIT_PREFIXES = ("thanh pho", "thi tran", "thi xa", "dac khu", "tinh", "quan", "huyen", "phuong", "xa")
# a village, hamlet or group with its number: the type word as it is spelled
NUMBERED = {
    "to": "Tổ",
    "thon": "Thôn",
    "ap": "Ấp",
    "xom": "Xóm",
    "khom": "Khóm",
    "doi": "Đội",
    "khu pho": "Khu phố",
}
# ... and those spelled in three words (lexicon/local_types.txt: "Tổ dân phố")
NUMBERED.update(
    {
        strip_diacritics(t).lower(): t
        for t in (LEXICON.parent / "local_types.txt").read_text(encoding="utf-8").splitlines()
        if t and not t.startswith("#")
    }
)
# old tone placement (hoà, thuỷ) and new (hòa, thủy) are both correct spellings
_TONE = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}  # fmt: skip


_TONE_ALL = {
    k: v
    for a, b in _TONE.items()
    for k, v in ((a, b), (a.upper(), b.upper()), (a.capitalize(), b.capitalize()))
}
_TONE_RE = re.compile("|".join(_TONE_ALL))  # no key overlaps another: one pass replaces them all


def canon(s: str) -> str:
    return _TONE_RE.sub(lambda m: _TONE_ALL[m.group()], unicodedata.normalize("NFC", s))


def folded(s: str) -> str:
    return strip_diacritics(s).lower()


@lru_cache(maxsize=1)
def names() -> dict:
    """{"exact": canon names, "by_fold": folded -> [names], "folded": [folded names], "list": [names]}:
    the units' names without their type word ("Tân Hòa", "Hồ Chí Minh"), with it too."""
    raw = [
        ln.strip()
        for f in (LEXICON, LEXICON.with_name("provinces.txt"))  # provinces.txt: the 63 as written
        for ln in f.read_text(encoding="utf-8").splitlines()
        if ln.strip() and ln[0] != "#"
    ]
    out: set[str] = set()
    for n in raw:
        out.add(n)
        f = folded(n)
        for p in UNIT_PREFIXES:
            if f.startswith(p + " "):
                out.add(n[len(p) + 1 :].strip())
                break
    lst = sorted(out)
    by_fold: dict[str, list[str]] = {}
    for n in lst:
        by_fold.setdefault(folded(n), []).append(n)
    return {"exact": {canon(n) for n in lst}, "by_fold": by_fold, "folded": list(by_fold), "list": lst}


@lru_cache(maxsize=1)
def syllables() -> set[str]:
    """Every syllable of the units' names, lower case (tone placement made canonical)."""
    return {canon(w).lower() for n in names()["list"] for w in n.split()}


def split_prefix(part: str) -> tuple[str, str]:
    """("Xã", "Tân Hòa") from "Xã Tân Hòa"; ("TP.", "Hồ Chí Minh") from "TP. Hồ Chí Minh"."""
    m = re.match(r"^((?:TP|Tp|tp|TX|TT|[PXHQT])\.)\s*(.*)$", part)
    if m:
        return m.group(1), m.group(2)
    m = re.match(r"^(TP|Tp|TX|TT|[PXHQT])\s+([A-ZÀ-ỸĐ].*)$", part)  # its stop lost
    if m:
        return m.group(1) + ".", m.group(2)
    f = folded(part)
    for p, spelled in PREFIXES.items():
        if f == p or f.startswith(p + " "):
            n = len(p.split())
            words = part.split()
            return spelled, " ".join(words[n:])
    return "", part


def fix_name(name: str) -> tuple[str, bool]:
    """A unit's name: (corrected, known)."""
    if not name or re.search(r"\d", name):
        return name, bool(name)
    lx = names()
    if canon(name) in lx["exact"]:
        return name, True
    f = folded(name)
    same = lx["by_fold"].get(f)
    if same:  # only the marks differ: the commonest OCR slip
        from difflib import SequenceMatcher

        return max(same, key=lambda v: SequenceMatcher(None, name, v).ratio()), True
    if len(f) < 5 or all(canon(w).lower() in syllables() for w in name.split()):
        return name, False  # real syllables (a name missing from the list, or half of one): kept
    hits = process.extract(f, lx["folded"], scorer=fuzz.ratio, limit=2, score_cutoff=86)
    if hits and (len(hits) == 1 or hits[0][1] - hits[1][1] >= 4):
        best = lx["by_fold"][hits[0][0]]
        if len(best[0].split()) == len(name.split()):
            return best[0], True
    return name, False


@lru_cache(maxsize=1)
def provinces() -> dict[str, str]:
    """Folded -> the province as written (provinces.txt)."""
    lines = LEXICON.with_name("provinces.txt").read_text(encoding="utf-8").splitlines()
    return {name_key(n.strip()): n.strip() for n in lines if n.strip() and n[0] != "#"}


def as_province(name: str) -> str:
    """The province whose letters these are when only the marks differ, else the name as it is."""
    prov = provinces().get(name_key(name))
    return prov if prov and canon(prov) != canon(name) else name


CITIES = {"ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue"}


def name_key(name: str) -> str:
    return " ".join(re.sub(r"[-–]", " ", folded(name)).split())


@lru_cache(maxsize=1)
def hyphenated() -> dict[str, str]:
    """Units whose official name has a hyphen ("Bà Rịa - Vũng Tàu", "Phan Rang - Tháp Chàm"),
    keyed by their words alone: the hyphen lost or read as a comma."""
    return {name_key(n): n for n in names()["list"] if " - " in n and not split_prefix(n)[0]}


@lru_cache(maxsize=1)
def within() -> dict[str, set[str]]:
    """A province or district (lower case) -> the units in it (lexicon/unit_provinces.txt)."""
    out: dict[str, set[str]] = {}
    for ln in LEXICON.with_name("unit_provinces.txt").read_text(encoding="utf-8").splitlines():
        if ln and ln[0] != "#" and "|" in ln:
            outer, unit = ln.split("|", 1)
            out.setdefault(canon(outer).lower(), set()).add(canon(unit))
    return out
