"""Consent before any document is taken, and the start of a dossier."""

from __future__ import annotations

from dataclasses import replace

from core.events import Reply

from .. import whom
from ..state import State, Step, collecting, menu
from ..turn import Outcome, Turn
from ..validators import ANSWERS, has_phrase
from .base import YES_WORDS, Dialogue, asks_again, handles, prompts
from .question import next_question

SWITCH_WORDS = list(ANSWERS["switch_words"])
SWITCH_OPENINGS = list(ANSWERS["switch_openings"])


@prompts(Step.CONSENT)
def ask_consent(d: Dialogue, state: State) -> list[Reply]:
    return [consent_reply(d, state)]


@asks_again(Step.CONSENT)
def ask_consent_again(d: Dialogue, state: State) -> list[Reply]:
    return [consent_again(d, state)]


def consent_reply(d: Dialogue, state: State) -> Reply:
    text = d.say("consent", procedure=d.proc(state).short_name, agency=d.agency_name)
    return d.numbered(state, text, [(d.say("choice_yes"), "yes"), (d.say("choice_no"), "no")])


def consent_again(d: Dialogue, state: State) -> Reply:
    """The consent question asked again in short (the whole text was shown once just above)."""
    text = d.say("consent_again", procedure=d.proc(state).short_name, agency=d.agency_name)
    return d.numbered(state, text, [(d.say("choice_yes"), "yes"), (d.say("choice_no"), "no")])


def start_procedure(d: Dialogue, key: str) -> Outcome:
    new = State(step=Step.CONSENT, procedure=key)
    return Outcome(new, [consent_reply(d, new)], "start_procedure")


@handles(Step.CONSENT)
async def on_consent(d: Dialogue, turn: Turn, state: State) -> Outcome:
    answer = d.yes_no(state, turn)
    if answer == "yes":
        return await begin_collection(d, turn, state)
    if answer == "no":
        await turn.ctx.audit(
            "consent_refused",
            {"procedure": state.procedure, "version": d.consent_version, "at": turn.ctx.now.isoformat()},
        )
        return Outcome(*refused(d, state, turn.ctx.agency_name), "deny")
    if changed_mind(turn, {state.procedure}):  # "à thôi, làm kết hôn": the procedure named
        return await d.dispatch(replace(turn, intent="start_procedure"), State(step=Step.MENU, options=[]))
    return Outcome(state, [Reply(d.say("consent_unclear")), consent_again(d, state)])


def refused(d: Dialogue, state: State, agency: str) -> tuple[State, list[Reply]]:
    """Nothing is taken without consent, but the procedure is remembered: a change of mind
    ("thôi đồng ý", "làm tiếp") asks the consent again and goes on from there."""
    new = menu()
    new.declined, new.for_whom = state.procedure, state.for_whom
    short = d.proc(state).short_name
    items = [
        (d.say("consent_resume_button", procedure=short), "reconsent"),
        (d.say("consent_other_button"), "menu"),
    ]
    lead = d.say("consent_refused", agency=agency, procedure=short)
    return new, [d.numbered(new, lead, items)]


def reconsider(d: Dialogue, turn: Turn, state: State) -> Outcome | None:
    """At the menu after a refused consent: the citizen changes their mind (the button, "đồng ý",
    "làm tiếp"), or asks for the menu; anything else is the menu's."""
    if not state.declined or state.declined not in d.catalog:
        return None
    choice = d.choice(state, turn)
    if choice == "menu":
        new = menu()
        return Outcome(new, [d.menu(new, d.say("menu_again"))])
    said = not turn.event.payload and (
        turn.plain in YES_WORDS
        or turn.intent == "affirm"
        or has_phrase(turn.plain, ANSWERS["reconsent_words"])
    )
    if choice != "reconsent" and not (choice is None and said):
        return None
    new = State(step=Step.CONSENT, procedure=state.declined, for_whom=state.for_whom)
    lead = Reply(d.say("consent_resumed", procedure=d.proc(new).short_name))
    return Outcome(new, [lead, consent_reply(d, new)], "affirm")


def changed_mind(turn: Turn, current: set[str | None], free_text: bool = False) -> bool:
    """Whether the citizen now asks to file another procedure than the one on offer or begun: the
    message names it and says so ("à thôi, làm tạm trú", "đổi sang kết hôn"), or the NLU reads
    start_procedure (not where free text is awaited: an address may name a procedure's words)."""
    if turn.event.payload or not turn.procedures or turn.procedures[0] in current:
        return False
    plain = turn.plain
    said = has_phrase(plain, SWITCH_WORDS) or any(plain.startswith(w + " ") for w in SWITCH_OPENINGS)
    return said or (turn.intent == "start_procedure" and not free_text)


async def begin_collection(d: Dialogue, turn: Turn, state: State) -> Outcome:
    proc = d.proc(state)
    ctx = turn.ctx
    dossier_id = await ctx.create_dossier(proc.key)
    await ctx.audit(
        "consent_given",
        {
            "procedure": proc.key,
            "version": d.consent_version,
            "text": d.say("consent", procedure=proc.short_name, agency=ctx.agency_name),
            "at": ctx.now.isoformat(),
        },
        dossier_id,
    )
    new = collecting(proc.key, dossier_id)
    new.for_whom = state.for_whom
    new.offered = offers(d, state, proc.key) or None
    carry = state.carry or {}
    carried = list(carry.get("cards") or ([carry["card"]] if carry.get("card") else []))  # ("card": before)
    if carried and any(doc.photo == "id_card" for doc in proc.documents):
        new.cards = carried  # confirmed in the dossier left for this one, each with whose it was
    elif any(doc.photo == "id_card" for doc in proc.documents):
        new.reusable = await ctx.previous_id_card()  # "only once": offer a card already confirmed
        if new.reusable is None:
            new.nulls.add("reusable")
    lines = [d.say("intro", procedure=proc.short_name)] + d.document_lines(proc)
    if proc.fields:
        lines.append(d.say("intro_fields", fields=", ".join(f.label.lower() for f in proc.fields)))
    if proc.in_person:
        lines.append(d.say("in_person_note", where=proc.where))
    if proc.online_only:
        lines.append(d.say("online_only_note"))
    return Outcome(new, [Reply("\n".join(lines))] + next_question(d, new), "affirm")


def offers(d: Dialogue, state: State, key: str) -> dict[str, dict[str, str]]:
    """Form fields offered to confirm: given in the dossier left for this one (a change of mind),
    or by who the dossier is for ("bố em mới mất": the relation to the deceased)."""
    out: dict[str, dict[str, str]] = {}
    given = (state.carry or {}).get("fields") or {}
    for f in d.catalog[key].fields:
        kept = given.get(f.key) or {}
        said = whom.offer(key, f.key, state.for_whom, state.self_is)
        if kept.get("validator") == f.validator and kept.get("value"):
            out[f.key] = {
                "value": kept["value"],
                "kept": str(state.carry.get("from", "")) if state.carry else "",
            }
        elif said:
            out[f.key] = said
    return out
