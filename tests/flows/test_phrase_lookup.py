"""The indexed phrase lookups of the hot path answer exactly as their plain definitions do.

`has_phrase` looks up runs of words in a set, `asks_for_person` bounds the spans it tries and
`life_event_for` only scores phrases sharing a word with the message: each is compared here with
the straightforward scan it replaced, on every training message and on runs of words made from
the phrase lists themselves (where the edge cases are)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from flows.engine import Engine
from flows.steps import human
from flows.steps.human import _AFTER, _BEFORE, HUMAN_ALONE, HUMAN_PHRASES, asks_for_person
from flows.validators import ANSWERS, bare, has_phrase, spelled_out
from nlu.data import load_nlu_data

ROOT = Path(__file__).resolve().parents[2]


def _scan_has_phrase(words: str, phrases: list[str]) -> bool:
    padded = f" {words} "
    return any(f" {p} " in padded for p in phrases)


def _scan_asks_for_person(words: str) -> bool:
    if words == "can bo" or _scan_has_phrase(words, HUMAN_PHRASES):
        return True
    tokens = words.split()
    for phrase in HUMAN_ALONE:
        size = len(phrase.split())
        for i in range(len(tokens) - size + 1):
            if (
                " ".join(tokens[i : i + size]) == phrase
                and set(tokens[:i]) <= _BEFORE
                and set(tokens[i + size :]) <= _AFTER
            ):
                return True
    return False


def _scan_life_event(engine: Engine, text: str):
    said = bare(text)
    if not said:
        return None
    found = _scan_words(engine, said)  # as typed, then chat shorthand in full (walk23)
    return found or _scan_words(engine, spelled_out(said))


def _scan_words(engine: Engine, said: str):
    tokens = set(said.split())
    best = None
    for words, n, e in engine._life_event_phrases:
        whole = words <= tokens
        part = len(tokens) <= 4 and tokens <= words and len(tokens) >= min(2, n)
        if whole or part:
            score = (whole, n if whole else len(tokens), -n)
            if best is None or score > best[0]:
                best = (score, e)
    return best[1] if best else None


def _messages() -> list[str]:
    said = [ex.text for ex in load_nlu_data(ROOT / "nlu" / "data" / "nlu.yml").examples]
    rng = random.Random(20261207)
    vocab = sorted({w for p in HUMAN_PHRASES + HUMAN_ALONE for w in p.split()} | _BEFORE | _AFTER)
    for phrase in HUMAN_ALONE + rng.sample(HUMAN_PHRASES, 40):
        for _ in range(6):  # the phrase between random calls and particles, or cut, or among other words
            before = rng.sample(sorted(_BEFORE), rng.randint(0, 2))
            after = rng.sample(sorted(_AFTER), rng.randint(0, 2))
            words = phrase.split()
            if rng.random() < 0.3:
                words = words[: rng.randint(1, len(words))]
            if rng.random() < 0.3:
                after.append(rng.choice(vocab))
            said.append(" ".join(before + words + after))
    said += [" ".join(rng.choices(vocab, k=rng.randint(1, 9))) for _ in range(3000)]
    return said


MESSAGES = _messages()


def test_has_phrase_matches_the_scan_on_long_and_short_lists():
    lists = [HUMAN_PHRASES, list(ANSWERS["help_words"]), list(ANSWERS["done_words"]), ["co ai", "can bo"], []]
    differ = [
        (m, i)
        for m in MESSAGES
        for i, phrases in enumerate(lists)
        if has_phrase(bare(m), phrases) != _scan_has_phrase(bare(m), phrases)
    ]
    assert not differ, differ[:5]
    assert sum(has_phrase(bare(m), HUMAN_PHRASES) for m in MESSAGES) > 50  # the sample has matches


def test_asks_for_person_matches_the_scan():
    differ = [m for m in MESSAGES if asks_for_person(bare(m)) != _scan_asks_for_person(bare(m))]
    assert not differ, differ[:5]
    hits = sum(asks_for_person(bare(m)) for m in MESSAGES)
    assert 100 < hits < len(MESSAGES) - 1000


@pytest.mark.parametrize("words", ["a lo co ai o do khong a", "co ai o do ko", "da co ai khong nhi"])
def test_a_call_alone_asks_for_a_person(words):
    assert human.asks_for_person(words)


def test_life_event_for_matches_the_scan():
    from dialogue_kit import ScriptedNLU

    engine = Engine(ScriptedNLU({}), agency_name="UBND phường Thử Nghiệm")
    words = sorted({w for ws, _, _ in engine._life_event_phrases for w in ws})
    rng = random.Random(7)
    said = MESSAGES[:3000] + [" ".join(rng.choices(words, k=rng.randint(1, 6))) for _ in range(3000)]
    differ = [m for m in said if engine.life_event_for(m) != _scan_life_event(engine, m)]
    assert not differ, differ[:5]
    assert sum(engine.life_event_for(m) is not None for m in said) > 500
