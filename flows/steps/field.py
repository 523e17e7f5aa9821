"""The procedure's form fields, asked one by one and checked by their validators."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from core.events import QuickReply, Reply
from core.vietnamese import strip_diacritics

from .. import whom
from ..names import looks_like_full_name, without_opening
from ..state import State, Step
from ..turn import Outcome, Turn
from ..validators import ANSWERS, asks, bare, date_after, has_phrase, relative_day, validate
from . import earlier
from .base import YES_WORDS, Dialogue, handles, prompts, show_date


@prompts(Step.FIELD)
def ask_field(d: Dialogue, state: State) -> list[Reply]:
    taken = from_card(d, state)
    if taken:  # the number on the card just confirmed: said, not asked again
        return taken + _next_field(d, state, state.field or 0)
    f = d.proc(state).fields[state.field or 0]
    if own_name(state, f.key):  # typed at the card's step, the card then read it: not the baby's
        state.offered = {k: v for k, v in (state.offered or {}).items() if k != f.key} or None
    offer = (state.offered or {}).get(f.key) or said_offer(state, d.proc(state).key, f.key)
    if offer:  # read from a paper, said earlier, given in a dossier left: confirmed, never taken silently
        value = show_date(offer["value"]) if f.validator.startswith("date") else offer["value"]
        key = next((k for k in ("said", "self", "kept", "told", "noted", "paper") if offer.get(k)), "paper")
        text = d.say(
            f"field_offer_{key}",
            source=offer.get(key, ""),
            label=f.label.lower(),
            value=value,
            example=f.example,
        )
        return [Reply(text, (QuickReply(d.say("field_offer_button"), "offer_ok"),))]
    if f.validator == "choice":
        return [d.numbered(state, f.ask, [(o, o) for o in f.options])]
    if f.officer_fills:  # said kindly before the citizen gets stuck on it
        text = d.say("ask_field_may_leave", ask=f.ask, example=f.example)
        return [Reply(text, (QuickReply(d.say("field_leave_button"), "leave"),))]
    return [Reply(d.say("ask_field", ask=f.ask, example=f.example))]


@handles(Step.FIELD)
async def on_field(d: Dialogue, turn: Turn, state: State) -> Outcome:
    proc = d.proc(state)
    index = state.field or 0
    f = proc.fields[index]
    if turn.event.attachments and photo_field(d, state):
        return Outcome(state, await number_from_card(d, turn, state))
    raw = turn.event.payload or turn.text
    if not raw:
        return Outcome(state, ask_field(d, state))
    fixed = await earlier.corrected(d, turn, state)  # "à nhầm, ngày sinh là 12/3 chứ không phải 13/2"
    if fixed:
        return Outcome(state, fixed + ask_field(d, state))
    offer = (state.offered or {}).get(f.key) or said_offer(state, proc.key, f.key)
    confirmed = bool(offer) and (
        raw == "offer_ok"
        or turn.plain in YES_WORDS
        or turn.intent == "affirm"
        or typed_back(raw, str((offer or {}).get("value")))  # "vo" for "Vợ": the offer, as marked
    )
    if confirmed and offer:
        value, problem = offer["value"], None  # checked by the validator when it was offered
    else:
        if f.validator == "text" and not turn.event.payload and turn.plain in YES_WORDS:
            # "đúng", "có", "ok" answer the question before, not "what paper?" nor "what name?"
            return Outcome(state, [Reply(d.say("field_yes_word", ask=f.ask, example=f.example))])
        if f.validator == "address" and same_address(raw):  # "giống địa chỉ của em": which one?
            return Outcome(state, card_address(d, state))
        typed = without_opening(raw) if f.validator == "person_name" else raw  # "tên bé là …"
        typed = address_typed(raw) if f.validator == "address" else typed  # "như trên căn cước: …"
        value, problem = validate(f.validator, typed, list(f.options), turn.ctx.now.date())
        if problem and f.validator.startswith("date") and f.key in SAID_DATES:  # "mất hôm qua"
            found = date_after(raw, SAID_DATES[f.key], f.validator, turn.ctx.now.date())
            value, problem = (found[0], None) if found else (value, problem)
        if raw == "leave" or (not turn.event.payload and does_not_know(turn, f.validator, problem)):
            if not f.officer_fills:  # needed from the citizen: where to find it, or an officer
                return Outcome(state, [Reply(d.say("field_unknown_needed", label=f.label.lower()))])
            await turn.ctx.audit(
                "field_left_for_officer", {"field": f.key, "label": f.label}, state.dossier_id
            )
            state.fields = {**(state.fields or {}), f.key: d.say("field_left_value")}
            said = Reply(d.say("field_left", label=f.label.lower()))
            return Outcome(state, [said] + _next_field(d, state, index))
        if problem:
            return Outcome(state, [Reply(d.invalid(problem, f.example, list(f.options)))])
    noted: list[Reply] = []
    if (not confirmed or "noted" in (offer or {})) and without_marks(
        f.validator, str(value)
    ):  # taken as typed, never asked again
        kind = "name" if f.validator == "person_name" else "address"  # the officer checks it before printing
        await turn.ctx.audit(f"{kind}_without_marks", {"field": f.key, "label": f.label}, state.dossier_id)
        noted.append(Reply(d.say(f"{kind}_plain", value=value)))
    if offer:
        action = "paper_field_confirmed" if confirmed else "paper_field_corrected"
        data = {
            "field": f.key,
            "label": f.label,
            **{k: offer[k] for k in ("paper", "said", "self", "kept", "told", "noted") if k in offer},
        }
        await turn.ctx.audit(action, data, state.dossier_id)
        state.offered = {k: v for k, v in (state.offered or {}).items() if k != f.key} or None
    state.fields = {**(state.fields or {}), f.key: value}
    return Outcome(state, noted + _next_field(d, state, index))


def typed_back(raw: str, offered: str) -> bool:
    """Whether `raw` is the offered value typed back: the same letters with no marks typed ("vo"
    for "Vợ", "nguyen gia bao" for "NGUYỄN GIA BẢO"), or the same in any case. Marks typed that
    differ ("Nguyễn Gia Bão", "phố Huệ" for "phố Huế") or that the offer lacks ("Nguyễn Gia
    Bảo" for "NGUYEN GIA BAO") are a correction: validated as typed."""
    if strip_diacritics(raw) == raw:
        return bare(raw) == bare(offered)
    return " ".join(unicodedata.normalize("NFC", raw).casefold().split()) == " ".join(
        unicodedata.normalize("NFC", offered).casefold().split()
    )


def same_address(text: str) -> bool:
    """ "giống địa chỉ của em", "như trên căn cước", "ở cùng bố mẹ ạ": an address referred to
    and nothing else, its words (answers.yml same_address_words) and fillers
    (same_address_fillers) making up the whole message."""
    words = bare(text)
    if not has_phrase(words, SAME_ADDRESS):
        return False
    for phrase in SAME_ADDRESS:
        words = f" {words} ".replace(f" {phrase} ", " ").strip()
    return not set(words.split()) - SAME_ADDRESS_FILLERS


def address_typed(raw: str) -> str:
    """An address written with a reference ("như trên căn cước: Yên Phong, Bắc Ninh",
    "Giồng Trôm, Bến Tre, giống thẻ"): the parts that are only a reference taken off, the
    address kept as typed ("ở cùng bố mẹ ở Yên Phong, Bắc Ninh" as it is)."""
    parts = [p.strip() for p in re.split(r"[:;,]", raw)]
    kept = [p for p in parts if p and not same_address(p)]
    return ", ".join(kept) if kept and len(kept) < len([p for p in parts if p]) else raw


def card_address(d: Dialogue, state: State) -> list[Reply]:
    """The address a card of the dossier reads, offered to confirm for the address field asked;
    with none read, the address asked written out (never the words of reference stored)."""
    f = d.proc(state).fields[state.field or 0]
    read = [c["place_of_residence"] for c in (state.id_cards or {}).values() if c.get("place_of_residence")]
    if not read:
        return [Reply(d.say("address_written_needed", example=f.example))]
    state.offered = {**(state.offered or {}), f.key: {"value": read[0], "paper": d.say("field_card_paper")}}
    return ask_field(d, state)


def from_card(d: Dialogue, state: State) -> list[Reply]:
    """The field being asked, when the catalog gives it from an ID card of the dossier whose
    reading the citizen confirmed (`from_card`): stored, and one line saying so. Not on an edit."""
    f = d.proc(state).fields[state.field or 0]
    value = ((state.id_cards or {}).get(f.from_card or "") or {}).get(f.key)
    if not value or state.editing or f.key in (state.fields or {}):
        return []
    state.fields = {**(state.fields or {}), f.key: value}
    return [Reply(d.say("field_from_card", label=f.label, value=value))]


def own_name(state: State, key: str) -> bool:
    """Whether the name noted for field `key` at a photo step is the one a card of the dossier
    reads (a citizen typing their own name at the card's step): not the baby's nor the deceased's.
    Dropped, the field is only asked; kept, a wrong name would be offered."""
    noted = (state.offered or {}).get(key) or {}
    if not noted.get("noted") or not state.id_cards:
        return False
    return bare(str(noted["value"])) in {bare(c.get("full_name") or "") for c in state.id_cards.values()}


def said_offer(state: State, procedure: str, key: str) -> dict[str, str] | None:
    """A field offered from what was said: a choice said in passing ("… sinh con trai"), who the
    dossier is for ("mẹ tôi"), or what the citizen is to that person ("tôi là con" at a question). Nothing is stored: the
    prompt and the answer's handler each find it the same way."""
    if key in (state.fields or {}):
        return None  # answered (an edit asks afresh)
    return (state.said or {}).get(key) or whom.offer(procedure, key, state.for_whom, state.self_is)


#: Words a date of that field may follow ("mất hôm qua" at the date of death): answers.yml said_dates.
SAID_DATES: dict[str, list[str]] = ANSWERS["said_dates"]
#: Validators that take only their own kind of answer (a phone, a date): tried on every field.
STRICT = frozenset({"vn_phone", "id_number", "date_past", "date_any"})
#: What is kept when typed at a single photo step: an ID number there may be the card's own.
PHONES_AND_DATES = STRICT - {"id_number"}
#: Intents a typed answer may carry (a name or an address is often read out of scope).
ANSWER_LIKE = frozenset({None, "out_of_scope"})
#: An address referred to, and the words it is said with (answers.yml).
SAME_ADDRESS = sorted((bare(str(p)) for p in ANSWERS["same_address_words"]), key=len, reverse=True)
SAME_ADDRESS_FILLERS = {w for p in ANSWERS["same_address_fillers"] for w in bare(str(p)).split()}
#: Readings a full name typed at a photo step is read with (answers.yml name_guess_intents).
NAME_GUESS_INTENTS = frozenset(str(i) for i in ANSWERS["name_guess_intents"])
#: Words of an address's shape ("số 5 ngõ 10 phố Huế"): with a number, an address typed early.
ADDRESS_WORDS = list(ANSWERS["address_words"])
#: Talk of the pages and photos ("trang sau bị mờ", "em chụp tiếp"): never a field's answer.
PAGE_TALK_WORDS = list(ANSWERS["page_talk_words"])


#: What a date typed at a photo step needs (answers.yml photo_step_dates); a year: 4 digits, or a
#: date of three parts ("1/2/26").
PHOTO_STEP_DATES: dict[str, list[str]] = ANSWERS["photo_step_dates"]
_YEAR = re.compile(r"\b\d{4}\b|\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}")


def photo_step_date(validator: str, text: str, today: dt.date) -> bool:
    """Whether a date field (`validator`) may take `text` typed at a photo step: "hôm qua",
    "hôm kia" only for a past date; other relative days never ("hôm nay", "mai": when the photo
    comes); a day and a month ("1 2", "1/2") only with a year or date words ("ngày 1/2")."""
    words = bare(text)
    if relative_day(text, today) is not None:
        return validator == "date_past" and words in PHOTO_STEP_DATES["past"]
    return bool(_YEAR.search(text)) or has_phrase(words, PHOTO_STEP_DATES["words"])


def address_like(words: str) -> bool:
    """Whether folded words have an address's shape: a number (a house, a lane) and a word of
    the street or the place (ngõ, hẻm, đường, phố, phường, xã, thôn…), no talk of pages."""
    return (
        any(c.isdigit() for c in words)
        and has_phrase(words, ADDRESS_WORDS)
        and not has_phrase(words, PAGE_TALK_WORDS)
    )


def note_answer(d: Dialogue, turn: Turn, state: State, kinds: frozenset[str] = STRICT) -> list[Reply]:
    """A form field's answer typed early at a photo step ("so 5 ngo 10…", a phone number): kept
    to be offered at its field to confirm, and said so in one line; nothing when the message
    answers no open field. A value of `kinds` (a phone, a date, an ID number) goes to the first
    field taking it: those validators take the whole message only, so the NLU's reading does not
    matter ("hôm qua" is read as a complaint); an address only when it has an address's shape
    and the NLU reads nothing else ("còn 1 trang nữa", "em chụp tiếp nhé" are talk of the
    pages), and only with `kinds` all of STRICT (between pages). A full name of a person's name
    field only with a name's shape (`names.looks_like_full_name`: "nguyen gia bao"; any two
    words would pass the validator); free text never; nor in a supplement, whose form was filed already; a date only as
    `photo_step_date` allows ("mai", "hôm nay", "1 2" say when the photo comes, or count)."""
    if turn.event.payload or not turn.text or turn.plain in YES_WORDS or state.mode == "supplement":
        return []
    words = bare(turn.text)
    if asks(turn.text, turn.plain) or has_phrase(words, PAGE_TALK_WORDS):
        return []
    proc, today = d.proc(state), turn.ctx.now.date()
    taken = {**(state.fields or {}), **(state.offered or {}), **(state.said or {})}
    open_fields = [f for f in proc.fields if f.key not in taken and not said_offer(state, proc.key, f.key)]
    address = next((f for f in open_fields if f.validator == "address"), None)
    tried = [
        f
        for f in open_fields
        if f.validator in kinds
        and (not f.validator.startswith("date") or photo_step_date(f.validator, turn.text, today))
    ]
    shaped = address and kinds == STRICT and turn.intent in ANSWER_LIKE and address_like(words)
    name = without_opening(turn.text)  # "nguyen gia bao", "tên bé là …": the one name asked
    named = (
        [f for f in open_fields if f.validator == "person_name"] if name_guessed(turn, state, name) else []
    )
    for f in tried + ([address] if address and shaped else []) + named[:1]:
        typed = name if f.validator == "person_name" else turn.text
        value, problem = validate(f.validator, typed, list(f.options), today)
        if value and not problem:
            state.offered = {**(state.offered or {}), f.key: {"value": value, "noted": turn.text[:80]}}
            shown = show_date(value) if f.validator.startswith("date") else value
            return [Reply(d.say("date_noted", label=f.label.lower(), value=shown))]
    return []


def name_guessed(turn: Turn, state: State, name: str) -> bool:
    """Whether words typed at a photo step are a full name to keep for the one name field: a
    name's shape (`names.looks_like_full_name`), read as nothing else by the NLU (answers.yml
    name_guess_intents: "đang làm thẻ" asks something), and not the name of someone the dossier
    already knows (a card read, a name given: the father's is not the baby's)."""
    reading = (turn.parse or {}).get("intent", {}).get("name")  # however confident
    if (reading and reading not in NAME_GUESS_INTENTS) or not looks_like_full_name(name):
        return False
    known = [str(c.get("full_name") or "") for c in (state.id_cards or {}).values()]
    known += [str(v) for v in (state.fields or {}).values()]
    known += [str(o.get("value") or "") for o in (state.offered or {}).values()]
    return bare(name) not in {bare(k) for k in known if k}


def _next_field(d: Dialogue, state: State, index: int) -> list[Reply]:
    """After field `index` is answered: the next field, or the summary (also after an edit)."""
    fields = d.proc(state).fields
    if state.editing:
        state.editing = None
        state.field = len(fields)
        return d.enter(state, Step.SUMMARY)
    state.field, state.back_to = (index + 1, None) if state.back_to is None else (state.back_to, None)
    if state.field < len(fields):
        return ask_field(d, state)
    return d.enter(state, Step.SUMMARY)


def photo_field(d: Dialogue, state: State) -> bool:
    """Whether the field being asked takes a photo instead: an ID number the officer may complete
    ("không nhớ số" — a photo of that person's card gives it)."""
    if state.step is not Step.FIELD or state.procedure not in d.catalog:
        return False
    f = d.proc(state).fields[state.field or 0]
    return f.validator == "id_number" and f.officer_fills


async def number_from_card(d: Dialogue, turn: Turn, state: State) -> list[Reply]:
    """The number read from a photo of the card, offered to confirm (never taken as read)."""
    f = d.proc(state).fields[state.field or 0]
    att = turn.event.attachments[0]
    result = {} if att.problem else await turn.ctx.check_photo(att, "id_card")
    number = str(((result.get("document") or {}).get("fields") or {}).get("id_number") or "")
    ok, problem = validate(f.validator, number, [], turn.ctx.now.date()) if number else (None, "unread")
    seen = {"document": f.key, "problems": [] if ok else ["unread"], "retake": 0}
    turn.photos.append({**seen, "verdict": "accepted" if ok else "unreadable"})
    if not ok or problem:
        return [Reply(d.say("field_card_unread", label=f.label.lower()))] + ask_field(d, state)
    state.offered = {**(state.offered or {}), f.key: {"value": str(ok), "paper": d.say("field_card_paper")}}
    return ask_field(d, state)


def without_marks(validator: str, value: str) -> bool:
    """A name or an address typed without any Vietnamese mark ("NGUYEN MINH AN", "12 ngo 5 phuong
    mai"): it goes onto an official paper. Digits and letters alone ("12/3A") are not words."""
    letters = [w for w in value.split() if sum(c.isalpha() for c in w) > 1]
    if validator == "address" and not letters:
        return False
    return (
        validator in {"person_name", "address"}
        and strip_diacritics(value) == value
        and any(c.isalpha() for c in value)
    )


def does_not_know(turn: Turn, validator: str, problem: str | None) -> bool:
    """ "không nhớ số căn cước", "ko biết", "để trống": said instead of the answer (a valid answer
    that happens to hold such words is kept; free text takes any words, so there they count)."""
    if not has_phrase(turn.plain, ANSWERS["unknown_words"]):
        return False
    return bool(problem) or validator in {"text", "address"}


@prompts(Step.EDIT)
def ask_edit(d: Dialogue, state: State) -> list[Reply]:
    fields = d.proc(state).fields
    return [
        d.numbered(
            state,
            d.say("edit_pick"),
            [(f.label, f"edit:{i}") for i, f in enumerate(fields)],
            [f.label for f in fields],
        )
    ]


@handles(Step.EDIT)
async def on_edit(d: Dialogue, turn: Turn, state: State) -> Outcome:
    choice = d.choice(state, turn)
    if not choice:
        return Outcome(state, d.enter(state, Step.SUMMARY))
    state.field, state.editing = int(choice.split(":", 1)[1]), True
    return Outcome(state, d.enter(state, Step.FIELD))
