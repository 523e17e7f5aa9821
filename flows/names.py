"""A person's full name typed where something else is asked (a photo): told from other words by
its shape, a family name then name syllables of ocr/lexicon (public name statistics), and freed
from the words it is told with ("tên bé là …": answers.yml name_openings)."""

from __future__ import annotations

from functools import lru_cache

from ocr.values import LEXICON_DIR

from .validators import ANSWERS, bare

#: A name of this many words at most is looked for; two words only written with capitals.
_MOST_WORDS = 5
_OPENINGS = sorted((str(p).split() for p in ANSWERS["name_openings"]), key=len, reverse=True)


@lru_cache(maxsize=2)
def _syllables(file: str) -> frozenset[str]:
    lines = (LEXICON_DIR / file).read_text(encoding="utf-8").splitlines()
    return frozenset(bare(ln) for ln in lines if ln.strip() and not ln.startswith("#"))


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
    written with capitals ("Lê Na"). "ho so day", "mai anh gui" are not: not every word is a
    name's."""
    words = text.split()
    if not 2 <= len(words) <= _MOST_WORDS or not all(w.isalpha() for w in words):
        return False
    if len(words) == 2 and not all(w[0].isupper() for w in words):
        return False
    folded = [bare(w) for w in words]
    return folded[0] in _syllables("surnames.txt") and set(folded[1:]) <= _syllables("given.txt")
