"""Offers: a life event's bundle or its single procedure; filing after an answered question."""

from __future__ import annotations

from dataclasses import replace

from core.events import Reply

from ..state import State, Step
from ..turn import Outcome, Turn
from .base import YES_WORDS, Dialogue, capitalised, handles, prompts
from .consent import changed_mind, start_procedure


def offer_reply(d: Dialogue, state: State, lead: str) -> Reply:
    assert state.bundle and state.single
    first, second = d.catalog[state.bundle], d.catalog[state.single]
    items = [(capitalised(first.short_name), "bundle"), (capitalised(second.short_name), "single")]
    return d.numbered(state, lead, items, [first.name, second.name])


@prompts(Step.OFFER_BUNDLE)
def ask_offer(d: Dialogue, state: State) -> list[Reply]:
    return [offer_reply(d, state, d.say("offer_again"))]


@handles(Step.OFFER_BUNDLE)
async def on_offer(d: Dialogue, turn: Turn, state: State) -> Outcome:
    choice = d.choice_in_words(state, turn)
    if choice == "bundle" and state.bundle:
        return start_procedure(d, state.bundle)
    if choice == "single" and state.single:
        return start_procedure(d, state.single)
    if turn.procedures and turn.procedures[0] in {state.bundle, state.single}:
        return start_procedure(d, turn.procedures[0])
    if changed_mind(turn, {state.bundle, state.single}):  # "à thôi, làm kết hôn": the procedure named
        return await d.dispatch(replace(turn, intent="start_procedure"), State(step=Step.MENU, options=[]))
    if turn.plain in YES_WORDS or turn.intent == "affirm":  # "có", "ok" to an either-or: which one?
        return Outcome(state, [offer_reply(d, state, d.say("offer_which"))])
    return Outcome(state, [offer_reply(d, state, d.say("not_understood"))])


@handles(Step.ANSWER_OFFER)
async def on_answer_offer(d: Dialogue, turn: Turn, state: State) -> Outcome:
    choice = d.choice(state, turn)
    if (choice == "start" or turn.intent in {"affirm", "start_procedure"}) and state.procedure:
        return start_procedure(d, state.procedure)
    if choice == "menu":
        return d.to_menu()
    return await d.dispatch(turn, State(step=Step.MENU, options=[]))


def answer_offer(d: Dialogue, procedure: str) -> tuple[State, Reply]:
    """After an answer about a procedure: file it now, or back to the menu?"""
    new = State(step=Step.ANSWER_OFFER, procedure=procedure)
    start = d.say("answer_start_yes")
    reply = d.numbered(
        new,
        d.say("answer_start", procedure=d.catalog[procedure].short_name),
        [(start, "start"), (d.say("menu_button"), "menu")],
        [start, d.say("back_to_menu")],
    )
    return new, reply
