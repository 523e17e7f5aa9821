"""A person's full name typed where something else is asked (a photo): told from other words by
its shape, a family name then name syllables of ocr/lexicon (public name statistics), and freed
from the words it is told with ("tên bé là …": answers.yml name_openings). A word typed with
marks is compared with its marks ("đang làm thẻ" is no "Đặng Lâm Thế"); a place is no name
("đường Trần Hưng Đạo", "Ninh Bình")."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from core.vietnamese import strip_diacritics

from .validators import ANSWERS, bare, has_phrase

#: A name of this many words at most is looked for; two words only written with capitals.
_MOST_WORDS = 5
_OPENINGS = sorted((str(p).split() for p in ANSWERS["name_openings"]), key=len, reverse=True)
_NOT_NAME = [str(p) for p in ANSWERS["not_name_phrases"]]
_UNIT_TYPES = sorted((str(p).split() for p in ANSWERS["unit_type_words"]), key=len, reverse=True)


def lexicon_file(name: str) -> Path:
    """A word list of ocr/lexicon (package data, installed with the ocr package), found without
    importing the ocr package (its photo libraries are not needed to read a list)."""
    spec = find_spec("ocr")
    folders = list(spec.submodule_search_locations or []) if spec else []
    if not folders:
        raise FileNotFoundError(f"ocr/lexicon/{name}: the ocr package is not installed")
    return Path(folders[0]) / "lexicon" / name


def marked(word: str) -> str:
    """A word as compared with its marks: composed, lower case."""
    return unicodedata.normalize("NFC", word).casefold()


def _lines(file: str) -> list[str]:
    text = lexicon_file(file).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=2)
def _syllables(file: str) -> tuple[frozenset[str], frozenset[str]]:
    """The syllables of a name list, with their marks and folded."""
    lines = _lines(file)
    return frozenset(marked(ln) for ln in lines), frozenset(bare(ln) for ln in lines)


@lru_cache(maxsize=1)
def _places() -> tuple[frozenset[str], frozenset[str]]:
    """The names of the provinces and of the administrative units without their type word
    ("Huyện Yên Phong": "yên phong"), with their marks and folded."""
    names = [ln.replace(" - ", " ") for ln in _lines("provinces.txt")]
    for line in _lines("units.txt"):
        words = line.split()
        folded = [bare(w) for w in words]
        cut = next((len(t) for t in _UNIT_TYPES if folded[: len(t)] == t and len(words) > len(t)), 0)
        names.append(" ".join(words[cut:]))
    return frozenset(marked(n) for n in names), frozenset(bare(n) for n in names)


def _in(words: list[str], lists: tuple[frozenset[str], frozenset[str]]) -> bool:
    """Whether each word is in the lists: with its marks when typed with marks."""
    with_marks, folded = lists
    return all((marked(w) in with_marks) if strip_diacritics(w) != w else (bare(w) in folded) for w in words)


def is_place(text: str) -> bool:
    """Whether `text` is the name of a province or an administrative unit ("Ninh Bình", "Hồ Chí
    Minh", "yen phong"): compared with its marks when typed with marks."""
    with_marks, folded = _places()
    return (
        (marked(" ".join(text.split())) in with_marks)
        if strip_diacritics(text) != text
        else (bare(text) in folded)
    )


def _opens_with_a_place_word(word: str) -> bool:
    """ "đường", "phố", "huyện": answers.yml name_not_first; typed without marks, only when no
    family name folds to it ("duong" may be Dương)."""
    listed = [str(w) for w in ANSWERS["name_not_first"]]
    if strip_diacritics(word) != word:
        return marked(word) in {marked(w) for w in listed}
    return bare(word) in {bare(w) for w in listed} - _syllables("surnames.txt")[1]


def without_opening(text: str) -> str:
    """The name a message tells after "tên bé là", "bé tên", "họ tên là" (the words typed kept
    as they are), or the message itself when it opens with none."""
    words = [w for w in text.split() if bare(w)]
    folded = [bare(w) for w in words]
    for opening in _OPENINGS:
        if folded[: len(opening)] == opening and len(words) > len(opening):
            return " ".join(words[len(opening) :])
    return text.strip()


def looks_like_full_name(text: str) -> bool:
    """Whether `text` (an opening already taken off) is a Vietnamese full name: a family name,
    then name syllables only, three to five words ("nguyen gia bao", "Trần Thị Mai"), or two
    written with capitals ("Lê Na"). "ho so day", "mai anh gui", "đang làm thẻ" are not: not
    every word is a name's (with its marks, when typed with them); nor words of chat typed
    without marks ("vo dang lam the": answers.yml not_name_phrases); nor a place's name
    ("Ninh Bình", "Hồ Chí Minh") or words opening with an address's ("đường Trần Hưng Đạo")."""
    words = text.split()
    if not 2 <= len(words) <= _MOST_WORDS or not all(w.isalpha() for w in words):
        return False
    if len(words) == 2 and not all(w[0].isupper() for w in words):
        return False
    if _opens_with_a_place_word(words[0]) or is_place(text):
        return False
    if strip_diacritics(text) == text and has_phrase(bare(text), _NOT_NAME):
        return False  # "vo dang lam the" is "vợ đang làm thẻ", though each word may be a name's
    return _in(words[:1], _syllables("surnames.txt")) and _in(words[1:], _syllables("given.txt"))
