"""Citizens' own phrasings, through the real message path (web channel, worker, outbox).

The cases (tests/data/citizen_cases.yml) were written by a tester who used the bot as a black
box, never reading flows/, nlu/ or tests/: each is a short conversation and what a citizen expects
of the bot's replies to its last message. Cases the bot does not meet yet are listed in KNOWN
with the reason, as strict expected failures: one that starts passing fails the run until it is
taken off the list."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_asyncio
import yaml
from citizen import Citizen, photo
from support import _migrate, make_settings

from bot.runtime import Runtime
from handlers.webchat import WebChannel

CASES = yaml.safe_load((Path(__file__).parent / "data" / "citizen_cases.yml").read_text(encoding="utf-8"))
PHOTOS = {"/tmp/card.jpg": ("cccd_front", 1), "/tmp/paper.jpg": ("paper", 2)}

# What the bot does not do yet (the conversation issue stays open for them).
KNOWN: dict[str, str] = {}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def rt(tmp_path_factory):
    settings = make_settings(tmp_path_factory.mktemp("cases"))
    await _migrate(settings.resolved_database_url)
    runtime = Runtime(settings)
    runtime.add_channel(WebChannel())
    await runtime.start(workers=2)
    yield runtime
    await runtime.stop()


def _params():
    for case in CASES:
        marks = [pytest.mark.xfail(reason=KNOWN[case["id"]], strict=True)] if case["id"] in KNOWN else []
        yield pytest.param(case, id=case["id"], marks=marks)


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("case", _params())
async def test_citizen_case(rt, case):
    citizen = Citizen(rt)
    reply = ""
    for said in case["says"]:
        if said.startswith("/anh "):
            kind, seed = PHOTOS[said.split(" ", 1)[1].strip()]
            reply = await citizen.say(photo=photo(kind, seed=seed), timeout=60)
        else:
            reply = await citizen.say(said)
    expect = case["expect"]
    if expect.get("any_of"):
        assert any(s in reply for s in expect["any_of"]), f"{case['why']}\n--- reply:\n{reply}"
    for s in expect.get("none_of", []):
        assert s not in reply, f"{case['why']}\n--- reply:\n{reply}"
