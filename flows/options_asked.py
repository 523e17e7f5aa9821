"""A question about the numbered options themselves ("1, 2 gì cơ?", "số 1 là sao", "1 hay 2?"),
told from a choice ("1 nhé", "chọn 1 nào"): read from the folded words with answers.yml's
option_question_words, option_question_marks and option_question_which."""

from __future__ import annotations

from typing import Any

from .validators import ANSWERS

_WORDS = frozenset(ANSWERS["option_question_words"])
_MARKS = frozenset(ANSWERS["option_question_marks"])
_WHICH: dict[str, Any] = ANSWERS["option_question_which"]


def asks_about_numbers(plain: str, text: str) -> bool:
    """True when a message (`plain`: it folded) is option numbers and option_question_words
    only, with a question mark word ("gì", "sao"; "nào" as `asks_which` tells), or "?" after two
    numbers ("1 hay 2?")."""
    tokens = plain.split()
    numbers = [t for t in tokens if t.isdigit() and len(t) <= 2]
    rest = {t for t in tokens if t not in numbers}
    if not numbers or not rest or not rest <= _WORDS:
        return False
    asked = bool(rest & _MARKS) or asks_which(tokens)
    return asked or (len(numbers) > 1 and "?" in text)


def asks_which(tokens: list[str]) -> bool:
    """ "thế nào", "cái nào", "1 là cái nào": "nào" asking; "1 nào", "chọn 1 nào", "em chọn số
    1 nào" are the "let's…" ending of a choice (option_question_which)."""
    first = next((i for i, t in enumerate(tokens) if t.isdigit()), len(tokens))
    if set(tokens[:first]) & set(_WHICH["chose"]):
        return False  # "chọn 1 nào", "em chọn số 1 nào"
    for i, token in enumerate(tokens):
        if token != _WHICH["word"] or i == 0:
            continue
        if i == len(tokens) - 1 and tokens[i - 1].isdigit():
            continue  # "1 nào": the final particle right after the number
        if tokens[i - 1] in _WHICH["after"] or set(tokens[:i]) & set(_WHICH["with"]):
            return True
    return False


def asked_option(plain: str, shown: list[str]) -> tuple[int, str] | None:
    """The one option a question about the numbers names ("1 j", "2 thì sao", "số 1 là sao"):
    its number and its line as shown in `shown` (the step's messages), or None when it names
    none or more than one ("1 hay 2?", "1, 2 gì cơ?")."""
    numbers = {int(t) for t in plain.split() if t.isdigit() and len(t) <= 2}
    if len(numbers) != 1:
        return None
    number = numbers.pop()
    lead = f"{number}. "
    line = next((ln for text in shown for ln in text.split("\n")[1:] if ln.startswith(lead)), None)
    return (number, line[len(lead) :]) if line else None
