"""An address as citizens write it, rewritten so that the parsers read it: abbreviations of the
units' kinds ("P.", "Q1", "TX", "H.", "TT"), the big cities' nicknames ("Sài Gòn", "TP HCM", "HN"),
commas between the units when there are none, " - " between units, words typed with the keyboard's
Vietnamese mode off ("phuowngf" -> "phuong", `untelex`). The patterns are data (`aliases.yml`);
they match without diacritics, and the text keeps its own diacritics everywhere else."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

from core.vietnamese import strip_diacritics

HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def _rules() -> tuple[list[tuple[re.Pattern[str], str]], tuple[tuple[str, ...], ...]]:
    data = yaml.safe_load((HERE / "aliases.yml").read_text(encoding="utf-8"))
    rules = [
        (re.compile(r["pattern"], re.IGNORECASE), r["to"])
        for group in ("cities", "units")
        for r in data[group]
    ]
    kinds = tuple(sorted((tuple(k.lower().split()) for k in data["kinds"]), key=len, reverse=True))
    return rules, kinds


# telex: the letters that shape a vowel (doubled, or w after it), "dd", a tone letter at the end
_TELEX_SHAPES = (
    ("uow", "uo"),
    ("dd", "d"),
    ("aa", "a"),
    ("aw", "a"),
    ("ee", "e"),
    ("oo", "o"),
    ("ow", "o"),
    ("uw", "u"),
)
_TELEX_TONES = "sfrxj"  # a Vietnamese syllable never ends in these without telex


def untelex(word: str, known: frozenset[str] = frozenset()) -> str:
    """A word typed in telex with the Vietnamese mode off, without its marks: "Phuowngf" ->
    "Phuong", "Ddoongj" -> "Dong", "Sown" -> "Son". Words with diacritics, digits or punctuation,
    and the words of the units' own names (`known`: "Kar", "Mơr" written "Mor") stay as they are."""
    low = word.lower()
    if len(word) < 2 or not word.isascii() or not word.isalpha() or low in known:
        return word
    # a tone letter at the end or between the vowel and the final consonant ("thafnh")
    if low[-1] in _TELEX_TONES and any(v in low[:-1] for v in "aeiouy"):
        out = low[:-1]
    else:
        out = re.sub(r"(?<=[aeiouy])[sfrxj](?=(?:ch|nh|ng|c|m|n|p|t)$)", "", low)
    for shaped, plain in _TELEX_SHAPES:
        out = out.replace(shaped, plain)
    if out == low:
        return word
    return out[:1].upper() + out[1:] if word[:1].isupper() else out


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


def _commas(text: str, kinds: tuple[tuple[str, ...], ...]) -> str:
    """A comma before each unit's kind word ("phường", "huyện", "thị xã"...) that begins a unit's
    name: not one that is a name's own word, right after a kind ("Phường Phương Liệt") or right
    before another kind ("xa Gia Phuong huyen Gia Vien")."""
    words = text.split(" ")
    low = [w.lower() for w in words]

    def kind_at(i: int) -> int:
        return next((len(k) for k in kinds if tuple(low[i : i + len(k)]) == k), 0)

    out: list[str] = []
    named = False  # a name's word seen since the last kind
    i = 0
    while i < len(words):
        n = kind_at(i)
        if n and (not out or (named and not kind_at(i + n))):
            if out and not out[-1].endswith(","):
                out[-1] += ","
            out.extend(words[i : i + n])
            named = False
            i += n
            continue
        out.append(words[i])
        named = True
        i += 1
    return " ".join(out)


def normalise(text: str, known: frozenset[str] = frozenset()) -> str:
    """The address rewritten for the parsers (street and house number kept). `known`: the words
    of the units' names (never read as telex)."""
    rules, kinds = _rules()
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"\w+", lambda m: untelex(m.group(), known), text)
    text = re.sub(r"[;|/\\]+(?!\d)", ", ", text)  # "12/3" is a house number, "P1/Q4" separators
    text = re.sub(
        r"(?<!ria)(?<!rịa)(?<!Ria)(?<!Rịa)\s+[-–]\s+", ", ", text
    )  # "X - H - T", not "Bà Rịa - Vũng Tàu"
    text = re.sub(r"\s+", " ", text).strip(" ,.")
    folded = strip_diacritics(text)
    for pattern, to in rules:
        if pattern.search(folded):  # most rules match nothing: the text is folded again only after one did
            text = _sub_folded(pattern, to, text)
            folded = strip_diacritics(text)
    if text.count(",") < 2:
        text = _commas(text, kinds)
    text = re.sub(r"\s*,\s*(?:,\s*)*", ", ", text)
    return re.sub(r"\s+", " ", text).strip(" ,")
