"""An address as citizens write it, rewritten so that the parsers read it: abbreviations of the
units' kinds ("P.", "Q1", "TX", "H.", "TT"), the big cities' nicknames ("Sài Gòn", "TP HCM", "HN"),
commas between the units when there are none. The patterns are data (`aliases.yml`); they match
without diacritics, and the text keeps its own diacritics everywhere else."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

from core.vietnamese import strip_diacritics

HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def _rules() -> tuple[list[tuple[re.Pattern[str], str]], re.Pattern[str]]:
    data = yaml.safe_load((HERE / "aliases.yml").read_text(encoding="utf-8"))
    rules = [
        (re.compile(r["pattern"], re.IGNORECASE), r["to"])
        for group in ("cities", "units")
        for r in data[group]
    ]
    kinds = sorted(data["kinds"], key=len, reverse=True)
    # a space before a kind's word, not inside "thị xã", "đặc khu", "thành phố"
    before = re.compile(
        r"(?<!,)(?<!\bthi)(?<!\bthị)(?<!\bdac)(?<!\bđặc)\s+(?=(?:"
        + "|".join(re.escape(k) for k in kinds)
        + r")\s)",
        re.IGNORECASE,
    )
    return rules, before


def _sub_folded(pattern: re.Pattern[str], to: str, text: str) -> str:
    """Replace matches found in the folded text at the same places in the original text (folding
    keeps one character for one: NFC text, Vietnamese letters)."""
    folded = strip_diacritics(text)
    if len(folded) != len(text):
        text = folded  # a character folding to several: work on the folded text only
    out, last = [], 0
    for m in pattern.finditer(folded):
        out.append(text[last : m.start()])
        out.append(m.expand(to))
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def normalise(text: str) -> str:
    """The address rewritten for the parsers (street and house number kept)."""
    rules, before = _rules()
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[;|/\\]+(?!\d)", ", ", text)  # "12/3" is a house number, "P1/Q4" separators
    text = re.sub(r"\s+", " ", text).strip(" ,.")
    for pattern, to in rules:
        text = _sub_folded(pattern, to, text)
    if text.count(",") < 2:
        text = before.sub(", ", text)
    text = re.sub(r"\s*,\s*(?:,\s*)*", ", ", text)
    return re.sub(r"\s+", " ", text).strip(" ,")
