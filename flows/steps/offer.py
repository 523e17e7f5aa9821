"""Offers: a life event's bundle or its single procedure; filing after an answered question."""

from __future__ import annotations

from dataclasses import replace

from core.events import Reply

from ..state import State, Step
from ..turn import Outcome, Turn
from ..validators import ANSWERS, has_phrase
from .base import ANSWER_INTENTS, YES_WORDS, Dialogue, capitalised, handles, prompts
from .consent import changed_mind, start_procedure


def offer_reply(d: Dialogue, state: State, lead: str) -> Reply:
    assert state.bundle and state.single
    first, second = d.catalog[state.bundle], d.catalog[state.single]
    items = [(capitalised(first.short_name), "bundle"), (capitalised(second.short_name), "single")]
    return d.numbered(state, lead, items, [first.name, second.name])


@prompts(Step.OFFER_BUNDLE)
def ask_offer(d: Dialogue, state: State) -> list[Reply]:
    return [offer_reply(d, state, d.say("offer_again"))]


def offer_in_full(d: Dialogue, state: State) -> list[Reply]:
    """The offer as first made (the life event's `offer`: what each way includes), for a
    citizen asking what the options are ("1, 2 là gì")."""
    event = next((e for e in d.events if (e.procedure, e.single) == (state.bundle, state.single)), None)
    if event is None or not event.offer:
        return ask_offer(d, state)
    return [offer_reply(d, state, event.offer)]


@handles(Step.OFFER_BUNDLE)
async def on_offer(d: Dialogue, turn: Turn, state: State) -> Outcome:
    choice = d.choice_in_words(state, turn)
    if choice == "bundle" and state.bundle:
        return start_procedure(d, state.bundle)
    if choice == "single" and state.single:
        return start_procedure(d, state.single)
    if turn.procedures and turn.procedures[0] in {state.bundle, state.single}:
        return start_procedure(d, turn.procedures[0])
    if asks_speed(turn):  # "làm cái nào nhanh nhất": the two ways' processing times
        return compare_times(d, state)
    if changed_mind(turn, {state.bundle, state.single}):  # "à thôi, làm kết hôn": the procedure named
        return await d.dispatch(replace(turn, intent="start_procedure"), State(step=Step.MENU, options=[]))
    if turn.plain in YES_WORDS or turn.intent == "affirm":  # "có", "ok" to an either-or: which one?
        return Outcome(state, [offer_reply(d, state, d.say("offer_which"))])
    return Outcome(state, [offer_reply(d, state, d.say("not_understood"))])


def asks_speed(turn: Turn) -> bool:
    """ "làm cái nào nhanh nhất", "cái nào lâu hơn", "bao lâu" with no procedure named."""
    if turn.event.payload or turn.procedures or turn.plain in ANSWERS["finished_words"]:
        return False  # "xong" is read ask_processing_time by the NLU: no question of time
    return has_phrase(turn.plain, ANSWERS["speed_words"]) or turn.intent == "ask_processing_time"


def explain_order(d: Dialogue, state: State) -> Outcome:
    """ "làm cái nào trước", "nên chọn cái nào" while two ways are offered: the life event's own
    answer (`order`), then the offer again; the times compared when the event has none."""
    event = next((e for e in d.events if (e.procedure, e.single) == (state.bundle, state.single)), None)
    if event is None or not event.order:
        return compare_times(d, state)
    return Outcome(state, [Reply(event.order), offer_reply(d, state, d.say("offer_which"))], "help")


def compare_times(d: Dialogue, state: State) -> Outcome:
    """Each way offered with its processing time (catalog) and what it does (a package more than its
    single procedure; two alternatives are not interchangeable): no way is pushed as the quickest."""
    assert state.bundle and state.single
    procs = [d.catalog[state.bundle], d.catalog[state.single]]
    lines = [d.say("offer_speed")] + [
        d.say(
            "offer_speed_line",
            n=i,
            procedure=capitalised(p.short_name),
            days=p.processing_days,
            note=p.processing_note,
        ).strip()
        for i, p in enumerate(procs, 1)
    ]
    package = any(e.package for e in d.events if (e.procedure, e.single) == (state.bundle, state.single))
    if package:  # the package does more than its single procedure: said, so the days are read with it
        lines.append(d.say("offer_speed_package", bundle=procs[0].short_name, single=procs[1].name.lower()))
    else:  # two different things (tạm trú, thường trú): chosen by the need, not by the days
        lines.append(d.say("offer_speed_different"))
    same = len({p.processing_days for p in procs}) == 1
    lead = d.say("offer_speed_same") if same else d.say("offer_which")
    return Outcome(state, [Reply("\n".join(lines)), offer_reply(d, state, lead)], "ask_processing_time")


@handles(Step.ANSWER_OFFER)
async def on_answer_offer(d: Dialogue, turn: Turn, state: State) -> Outcome:
    choice = d.choice(state, turn)
    other = bool(turn.procedures) and turn.procedures[0] != state.procedure  # "làm tạm trú" after khai sinh
    if (choice == "start" or turn.intent in {"affirm", "start_procedure"}) and state.procedure and not other:
        return start_procedure(d, state.procedure)
    if choice == "menu":
        return d.to_menu()
    if state.procedure and not turn.procedures and (turn.intent in ANSWER_INTENTS or asks_speed(turn)):
        # "hết bao nhiêu tiền", "bao lâu", "làm cái nào nhanh nhất" right after the answer: about
        # the procedure just answered, not a question to ask back ("Bạn hỏi về thủ tục nào?")
        intent = turn.intent if turn.intent in ANSWER_INTENTS else "ask_processing_time"
        turn = replace(turn, intent=intent, procedures=[state.procedure])
    return await d.dispatch(turn, State(step=Step.MENU, options=[]))


def answer_offer(d: Dialogue, procedure: str) -> tuple[State, Reply]:
    """After an answer about a procedure: file it now, or back to the menu?"""
    new = State(step=Step.ANSWER_OFFER, procedure=procedure)
    return new, ask_answer_offer(d, new)[0]


@prompts(Step.ANSWER_OFFER)
def ask_answer_offer(d: Dialogue, state: State) -> list[Reply]:
    """ "Làm hồ sơ … ngay?" (again after a second question answered in passing: not left hanging)."""
    assert state.procedure
    start = d.say("answer_start_yes")
    reply = d.numbered(
        state,
        d.say("answer_start", procedure=d.catalog[state.procedure].short_name),
        [(start, "start"), (d.say("menu_button"), "menu")],
        [start, d.say("back_to_menu")],
    )
    return [reply]
