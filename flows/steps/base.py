"""The registry of step handlers and prompts, and what every step module shares (`Dialogue`).

A step module registers, for its `Step` members, a handler (what an inbound message does there)
and a prompt (how to ask again what the step waits for: after help, an answer, a resume or a hand
back). Steps reach each other's prompts and handlers through the registry, not by import."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Awaitable, Callable
from typing import Any

from core.events import QuickReply, Reply
from core.texts import LABELS, Texts
from places.agencies import Directory

from .. import calendar
from ..catalog import Document, LifeEvent, Procedure
from ..options_asked import asks_about_numbers
from ..state import COLLECTING, State, Step, menu
from ..turn import Outcome, Turn
from ..validators import ANSWERS, bare, has_phrase, spelled_out, spoken_number

Handler = Callable[["Dialogue", Turn, State], Awaitable[Outcome]]
Prompt = Callable[["Dialogue", State], list[Reply]]
HANDLERS: dict[Step, Handler] = {}
PROMPTS: dict[Step, Prompt] = {}
AGAIN: dict[Step, Prompt] = {}  # a shorter prompt, after an answer given in passing (the consent)

CANCEL_WORDS = set(ANSWERS["cancel_words"])
SKIP_WORDS = set(ANSWERS["skip_words"])
MENU_WORDS = {"menu", "bat dau lai", "quay lai", "bat dau", "trang chu"}
BACK_WORDS = set(ANSWERS["back_words"])  # while collecting a dossier: one step back
#: Questions the catalog answers (fees, papers, times, places), at any step.
ANSWER_INTENTS = frozenset({"ask_requirements", "ask_fee", "ask_processing_time", "ask_location_hours"})
YES_WORDS = {"dong y", "co", "ok", "oke", "yes", "u", "uh", "dung", "dung roi", "chinh xac", "vang", "da"}
NO_WORDS = {"khong", "khong dong y", "ko", "k", "no", "sai", "chua dung", "khong phai"}
CHOICE_OPENINGS = sorted(ANSWERS["choice_openings"], key=len, reverse=True)
#: "1 mình", "2 vợ chồng": a count, no option picked (answers.yml count_nouns).
_COUNTS = "|".join(map(re.escape, ANSWERS["count_nouns"]))
_COUNTED = re.compile(rf"\d{{1,2}} (?:{_COUNTS})(?: .*)?")
LACK_WORDS = ("khong co", "chua co", "ko co", "k co", "mat roi", "bi mat", "khong tim thay")


def handles(*steps: Step) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for step in steps:
            assert step not in HANDLERS, f"two handlers for {step}"
            HANDLERS[step] = fn
        return fn

    return register


def _registrar(table: dict[Step, Prompt], *steps: Step) -> Callable[[Prompt], Prompt]:
    def register(fn: Prompt) -> Prompt:
        for step in steps:
            table[step] = fn
        return fn

    return register


def prompts(*steps: Step) -> Callable[[Prompt], Prompt]:
    return _registrar(PROMPTS, *steps)


def asks_again(*steps: Step) -> Callable[[Prompt], Prompt]:
    """A step's prompt after a question answered in passing, where the whole one is long."""
    return _registrar(AGAIN, *steps)


def field_label(name: str) -> str:
    """The one wording of an ID-card field (shared with the officer console)."""
    return LABELS.get("fields").get(name, name)


def mask(number: str) -> str:
    return "•" * max(0, len(number) - 4) + number[-4:] if number else "?"


def show_date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return value


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


class Dialogue:
    """The catalog, the life events and the sentences, with the helpers every step uses."""

    agencies: Directory | None = None  # the deployment's offices (None: the one of the context)
    survey_off: frozenset[str] = frozenset()  # channels where no survey is asked
    survey_after_cancel = True  # a soft "why did you stop?" after a begun dossier is cancelled

    def __init__(
        self,
        catalog: dict[str, Procedure],
        events: list[LifeEvent],
        texts: Texts,
        consent_version: str,
        agency_name: str,
    ) -> None:
        self.catalog = catalog
        self.events = events
        self.texts = texts
        self.consent_version = consent_version
        self.agency_name = agency_name

    def say(self, key: str, **kw: Any) -> str:
        return self.texts(key, **kw)

    def invalid(self, code: str, example: str, options: list[str] | None = None) -> str:
        """A validator's problem code as the sentence that asks again."""
        listed = "; ".join(f"{i}. {o}" for i, o in enumerate(options or [], 1))
        return self.say("field_invalid", problem=self.say(f"invalid.{code}", options=listed), example=example)

    # ---- the registry --------------------------------------------------------------------
    async def dispatch(self, turn: Turn, state: State) -> Outcome:
        return await HANDLERS.get(state.step, HANDLERS[Step.START])(self, turn, state)

    def prompt(self, state: State) -> list[Reply]:
        """Ask again what the current step waits for."""
        ask = PROMPTS.get(state.step)
        return ask(self, state) if ask else []

    def again(self, state: State) -> list[Reply]:
        """Ask again, in short, after answering something else in passing (a fee, help, a hold-on)."""
        ask = AGAIN.get(state.step) or PROMPTS.get(state.step)
        return ask(self, state) if ask else []

    def enter(self, state: State, step: Step) -> list[Reply]:
        state.step = step
        return self.prompt(state)

    # ---- numbered options ----------------------------------------------------------------
    def numbered(
        self, state: State, lead: str, items: list[tuple[str, str]], titles: list[str] | None = None
    ) -> Reply:
        """A message with numbered options; the numbers, the button taps and (for yes/no) words
        all answer it. `items` are (button title, payload); `titles` the longer lines shown."""
        state.options = [payload for _t, payload in items]
        shown = titles or [t for t, _p in items]
        text = "\n".join([lead] + [f"{i}. {t}" for i, t in enumerate(shown, 1)])
        # Titles are full here; a channel with a length limit (Messenger: 20) shortens them.
        return Reply(text, tuple(QuickReply(f"{i}. {t}", p) for i, (t, p) in enumerate(items, 1)))

    @staticmethod
    def asks_about_numbers(turn: Turn) -> bool:
        """ "1, 2 gì cơ?", "số 1 là sao", "1 hay 2?": the option numbers asked about, none
        chosen (`options_asked.asks_about_numbers`); "1 nhé", "số 1", "1 nào" choose."""
        return not turn.event.payload and asks_about_numbers(turn.plain, turn.text)

    @staticmethod
    def choice(state: State, turn: Turn) -> str | None:
        options = state.options or []
        if turn.event.payload and turn.event.payload in options:
            return turn.event.payload
        if Dialogue.asks_about_numbers(turn):
            return None  # "số 1 là sao": a question about the options
        said, opened = turn.plain, False
        for opening in CHOICE_OPENINGS:  # "chọn số 1", "cái thứ hai"
            if said.startswith(opening + " "):
                said, opened = said[len(opening) + 1 :], True
                break
        m = None if _COUNTED.fullmatch(said) else re.fullmatch(r"(?:so\s*)?(\d{1,2})\s*[.)]?(?:\s.*)?", said)
        number = int(m.group(1)) if m else spoken_number(said) if opened else None
        if number is not None and 1 <= number <= len(options):
            return options[number - 1]
        return None

    def choice_in_words(self, state: State, turn: Turn) -> str | None:
        """A numbered choice, else an option answered in words: one of its synonyms
        (answers.yml), or the words of its title ("tôi là mẹ bé" for "Tôi là bố/mẹ bé"), when
        exactly one option fits."""
        picked = self.choice(state, turn)
        if picked is not None or turn.event.payload:
            return picked
        options, said = state.options or [], turn.plain
        synonyms = ANSWERS["option_synonyms"]
        hits = [o for o in options if has_phrase(said, synonyms.get(o, []))]
        if len(hits) == 1:
            return hits[0]
        words = set(said.split())
        if len(words) < 2:
            return None
        fits = [o for o in options if words <= set(bare(self.option_title(state, o)).split())]
        return fits[0] if len(fits) == 1 else None

    def option_title(self, state: State, payload: str) -> str:
        """The words an option was shown with, found again from its payload."""
        if payload.startswith("event:"):
            event = next((e for e in self.events if e.key == payload[6:]), None)
            return f"{event.button} {event.title}" if event else ""
        if payload.startswith("proc:") and payload[5:] in self.catalog:
            proc = self.catalog[payload[5:]]
            return f"{proc.short_name} {proc.name}"
        key = {"bundle": state.bundle, "single": state.single}.get(payload)
        if key in self.catalog:
            return f"{self.catalog[key].short_name} {self.catalog[key].name}"
        if payload in {"yes", "no"} and state.step is Step.QUESTION and state.procedure:
            asked = [q for q in self.proc(state).questions.values()]
            return " ".join(getattr(q, payload) for q in asked)
        return ""

    def yes_no(
        self, state: State, turn: Turn, yes: str = "yes", no: str | None = "no", in_words: bool = False
    ) -> str | None:
        """A numbered choice (`in_words`: or an option said in words), else a confident
        affirm/deny, else a plain yes or no word."""
        choice = self.choice_in_words(state, turn) if in_words else self.choice(state, turn)
        if choice is not None:
            return choice
        if turn.intent == "affirm" or turn.plain in YES_WORDS:
            return yes
        if no is not None and (turn.intent == "deny" or turn.plain in NO_WORDS):
            return no
        return None

    def menu(self, state: State, lead: str) -> Reply:
        return self.numbered(
            state, lead, [(e.button, f"event:{e.key}") for e in self.events], [e.title for e in self.events]
        )

    def to_menu(self, lead_key: str = "menu_again", replies: list[Reply] | None = None, **kw: Any) -> Outcome:
        new = menu()
        return Outcome(new, (replies or []) + [self.menu(new, self.say(lead_key, **kw))])

    # ---- the procedure of a state ----------------------------------------------------------
    def proc(self, state: State) -> Procedure:
        assert state.procedure is not None
        return self.catalog[state.procedure]

    def plan(self, state: State) -> list[Document]:
        """The documents to photograph, in order."""
        proc = self.proc(state)
        if state.mode == "supplement":
            return [self.document(proc, key) for key in state.supplement or []]
        answers = state.answers or {}
        return [
            d for d in proc.documents if d.photo != "none" and (not d.condition or answers.get(d.condition))
        ]

    def current_doc(self, state: State) -> Document:
        return self.plan(state)[state.doc or 0]

    @staticmethod
    def document(proc: Procedure, key: str) -> Document:
        """A document of the procedure by key; an alternative is asked for as a document of its own."""
        for d in proc.documents:
            if d.key == key:
                return d
            for a in d.alternatives:
                if a.key == key:
                    return Document(
                        key=a.key,
                        name=a.name,
                        photo=a.photo,
                        required=True,
                        ask=a.ask,
                        about=a.about,
                        words=a.words,
                    )
        raise KeyError(key)

    @staticmethod
    def paper_name(state: State, doc: Document) -> str:
        """What the citizen is sending for `doc`: the accepted alternative's name once they said
        they lack the paper itself ("Giấy tờ thay Giấy báo tử"), else the paper's own."""
        alt_key = (state.alt or {}).get(doc.key)
        return next((a.name for a in doc.alternatives if a.key == alt_key), doc.name)

    def received_names(self, state: State) -> list[str]:
        """The papers of the dossier received so far, each named as what was sent."""
        got = set(state.documents or [])
        return [self.paper_name(state, doc) for doc in self.proc(state).documents if doc.key in got]

    @functools.cached_property
    def _situations(self) -> list[str]:
        return [bare(p) for e in self.events for p in e.situations]

    def situation_only(self, text: str, entity: dict[str, Any]) -> bool:
        """Whether a procedure entity covers only a life event's situation ("mở quán" tagged as
        the household business), not a procedure's own name ("giấy attp", "hộ kinh doanh")."""
        start, end = entity.get("start"), entity.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            return False
        return has_phrase(bare(text[start:end]), self._situations)

    @functools.cached_property
    def _life_event_phrases(self) -> list[tuple[frozenset[str], int, LifeEvent]]:
        """Each life event's phrases as sets of bare words, folded once (not on every message)."""
        out = []
        for e in self.events:
            names = [self.catalog[k].short_name for k in (e.procedure, e.single) if k in self.catalog]
            for phrase in [*e.phrases, e.button, *names]:
                words = bare(phrase).split()
                if words:
                    out.append((frozenset(words), len(words), e))
        return out

    @functools.cached_property
    def _life_event_index(self) -> dict[str, list[int]]:
        """For each word, the positions in `_life_event_phrases` of the phrases that hold it."""
        index: dict[str, list[int]] = {}
        for j, (words, _, _) in enumerate(self._life_event_phrases):
            for w in words:
                index.setdefault(w, []).append(j)
        return index

    def life_event_for(self, text: str) -> LifeEvent | None:
        """The life event a message names: one of its phrases, its button or title, or the short
        name of its procedures, as whole words in any order, with or without diacritics. A short
        message (up to four words: "khai sinh", "co em be") may also be part of a longer phrase.
        Chat shorthand is read in full when the words as typed name none ("vk e ms sinh")."""
        said = bare(text)
        if not said:
            return None
        found = self._life_event_in(said)
        full = spelled_out(said)
        return found if found or full == said else self._life_event_in(full)

    def _life_event_in(self, said: str) -> LifeEvent | None:
        tokens = set(said.split())
        # a phrase can only match when it shares a word with the message
        index = self._life_event_index
        entries = sorted({j for t in tokens for j in index.get(t, ())})
        phrases = self._life_event_phrases
        # a whole phrase beats a part; then more words matched; then the shorter phrase
        best: tuple[tuple[bool, int, int], LifeEvent] | None = None
        for words, n, e in (phrases[j] for j in entries):
            whole = words <= tokens  # every word of the phrase was said
            part = len(tokens) <= 4 and tokens <= words and len(tokens) >= min(2, n)
            if whole or part:
                score = (whole, n if whole else len(tokens), -n)
                if best is None or score > best[0]:
                    best = (score, e)
        return best[1] if best else None

    def document_lines(self, proc: Procedure) -> list[str]:
        """The documents, numbered; a conditional one says when it is needed."""
        lines = []
        for i, d in enumerate([d for d in proc.documents if d.photo != "none"], 1):
            line = f"{i}. {d.name}"
            if d.condition:
                line += " " + self.say("intro_conditional", question=proc.questions[d.condition].yes.lower())
            lines.append(line)
        shown = [d.name for d in proc.documents if d.photo == "none"]
        if shown:
            lines.append(self.say("intro_none", docs="; ".join(shown)))
        return lines

    # ---- leaving a step ------------------------------------------------------------------
    async def cancel(self, turn: Turn, state: State) -> Outcome:
        """Leave the procedure. A dossier already begun is dropped only once the citizen confirms."""
        if state.step in COLLECTING and state.dossier_id:
            new = self.pause(state, Step.CONFIRM_CANCEL)
            lead = self.say("cancel_confirm", procedure=self.proc(state).short_name)
            return Outcome(new, [self.confirm_cancel_reply(new, lead)], "cancel")
        confirming = state.step in {Step.CONFIRM_CANCEL, Step.CONFIRM_SWITCH}
        begun = state.paused if confirming and state.paused else state
        if begun.dossier_id:
            await turn.ctx.audit("cancelled", {"step": begun.saved_step}, begun.dossier_id)
            if self.survey_after_cancel and turn.event.channel not in self.survey_off:
                asked = State(step=Step.SURVEY, paused=menu())
                asked.survey = {"key": "cancelled", "dossier_id": begun.dossier_id, "q": 0}
                return Outcome(asked, [Reply(self.say("cancelled"))] + self.prompt(asked), "cancel")
        outcome = self.to_menu(replies=[Reply(self.say("cancelled"))])
        outcome.intent = "cancel"
        return outcome

    def confirm_cancel_reply(self, state: State, lead: str) -> Reply:
        return self.numbered(
            state, lead, [(self.say("cancel_yes"), "cancel"), (self.say("cancel_no"), "continue")]
        )

    @staticmethod
    def pause(state: State, step: Step) -> State:
        """Leave the dialogue where it is for `step` (an officer, a resume question); the place
        to come back to is kept in `paused`."""
        return State(step=step, paused=state.without_options())

    async def to_human(self, turn: Turn, state: State) -> Outcome:
        await turn.ctx.audit("request_human", {"step": state.saved_step}, state.dossier_id)
        opening = calendar.next_opening(turn.ctx.now.replace(tzinfo=None))
        if opening is None:
            text = self.say("human")
        else:  # said honestly: nobody answers before the office opens (nights, weekends, holidays)
            weekday = self.texts.get("weekdays")[opening.weekday()]
            when = f"{opening.hour}:{opening.minute:02d} {weekday}, {opening:%d/%m/%Y}"
            text = self.say("human_after_hours", when=when)
        return Outcome(self.pause(state, Step.HUMAN), [Reply(text)], "request_human")
