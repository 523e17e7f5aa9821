"""Where the dossier is filed, in a deployment of several offices (`places.agencies`).

Before the summary the bot proposes the commune read from what the citizen gave: an address typed
in the form, else the residence on the confirmed ID card ("Hồ sơ sẽ nộp tại Phường Xóm Chiếu, TP.
Hồ Chí Minh — đúng không?"); it accepts free text and offers numbered candidates when unsure (a
commune divided in 2025, a name found in several places). A commune served here routes the dossier
to its office (the dossier's agency, its code's prefix, the officers who see it). A commune served
by no office here is told the right office and how to reach it, or, for a procedure that may be
filed anywhere (Decree 118/2025), given the choice — never a dead end.

A deployment of one office serving everyone (the default) asks nothing: the conversation is as
short as before."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from core.events import Reply
from core.texts import Texts
from places.agencies import Agency
from places.resolver import SURE, Resolution
from places.units import Commune, units

from ..state import State, Step, menu
from ..turn import Outcome, Turn
from .base import Dialogue, handles, prompts

HERE = Path(__file__).resolve().parent.parent
MAX_CANDIDATES = 5


@lru_cache(maxsize=1)
def texts() -> Texts:
    return Texts.load(HERE / "routing.yml")


def say(key: str, **kw: Any) -> str:
    return texts()(key, **kw)


def needs_route(d: Dialogue, state: State) -> bool:
    """Whether the office must still be chosen (a deployment of several offices, a new dossier)."""
    return bool(d.agencies and d.agencies.routed and state.mode != "supplement" and not state.agency)


def office_of(d: Dialogue, state: State) -> Agency | None:
    """The office the dossier goes to, once routed."""
    return d.agencies.by_code(state.agency) if d.agencies and state.agency else None


def shown(commune: Commune) -> str:
    """ "Phường Xóm Chiếu, TP. Hồ Chí Minh" """
    province = commune.province.replace("Thành phố ", "TP. ").replace("Tỉnh ", "tỉnh ")
    return f"{commune.name}, {province}"


def _proposal(d: Dialogue, state: State) -> Resolution | None:
    """The commune of the address typed in the form, else of the residence on the ID card."""
    assert d.agencies is not None
    proc = d.proc(state)
    values = state.fields or {}
    written = [values[f.key] for f in proc.fields if f.validator == "address" and values.get(f.key)]
    written += [
        c["place_of_residence"] for c in (state.id_cards or {}).values() if c.get("place_of_residence")
    ]
    for text in written:
        found = d.agencies.resolver.resolve(str(text))
        if found.found:
            return found
    return None


def enter_route(d: Dialogue, state: State) -> list[Reply]:
    """The first question: confirm the commune found, pick among candidates, or type it."""
    state.step = Step.ROUTE
    found = _proposal(d, state)
    state.route = None
    if found is not None and found.confidence >= SURE and len(found.candidates) == 1:
        state.commune = found.ward_code
    elif found is not None:
        state.commune = None
        state.route = {"candidates": [c.code for c in found.candidates[:MAX_CANDIDATES]]}
    return route_prompt(d, state)


@prompts(Step.ROUTE)
def route_prompt(d: Dialogue, state: State) -> list[Reply]:
    u = units()
    pending = state.route or {}
    if pending.get("anywhere"):
        return [_anywhere_question(d, state)]
    if pending.get("candidates"):
        communes = [c for c in (u.commune(code) for code in pending["candidates"]) if c]
        items = [(c.name, f"commune:{c.code}") for c in communes] + [(say("pick_other"), "other")]
        titles = [shown(c) for c in communes] + [say("pick_other")]
        return [d.numbered(state, say("pick"), items, titles)]
    commune = u.commune(state.commune)
    if commune is not None:
        items = [(say("confirm_yes"), "yes"), (say("confirm_other"), "other")]
        return [d.numbered(state, say("confirm", commune=shown(commune)), items)]
    state.options = None
    return [Reply(say("ask"))]


@handles(Step.ROUTE)
async def on_route(d: Dialogue, turn: Turn, state: State) -> Outcome:
    assert d.agencies is not None
    pending = state.route or {}
    choice = d.yes_no(state, turn, yes="yes", no="other") if state.options else None
    if pending.get("anywhere"):
        if choice in {"here", "yes"}:
            return await _file_with(d, turn, state, d.agencies.default)
        if choice == "there":
            return await _elsewhere(d, turn, state, state.commune or "")
        return Outcome(state, route_prompt(d, state))
    if choice == "yes" and state.commune and not pending.get("candidates"):
        return await _decide(d, turn, state, state.commune)
    if choice and choice.startswith("commune:"):
        return await _decide(d, turn, state, choice.split(":", 1)[1])
    if choice == "other":
        state.commune = state.route = None
        return Outcome(state, route_prompt(d, state))
    if not turn.text:
        return Outcome(state, route_prompt(d, state))
    found = d.agencies.resolver.resolve(turn.text)
    if found.found and found.confidence >= SURE and len(found.candidates) == 1:
        assert found.ward_code is not None
        return await _decide(d, turn, state, found.ward_code)
    if found.found:
        state.commune = None
        state.route = {"candidates": [c.code for c in found.candidates[:MAX_CANDIDATES]]}
        if len(found.candidates) == 1:  # unsure of a single commune: confirm it
            state.route = None
            state.commune = found.ward_code
        return Outcome(state, route_prompt(d, state))
    state.commune = state.route = None
    lead = (
        say("not_found_province", province=found.province)
        if found.province
        else say("not_found", text=turn.text[:80])
    )
    return Outcome(state, [Reply(lead)] + route_prompt(d, state))


async def _decide(d: Dialogue, turn: Turn, state: State, code: str) -> Outcome:
    """The commune is known: its office here, the choice (filed anywhere), or where to go."""
    assert d.agencies is not None
    state.commune = code
    state.route = None
    agency = d.agencies.serving(code, state.procedure)
    if agency is not None:
        return await _file_with(d, turn, state, agency)
    if d.agencies.may_file_anywhere(state.procedure):
        state.route = {"anywhere": True}
        return Outcome(state, [_anywhere_question(d, state)])
    return await _elsewhere(d, turn, state, code)


async def _file_with(d: Dialogue, turn: Turn, state: State, agency: Agency) -> Outcome:
    state.agency = agency.code
    state.route = None
    assert state.dossier_id is not None
    await turn.ctx.route_dossier(state.dossier_id, agency.code)
    await turn.ctx.audit("routed", {"commune": state.commune, "agency": agency.code}, state.dossier_id)
    return Outcome(state, [Reply(say("routed", office=agency.name))] + d.enter(state, Step.SUMMARY))


def _elsewhere_office(d: Dialogue, code: str) -> tuple[str, list[str]]:
    """The right office's name and how to reach it (listed in the agencies file, or generic)."""
    assert d.agencies is not None
    commune = units().commune(code)
    office = d.agencies.office_elsewhere(code)
    if office is None:
        return say("office_generic", commune=shown(commune) if commune else code), []
    reach = [say("elsewhere_reach_address", address=office.address)] if office.address else []
    reach += [say("elsewhere_reach_phone", phone=office.phone)] if office.phone else []
    reach += [say("elsewhere_reach_hours", hours=office.hours)] if office.hours else []
    return office.name, reach


def _anywhere_question(d: Dialogue, state: State) -> Reply:
    assert d.agencies is not None
    commune = units().commune(state.commune)
    name, _reach = _elsewhere_office(d, state.commune or "")
    here = d.agencies.default.name
    lead = say(
        "anywhere",
        commune=shown(commune) if commune else "",
        elsewhere=name,
        procedure=d.proc(state).short_name,
    )
    items = [(say("anywhere_here", office=here), "here"), (say("anywhere_there", elsewhere=name), "there")]
    return d.numbered(state, lead, items)


async def _elsewhere(d: Dialogue, turn: Turn, state: State, code: str) -> Outcome:
    """Not filed here: the right office, how to reach it, online filing; back to the menu."""
    assert d.agencies is not None
    commune = units().commune(code)
    name, reach = _elsewhere_office(d, code)
    lines = [
        say(
            "elsewhere",
            commune=shown(commune) if commune else code,
            here=d.agencies.default.name if len(d.agencies.agencies) == 1 else _here_names(d),
            procedure=d.proc(state).short_name,
            office=name,
        ),
        *reach,
        say("elsewhere_online", office=name),
    ]
    await turn.ctx.audit("routed_elsewhere", {"commune": code}, state.dossier_id)
    new = menu()
    return Outcome(new, [Reply("\n".join(lines)), d.menu(new, d.say("menu_again"))])


def _here_names(d: Dialogue) -> str:
    assert d.agencies is not None
    return ", ".join(a.name for a in d.agencies.agencies)
