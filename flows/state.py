"""The dialogue's state, typed. It is stored as JSON with the conversation (conversation.state):
`State.from_dict` reads the stored shape and `to_dict` writes it back with the same keys, so a
conversation in progress survives a deploy. A key absent from the stored dict is None here and is
left out again when written."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Step(StrEnum):
    """Where a conversation is; the value is what the database stores (conversation.step)."""

    START = "start"  # nothing stored yet (a new conversation): stored as no step at all
    MENU = "menu"
    OFFER_BUNDLE = "offer_bundle"
    ANSWER_OFFER = "answer_offer"
    PICK_PROCEDURE = "pick_procedure"
    ASK_CODE = "ask_code"
    CONSENT = "consent"
    QUESTION = "question"
    DOC = "doc"
    DOC_WRONG = "doc_wrong"  # a photo that looks like another paper: keep it or send another?
    REUSE = "reuse"
    ID_CONFIRM = "id_confirm"
    ID_FIX = "id_fix"
    FIELD = "field"
    ROUTE = "route"  # which commune's office takes the dossier (a deployment of several offices)
    SUMMARY = "summary"
    EDIT = "edit"
    RESUME = "resume"
    CONFIRM_CANCEL = "confirm_cancel"
    CONFIRM_SWITCH = "confirm_switch"  # "à thôi, làm tạm trú" mid-dossier: switch, or go on?
    WITHDRAW = "withdraw"  # withdrawing a filed dossier: which one, and are you sure?
    CONFIRM_ERASE = "confirm_erase"  # "xóa dữ liệu của tôi": asked once more before anything goes
    HUMAN = "human"
    ADD_PHOTO = "add_photo"  # a photo sent at the menu: add it to the dossier waiting for papers?
    SURVEY = "survey"  # a satisfaction survey (flows/steps/survey.py); `paused` is where to go back


#: The steps of a dossier being collected (a long pause there asks: continue or restart?).
COLLECTING = frozenset(
    {
        Step.CONSENT,
        Step.QUESTION,
        Step.DOC,
        Step.DOC_WRONG,
        Step.REUSE,
        Step.ID_CONFIRM,
        Step.ID_FIX,
        Step.FIELD,
        Step.ROUTE,
        Step.SUMMARY,
        Step.EDIT,
    }
)
#: The steps that wait for free text (an intent found in it must not hijack the answer).
FREE_TEXT = frozenset({Step.FIELD, Step.ID_FIX, Step.ROUTE})


@dataclass
class State:
    step: Step = Step.START
    options: list[str] | None = None  # payloads of the numbered options last shown
    paused: State | None = None  # where the dialogue was (resume, officer holding the thread)
    # the procedure and its dossier
    procedure: str | None = None
    dossier_id: int | None = None
    mode: str | None = None  # "supplement": collect exactly the documents an officer asked for
    supplement: list[str] | None = None
    # progress through the documents
    answers: dict[str, bool] | None = None
    doc: int | None = None
    retakes: int | None = None
    documents: list[str] | None = None
    flags: list[str] | None = None
    alt: dict[str, str] | None = None
    reusable: dict[str, Any] | None = None
    declined_reuse: list[str] | None = None
    id_cards: dict[str, dict[str, str]] | None = None
    id_doc: str | None = None
    id_read: dict[str, str] | None = None
    id_sure: list[str] | None = None  # the lines of `id_read` read by the card's QR or MRZ, not OCR
    fixing: str | None = None
    pages: list[dict[str, Any]] | None = None  # the pages of the current paper received so far
    # a page that looks like another paper, awaiting an answer; at ADD_PHOTO, the dossier waiting
    # for papers and the photo sent at the menu
    pending: dict[str, Any] | None = None
    # the form fields
    fields: dict[str, Any] | None = None
    # values read from a paper (a giấy chứng sinh, a giấy báo tử) for form fields, each offered to
    # the citizen to confirm or correct when the field is asked: {field: {"value", "paper"}}
    offered: dict[str, dict[str, str]] | None = None
    field: int | None = None
    editing: bool | None = None
    back_to: int | None = None  # an earlier field asked again mid-form ("à nhầm, ngày sinh…"): then this one
    # where the dossier is filed (a deployment of several offices): the 2025 commune, the agency
    commune: str | None = None
    agency: str | None = None
    route: dict[str, Any] | None = None  # the question pending: candidates, or the anywhere choice
    # offers and answers
    bundle: str | None = None
    single: str | None = None
    asked: str | None = None
    last_code: str | None = None
    filed_at: str | None = None  # when `last_code` was filed (ISO, agency time): "right after filing"
    declined: str | None = None  # the procedure whose consent was refused: offered again at the menu
    switch_to: str | None = None  # the procedure a change of mind asks for (confirm_switch)
    # what a dossier left for another procedure gives it: {"from", "cards", "fields"} (steps/switch.py)
    carry: dict[str, Any] | None = None
    cards: list[dict[str, Any]] | None = None  # ID cards carried from a dossier left for this one
    reuse_choices: list[dict[str, Any]] | None = None  # the cards listed at a reuse question, in order
    id_photos: dict[str, dict[str, Any]] | None = None  # each ID card's photo, for reuse after a switch
    for_whom: str | None = None  # who the dossier is for, said in passing ("cho cháu"): flows/whom.py
    self_is: str | None = None  # what the citizen said they are to that person ("tôi là con")
    calls_self: str | None = None  # what the citizen calls themself ("bác cần…"): whom.calls_self
    # a choice of the form said in passing ("vợ em mới sinh con trai"), kept from the first message
    # on and offered at its field: {field: {"value", "noted"}} (steps/midway.note_choices)
    said: dict[str, dict[str, str]] | None = None
    held: dict[str, Any] | None = None  # a photo sent at a yes/no question, used at the first photo step
    welcomed: bool | None = (
        None  # the menu on screen came with the welcome (a second hello gets a short reply)
    )
    # "quay lại": the states before the last steps forward of this dossier, newest last
    back: list[dict[str, Any]] | None = None
    survey: dict[str, Any] | None = None  # {"key", "dossier_id", "q", "score", "answered"}
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)  # keys this version does not know
    # not stored: the documents of a finished supplement, reported by the engine at the turn's end
    supplement_done: dict[str, Any] | None = None
    nulls: set[str] = dataclasses.field(default_factory=set, repr=False)  # keys stored as null

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> State:
        raw, data = data, dict(data or {})
        known = _known(cls)
        state = cls(**{k: data.pop(k) for k in list(data) if k in known})
        step = data.pop("step", None)
        state.step = Step(step) if step in Step._value2member_map_ else Step.START
        paused = data.pop("paused", None)
        state.paused = cls.from_dict(paused) if paused else None
        state.extra = data
        state.nulls = {k for k, v in (raw or {}).items() if v is None and k in known}
        return state

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {} if self.step is Step.START else {"step": self.step.value}
        for name in _stored(type(self)):
            value = getattr(self, name)
            if value is None:
                if name in self.nulls:
                    out[name] = None
                continue
            out[name] = value.to_dict() if isinstance(value, State) else _copy(value)
        out.update(_copy(self.extra))
        return out

    @property
    def saved_step(self) -> str | None:
        """The step as stored (None for a conversation not started)."""
        return None if self.step is Step.START else self.step.value

    def clear(self, step: Step) -> None:
        """Forget everything, in place: this object becomes a fresh state at `step`."""
        fresh = State(step=step)
        for name in _names(type(self)):
            setattr(self, name, getattr(fresh, name))

    def copy(self) -> State:
        return State.from_dict(self.to_dict())

    def without_options(self) -> State:
        """This state as the place to come back to (the options shown belong to that moment)."""
        kept = self.copy()
        kept.options = None
        kept.paused = None
        return kept


# The fields' names, read once per class (dataclasses.fields builds its tuple on every call, and
# every turn reads and writes the state several times).
@functools.cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


@functools.cache
def _known(cls: type) -> frozenset[str]:
    """The keys `from_dict` passes to the constructor."""
    return frozenset(_names(cls)) - {"extra", "nulls", "step", "paused", "supplement_done"}


@functools.cache
def _stored(cls: type) -> tuple[str, ...]:
    """The fields `to_dict` writes besides the step and the unknown keys, in declaration order."""
    return tuple(n for n in _names(cls) if n not in {"step", "extra", "nulls", "supplement_done"})


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


#: How many steps back "quay lại" can go.
BACK_DEPTH = 6


def position(state: State) -> tuple[Any, ...]:
    """Where a dossier's collection stands: a change of it is a step forward (or back)."""
    return (
        state.step,
        state.procedure,
        state.doc,
        state.field,
        state.fixing,
        len(state.answers or {}),
        state.editing,
    )


def remember(before: dict[str, Any], after: State) -> None:
    """`after` came from the stored state `before` by a step forward: keep `before` (without its
    own history) on `after`'s back stack."""
    history = list(before.get("back") or [])
    snapshot = {k: v for k, v in before.items() if k not in {"back", "options"}}
    after.back = (history + [snapshot])[-BACK_DEPTH:]


def step_back(state: State) -> State | None:
    """The state before the last step forward, with the rest of the history; None at the first."""
    if not state.back:
        return None
    previous = State.from_dict(state.back[-1])
    previous.back = state.back[:-1] or None
    previous.said = unanswered(previous.said, state.fields)
    return previous


def unanswered(said: dict[str, Any] | None, fields: dict[str, Any] | None) -> dict[str, Any] | None:
    """The choices said in passing (`State.said`) whose fields are not answered: an answered one
    is not offered again."""
    return {k: v for k, v in (said or {}).items() if k not in (fields or {})} or None


def menu() -> State:
    return State(step=Step.MENU)


def collecting(procedure: str, dossier_id: int) -> State:
    """A fresh dossier: nothing collected yet."""
    return State(
        step=Step.QUESTION,
        procedure=procedure,
        dossier_id=dossier_id,
        answers={},
        doc=0,
        retakes=0,
        fields={},
        documents=[],
        flags=[],
        alt={},
        id_cards={},
    )


def step_of(data: dict[str, Any] | None) -> Step:
    return State.from_dict(data).step


def supplement(procedure: str, dossier_id: int, keys: list[str]) -> State:
    """Collecting exactly the documents an officer asked for (the first one is asked next)."""
    return State(
        step=Step.DOC,
        mode="supplement",
        procedure=procedure,
        dossier_id=dossier_id,
        supplement=list(keys),
        doc=0,
        retakes=0,
        documents=[],
        flags=[],
        alt={},
        id_cards={},
        fields={},
    )
