"""The menu of life events, free text at the menu (intents), small talk and complaints."""

from __future__ import annotations

from pathlib import Path

import yaml

from core.events import Reply

from ..catalog import LifeEvent
from ..state import State, Step, menu
from ..turn import Outcome, Turn
from ..validators import ANSWERS, has_phrase
from .answers import answer
from .base import ANSWER_INTENTS, Dialogue, handles, prompts
from .consent import reconsider, start_procedure
from .offer import offer_reply
from .officer_reply import to_officer
from .stray_photo import photo_at_menu


@prompts(Step.START, Step.MENU)
def ask_menu(d: Dialogue, state: State) -> list[Reply]:
    return [d.menu(state, d.say("menu_again"))]


#: A greeting this soon after the welcome is answered in short, without the list again.
GREET_AGAIN_WITHIN_S = 30 * 60


def welcome(d: Dialogue, turn: Turn, intent: str | None, state: State | None = None) -> Outcome:
    idle = turn.ctx.idle_seconds
    if state is not None and state.welcomed and idle is not None and idle < GREET_AGAIN_WITHIN_S:
        # "xin chào" right after the welcome (a channel's own greeting, the terminal's hello, a
        # citizen who greets once more): a short hello, the menu's buttons, not the whole list again
        shown = d.menu(state, "")
        return Outcome(state, [Reply(d.say("greet_again"), shown.quick_replies)], intent)
    new = menu()
    new.welcomed = True
    return Outcome(new, [d.menu(new, d.say("welcome", agency=turn.ctx.agency_name))], intent)


# Intents that say what the message is even when it names a life event ("khai sinh cần gì?").
ASKING = ANSWER_INTENTS | {"check_status", "request_human", "help"}


async def _typed(d: Dialogue, turn: Turn, state: State) -> Outcome | None:
    """A message typed at the menu: a question first, then a life event named in its words
    (the menu's own words, with or without diacritics), then what its intent asks for."""
    if turn.intent in ASKING:
        return await route_free_text(d, turn, state)
    life_event = d.life_event_for(turn.text)
    named = turn.procedures[0] if turn.procedures else None
    asked = not life_event or not life_event.both or asks_one(d, turn)
    if (
        life_event
        and named
        and asked
        and not life_event.package
        and named in {life_event.procedure, life_event.single}
    ):
        return start_procedure(d, named)  # "e ở trọ, cần đk tạm trú": no "thường trú or tạm trú?"
    if life_event:
        return start_life_event(d, life_event)
    return await route_free_text(d, turn, state)


def asks_one(d: Dialogue, turn: Turn) -> bool:
    """For a life event that needs both its procedures: whether the message asks to file one of
    them by its name ("xin giấy xác nhận an toàn thực phẩm"), not only the situation ("tôi muốn mở
    quán cà phê", which the NLU reads start_procedure with the household business tagged)."""
    if turn.intent != "start_procedure":
        return False
    named = [e for e in (turn.parse or {}).get("entities", []) if e.get("entity") == "procedure"]
    return not named or any(not d.situation_only(turn.text, e) for e in named)


@handles(Step.START)
async def on_start(d: Dialogue, turn: Turn, state: State) -> Outcome:
    if turn.intent == "goodbye":  # "dạ con chào chú ạ" opening a conversation is a greeting
        return welcome(d, turn, "greet")
    if turn.event.attachments:
        return await photo_at_menu(d, turn, menu())
    routed = await _typed(d, turn, menu())
    return routed or nothing_begun(d, turn, menu()) or welcome(d, turn, "greet")


@handles(Step.MENU)
async def on_menu(d: Dialogue, turn: Turn, state: State) -> Outcome:
    again = reconsider(d, turn, state)  # after a refused consent: "thôi đồng ý"
    if again is not None:
        return again
    if turn.event.attachments:  # a photo nothing asked for: checked, and offered to a dossier
        return await photo_at_menu(d, turn, state)
    choice = d.choice(state, turn)
    if choice == "event:human":
        return await d.to_human(turn, state)
    if choice and choice.startswith("event:"):
        life_event = next(e for e in d.events if e.key == choice.split(":", 1)[1])
        return start_life_event(d, life_event)
    relayed = await to_officer(d, turn, state)  # an answer to an officer's question
    if relayed:
        return relayed
    routed = await _typed(d, turn, state)
    if routed:
        return routed
    return nothing_begun(d, turn, state) or Outcome(state, [d.menu(state, d.say("not_understood"))])


def nothing_begun(d: Dialogue, turn: Turn, state: State) -> Outcome | None:
    """ "hôm qua em làm dở" with no dossier begun here (cancelled, filed, or another phone): said
    so, the dossier filed last named, and the menu to begin again; None for other words."""
    if not has_phrase(turn.plain, ANSWERS["resume_words"]):
        return None
    filed = d.say("resume_nothing_filed", code=state.last_code) if state.last_code else ""
    return Outcome(state, [d.menu(state, d.say("resume_nothing", filed=filed))])


async def route_free_text(d: Dialogue, turn: Turn, state: State) -> Outcome | None:
    """What a message typed at the menu asks for, by its (confident) intent."""
    intent = turn.intent
    if intent == "start_procedure" or (
        intent is None and turn.procedures and _leans(turn, "start_procedure")
    ):
        # unsure, but leaning to "file it" and naming the procedure: the consent step comes first
        if turn.procedures:
            key = turn.procedures[0]
            event = next((e for e in d.events if e.procedure == key and e.single and e.package), None)
            return start_life_event(d, event) if event else start_procedure(d, key)
        life_event = d.life_event_for(turn.text)
        if life_event:
            return start_life_event(d, life_event)
    if intent in ANSWER_INTENTS or intent == "check_status":
        return await answer(d, turn, state, keep_step=False)
    if intent == "request_human":
        return await d.to_human(turn, state)
    if intent == "help":
        return Outcome(state, [Reply(d.say("help")), d.menu(state, d.say("menu_again"))], "help")
    if intent == "greet":
        return welcome(d, turn, intent, state)
    if intent in {"thank", "goodbye"}:
        return Outcome(menu(), [Reply(d.say(intent))], intent)
    if intent == "out_of_scope" or (intent is None and not turn.procedures and place_for(turn)):
        # also when the NLU was unsure but the message names something another office handles
        return elsewhere(d, turn, intent)
    if intent == "complain":
        await turn.ctx.audit("complaint", {"text": turn.text[:2000]})
        new = menu()
        reply = d.numbered(new, d.say("complain"), [(d.say("human_button"), "human")])
        new.options = ["event:human"]
        return Outcome(new, [reply], intent)
    return None


def _leans(turn: Turn, intent: str) -> bool:
    """The NLU's best guess (even under the dialogue's confidence) is this intent."""
    return bool(turn.parse) and turn.parse["intent"]["name"] == intent


def start_life_event(d: Dialogue, life_event: LifeEvent) -> Outcome:
    if not life_event.single:
        return start_procedure(d, life_event.procedure)
    new = State(step=Step.OFFER_BUNDLE, bundle=life_event.procedure, single=life_event.single)
    offer = life_event.offer or d.catalog[life_event.procedure].name
    return Outcome(new, [offer_reply(d, new, d.say("offer_bundle", offer=offer))], "start_procedure")


ELSEWHERE = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "elsewhere.yml").read_text(encoding="utf-8")
)


def place_for(turn: Turn) -> str | None:
    """Where a question this office does not handle goes (flows/elsewhere.yml), if known."""
    return next((e["place"] for e in ELSEWHERE if has_phrase(turn.plain, e["words"])), None)


def elsewhere(d: Dialogue, turn: Turn, intent: str | None) -> Outcome:
    """A question this office does not handle: say so kindly, name where it goes when known,
    and offer what can be done here."""
    place = place_for(turn)
    lead = d.say("elsewhere_place", place=place) if place else d.say("elsewhere")
    new = menu()
    return Outcome(
        new, [Reply(lead), d.menu(new, d.say("elsewhere_menu", agency=turn.ctx.agency_name))], intent
    )
