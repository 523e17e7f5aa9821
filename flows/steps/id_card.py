"""ID cards: reuse of a card confirmed in an earlier dossier, confirmation of what was read from a
new one, and the correction of a misread field."""

from __future__ import annotations

from core.events import Attachment, Reply
from core.vietnamese import strip_diacritics

from .. import corrections
from ..state import State, Step
from ..turn import Outcome, Turn
from ..validators import ANSWERS, bare, has_phrase, validate
from . import cards
from .base import Dialogue, field_label, handles, prompts, show_date
from .document import enter_document, on_document

# How a corrected ID field is checked (examples and options: id_fields in messages.yml).
ID_FIELD_VALIDATORS = {
    "id_number": "id_number",
    "old_id_number": "id_number",
    "full_name": "person_name",
    "date_of_birth": "date_past",
    "sex": "choice",
    "nationality": "text",
    "place_of_origin": "address",
    "place_of_residence": "address",
    "date_of_issue": "date_past",
    "date_of_expiry": "text",
}


@handles(Step.REUSE)
async def on_reuse(d: Dialogue, turn: Turn, state: State) -> Outcome:
    choice = d.choice(state, turn)
    doc = d.current_doc(state)
    prev = cards.chosen(state, choice)
    if prev is not None:
        state.reusable, state.reuse_choices = None, None
        assert state.dossier_id is not None and state.documents is not None and state.id_cards is not None
        att = Attachment(
            type="image",
            path=prev.get("path"),
            content_type=prev.get("content_type"),
            size=prev.get("size"),
            sha256=prev.get("sha256"),
        )
        fields = {k: v for k, v in prev.items() if k in doc.read_fields}
        await turn.ctx.add_document(
            state.dossier_id,
            doc.key,
            att,
            {"ok": True, "reused": True},
            {"fields": fields, "reused_from": prev.get("document_id")},
        )
        await turn.ctx.confirm_reading(state.dossier_id, doc.key, fields)
        state.documents.append(doc.key)
        state.id_cards[doc.key] = fields
        state.doc = (state.doc or 0) + 1
        return Outcome(state, [Reply(d.say("reused"))] + enter_document(d, state))
    if choice == "new" or turn.event.attachments:
        state.declined_reuse = (state.declined_reuse or []) + [doc.key]
        state.step = Step.DOC
        if turn.event.attachments:
            return await on_document(d, turn, state)
        return Outcome(state, d.prompt(state))
    return Outcome(state, enter_document(d, state))


@prompts(Step.ID_CONFIRM)
def id_confirm_reply(d: Dialogue, state: State, lead: str | None = None) -> list[Reply]:
    read = state.id_read or {}
    lines = [lead or d.say("id_read")]
    for name, value in read.items():
        lines.append(f"- {field_label(name)}: {show_date(value) if name.startswith('date_') else value}")
    sure = [n for n in state.id_sure or [] if n in read]
    if sure and len(sure) == len(read):  # all from the QR: nothing misread; whose card it is
        lines.append(d.say("id_all_sure"))
    elif sure:  # the lines read by OCR only are the ones to check
        lines.append(
            d.say(
                "id_sure",
                sure=", ".join(field_label(n).lower() for n in sure),
                check=", ".join(field_label(n).lower() for n in read if n not in sure),
            )
        )
    other = other_sex(d, state)
    if other:  # the groom's card reads "Nữ": kindly said, the citizen decides
        document = d.document(d.proc(state), state.id_doc or "").name
        lines.append(d.say("id_sex_mismatch", read=other, document=document[:1].lower() + document[1:]))
    lines.append(d.say("id_confirm"))
    items = [(d.say("id_all_right"), "ok")] + [
        (d.say("id_fix_title", label=field_label(n).lower()), f"fix:{n}") for n in read
    ]
    items.append((d.say("id_retake"), "retake"))
    return [d.numbered(state, "\n".join(lines), items)]


@handles(Step.ID_CONFIRM)
async def on_id_confirm(d: Dialogue, turn: Turn, state: State) -> Outcome:
    choice = d.yes_no(state, turn, yes="ok", no=None)
    if turn.event.attachments or choice == "retake" or has_phrase(turn.plain, ANSWERS["retake_words"]):
        # another photo instead of this reading (a blurred line, the wrong side of the card)
        state.id_doc = state.id_read = state.id_sure = None
        state.nulls -= {"id_doc", "id_read", "id_sure"}
        state.step = Step.DOC
        if turn.event.attachments:
            return await on_document(d, turn, state)
        return Outcome(state, [Reply(d.say("id_retake_ask"))] + d.prompt(state))
    told = (
        None if d.choice(state, turn) else await said_wrong(d, turn, state)
    )  # "sai tên", "tên là … mới đúng"
    if told:
        return told
    if choice is None and corrections.says_right(turn.text):  # "đúng rồi ko sai", "k cần sửa gì"
        choice = "ok"
    if choice == "ok":
        assert state.dossier_id is not None and state.id_doc and state.id_read is not None
        if other_sex(d, state):  # kept as said; the officer sees it was pointed out and confirmed
            await turn.ctx.audit(
                "id_sex_mismatch_confirmed",
                {"document": state.id_doc, "sex": state.id_read.get("sex")},
                state.dossier_id,
            )
        await turn.ctx.confirm_reading(state.dossier_id, state.id_doc, state.id_read)
        state.id_cards = {**(state.id_cards or {}), state.id_doc: dict(state.id_read)}
        state.id_doc = state.id_read = state.id_sure = None
        state.nulls -= {"id_doc", "id_read", "id_sure"}
        state.doc = (state.doc or 0) + 1
        return Outcome(state, enter_document(d, state), "affirm")
    if choice and choice.startswith("fix:"):
        state.fixing = choice.split(":", 1)[1]
        return Outcome(state, d.enter(state, Step.ID_FIX))
    return Outcome(state, id_confirm_reply(d, state))


async def said_wrong(d: Dialogue, turn: Turn, state: State) -> Outcome | None:
    """A line of the reading said wrong in words, not by its number: with its value ("tên là
    Nguyễn Thị Hoa mới đúng", read as affirm) corrected at once; without ("sai tên") that line
    asked; no line named ("k đúng", "chưa đúng") which one asked. None: not said wrong, nor a
    value told that differs from the reading ("đúng rồi, tên vợ em đó", "ngày sinh cũng đúng")."""
    wrong = corrections.says_wrong(turn.text) or (
        turn.intent == "deny" and not corrections.says_right(turn.text)
    )
    line = corrections.named_wrong(
        turn.text, {k: v for k, v in ANSWERS["id_field_words"].items() if k in (state.id_read or {})}
    )
    if line is not None:
        name = line[0]
        value, told = corrections.value_told(turn.text, line[1], commas=not name.startswith("place_"))
        options = list(d.texts.get("id_fields.options").get(name, []))
        checked, problem = validate(ID_FIELD_VALIDATORS[name], value, options, turn.ctx.now.date())
        before = (state.id_read or {}).get(name)
        state.fixing = name
        if value and not problem and _a_value(name, value, told or wrong) and checked != before:
            fixed = await fix_field(d, turn, state, value)
            if fixed.state.step is Step.ID_CONFIRM and (state.id_read or {}).get(name) != before:
                fixed.replies.insert(0, Reply(d.say("id_fixed_in_words", label=field_label(name).lower())))
            return fixed
        if wrong or (value and told and checked != before):  # "ten sai", "tên là Hoa": that line asked
            return Outcome(state, d.enter(state, Step.ID_FIX), "deny")
        state.fixing = None
    if wrong and not turn.event.payload:
        return Outcome(state, id_confirm_reply(d, state, d.say("id_which_wrong")), "deny")
    return None


def _a_value(name: str, value: str, said: bool) -> bool:
    """Whether words after a line's name are its value: a name's shape for a name ("tên vợ em
    đó" has none); a date, a number or an option as typed; free words (a place, "hết hạn 2035
    mà") only told as a value ("là", ":") or said wrong."""
    validator = ID_FIELD_VALIDATORS[name]
    if validator == "person_name":
        return corrections.a_name(value)
    return said or validator in {"date_past", "id_number", "choice"}


def other_sex(d: Dialogue, state: State) -> str | None:
    """The sex read on the card when the document of this step expects the other one."""
    if not state.id_doc or not state.procedure:
        return None
    expected = d.document(d.proc(state), state.id_doc).sex
    read = (state.id_read or {}).get("sex") or ""
    return read if expected and read and bare(read) != bare(expected) else None


@prompts(Step.ID_FIX)
def ask_id_fix(d: Dialogue, state: State) -> list[Reply]:
    assert state.fixing
    return [
        Reply(d.say("id_fix_ask", label=field_label(state.fixing).lower(), example=_example(d, state.fixing)))
    ]


def _example(d: Dialogue, name: str) -> str:
    return d.texts.get("id_fields.examples")[name]


@handles(Step.ID_FIX)
async def on_id_fix(d: Dialogue, turn: Turn, state: State) -> Outcome:
    return await fix_field(d, turn, state, turn.text)


async def fix_field(d: Dialogue, turn: Turn, state: State, text: str) -> Outcome:
    """The line being fixed (`state.fixing`) typed as `text`: checked, kept, the reading shown
    again; a value that does not pass is asked again at that line."""
    name = state.fixing
    assert name and state.id_read is not None and state.dossier_id is not None
    options = list(d.texts.get("id_fields.options").get(name, []))
    value, problem = validate(ID_FIELD_VALIDATORS[name], text, options, turn.ctx.now.date())
    if problem:
        state.step = Step.ID_FIX
        return Outcome(state, [Reply(d.invalid(problem, _example(d, name), options))])
    read = state.id_read.get(name) or ""
    if value and read and value != read and bare(value) == bare(read) and value == strip_diacritics(value):
        # typed without diacritics, the same letters as the reading: the card's spelling stays
        state.fixing = None
        return Outcome(
            state, [Reply(d.say("id_fix_same_letters", value=read))] + d.enter(state, Step.ID_CONFIRM)
        )
    await turn.ctx.audit(
        "id_field_corrected",
        {"document": state.id_doc, "field": name, "read": state.id_read.get(name)},
        state.dossier_id,
    )
    state.id_read[name] = value or ""
    state.id_sure = [n for n in state.id_sure or [] if n != name] or None  # now as typed
    state.fixing = None
    return Outcome(state, d.enter(state, Step.ID_CONFIRM))
