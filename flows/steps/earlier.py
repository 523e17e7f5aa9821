"""An earlier field corrected at a later one: "à nhầm, ngày sinh là 12/3 chứ không phải 13/2"
typed when the address is asked. A field already answered is named (its label's words before
"của", or answers.yml field_words by key and by validator) with words saying it was wrong (wrong_words):
its value, told after its name and valid, is kept at once and the field being asked is asked
again; told without a valid value, that field is asked again, then the form goes on where it was
(`state.back_to`)."""

from __future__ import annotations

from core.events import Reply
from core.vietnamese import strip_diacritics

from .. import corrections
from ..catalog import FormField
from ..state import State
from ..turn import Turn
from ..validators import ANSWERS, bare, validate
from .base import Dialogue, show_date


def mentions(f: FormField) -> list[str]:
    """How a citizen names field `f`: "Ngày sinh của bé" -> "ngay sinh", and by its validator."""
    core = bare(f.label.split("(")[0]).split(" cua ")[0]
    words = ANSWERS["field_words"]
    return [core] + [str(w) for w in words.get(f.key, [])] + [str(w) for w in words.get(f.validator, [])]


async def corrected(d: Dialogue, turn: Turn, state: State) -> list[Reply] | None:
    """The lead of the reply when the message corrects an earlier field (the caller asks the
    field that is then current), or None: the message answers the field asked."""
    if turn.event.payload or not turn.text or state.editing or not corrections.says_wrong(turn.text):
        return None  # an edit from the summary asks one field and goes back there
    fields = d.proc(state).fields
    index = state.field or 0
    done = {  # named where it is said wrong: not "SHB (Sài Gòn…), tên Lê Văn Hùng" at the bank account
        str(i): [p for p in mentions(f) if corrections.said_of(turn.text, p.split())]
        for i, f in enumerate(fields[:index])
        if f.key in (state.fields or {})
    }
    own = corrections.named(turn.plain, {str(index): mentions(fields[index])})
    found = corrections.named(turn.plain, {i: words for i, words in done.items() if words})
    if found is None or (own is not None and len(own[1]) >= len(found[1])):
        return None  # "nhầm địa chỉ" at the address: an answer to the field asked
    earlier = fields[int(found[0])]
    text = corrections.value_after(turn.text, found[1], commas=earlier.validator != "address")
    value, problem = validate(earlier.validator, text, list(earlier.options), turn.ctx.now.date())
    if earlier.validator == "person_name" and not corrections.a_name(text):
        problem = problem or "name_too_short"  # any words pass the validator: a name's shape is asked
    label = earlier.label[:1].lower() + earlier.label[1:]
    if text and not problem:
        await turn.ctx.audit(
            "field_corrected_later",
            {"field": earlier.key, "label": earlier.label, "before": (state.fields or {}).get(earlier.key)},
            state.dossier_id,
        )
        state.fields = {**(state.fields or {}), earlier.key: value}
        shown = show_date(str(value)) if earlier.validator.startswith("date") else value
        note = ""
        kind = {"person_name": "name", "address": "address"}.get(earlier.validator)
        if kind and strip_diacritics(str(value)) == str(value):  # the officer asks how it is written
            await turn.ctx.audit(
                f"{kind}_without_marks", {"field": earlier.key, "label": earlier.label}, state.dossier_id
            )
            note = " " + d.say(f"{kind}_plain_later")
        return [Reply(d.say("field_fixed_later", label=label, value=shown, note=note))]
    state.back_to, state.field = index, int(found[0])
    return [Reply(d.say("field_again_later", label=label))]
