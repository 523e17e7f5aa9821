"""Entity extraction: ``procedure`` (synonyms, life events, fuzzy), ``dossier_code``, ``phone``,
``id_number`` and ``date``.

Every entity is ``{"entity", "value", "start", "end"}`` with ``start``/``end`` offsets into the
original text (``text[start:end]`` is what the citizen wrote). Matching runs on the folded text
(lower case, no diacritics), so "đăng ký kết hôn", "dang ky ket hon" and "ĐĂNG KÝ KẾT HÔN" are
the same.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .text import TEENCODE, fold, span_to_original, strip_diacritics

Entity = dict[str, Any]

_TOKEN = re.compile(r"[a-z0-9]+")


def _key(phrase: str) -> str:
    return " ".join(_TOKEN.findall(strip_diacritics(phrase).lower()))


def _accented(phrase: str) -> str:
    """Lower-case words of a phrase with their diacritics (NFC), one space apart."""
    return " ".join(re.findall(r"[^\W_]+", unicodedata.normalize("NFC", phrase).lower()))


def levenshtein(a: str, b: str, limit: int) -> int:
    """Edit distance, or ``limit + 1`` as soon as it is known to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        best = i
        for j, cb in enumerate(b, 1):
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            cur.append(v)
            if v < best:
                best = v
        if best > limit:
            return limit + 1
        prev = cur
    return prev[-1]


@dataclass
class ProcedureMatcher:
    """Finds procedure mentions: exact synonym n-grams, then life-event patterns, then (only
    when nothing was found) fuzzy synonym matches for typos. Overlaps keep the longest span.
    "Weak" terms (document nouns such as "cccd" or "giấy khai sinh", which also appear as
    documents of other procedures) are dropped when a strong mention is present."""

    synonyms: dict[str, str]  # folded phrase -> procedure value
    weak: set[str] = field(default_factory=set)
    life_events: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    fuzzy_min_len: int = 7

    def __post_init__(self) -> None:
        # accented forms of each synonym: a typo match must also be close to one of them when the
        # citizen typed diacritics ("hỏi thủ tục" is not "hôn thú", though "hoi thu" ~ "hon thu")
        self._accents: dict[str, list[str]] = {}
        for k in self.synonyms:
            if not k.isascii():
                self._accents.setdefault(_key(k), []).append(_accented(k))
        keyed = ((_key(k), v) for k, v in self.synonyms.items())
        self.synonyms = {k: v for k, v in keyed if k}
        self.weak = {_key(w) for w in self.weak}
        self.values = frozenset(self.synonyms.values())  # the procedure keys the data names
        self._ns = sorted({len(k.split()) for k in self.synonyms}, reverse=True)
        self._max_n = self._ns[0] if self._ns else 0
        # Fuzzy candidates. A window of n words within `limit` edits of a synonym differs from
        # it in at most `limit` words, so when n > limit some word matches exactly at the same
        # position: index synonyms by (n, position, word). Short windows (n <= 2) are also
        # bucketed by first letter, for typos in every word.
        self._fuzzy_pos: dict[tuple[int, int, str], list[tuple[str, list[str], str]]] = {}
        self._fuzzy_short: dict[tuple[int, str], list[tuple[str, list[str], str]]] = {}
        for k, v in self.synonyms.items():
            if len(k) >= self.fuzzy_min_len and k not in self.weak:
                toks = k.split()
                entry = (k, toks, v)
                for p, t in enumerate(toks):
                    self._fuzzy_pos.setdefault((len(toks), p, t), []).append(entry)
                if len(toks) <= 2:
                    self._fuzzy_short.setdefault((len(toks), k[0]), []).append(entry)

    @classmethod
    def from_config(cls, synonyms: dict[str, str], cfg: dict[str, Any]) -> ProcedureMatcher:
        life = [(re.compile(item["pattern"]), item["value"]) for item in cfg.get("life_events", [])]
        return cls(
            synonyms=synonyms,
            weak=set(cfg.get("weak_procedure_terms", [])),
            life_events=life,
            fuzzy_min_len=int(cfg.get("fuzzy_min_len", 7)),
        )

    def find(self, text: str, folded: str, index: list[int]) -> list[Entity]:
        toks = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(folded)]
        words = [t[2] for t in toks]
        # teencode-expanded tokens let "dk ks" match "dang ky khai sinh" only through explicit
        # synonyms; matching itself is on what was typed.
        cands: list[tuple[int, int, str, bool]] = []  # (fstart, fend, value, weak)
        for i in range(len(toks)):
            for n in self._ns:
                if i + n > len(toks):
                    continue
                key = " ".join(words[i : i + n])
                value = self.synonyms.get(key)
                if value:
                    cands.append((toks[i][0], toks[i + n - 1][1], value, key in self.weak))
        for rx, value in self.life_events:
            for m in rx.finditer(folded):
                cands.append((m.start(), m.end(), value, False))
        if not cands:
            fuzzy = self._fuzzy_find(toks, words)
            cands = [c[:4] for c in fuzzy if self._typed_close(text, index, c)]
        chosen: list[tuple[int, int, str, bool]] = []
        for c in sorted(cands, key=lambda c: (-(c[1] - c[0]), c[0])):
            if all(c[1] <= o[0] or c[0] >= o[1] for o in chosen):
                chosen.append(c)
        # a document noun ("giấy khai sinh") yields to any real procedure mention; a strong
        # synonym inside it ("khai sinh") was already absorbed by the longer span above
        if any(not c[3] for c in chosen):
            chosen = [c for c in chosen if not c[3]]
        out = []
        for fs, fe, value, _ in sorted(chosen):
            s, e = span_to_original(text, index, fs, fe)
            out.append({"entity": "procedure", "value": value, "start": s, "end": e})
        return out

    def names_own(self, text: str, entities: list[Entity]) -> bool:
        """Whether the procedure entities found in text include a real mention of one of ours,
        not only a document noun ("giấy khai sinh" is also a paper for a passport)."""
        return any(
            e["entity"] == "procedure" and _key(text[e["start"] : e["end"]]) not in self.weak
            for e in entities
        )

    def _typed_close(self, text: str, index: list[int], cand: tuple[int, int, str, bool, str]) -> bool:
        """A typo match typed with diacritics must be within one more edit of an accented form."""
        s, e = span_to_original(text, index, cand[0], cand[1])
        typed = _accented(text[s:e])
        forms = self._accents.get(cand[4])
        if typed.isascii() or not forms:
            return True
        limit = (2 if len(cand[4]) >= 14 else 1) + 1
        return any(levenshtein(typed, f, limit) <= limit for f in forms)

    FUZZY_MAX_WORDS = 120  # typos are looked for in the first words of a long message only

    def _fuzzy_find(
        self, toks: list[tuple[int, int, str]], words: list[str]
    ) -> list[tuple[int, int, str, bool, str]]:
        """Typo matches (folded start, end, value, weak=False, the synonym matched)."""
        found: list[tuple[int, int, str, bool, str]] = []
        count = min(len(toks), self.FUZZY_MAX_WORDS)
        for i in range(count):
            for n in self._ns:
                if i + n > count:
                    continue
                wtoks = words[i : i + n]
                window = " ".join(wtoks)
                if len(window) < self.fuzzy_min_len:
                    continue
                limit = 2 if len(window) >= 14 else 1
                seen: set[str] = set()
                cands = [c for p, t in enumerate(wtoks) for c in self._fuzzy_pos.get((n, p, t), ())]
                if n <= 2:
                    cands += self._fuzzy_short.get((n, window[0]), [])
                for key, ktoks, value in cands:
                    if key in seen:
                        continue
                    seen.add(key)
                    # each differing word costs at least one edit: a cheap filter first
                    if sum(a != b for a, b in zip(wtoks, ktoks)) > limit:
                        continue
                    if levenshtein(window, key, limit) <= limit:
                        found.append((toks[i][0], toks[i + n - 1][1], value, False, key))
                        break
        return found


# ---- dossier codes ---------------------------------------------------------------------
_DOSSIER = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]{1,11})(\s*[-_]\s*|\s+)(\d{6})(\s*[-_]\s*|\s+)?(\d{4})(?![0-9])"
)


def _valid_yymmdd(s: str) -> bool:
    try:
        _dt.date(2000 + int(s[:2]), int(s[2:4]), int(s[4:6]))
        return True
    except ValueError:
        return False


def find_dossier_codes(text: str, agency_code: str | None = None) -> list[Entity]:
    """``{AGENCY}-{YYMMDD}-{NNNN}``, accepted in lower case and with spaces for dashes. To avoid
    reading "hồ sơ 261123 0001" as agency "sơ", the agency part must be the configured agency
    code, or be written in capitals, or be joined by dashes."""
    out = []
    for m in _DOSSIER.finditer(text):
        agency, sep1, ymd, sep2, seq = m.groups()
        dashed = "-" in sep1 or "_" in sep1
        if not ((agency_code and agency.upper() == agency_code.upper()) or agency.isupper() or dashed):
            continue
        if agency.lower() in _KNOWN_WORDS or not _valid_yymmdd(ymd):
            continue
        out.append(
            {
                "entity": "dossier_code",
                "value": f"{agency.upper()}-{ymd}-{seq}",
                "start": m.start(),
                "end": m.end(),
            }
        )
    return out


# Short Vietnamese words that could sit before a number ("số 261123-0001", "mã 261123 0001").
_KNOWN_WORDS = {
    "so",
    "ma",
    "la",
    "hs",
    "ho",
    "code",
    "sdt",
    "cmnd",
    "cccd",
    "ngay",
    "nam",
    "thang",
    "toi",
    "em",
    "anh",
    "chi",
    "ban",
    "va",
    "voi",
    "cua",
    "sđt",
    "mã",
    "số",
    "là",
    "sô",
}

# ---- phone numbers ---------------------------------------------------------------------
_PHONE = re.compile(
    r"(?<![\d+])(?:\(\s*\+?84\s*\)|\+\s?84|84|0)[\s.\-]?([35789])((?:[\s.\-]?\d){8})(?![\d])(?![.\-]\d)"
)


def find_phones(text: str) -> list[Entity]:
    """Vietnamese mobile numbers: 0/84/+84/(+84) prefix, then 3/5/7/8/9 and 8 digits, with
    spaces, dots or dashes anywhere. Value: the national form ``0XXXXXXXXX``."""
    out = []
    for m in _PHONE.finditer(text):
        digits = m.group(1) + re.sub(r"\D", "", m.group(2))
        out.append({"entity": "phone", "value": "0" + digits, "start": m.start(), "end": m.end()})
    return out


# ---- ID numbers --------------------------------------------------------------------------
_ID = re.compile(r"(?<![\d.\-/])(\d{12}|\d{9}|\d{3}(?:[ .]\d{3}){3}|\d{3}(?:[ .]\d{3}){2})(?![\d]|[.\-/]\d)")


def find_id_numbers(text: str) -> list[Entity]:
    """Citizen ID numbers: 12 digits (căn cước / CCCD) or 9 (old CMND), also in groups of 3."""
    out = []
    for m in _ID.finditer(text):
        value = re.sub(r"\D", "", m.group(1))
        out.append({"entity": "id_number", "value": value, "start": m.start(), "end": m.end()})
    return out


# ---- dates ----------------------------------------------------------------------------------
_DATE_NUM = re.compile(r"(?<![\d/.\-])(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})(?![\d/.\-]\d|\d)")
_DATE_WORDS = re.compile(
    r"(?:ngay\s*)?(\d{1,2})\s*(?:thang|th|/)\s*(\d{1,2})\s*(?:nam|/|,)\s*(\d{4}|\d{2})(?!\d)"
)


def _mkdate(d: str, m: str, y: str, today: _dt.date | None) -> str | None:
    year = int(y)
    if len(y) == 2:
        today = today or _dt.date.today()
        year += 2000 if year <= (today.year % 100) + 1 else 1900
    try:
        return _dt.date(year, int(m), int(d)).isoformat()
    except ValueError:
        return None


def find_dates(text: str, folded: str, index: list[int], today: _dt.date | None = None) -> list[Entity]:
    """dd/mm/yyyy, dd-mm-yy, dd.mm.yyyy and "ngày 5 tháng 3 năm 2024"; value YYYY-MM-DD.
    Two-digit years up to next year are 20xx, the others 19xx."""
    out = []
    for m in _DATE_NUM.finditer(text):
        v = _mkdate(m.group(1), m.group(3), m.group(4), today)
        if v:
            out.append({"entity": "date", "value": v, "start": m.start(), "end": m.end()})
    for m in _DATE_WORDS.finditer(folded):
        if not re.search(r"[a-z]", m.group(0)):
            continue  # plain numeric forms are handled above
        v = _mkdate(m.group(1), m.group(2), m.group(3), today)
        if v:
            s, e = span_to_original(text, index, m.start(), m.end())
            if all(e <= o["start"] or s >= o["end"] for o in out):  # "ngày 05/03/2024"
                out.append({"entity": "date", "value": v, "start": s, "end": e})
    return out


def resolve_overlaps(groups: Iterable[list[Entity]]) -> list[Entity]:
    """Keep entities in priority order (earlier groups first), dropping any that overlap an
    entity already kept; return them sorted by position."""
    kept: list[Entity] = []
    for group in groups:
        for ent in group:
            if all(ent["end"] <= k["start"] or ent["start"] >= k["end"] for k in kept):
                kept.append(ent)
    return sorted(kept, key=lambda e: (e["start"], e["end"]))


def extract_entities(
    text: str, procedures: ProcedureMatcher | None, agency_code: str | None = None
) -> list[Entity]:
    folded, index = fold(text)
    groups = [
        find_dossier_codes(text, agency_code),
        find_phones(text),
        find_id_numbers(text),
        find_dates(text, folded, index),
    ]
    if procedures is not None:
        groups.append(procedures.find(text, folded, index))
    return resolve_overlaps(groups)


__all__ = [
    "ProcedureMatcher",
    "extract_entities",
    "find_dates",
    "find_dossier_codes",
    "find_id_numbers",
    "find_phones",
    "levenshtein",
    "TEENCODE",
]
