"""Questions about a procedure answered from the catalog: documents, fee, time, place and hours.
Asked in the middle of a dossier, the answer comes and the step stays."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from core.events import Reply
from places.agencies import Agency

from ..catalog import Procedure
from ..state import State, Step, menu
from ..turn import Outcome, Turn
from ..validators import ANSWERS, bare, has_phrase
from .base import Dialogue, capitalised, handles
from .offer import answer_offer, asks_speed, compare_times
from .route import office_of
from .route import say as say_route
from .status import status, status_label


async def answer(d: Dialogue, turn: Turn, state: State, keep_step: bool) -> Outcome | None:
    intent = turn.intent
    if intent == "check_status":
        return await status(d, turn, state, keep_step)
    assert intent is not None
    if state.step is Step.OFFER_BUNDLE and intent == "ask_processing_time" and asks_speed(turn):
        return compare_times(d, state)  # "bao lâu" while two ways are offered: both, compared
    procs = list(turn.procedures)
    if not procs:
        life_event = d.life_event_for(turn.text)
        if life_event:
            procs = [life_event.procedure]
    key = procs[0] if procs else state.procedure or state.bundle or state.declined  # (consent refused)
    if key is None and intent == "ask_location_hours":  # "ubnd mở cửa mấy giờ": the office itself
        new = menu()
        lines = desk_answer(d, turn.ctx.agency_name)
        return Outcome(new, [Reply("\n".join(lines)), d.menu(new, d.say("menu_again"))], intent)
    if key is None and state.last_code and intent in {"ask_processing_time", "ask_fee"}:
        filed = await just_filed(d, turn, state)  # "bao giờ có kết quả" right after filing
        if filed is not None:
            return filed
    if key is None:
        new = State(step=Step.PICK_PROCEDURE, asked=intent)
        items = [(p.short_name, f"proc:{p.key}") for p in d.catalog.values()]
        return Outcome(
            new,
            [d.numbered(new, d.say("which_procedure"), items, [p.name for p in d.catalog.values()])],
            intent,
        )
    lines = facts(d, d.catalog[key], intent)
    if intent == "ask_location_hours":
        lines = offices(d, state, d.catalog[key]) or lines
    if intent == "ask_location_hours" and state.procedure and state.step is not Step.ANSWER_OFFER:
        # filing now (not only asked about): here, in this chat
        office = office_of(d, state)
        lines.insert(0, d.say("answer_here", agency=office.name if office else turn.ctx.agency_name))
    if keep_step and state.step is not Step.ANSWER_OFFER:  # there: the offer to file, anew
        return Outcome(
            state, [Reply("\n".join(lines)), Reply(d.say("continue_prompt"))] + d.again(state), intent
        )
    new, offer = answer_offer(d, key)
    return Outcome(new, [Reply("\n".join(lines)), offer], intent)


async def just_filed(d: Dialogue, turn: Turn, state: State) -> Outcome | None:
    """A time or fee question naming no procedure, right after a dossier was filed (within
    `just_filed_minutes`): about that dossier (its status, then the catalog's answer), not "which
    of 12 procedures?". Later, the procedure is asked as for anyone."""
    assert state.last_code and turn.intent
    if not state.filed_at:
        return None
    since = turn.ctx.now - dt.datetime.fromisoformat(state.filed_at)
    if since > dt.timedelta(minutes=ANSWERS["just_filed_minutes"]):
        return None
    found = await turn.ctx.dossier_status(state.last_code)
    if not found or found[0] not in d.catalog:
        return None
    proc = d.catalog[found[0]]
    lead = d.say("status", code=state.last_code, procedure=proc.short_name, status=status_label(d, found[1]))
    new = menu()
    new.last_code, new.filed_at = state.last_code, state.filed_at
    lines = [lead] + facts(d, proc, turn.intent)
    return Outcome(new, [Reply("\n".join(lines)), d.menu(new, d.say("menu_again"))], turn.intent)


def facts(d: Dialogue, proc: Procedure, intent: str) -> list[str]:
    unconfirmed = set(proc.unconfirmed)
    if intent == "ask_fee":
        lines = [d.say("answer_fee", procedure=proc.short_name, fee=proc.fee)]
        flagged = "fee" in unconfirmed
    elif intent == "ask_processing_time":
        lines = [
            d.say(
                "answer_time", procedure=proc.short_name, days=proc.processing_days, note=proc.processing_note
            ).strip()
        ]
        flagged = "processing_days" in unconfirmed
    elif intent == "ask_location_hours":
        lines = [d.say("answer_where", procedure=proc.short_name, where=proc.where, hours=proc.hours)]
        flagged = bool({"where", "hours"} & unconfirmed)
    else:
        lines = [d.say("answer_requirements", procedure=proc.short_name)]
        lines += d.document_lines(proc)
        flagged = "documents" in unconfirmed
    if flagged:
        lines.append(d.say("answer_unconfirmed"))
    return lines


def offices(d: Dialogue, state: State, proc: Procedure) -> list[str]:
    """Where and when, from the agencies file: the dossier's office once routed, else every
    office here that accepts the procedure (empty: no agency data, the catalog answers)."""
    if d.agencies is None:
        return []
    chosen = office_of(d, state)
    listed = [chosen] if chosen else [a for a in d.agencies.agencies if a.accepts(proc.key)]
    listed = [a for a in listed if a.address]
    lines = [say_route("agency_where_list", procedure=proc.short_name)] if len(listed) > 1 else []
    return lines + agency_lines(listed, proc.hours)


def agency_lines(listed: list[Agency], hours: str) -> list[str]:
    """Each office's address, hours (its own, else `hours`) and phone; five at most."""
    lines = []
    for agency in listed[:5]:
        lines.append(
            say_route("agency_where", office=agency.name, address=agency.address, hours=agency.hours or hours)
        )
        if agency.phone:
            lines.append(say_route("agency_phone", phone=agency.phone))
    return lines


def at_office(proc: Procedure) -> bool:
    """Whether the procedure is filed at the office's one-stop desk (not the police, not online)."""
    return has_phrase(bare(proc.where), ANSWERS["office_words"])


def desk_answer(d: Dialogue, agency_name: str) -> list[str]:
    """Where and when the office receives citizens, asked before any procedure: its address and
    hours from the agencies file, else the hours most of the catalog's procedures at the office
    share; then the procedures filed elsewhere, each group with its own place."""
    desk = [p for p in d.catalog.values() if at_office(p)]
    hours = Counter(p.hours for p in desk).most_common(1)[0][0] if desk else ""
    listed = [a for a in (d.agencies.agencies if d.agencies else []) if a.address]
    lines = agency_lines(listed, hours) or [
        d.say("answer_office", agency=agency_name, hours=hours[:1].lower() + hours[1:])
    ]
    if not any(a.hours for a in listed) and any("hours" in p.unconfirmed for p in desk):
        lines.append(d.say("answer_unconfirmed"))
    elsewhere: dict[str, list[str]] = {}
    for p in d.catalog.values():
        if not at_office(p):
            elsewhere.setdefault(p.where, []).append(p.short_name)
    if elsewhere:
        lines.append(d.say("answer_office_others"))
        lines += [f"- {capitalised('; '.join(names))}: {where}" for where, names in elsewhere.items()]
    return lines


@handles(Step.PICK_PROCEDURE)
async def on_pick_procedure(d: Dialogue, turn: Turn, state: State) -> Outcome:
    choice = d.choice(state, turn)
    procs = [choice.split(":", 1)[1]] if choice else turn.procedures
    if not procs:
        return await d.dispatch(turn, State(step=Step.MENU, options=[]))
    # the question asked before the procedure was picked, about the procedure picked now
    asked = Turn(turn.ctx, turn.event, turn.text, turn.plain, state.asked, procs[:1])
    outcome = await answer(d, asked, menu(), keep_step=False)
    assert outcome is not None
    return outcome
