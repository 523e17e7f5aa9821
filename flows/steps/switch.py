"""A change of mind in the middle of a dossier ("à thôi, làm tạm trú"): the bot asks once whether
to switch. Yes: the dossier begun is left (as after "hủy") and the other procedure starts from its
consent, keeping what is reusable: the ID card confirmed (offered for reuse), form fields of the
same name and check (offered to confirm), who the dossier is for. No: the dossier goes on."""

from __future__ import annotations

from typing import Any

from core.events import Reply

from ..state import FREE_TEXT, State, Step
from ..turn import Outcome, Turn
from . import cards
from .base import Dialogue, handles, prompts
from .consent import changed_mind, start_procedure
from .menu import start_life_event


def offer_switch(d: Dialogue, turn: Turn, state: State) -> Outcome | None:
    """At a step of a dossier begun: the switch question, when the message asks for another procedure."""
    if state.dossier_id is None or not turn.procedures:
        return None
    # a bundle and its single procedure ("làm khai sinh cho bé" in the birth bundle): words only
    pairs = [{e.procedure, e.single} for e in d.events if state.procedure in {e.procedure, e.single}]
    related = turn.procedures[0] in set().union(*pairs) if pairs else False
    if not changed_mind(turn, {state.procedure}, state.step in FREE_TEXT or related):
        return None
    asked = State(step=Step.CONFIRM_SWITCH, paused=state.without_options())
    asked.switch_to = turn.procedures[0]
    return Outcome(asked, ask_switch(d, asked), "start_procedure")


def reused(d: Dialogue, old: State) -> dict[str, Any]:
    """What the dossier `old` gives another procedure: a confirmed ID card with its photo, and its
    form fields with their checks (`kept_fields` keeps those the other procedure asks the same way)."""
    carry: dict[str, Any] = {"from": d.proc(old).short_name}
    given = cards.carried_cards(d, old)
    if given:
        carry["cards"] = given
    validators = {f.key: f.validator for f in d.proc(old).fields}
    carry["fields"] = {
        k: {"validator": validators[k], "value": v}
        for k, v in (old.fields or {}).items()
        if k in validators and v
    }
    return carry


def kept_fields(d: Dialogue, carry: dict[str, Any] | None, key: str) -> dict[str, Any]:
    """The values of `carry` for procedure `key`'s form fields of the same name and check."""
    given = (carry or {}).get("fields") or {}
    return {
        f.key: given[f.key]["value"]
        for f in d.catalog[key].fields
        if f.key in given and given[f.key]["validator"] == f.validator
    }


def kept_card(d: Dialogue, carry: dict[str, Any] | None, key: str) -> bool:
    """Whether `carry` holds an ID card and procedure `key` asks for one."""
    given = (carry or {}).get("cards")
    return bool(given) and any(doc.photo == "id_card" for doc in d.catalog[key].documents)


@prompts(Step.CONFIRM_SWITCH)
def ask_switch(d: Dialogue, state: State) -> list[Reply]:
    old = state.paused or State()
    assert state.switch_to and old.procedure
    target, begun = d.catalog[state.switch_to].short_name, d.proc(old).short_name
    carry = reused(d, old)
    kept = [d.say("switch_keep_card")] if kept_card(d, carry, state.switch_to) else []
    fields = kept_fields(d, carry, state.switch_to)
    kept += [f.label.lower() for f in d.catalog[state.switch_to].fields if f.key in fields]
    lead = d.say("switch_confirm", procedure=target, begun=begun)
    if kept:
        lead += " " + d.say("switch_keeps", things=", ".join(kept))
    items = [
        (d.say("switch_yes", procedure=target), "switch"),
        (d.say("switch_no", procedure=begun), "continue"),
    ]
    return [d.numbered(state, lead, items)]


@handles(Step.CONFIRM_SWITCH)
async def on_confirm_switch(d: Dialogue, turn: Turn, state: State) -> Outcome:
    choice = d.yes_no(state, turn, yes="switch", no="continue", in_words=True)
    old = state.paused or State()
    if choice is None and changed_mind(turn, {state.switch_to}):  # yet another one, or the one begun
        if turn.procedures[0] != old.procedure:
            state.switch_to = turn.procedures[0]
            return Outcome(state, ask_switch(d, state), "start_procedure")
        choice = "continue"
    if choice == "continue":
        restored = old.copy()
        return Outcome(restored, [Reply(d.say("continue_prompt"))] + d.prompt(restored))
    if choice != "switch" or not state.switch_to:
        return Outcome(state, ask_switch(d, state))
    key = state.switch_to
    await turn.ctx.audit("cancelled", {"step": old.saved_step, "switched_to": key}, old.dossier_id)
    event = next((e for e in d.events if e.procedure == key and e.single), None)
    outcome = start_life_event(d, event) if event else start_procedure(d, key)
    outcome.state.carry = reused(d, old)
    outcome.state.for_whom = old.for_whom
    outcome.replies.insert(0, Reply(d.say("switched", begun=d.proc(old).short_name)))
    return outcome


def carried(before: State, after: State) -> None:
    """The offer and the consent of the procedure switched to keep what it will reuse."""
    if after.carry is None and before.carry and after.step in {Step.OFFER_BUNDLE, Step.CONSENT}:
        after.carry = before.carry
