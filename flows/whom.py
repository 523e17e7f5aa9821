"""Who a dossier is for, said in passing ("làm giấy khai sinh cho cháu", "bố em mới mất"): read
from the citizen's words with the phrases of relatives.yml, kept in the state (`for_whom`) and
used later: a catalog question it answers is not asked, a form field it gives is offered."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .validators import bare, spelled_out

HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def data() -> dict[str, Any]:
    return yaml.safe_load((HERE / "relatives.yml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _phrases() -> list[tuple[list[str], str]]:
    """Each relative's words, longest first ("con gai" before "con")."""
    found = [(w.split(), key) for key, r in data()["relatives"].items() for w in r["words"]]
    return sorted(found, key=lambda item: -len(item[0]))


@lru_cache(maxsize=1)
def _context() -> tuple[frozenset[str], frozenset[tuple[str, ...]], frozenset[str], frozenset[str]]:
    """The words before a relative, the phrases after one, the possessives; and every first word
    of a relative's phrase (a message without one names no relative)."""
    d = data()
    firsts = frozenset(words[0] for words, _key in _phrases() if words)
    return (
        frozenset(d["before"]),
        frozenset(tuple(a.split()) for a in d["after"]),
        frozenset(d["whose"]),
        firsts,
    )


def _after(tokens: list[str], phrases: list[str]) -> list[str] | None:
    """`tokens` without the longest of `phrases` it opens with; None when it opens with none."""
    for parts in sorted((str(p).split() for p in phrases), key=len, reverse=True):
        if tokens[: len(parts)] == parts:
            return tokens[len(parts) :]
    return None


def _skip(tokens: list[str], phrases: list[str]) -> list[str]:
    """`tokens` without one of `phrases` it may open with."""
    rest = _after(tokens, phrases)
    return tokens if rest is None else rest


def said_birth(tokens: list[str], followed: bool = False) -> str | None:
    """What the baby is to the citizen when the message opens with who gave birth ("con trai
    tôi mới sinh em bé": a grandchild; "vợ em vừa sinh": the citizen's child), `births` in
    relatives.yml; "" when a birth is said that way but whose baby is not sure ("con gái tôi mới
    sinh" alone may be a newborn daughter); None when the message says no such birth. Whose or
    when stands between the two ("vợ em sinh", "vợ mới sinh"): folded "vô sinh" is "vo sinh"
    too. A date or a place after the verb is when the relative was born ("vợ tôi sinh năm 1990",
    `dated`); a time or a purpose after it ("con trai tôi mới sinh hôm qua", "… nên làm khai
    sinh", or `followed`: more clauses follow) is the citizen's own newborn, and so is a baby
    unnamed unless whose is `asked_whose` ("con trai em mới sinh"): None, the relative's plain
    reading."""
    births = data()["births"]
    while (rest := _after(tokens, data()["self_call_lead"])) is not None and rest:
        tokens = rest  # "dạ", "chào cháu": the opening words
    for parent, baby in sorted(births["parents"].items(), key=lambda item: -len(item[0].split())):
        rest = _after(tokens, [parent])
        if rest is None:
            continue
        which = _skip(rest, births["which"])
        whose = _skip(which, births["whose"])
        said = _skip(whose, births["when"])  # "út nhà em vừa"
        if said == rest or not said or said[0] not in births["verbs"]:
            return None  # "vô sinh" (folded "vo sinh"): no whose nor when, no birth said
        verb, after = said[0], said[1:]
        rest = after
        while (more := _after(rest, births["baby_lead"])) is not None:
            rest = more  # "được 1 bé trai"
        if _after(rest, births["babies"]) is not None:
            return str(baby)
        if after and (after[0] in births["dated"] or after[0].isdigit()):
            return None  # "vợ tôi sinh năm 1990", "vợ em sinh ra ở Nghệ An": when she was born
        if verb in births["verbs_need_baby"]:
            return None  # "vợ em có …": no birth said
        if parent not in births["need_baby"]:
            return str(baby)
        told = followed or not set(after) <= set(births["particles"])
        asked = " ".join(which[: len(which) - len(whose)]) in births["asked_whose"]
        return "" if asked and not told else None  # "con trai em mới sinh hôm qua": the citizen's newborn
    return None


def said_for(plain: str, followed: bool = False) -> str | None:
    """The relative a folded message names as the one the dossier is for, or None. Who gave
    birth, said first ("con trai tôi mới sinh em bé"), names the baby instead (`said_birth`;
    `followed`: the message is a clause with more said after it). Chat shorthand is read in
    full ("vk e ms sinh": "vo em moi sinh")."""
    tokens = spelled_out(plain).split()
    birth = said_birth(tokens, followed)
    if birth is not None:
        return birth or None
    before, followers, whose, firsts = _context()
    for i in range(len(tokens)):
        if tokens[i] not in firsts:
            continue
        for words, key in _phrases():
            if tokens[i : i + len(words)] != words:
                continue
            rest = tokens[i + len(words) :]
            ends = not rest or any(tuple(rest[: len(f)]) == f for f in followers)
            if i > 0 and tokens[i - 1] in before and ends:  # "… cho cháu", "của bố tôi"
                return key
            if i == 0 and rest and rest[0] in whose:  # "bố em mới mất"
                return key
    return None


#: Where a clause ends: a relative's phrase never runs across one ("cho cháu nội, nó là con trai").
CLAUSE_END = re.compile(r"[,.;:!?…]")


def said_for_text(text: str, plain: str) -> str | None:
    """`said_for` of a message (`plain`: it folded), clause by clause when it has punctuation."""
    if not CLAUSE_END.search(text):
        return said_for(plain)
    parts = [bare(part) for part in CLAUSE_END.split(text)]
    for i, part in enumerate(parts):  # "con trai em mới sinh, cần làm giấy khai sinh": more said
        found = said_for(part, followed=any(parts[i + 1 :]))
        if found:
            return found
    return None


def self_relation(plain: str) -> str | None:
    """The relation the citizen says they are ("tôi là con", "con trai ạ"), or None. A relative
    named as someone's ("mẹ em", "bố em ạ": my mother) is who the dossier is for, not the citizen."""
    if said_for(plain) is not None:
        return None
    rest = plain
    for opening in sorted(data()["self_openings"], key=len, reverse=True):
        if plain.startswith(opening + " "):
            rest = plain[len(opening) + 1 :]
            break
    tokens = rest.split()
    particles = set(data()["after"]) | set(data()["self_of"])
    for words, key in _phrases():
        if tokens[: len(words)] == words and set(tokens[len(words) :]) <= particles:
            return key
    return None


def self_answers(procedure: str, question: str, plain: str) -> bool | None:
    """The answer a catalog question gets from the citizen's own relation, said as the answer."""
    rule = data().get("self_answers", {}).get(f"{procedure}.{question}") or {}
    whom = self_relation(plain) if rule else None
    value = rule.get(whom, rule.get("*")) if whom else None
    return None if value is None else value == "yes"


def calls_self(plain: str) -> str | None:
    """What a folded message calls its speaker ("bác cần xin lại…", "cháu ơi bác muốn…": "bac"),
    when it opens with that word and a verb (`self_call_*`); None otherwise ("bác ơi", "bác tôi")."""
    tokens = plain.split()
    leads = sorted((tuple(w.split()) for w in data()["self_call_lead"]), key=len, reverse=True)
    moved = True
    while moved and tokens:
        moved = False
        for lead in leads:
            if tuple(tokens[: len(lead)]) == lead:
                tokens, moved = tokens[len(lead) :], True
                break
    if len(tokens) > 1 and tokens[0] in data()["self_call_words"] and tokens[1] in data()["self_call_verbs"]:
        return tokens[0]
    return None


def own_answer(procedure: str, question: str, plain: str, called: str | None = None) -> bool | None:
    """The answer a catalog question gets from "của tôi ạ", or "giấy của bác" from a speaker who
    called themself "bác" (`called`, see calls_self): the citizen's own paper, no relative named:
    `own_answers`, or None."""
    value = data().get("own_answers", {}).get(f"{procedure}.{question}")
    if value is None or said_for(plain) is not None:
        return None
    tokens = plain.split()
    after = {tuple(a.split()) for a in data()["own_after"]} | {()}
    own = list(data()["own_words"]) + list(data()["self_call_words"].get(called or "", []))
    for words in (w.split() for w in own):
        for i in range(len(tokens) - len(words) + 1):
            if tokens[i : i + len(words)] == words and tuple(tokens[i + len(words) :]) in after:
                return bool(value == "yes")
    return None


def label(whom: str) -> str:
    return str(data()["relatives"][whom]["say"])


def answers(procedure: str, question: str, whom: str | None) -> bool | None:
    """The answer (yes: True) a catalog question gets from who the dossier is for, or None."""
    rule = data()["questions"].get(f"{procedure}.{question}") or {}
    value = rule.get(whom, rule.get("*")) if whom else None
    return None if value is None else value == "yes"


def field_value(procedure: str, field: str, whom: str | None) -> str | None:
    """A form field's value given by who the dossier is for, or None."""
    rule = data()["fields"].get(f"{procedure}.{field}") or {}
    return rule.get(whom) if whom else None


def self_field_value(procedure: str, field: str, relation: str | None) -> str | None:
    """A form field's value given by what the citizen said they are ("tôi là con"), or None."""
    rule = data().get("self_fields", {}).get(f"{procedure}.{field}") or {}
    return rule.get(relation) if relation else None


def self_noted(procedure: str, relation: str, field: str) -> str:
    """What is said when the citizen's own relation is kept for `procedure`'s form `field` (a
    label), in that procedure's words (relatives.yml: the deceased, the child, …)."""
    return str(data()["self_noted"][procedure]).format(whom=label(relation), label=field)


def offer(procedure: str, field: str, for_whom: str | None, self_is: str | None) -> dict[str, str] | None:
    """A form field's value from what the citizen said, to confirm: what they are to the person
    ("tôi là con"), else who the dossier is for ("mẹ tôi"); with its source for the wording."""
    own = self_field_value(procedure, field, self_is)
    if own and self_is:
        return {"value": own, "self": label(self_is)}
    given = field_value(procedure, field, for_whom)
    if given and for_whom:
        return {"value": given, "said": label(for_whom)}
    return None
