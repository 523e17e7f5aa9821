"""The summary of the dossier, its submission and the receipt."""

from __future__ import annotations

from core.events import Reply

from .. import calendar
from ..state import State, Step, menu
from ..turn import Outcome, Turn
from .base import Dialogue, field_label, handles, prompts, show_date
from .route import enter_route, needs_route, office_of
from .route import say as say_route


@prompts(Step.SUMMARY)
def summary(d: Dialogue, state: State) -> list[Reply]:
    if needs_route(d, state):
        return enter_route(d, state)
    proc = d.proc(state)
    state.step = Step.SUMMARY
    values = state.fields or {}
    lines = [d.say("summary", procedure=proc.short_name)]
    for f in proc.fields:
        value = values.get(f.key, "")
        lines.append(f"- {f.label}: {show_date(value) if f.validator.startswith('date') else value}")
    for fields in (state.id_cards or {}).values():
        if fields.get("full_name"):
            lines.append(d.say("summary_id_name", label=field_label("full_name"), name=fields["full_name"]))
    names = d.received_names(state)
    lines.append(d.say("summary_docs", docs="; ".join(names) or d.say("summary_no_docs")))
    office = office_of(d, state)
    if office is not None:
        lines.append(say_route("summary_office", office=office.name))
    lines.append(d.say("summary_confirm"))
    items = [
        (d.say("choice_submit"), "submit"),
        (d.say("choice_redo"), "edit"),
        (d.say("choice_cancel"), "cancel"),
    ]
    return [d.numbered(state, "\n".join(lines), items)]


@handles(Step.SUMMARY)
async def on_summary(d: Dialogue, turn: Turn, state: State) -> Outcome:
    choice = d.choice_in_words(state, turn)
    if choice == "submit" or (choice is None and turn.intent == "affirm"):
        return await submit(d, turn, state)
    if choice == "edit":
        if not d.proc(state).fields:
            return Outcome(state, summary(d, state))
        return Outcome(state, d.enter(state, Step.EDIT))
    if choice == "cancel":
        return await d.cancel(turn, state)
    return Outcome(state, summary(d, state))


async def submit(d: Dialogue, turn: Turn, state: State) -> Outcome:
    proc = d.proc(state)
    ctx = turn.ctx
    assert state.dossier_id is not None
    due = calendar.due_date(ctx.now.replace(tzinfo=None), proc.processing_days, proc.cutoff_hour)
    code = await ctx.submit_dossier(state.dossier_id, dict(state.fields or {}), due)
    office = office_of(d, state)
    agency_name = office.name if office is not None else ctx.agency_name
    received = "; ".join(d.received_names(state)) or "—"
    shown_due = due.strftime("%d/%m/%Y")
    receipt_lines = [
        d.say("receipt_caption", code=code),
        proc.name,
        *_people(d, state),
        d.say("receipt_received", at=ctx.now.strftime("%H:%M %d/%m/%Y"), agency=agency_name),
        d.say("receipt_docs", docs=received),
        d.say("receipt_due", due=shown_due),
        d.say("receipt_fee", fee=proc.fee),
        d.say("receipt_where", where=proc.where),
    ]
    image = await ctx.make_receipt(code, receipt_lines)
    msg = d.say("submitted", procedure=proc.short_name, code=code, due=shown_due, authority=agency_name)
    msg += "\n" + d.say("receipt_docs", docs=received)
    msg += "\n" + d.say("receipt_where", where=proc.where)
    new = menu()
    new.last_code, new.filed_at = code, ctx.now.isoformat()
    replies = [Reply(msg)]
    if image:
        replies.append(Reply(d.say("receipt_caption", code=code), image_path=image))
    replies.append(d.menu(new, d.say("menu_again")))
    return Outcome(new, replies, "affirm")


def _people(d: Dialogue, state: State) -> list[str]:
    """Who filed (the name confirmed from the ID card) and who the dossier is about (the names
    asked in the form), so that the receipt stands alone."""
    lines = []
    applicant = next(
        (f.get("full_name") for f in (state.id_cards or {}).values() if f.get("full_name")), None
    )
    if applicant:
        lines.append(d.say("receipt_applicant", name=applicant))
    for f in d.proc(state).fields:
        value = (state.fields or {}).get(f.key)
        if f.validator == "person_name" and value:
            lines.append(f"{f.label}: {value}")
    return lines
