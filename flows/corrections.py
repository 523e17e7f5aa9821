"""A value corrected in words rather than at its own question: "tên là Nguyễn Thị Hoa mới đúng"
when an ID card's reading is shown, "à nhầm, ngày sinh là 12/3 chứ không phải 13/2" at a later
field. Which field is named (its words: answers.yml id_field_words, field_words), whether the
message says something is wrong (wrong_words), and the value told after the field's name (the
words typed kept as they are, between value_openings and value_endings)."""

from __future__ import annotations

import re

from .validators import ANSWERS, bare, has_phrase

WRONG_WORDS: list[str] = [str(w) for w in ANSWERS["wrong_words"]]
_OPENINGS = sorted((str(p).split() for p in ANSWERS["value_openings"]), key=len, reverse=True)
_ENDINGS = sorted((str(p).split() for p in ANSWERS["value_endings"]), key=len, reverse=True)


def says_wrong(words: str) -> bool:
    """Whether folded `words` say a value is wrong ("sai tên", "k đúng", "à nhầm")."""
    return has_phrase(words, WRONG_WORDS)


def named(words: str, names: dict[str, list[str]]) -> tuple[str, list[str]] | None:
    """The key of `names` whose words occur in folded `words` (the longest words win: "ngày
    sinh" before "tên"), with the words found, or None."""
    found: list[tuple[int, str, list[str]]] = []
    padded = f" {words} "
    for key, phrases in names.items():
        for phrase in phrases:
            if f" {phrase} " in padded:
                found.append((len(phrase), key, phrase.split()))
    if not found:
        return None
    _, key, phrase = max(found, key=lambda f: f[0])
    return key, phrase


def named_wrong(text: str, names: dict[str, list[str]]) -> tuple[str, list[str]] | None:
    """The line said wrong when several are named ("ngày sinh đúng, tên sai": the name): the one
    named in the part of the message (between commas, "còn", "nhưng") that says wrong; else
    the line named in the whole message, as `named`."""
    parts = [bare(p) for p in re.split(r"[,;.]| còn | con | nhưng | nhung ", text)]
    said = [named(p, names) for p in parts if says_wrong(p)]
    return next((n for n in said if n is not None), None) or named(bare(text), names)


def value_after(text: str, phrase: list[str], commas: bool = True) -> str:
    """The words typed after the field's name `phrase` (folded words), without the words it is
    told with ("là", "đúng là") and those ending it ("chứ không phải …", "mới đúng"): "" when
    none. "ngày sinh là 12/3 chứ không phải 13/2" -> "12/3". A comma ends it unless `commas` is
    False (an address: "Số 7 ngõ 10, phường Bạch Mai, Hà Nội")."""
    typed = text.replace(",", " , ").split()
    folded = [bare(w) for w in typed]
    for start in _found(folded, phrase):
        value = _value(_skip_openings(list(zip(typed, folded, strict=True))[start + len(phrase) :]), commas)
        if value and bare(value).split()[: len(phrase)] != phrase:  # "sai tên, tên là …": the second
            return value
    return ""


def _value(rest: list[tuple[str, str]], commas: bool) -> str:
    kept: list[str] = []
    for i, (word, _) in enumerate(rest):
        ahead = [f for _, f in rest[i:] if f]
        if word in ({",", ";", "."} if commas else {";"}) or any(ahead[: len(e)] == e for e in _ENDINGS):
            break
        kept.append(word)
    return " ".join(kept).replace(" , ", ", ").strip(" .,:;!?")


def _found(folded: list[str], phrase: list[str]) -> list[int]:
    return [i for i in range(len(folded) - len(phrase) + 1) if folded[i : i + len(phrase)] == phrase]


def _skip_openings(rest: list[tuple[str, str]]) -> list[tuple[str, str]]:
    while rest:
        if not rest[0][1]:  # ":" and the like
            rest = rest[1:]
            continue
        words = [f for _, f in rest]
        opening = next((o for o in _OPENINGS if words[: len(o)] == o and len(words) > len(o)), None)
        if opening is None:
            return rest
        rest = rest[len(opening) :]
    return rest
