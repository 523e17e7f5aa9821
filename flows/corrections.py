"""A value corrected in words rather than at its own question: "tên là Nguyễn Thị Hoa mới đúng"
when an ID card's reading is shown, "à nhầm, ngày sinh là 12/3 chứ không phải 13/2" at a later
field. Which field is named (its words: answers.yml id_field_words, field_words), whether the
message says something is wrong (wrong_words), and the value told after the field's name (the
words typed kept as they are, between value_openings and value_endings)."""

from __future__ import annotations

import functools
import re
import unicodedata

from core.vietnamese import strip_diacritics

from .names import looks_like_full_name
from .validators import ANSWERS, bare

WRONG_WORDS: list[str] = [str(w) for w in ANSWERS["wrong_words"]]
_OPENINGS = sorted((str(p).split() for p in ANSWERS["value_openings"]), key=len, reverse=True)
_ENDINGS = sorted((str(p).split() for p in ANSWERS["value_endings"]), key=len, reverse=True)
_MARKED: dict[str, str] = {str(k): str(v) for k, v in ANSWERS["wrong_marked"].items()}
_NOT = ANSWERS["not_wrong"]
_NOT_WRONG = [
    f"{n} {b} {w}".replace("  ", " ")
    for n in _NOT["negations"]
    for b in ["", *_NOT["between"]]
    for w in _NOT["wrong"]
]
_BEFORE = [str(w) for w in ANSWERS["wrong_before"]]
_AFTER_VALUE = [str(w) for w in ANSWERS["wrong_after_value"]]
_FILLERS = {str(w) for w in ANSWERS["wrong_fillers"]}
#: Marks that end a clause: a wrong word past one is about something else.
_CLAUSE = {",", ";", ".", "!", "?", "(", ")"}

Token = tuple[str, str]  # a word or a mark as typed (lower case), and folded ("" for a mark)


def tokens(text: str) -> list[Token]:
    """The words and punctuation marks of `text`, each as typed and folded."""
    typed = re.findall(r"\w+|[^\w\s]", unicodedata.normalize("NFC", text.lower()))
    return [(t, bare(t)) for t in typed]


def _spans(toks: list[Token], phrases: list[str], marked: bool = True) -> list[tuple[int, int]]:
    """Where `phrases` (folded) occur in `toks`, [start, end); `marked`: a word typed with marks
    counts only as the wrong word's marked spelling ("Sài" is no "sai")."""
    by_first = _by_first(tuple(phrases))
    found = []
    for i, (_, first) in enumerate(toks):
        for words in by_first.get(first, ()):
            here = toks[i : i + len(words)]
            if tuple(f for _, f in here) == words and all(
                not marked or strip_diacritics(t) == t or _MARKED.get(f, t) == t for t, f in here
            ):
                found.append((i, i + len(words)))
    return found


@functools.lru_cache(maxsize=64)
def _by_first(phrases: tuple[str, ...]) -> dict[str, list[tuple[str, ...]]]:
    """`phrases` split in words, by their first word (a message's words looked up, not scanned)."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        words = tuple(phrase.split())
        index.setdefault(words[0], []).append(words)
    return index


def wrong_spans(toks: list[Token]) -> list[tuple[int, int]]:
    """The wrong words of `toks` not inside a "nothing is wrong" ("không sai", "ko cần sửa")."""
    right = _spans(toks, _NOT_WRONG, marked=False)
    return [(s, e) for s, e in _spans(toks, WRONG_WORDS) if not any(rs < e and s < re_ for rs, re_ in right)]


def says_wrong(text: str) -> bool:
    """Whether `text` says a value is wrong ("sai tên", "k đúng", "à nhầm"); not "Sài Gòn",
    "sữa", "không sai", "ko cần sửa"."""
    return bool(wrong_spans(tokens(text)))


def a_name(value: str) -> bool:
    """Whether a name told in words has a name's shape, its marks aside ("Nguyễn Thị Hoà" as
    "Hòa"; "vợ em đó" has none): the name validator takes any words."""
    return looks_like_full_name(strip_diacritics(value))


def says_right(text: str) -> bool:
    """ "đúng rồi ko sai", "k cần sửa gì": nothing said wrong, and said so."""
    toks = tokens(text)
    return not wrong_spans(toks) and bool(_spans(toks, _NOT_WRONG, marked=False))


def said_of(text: str, phrase: list[str]) -> bool:
    """Whether `text` says the field named `phrase` (folded words) is wrong: a wrong word right
    before its name ("à nhầm, ngày sinh…", "sai địa chỉ"), right after it in the same clause
    ("tên bé ghi sai"), only fillers between (answers.yml wrong_fillers); or one ending the value
    told after it ("… là 12/3 chứ không phải 13/2"). Not a wrong word elsewhere in the message
    ("BV Nhi, ko phải trạm y tế gần địa chỉ nhà")."""
    toks = tokens(text)
    wrong = wrong_spans(toks)
    before = [s for s in wrong if s in _spans(toks, _BEFORE)]
    after_value = [s for s in wrong if s in _spans(toks, _AFTER_VALUE)]
    for start, end in _spans(toks, [" ".join(phrase)], marked=False):
        if any(_between(toks[e:start], clause_ok=True) for _, e in before if e <= start):
            return True
        if any(_between(toks[end:s]) for s, _ in wrong if s >= end):
            return True
        if any(not _CLAUSE & {t for t, _ in toks[end:s]} for s, _ in after_value if s >= end):
            return True
    return False


def _between(gap: list[Token], clause_ok: bool = False) -> bool:
    """Only fillers (at most two) between a wrong word and a field's name; a comma too before it."""
    words = [f for t, f in gap if f]
    marks = [t for t, f in gap if not f]
    return len(words) <= 2 and set(words) <= _FILLERS and (clause_ok or not _CLAUSE & set(marks))


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
    parts = re.split(r"[,;.]| còn | con | nhưng | nhung ", text)
    said = [named(bare(p), names) for p in parts if says_wrong(p)]
    return next((n for n in said if n is not None), None) or named(bare(text), names)


def value_after(text: str, phrase: list[str], commas: bool = True) -> str:
    """The words typed after the field's name `phrase` (folded words), without the words it is
    told with ("là", "đúng là") and those ending it ("chứ không phải …", "mới đúng"): "" when
    none. "ngày sinh là 12/3 chứ không phải 13/2" -> "12/3". A comma ends it unless `commas` is
    False (an address: "Số 7 ngõ 10, phường Bạch Mai, Hà Nội")."""
    return value_told(text, phrase, commas)[0]


def value_told(text: str, phrase: list[str], commas: bool = True) -> tuple[str, bool]:
    """`value_after`, and whether it was told with words saying so ("tên là …", "ngày sinh đúng
    là …"): "tên vợ em đó", "ngày sinh cũng đúng" tell no value."""
    typed = text.replace(",", " , ").split()
    folded = [bare(w) for w in typed]
    for start in _found(folded, phrase):
        rest, told = _skip_openings(list(zip(typed, folded, strict=True))[start + len(phrase) :])
        value = _value(rest, commas)
        if value and bare(value).split()[: len(phrase)] != phrase:  # "sai tên, tên là …": the second
            return value, told
    return "", False


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


def _skip_openings(rest: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], bool]:
    """`rest` without the words a value is told with, and whether "là", "thành" or ":" was one
    ("tên của vợ em" tells no value, "tên là Hoa" does)."""
    told = False
    while rest:
        if not rest[0][1]:  # ":" and the like
            rest, told = rest[1:], told or rest[0][0] == ":"
            continue
        words = [f for _, f in rest]
        opening = next((o for o in _OPENINGS if words[: len(o)] == o and len(words) > len(o)), None)
        if opening is None:
            return rest, told
        rest, told = rest[len(opening) :], told or opening[-1] in {"la", "thanh"}  # "là", "sửa thành"
    return rest, told
