"""What a citizen says in the middle of a dossier that is no answer to the step: thanks, "I'll
send it tomorrow", "đợi em chút" / "đây ạ" (a hold-on, a photo announced), a question about how to
photograph or scan, a photo where a choice is asked. Each gets a short answer and the step stays
(nothing the citizen gave is lost)."""

from __future__ import annotations

import dataclasses

from core.events import Reply

from .. import whom
from ..state import COLLECTING, FREE_TEXT, State, Step, menu
from ..turn import Outcome, Turn
from ..validators import ANSWERS, bare, date_after, has_phrase
from .base import LACK_WORDS, Dialogue, show_date
from .consent import consent_again
from .field import SAID_DATES, photo_field
from .menu import welcome
from .offer import explain_order

LATER_WORDS = list(ANSWERS["later_words"])
BYE_WORDS = set(ANSWERS["bye_words"])
THANK_WORDS = list(ANSWERS["thank_words"])
FILLER_WORDS = set(ANSWERS["filler_words"])
PHOTO_HOWTO_WORDS = list(ANSWERS["photo_howto_words"])
PHOTO_HELP_WORDS = list(ANSWERS["photo_help_words"])
NAMING_WORDS = list(ANSWERS["naming_words"])
#: The field whose questions `naming_words` answer (a dossier of another procedure: not asked).
NAMED_FIELD = "child_name"
HOLD_WORDS = set(ANSWERS["hold_words"])
HERE_WORDS = set(ANSWERS["here_words"])
HOLD_FILLERS = set(ANSWERS["hold_fillers"])
HERE_FILLERS = set(ANSWERS["here_fillers"])
FINISHED_WORDS = set(ANSWERS["finished_words"])
ORDER_WORDS = list(ANSWERS["order_words"])
CALL_WORDS = set(ANSWERS["call_words"])
PHOTO_COUNT_WORDS = list(ANSWERS["photo_count_words"])
#: Steps that wait for a photo (a hold-on there is answered about the photo).
PHOTO_STEPS = frozenset({Step.DOC, Step.REUSE})
#: Steps that wait for words or a choice, where a photo is not what is asked.
NO_PHOTO_STEPS = frozenset({Step.OFFER_BUNDLE, Step.CONSENT, Step.QUESTION, Step.FIELD, Step.SUMMARY})


def midway(d: Dialogue, turn: Turn, state: State) -> Outcome | None:
    """The short answer to a message that does not answer the step, or None."""
    step, words = state.step, turn.plain
    if turn.event.attachments and step in NO_PHOTO_STEPS and not photo_field(d, state):
        sent = "photo" if turn.event.kind == "image" else "file"  # a PDF, a document, a broken file
        if step is Step.CONSENT:
            return Outcome(state, [Reply(d.say(f"{sent}_before_consent")), consent_again(d, state)])
        att = turn.event.attachments[0]
        if step is Step.QUESTION and sent == "photo" and not att.problem:  # kept for the photo step
            key = "photo_held_already" if state.held else "photo_held"  # one photo kept, said so
            state.held = state.held or dataclasses.asdict(att)
            return Outcome(state, [Reply(d.say(key))] + d.prompt(state))
        return Outcome(state, [Reply(d.say(f"{sent}_not_now"))] + d.prompt(state))
    free_text = step in FREE_TEXT
    if turn.event.payload or not words:
        return None
    if has_phrase(words, PHOTO_HELP_WORDS) and not free_text:  # "bà không biết chụp", "con chụp giúp"
        return Outcome(state, [Reply(d.say("photo_by_someone"))] + d.again(state), "help")
    if has_phrase(words, PHOTO_HOWTO_WORDS) and not free_text:  # at any step, the menu too
        return Outcome(state, [Reply(d.say("photo_howto"))] + d.again(state), "help")
    if has_phrase(words, NAMING_WORDS) and names_a_child(d, state):  # "bé tên gì cũng được à"
        return Outcome(state, [Reply(d.say("naming_answer"))] + d.again(state), "help")
    if step is Step.OFFER_BUNDLE and has_phrase(words, ORDER_WORDS):  # "làm cái nào trước"
        return explain_order(d, state)
    if step is Step.OFFER_BUNDLE and (only(words, THANK_WORDS) or only(words, BYE_WORDS)):
        key = "thank" if only(words, THANK_WORDS) else "goodbye"  # nothing begun: as at the menu
        return Outcome(menu(), [Reply(d.say(key))], key)
    if step is Step.OFFER_BUNDLE and only(words, FINISHED_WORDS, HOLD_FILLERS):  # not a time question
        return Outcome(state, [Reply(d.say("here_answer"))] + d.again(state))
    if only(words, CALL_WORDS, HOLD_FILLERS):  # "cháu ơi", "ad ơi": a greeting, or "mình đây" mid-dossier
        if step in {Step.START, Step.MENU}:
            return welcome(d, turn, "greet", state if step is Step.MENU else None)
        return Outcome(state, [Reply(d.say("call_answer"))] + d.again(state), "greet")
    if step is Step.MENU and only(words, FINISHED_WORDS, HOLD_FILLERS):
        return Outcome(state, [Reply(d.say("finished_idle"))], "thank")  # "xong" with nothing pending
    if step not in COLLECTING:
        return None
    if asks_photo_count(state, words) and step is not Step.DOC:  # before the photos: said at each
        return Outcome(state, [Reply(d.say("photo_count_later"))] + d.again(state), "help")
    if asks_photo_count(state, words):  # "1 tấm thôi à": how many photos this paper takes
        doc = d.current_doc(state)
        key = "card" if doc.photo == "id_card" else {1: "one", "many": "many"}.get(doc.pages, "fixed")
        said = d.say(f"photo_count_{key}", document=d.paper_name(state, doc), n=doc.pages)
        return Outcome(state, [Reply(said)] + d.again(state), "help")
    waiting = hold_on(d, state, words)
    if waiting is not None:
        return waiting
    noted = own_relation(d, state, words)  # "em là cháu" said at a photo step: kept for the form
    if noted is not None:
        return noted
    if any(w in words for w in LACK_WORDS):
        return None  # "chưa có giấy, mai em đi xin", "giấy báo tử bị mất": the step offers the alternative
    noted = said_date(d, turn, state)  # "mất hôm kia" said at a photo step: kept for the form too
    if noted is not None:
        return noted
    noted = said_choice_alone(d, turn, state)  # "con trai ạ" at "khai thay hay bố mẹ?": the baby's sex
    if noted is not None:
        return noted
    later = words in LATER_WORDS if free_text else has_phrase(words, LATER_WORDS)
    bye, thanks = only(words, BYE_WORDS), only(words, THANK_WORDS)
    if not (later or bye or thanks):
        return None
    procedure = d.proc(state).short_name
    key = "midway_later" if later or bye else "midway_thank"
    return Outcome(
        state, [Reply(d.say(key, procedure=procedure))], "thank" if key == "midway_thank" else "goodbye"
    )


def asks_photo_count(state: State, words: str) -> bool:
    """ "1 tấm thôi à", "chụp mấy tấm" in a dossier: how many photos (its "thôi" no cancel, its
    "1" no option chosen). Not between a paper's pages (the step's own), nor where text is typed."""
    return state.step in COLLECTING - FREE_TEXT and not state.pages and has_phrase(words, PHOTO_COUNT_WORDS)


def hold_on(d: Dialogue, state: State, words: str) -> Outcome | None:
    """ "đợi em chút", "để e tìm", "ok đợi xíu": the bot waits; "đây ạ" before the photo: it says
    it waits for the photo, or asks the question again in short. The step stays either way."""
    hold = only(words, HOLD_WORDS, HOLD_FILLERS)
    here = only(words, HERE_WORDS, HOLD_FILLERS | HERE_FILLERS) or only(words, FINISHED_WORDS, HOLD_FILLERS)
    if not hold and not here:  # "xong" outside a paper's pages: "đây ạ" (between pages: the step's)
        return None
    photo = state.step in PHOTO_STEPS
    document = d.current_doc(state).name if photo else ""
    key = ("hold" if hold else "here") + ("_photo" if photo else "_answer")
    if photo and state.pages:  # between the pages of a paper: the next page, or "xong"
        return Outcome(state, [Reply(d.say("hold_page"))] + d.prompt(state), "hold")
    before = previous_paper(d, state) if photo and not hold else None
    if before is not None:  # "gửi rồi mà" right after a paper's photo: that one came, this one is asked
        key = "here_photo_after"
    replies = [Reply(d.say(key, document=document, previous=before or ""))]
    if not hold and not photo:  # "đây ạ" where a question is pending: the question, in short
        replies += d.again(state)
    return Outcome(state, replies, "hold")


def previous_paper(d: Dialogue, state: State) -> str | None:
    """The name of the paper asked just before this photo step, when its photo came (a "gửi
    rồi" then is likely of it), or None."""
    index = state.doc or 0
    plan = d.plan(state)
    if state.step is not Step.DOC or index == 0 or index > len(plan):
        return None
    before = plan[index - 1]
    return d.paper_name(state, before) if before.key in (state.documents or []) else None


def own_relation(d: Dialogue, state: State, words: str) -> Outcome | None:
    """ "em là cháu" said where no question asks it (a yes/no question takes it as its answer):
    kept, and the form's field for it is offered filled in, to confirm."""
    if state.step in {Step.QUESTION} | FREE_TEXT or state.procedure is None:
        return None
    relation = whom.self_relation(words)
    fields = [f for f in d.proc(state).fields if whom.self_field_value(state.procedure, f.key, relation)]
    if relation is None or not fields or fields[0].key in (state.fields or {}):
        return None
    state.self_is = relation
    said = whom.self_noted(state.procedure, relation, fields[0].label.lower())
    return Outcome(state, [Reply(said)] + d.again(state))


def said_date(d: Dialogue, turn: Turn, state: State) -> Outcome | None:
    """ "mất hôm kia", "ông mất 3 hôm trước" said where no question asks it: the date is kept for
    the form's field it belongs to (`said_dates`: the date of death), offered there to confirm.
    At a yes/no question the date alone gets the note and the question again; with more said
    ("2, mẹ mất hôm kia", "khai thay, ông mất hôm kia") the date is kept and the question answers,
    the note put in front of its reply (`turn.notes`). Not at the consent (no dossier yet). A date
    noted or offered already is not noted again."""
    if state.step in {Step.CONSENT} | FREE_TEXT or state.procedure is None:
        return None
    for f in d.proc(state).fields:
        words = SAID_DATES.get(f.key)
        if not words or not f.validator.startswith("date"):
            continue
        if f.key in (state.fields or {}) or f.key in (state.offered or {}):
            continue
        found = date_after(turn.text, words, f.validator, turn.ctx.now.date())
        if found is None:
            continue
        value, rest = found
        state.offered = {**(state.offered or {}), f.key: {"value": value, "noted": turn.text[:80]}}
        said = Reply(d.say("date_noted", label=f.label.lower(), value=show_date(value)))
        if state.step is Step.QUESTION and not set(rest) <= FILLER_WORDS:
            turn.notes.append(said)  # the question takes the rest of the message as its answer
            return None
        return Outcome(state, [said] + d.again(state))
    return None


def names_a_child(d: Dialogue, state: State) -> bool:
    """Whether a naming question is about a baby here: no procedure yet, or one with the child's
    name among its fields (a business being filed is "named" too)."""
    key = state.procedure or state.bundle
    return key not in d.catalog or any(f.key == NAMED_FIELD for f in d.catalog[key].fields)


SAID_CHOICES: dict[str, dict[str, list[str]]] = ANSWERS["said_choices"]
#: The last word of every phrase of `said_choices`: a message with none of them says no choice.
_CHOICE_ENDS = frozenset(
    p.split()[-1] for options in SAID_CHOICES.values() for ps in options.values() for p in ps
)
_BEFORE = frozenset(ANSWERS["said_choice_before"])
_GAP = frozenset(ANSWERS["said_choice_gap"])
_SELF = frozenset(ANSWERS["said_choice_self"])
_BABIES = frozenset(ANSWERS["said_choice_babies"])
_NOT_AFTER = frozenset(ANSWERS["said_choice_not_after"])


def names_the_baby(tokens: list[str], i: int, phrase: str) -> bool:
    """Whether `phrase`, at `tokens[i]`, names the baby: not followed by whose or which child
    ("con trai tôi", "con trai út nhà em"; "sinh con trai đầu lòng" is the baby), and either alone
    (fillers aside), a baby's own word ("bé trai", "thằng cu") or said right after "sinh", "đẻ",
    "là" ("vợ em mới sinh được 1 con trai", "nó là con trai"; not "tôi là con gái")."""
    after = tokens[i + len(phrase.split()) :]
    if after and after[0] in _NOT_AFTER and after[:2] != ["dau", "long"]:
        return False
    before = tokens[:i]
    if phrase in _BABIES or set(before + after) <= FILLER_WORDS:
        return True
    while before and before[-1] in _GAP:
        before = before[:-1]
    if not before or before[-1] not in _BEFORE:
        return False
    return before[-1] != "la" or len(before) < 2 or before[-2] not in _SELF


def choices_said(words: str) -> dict[str, tuple[str, str]]:
    """The options of `said_choices` a folded message says, {field: (option, phrase)}: one option
    per field, only where the phrase names the baby (`names_the_baby`), none when both are said."""
    tokens = bare(words).split()
    if _CHOICE_ENDS.isdisjoint(tokens):
        return {}  # the common case: one set operation per message
    found: dict[str, tuple[str, str]] = {}
    for key, options in SAID_CHOICES.items():
        hits = set()
        for option, phrases in options.items():
            for phrase in phrases:
                n, parts = len(phrase.split()), phrase.split()
                for i in range(len(tokens) - n + 1):
                    if tokens[i : i + n] == parts and names_the_baby(tokens, i, phrase):
                        hits.add((option, phrase))
        if len({option for option, _ in hits}) == 1:
            found[key] = max(hits, key=lambda hit: len(hit[1]))
    return found


def note_choices(d: Dialogue, turn: Turn, after: State) -> None:
    """Keep a choice of the form said in passing ("vợ em mới sinh con trai") for the procedure the
    conversation is now on (or offers), when it has that field and it is not answered: offered at
    the field to confirm (`State.said`); so is a date said after its words ("bà nội em mất hôm
    qua": the date of death, answers.yml said_dates)."""
    keys = [k for k in (after.procedure, after.bundle, after.single) if k in d.catalog]
    note_dates(d, turn, after, keys)
    found = choices_said(turn.plain)
    for key, (option, _phrase) in found.items():
        if key in (after.fields or {}) or (after.said or {}).get(key, {}).get("value") == option:
            continue  # answered, or said so already ("à nhầm, bé gái" replaces "con trai")
        if any(f.key == key for k in keys for f in d.catalog[k].fields):
            after.said = {**(after.said or {}), key: {"value": option, "noted": turn.text[:80]}}


def note_dates(d: Dialogue, turn: Turn, after: State, keys: list[str]) -> None:
    """A date of SAID_DATES said in passing, kept as `note_choices` keeps a choice. Not at a
    field (the field takes it itself)."""
    if after.step is Step.FIELD:
        return
    for key, words in SAID_DATES.items():
        field = next((f for k in keys for f in d.catalog[k].fields if f.key == key), None)
        if field is None or key in (after.fields or {}) or key in (after.said or {}):
            continue
        found = date_after(turn.text, words, field.validator, turn.ctx.now.date())
        if found:
            after.said = {**(after.said or {}), key: {"value": found[0], "noted": turn.text[:80]}}


#: Words around a choice said alone that change nothing, a correction's too ("à nhầm, bé gái").
CORRECTING = FILLER_WORDS | {"nham", "ah", "o", "la", "sua", "lai"}


def said_choice_alone(d: Dialogue, turn: Turn, state: State) -> Outcome | None:
    """ "con trai ạ", "bé gái" alone where no field asks it (the yes/no question, a photo step):
    kept for its field, said so, and the step asked again."""
    if state.procedure is None or state.step in FREE_TEXT:
        return None
    for key, (option, phrase) in choices_said(turn.plain).items():
        field = next((f for f in d.proc(state).fields if f.key == key), None)
        if field is None or key in (state.fields or {}) or not only(bare(turn.plain), [phrase], CORRECTING):
            continue
        state.said = {**(state.said or {}), key: {"value": option, "noted": turn.text[:80]}}
        said = Reply(d.say("date_noted", label=field.label.lower(), value=option))
        return Outcome(state, [said] + d.again(state))
    return None


def only(words: str, phrases: list[str] | set[str], fillers: set[str] = FILLER_WORDS) -> bool:
    """Whether the message is one of `phrases` and nothing more than politeness around it
    ("dạ em cảm ơn ạ"), so that "đồng ý, cảm ơn" stays an answer."""
    padded = f" {words} "
    found = False
    for phrase in sorted(phrases, key=len, reverse=True):
        if f" {phrase} " in padded:
            padded, found = padded.replace(f" {phrase} ", " "), True
    return found and set(padded.split()) <= fillers
