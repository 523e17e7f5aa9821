"""The flow engine: walks a procedure of the catalog (no procedure logic in code).

The state (`flows.state.State`) is stored as JSON with the conversation. One call handles one
inbound event and returns the new state and the replies; everything with side effects (dossier
rows, photo checks, receipts) goes through the `Context` the worker passes in, inside its
transaction. The steps live in `flows.steps`, one module each, behind a registry.

Steps: menu → (offer_bundle) → consent → question* → doc* (reuse | retake loop | id_confirm →
id_fix) → field* → summary (→ edit) → submitted. Anywhere: "quay lại" (one step back while collecting), cancel, help, request_human (the bot
goes quiet until an officer hands the thread back), check_status, and questions about documents,
fees, times and places answered from the catalog without leaving the current step.

Outside code changes a conversation only through this class: `take_over`, `hand_back`, `reset`,
`reopen_for_supplement`; it reads the step with `is_taken_over` and `step_of`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.events import InboundEvent, Reply
from core.texts import Texts
from places.agencies import Directory

from .catalog import LifeEvent, Procedure, load_catalog, load_life_events
from .options_asked import asked_option
from .state import (
    COLLECTING,
    FREE_TEXT,
    State,
    Step,
    menu,
    position,
    remember,
    step_back,
    supplement,
    unanswered,
)
from .steps import erase, human, midway, offer, papers, question, survey, switch, withdraw
from .steps.answers import answer
from .steps.base import (
    ANSWER_INTENTS,
    BACK_WORDS,
    CANCEL_WORDS,
    LACK_WORDS,
    MENU_WORDS,
    SKIP_WORDS,
    Dialogue,
)
from .steps.consent import changed_mind
from .steps.document import enter_document
from .turn import Context, Outcome, Turn
from .validators import ANSWERS, asks, bare, has_phrase
from .whom import calls_self, said_for_text

HERE = Path(__file__).resolve().parent
RESUME_AFTER_S = 12 * 3600  # a citizen back after this long is asked: continue or restart?
HUMAN_REMIND_AFTER_S = 2 * 3600  # waiting for an officer, back after this long: told so, not met by silence
#: Steps where a withdrawal request is not looked for (a question of their own is pending).
QUIET = frozenset(
    {Step.CONFIRM_CANCEL, Step.CONFIRM_SWITCH, Step.CONFIRM_ERASE, Step.WITHDRAW, Step.RESUME, Step.HUMAN}
)
SILENT_KINDS = {"delivery", "seen", "unfollow"}
UNSUPPORTED_KINDS = {"sticker", "audio", "video", "location", "link"}

__all__ = ["Context", "Engine", "Outcome", "State", "Step", "load_messages"]


def load_messages(path: Path = HERE / "messages.yml") -> Texts:
    return Texts.load(path)


class Engine(Dialogue):
    def __init__(
        self,
        nlu: Any,
        catalog: dict[str, Procedure] | None = None,
        messages: Texts | dict[str, Any] | None = None,
        life_events: list[LifeEvent] | None = None,
        consent_version: str = "2026-11-v1",
        agency_name: str = "",
        agencies: Directory | None = None,
        survey_off: frozenset[str] = frozenset(),
        survey_after_cancel: bool = True,
    ) -> None:
        texts = messages if isinstance(messages, Texts) else Texts(messages) if messages else load_messages()
        super().__init__(
            catalog if catalog is not None else load_catalog(),
            life_events if life_events is not None else load_life_events(),
            texts,
            consent_version,
            agency_name,
        )
        self.nlu = nlu
        self.agencies = agencies
        self.survey_off = survey_off
        self.survey_after_cancel = survey_after_cancel

    # ---- one inbound event -----------------------------------------------------------------
    async def handle(self, ctx: Context, data: dict[str, Any] | None, event: InboundEvent) -> Outcome:
        state = State.from_dict(data)
        if event.kind in SILENT_KINDS:
            return Outcome(state)  # nothing was said
        if state.step is Step.HUMAN:
            # an officer holds the thread; the citizen can still leave the queue ("menu", "hủy")
            words = bare(event.text or "")
            if words in MENU_WORDS or words in CANCEL_WORDS:
                return self.to_menu(replies=[Reply(self.say("human_left"))])
            idle = ctx.idle_seconds
            if idle is not None and idle > HUMAN_REMIND_AFTER_S:
                # back after a long quiet and still in the officer's queue: one short word that the
                # message went to the officer and how to have the assistant back, never silence
                return Outcome(state, [Reply(self.say("human_still"))])
            return Outcome(state)
        if event.kind == "follow":
            new = menu()
            new.welcomed = True
            return Outcome(new, [self.menu(new, self.say("welcome", agency=ctx.agency_name))], "greet")
        if event.kind in UNSUPPORTED_KINDS:
            return Outcome(state, [Reply(self.say("unsupported"))])
        turn = await self._understand(ctx, event)
        answered = await survey.take(self, turn, state) if state.step is Step.SURVEY else None
        if state.step is Step.SURVEY and answered is None:
            state = survey.restored(state)  # not an answer: the survey is left quietly
            if state.step is Step.HUMAN:
                return Outcome(state, intent=turn.intent)  # an officer holds the thread
        whom = said_for_text(turn.text, turn.plain) if turn.text and state.step not in FREE_TEXT else None
        state.for_whom = whom or state.for_whom  # "làm khai sinh cho cháu": kept, asked no more
        called = calls_self(turn.plain) if turn.text and state.step not in FREE_TEXT else None
        state.calls_self = called or state.calls_self  # "bác cần…": "giấy của bác" is then the speaker's
        before = state.to_dict()
        outcome = answered or await self._anywhere(turn, state) or await self.dispatch(turn, state)
        after = outcome.state
        if turn.notes and after.procedure == state.procedure and after.step in COLLECTING:
            after.offered = {**(state.offered or {}), **(after.offered or {})}  # the date noted is kept
            outcome.replies = turn.notes + outcome.replies
        finished = state.dossier_id is not None and after.dossier_id is None and after.step is Step.MENU
        if after.step is not Step.START and not finished:  # the offer, the consent, the dossier
            after.for_whom = after.for_whom or state.for_whom  # still the same person
            said = after.said if after.said is not None else state.said  # "… sinh con trai": the same baby
            answered = {**(state.fields or {}), **(after.fields or {})}  # a step back keeps it answered
            after.said = unanswered(said, answered)
        if turn.text and state.step not in FREE_TEXT:
            midway.note_choices(self, turn, after)  # "vợ em mới sinh con trai": the baby's sex, kept
        after.calls_self = after.calls_self or state.calls_self  # the same citizen, whatever the step
        switch.carried(state, after)
        if (
            outcome.intent != "back"
            and state.step in COLLECTING - {Step.CONSENT}  # consent given is no step to go back to
            and after.step in COLLECTING
            and after.procedure == before.get("procedure")
            and position(after) != position(State.from_dict(before))
        ):
            remember(before, after)
        outcome.intent = outcome.intent or turn.intent
        self._facts(turn, outcome)
        done = outcome.state.supplement_done
        if done:
            outcome.state.supplement_done = None
            code = await ctx.supplement_received(done["dossier_id"], done["documents"])
            outcome.replies.append(Reply(self.say("notices.supplement_done", code=code or "")))
            outcome.replies.append(self.menu(outcome.state, self.say("menu_again")))
        return outcome

    def _facts(self, turn: Turn, outcome: Outcome) -> None:
        """What the turn log keeps: the NLU's confidence and entities, whether the bot had to say
        it did not understand or cannot help with that (a fallback), the photos checked."""
        if turn.parse:
            outcome.confidence = float(turn.parse["intent"]["confidence"])
            outcome.entities = [
                {"entity": e["entity"], "value": e["value"]} for e in turn.parse.get("entities", [])
            ]
        lost, away = self.say("not_understood"), self.say("elsewhere")  # not understood; out of scope
        outcome.fallback = any(r.text.startswith(lost) or r.text == away for r in outcome.replies)
        outcome.photos = list(turn.photos)

    async def _understand(self, ctx: Context, event: InboundEvent) -> Turn:
        text = (event.text or "").strip()
        parse = await self.nlu.parse(text) if text and not event.payload else None
        named = [
            e
            for e in (parse or {}).get("entities", [])
            if e["entity"] == "procedure" and e["value"] in self.catalog
        ]
        # a procedure named by its name before one tagged on the situation only: "e mở quán bún,
        # cần giấy attp thì làm sao" is about the food-safety paper, not the household business
        named.sort(key=lambda e: self.situation_only(text, e))
        procedures = [e["value"] for e in named]
        intent = Turn.understood(parse)
        if intent == "request_human" and human.about_parent(text):
            intent = None  # "có cần bố k" folds to "co can bo k", as "có cán bộ k" does: not a person
        return Turn(ctx, event, text, bare(text), intent, procedures, parse=parse)

    async def _anywhere(self, turn: Turn, state: State) -> Outcome | None:
        """What works at any step: resume after a long pause, cancel, menu, an officer, help, and
        answers from the catalog. A step waiting for free text takes words there, not intents."""
        step, intent, words = state.step, turn.intent, turn.plain
        idle = turn.ctx.idle_seconds
        if step in COLLECTING and idle is not None and idle > RESUME_AFTER_S and not turn.event.payload:
            if not human.goes_on(self, turn, state):  # a photo of the step asked: taken, the dossier said
                return human.ask_resume(self, turn, state)
        if step is Step.DOC and state.pages and has_phrase(words, ANSWERS["done_words"]):
            return None  # "xong" after the pages of a paper: the step finishes the document
        if step is Step.CONFIRM_ERASE:
            return None  # only yes or no here ("giữ lại" is no cancel, "xóa dữ liệu" is yes)
        if erase.wants_erase(turn):  # "xóa dữ liệu của tôi", at any other step
            return erase.start_erase(self, state)
        free_text = step in FREE_TEXT
        if step not in COLLECTING | QUIET and withdraw.asks_withdrawal(turn, state, CANCEL_WORDS):
            return await withdraw.start_withdrawal(self, turn, state)
        skipping = step is Step.DOC and words in SKIP_WORDS  # "bỏ qua" an optional photo
        switching = switch.offer_switch(self, turn, state)  # "à thôi, làm tạm trú" in a dossier begun
        if (
            step not in {Step.START, Step.MENU}
            and not skipping
            and (
                words in CANCEL_WORDS
                or (
                    intent == "cancel"
                    and not free_text
                    and not switching
                    and not self._answers(turn, state)
                    # "thôi để mai làm tiếp": a pause (midway keeps the dossier), not a cancel
                    and not has_phrase(words, midway.LATER_WORDS)
                    and not midway.asks_photo_count(state, words)  # "1 tấm thôi à"
                )
            )
        ):
            return await self.cancel(turn, state)
        if words in BACK_WORDS and step in COLLECTING:
            previous = step_back(state)
            if previous is not None:
                previous.held = state.held  # a photo held now stays so; one used already is not again
                return Outcome(previous, [Reply(self.say("went_back"))] + self.prompt(previous), "back")
            if step is not Step.CONSENT:  # the dossier's first step: nothing before it to redo
                return Outcome(state, [Reply(self.say("first_step"))] + self.prompt(state), "back")
        if words in MENU_WORDS:
            outcome = self.to_menu()
            outcome.intent = intent
            return outcome
        if (
            human.asks_for_person(words)
            or (intent == "request_human" and not free_text and not self._answers(turn, state))
            or (intent == "request_human" and free_text and self._asks(turn))  # "có ai trực không"
        ):  # "trọn gói" read as asking for a person is the offer's option, not an officer
            return await self.to_human(turn, state)
        if step is Step.DOC and not state.pages and self.asks_about_numbers(turn):
            # "1, 2 gì cơ?" at a photo step: the numbers of the papers' list and of "Bước 1/3"
            return Outcome(state, [Reply(self.say("papers_numbered"))] + self.prompt(state), "help")
        if state.options and step is not Step.START and self.asks_about_numbers(turn):
            shown = self.prompt(state.copy())  # "1, 2 gì cơ?" where options are numbered: told again
            if any("\n1. " in r.text for r in shown):
                full = offer.offer_in_full(self, state) if step is Step.OFFER_BUNDLE else self.prompt(state)
                one = asked_option(turn.plain, [r.text for r in shown])  # "1 j", "2 thì sao": that one
                lead = (
                    self.say("option_explained", n=one[0], option=one[1])
                    if one
                    else self.say("options_explained")
                )
                return Outcome(state, [Reply(lead)] + full, "help")
        aside = midway.midway(self, turn, state)  # thanks, "mai em gửi", "chụp thế nào", a stray photo
        if aside is not None:
            return aside
        if switching is not None:
            return switching
        if self._asks_help(turn, free_text):  # "là sao" at the card's reading: what to answer there
            key = "help_id_confirm" if step is Step.ID_CONFIRM else "help"
            return Outcome(state, [Reply(self.say(key))] + self.again(state), "help")
        faq = self._faq(turn, state)
        paper = papers.explain_paper(self, turn, state, this_one=faq is None)  # "giấy báo tử là gì"
        if paper is not None:
            return paper
        if faq is not None and (not free_text or self._asks(turn)):
            return Outcome(state, [Reply(faq), Reply(self.say("continue_prompt"))] + self.again(state), "faq")
        if free_text:
            # a question typed where a name or an address is awaited is answered, never stored
            if self._asks(turn):
                if intent in ANSWER_INTENTS | {"check_status"}:
                    return await answer(self, turn, state, keep_step=True)
                key = "sorry_at_field" if intent == "complain" else "question_at_field"
                return Outcome(state, [Reply(self.say(key))] + self.prompt(state), intent)
            return None
        if step not in {Step.START, Step.MENU} and intent in ANSWER_INTENTS | {"check_status"}:
            return await answer(self, turn, state, keep_step=True)
        if (
            step is Step.DOC
            and state.mode != "supplement"  # there, a question is for the officer who asked
            and self._asks(turn)
            and not any(w in words for w in LACK_WORDS)
        ):
            # "tạm trú là gì", "nộp online được không": said honestly, not "send a photo" as if unheard
            return Outcome(state, [Reply(self.say("question_at_photo"))] + self.prompt(state), intent)
        return None

    def _answers(self, turn: Turn, state: State) -> bool:
        """Whether a message the NLU reads as a cancel answers the step: an option picked in words
        ("chỉ khai sinh thôi": only the birth registration, at the offer), or another procedure
        asked for at the consent or the offer ("à thôi, làm tạm trú")."""
        if state.step in {Step.CONSENT, Step.OFFER_BUNDLE, Step.CONFIRM_SWITCH}:
            if changed_mind(turn, {state.procedure, state.bundle, state.single, state.switch_to}):
                return True
        if question.said_in_words(self, turn, state):  # "1 mình em thôi": alone, no cancel
            return True
        return bool(state.options) and self.choice_in_words(state, turn) is not None

    @staticmethod
    def _asks_help(turn: Turn, free_text: bool) -> bool:
        """ "?" alone, or a help word; where free text is awaited (a name, an address) only a
        message that is nothing but a help word, elsewhere one containing it or the help intent."""
        if turn.event.payload:
            return False
        if turn.text and not turn.plain and "?" in turn.text:  # only question marks and dots
            return True
        if free_text:
            return turn.plain in ANSWERS["help_words"]
        return has_phrase(turn.plain, ANSWERS["help_words"]) or turn.intent == "help"

    def _faq(self, turn: Turn, state: State) -> str | None:
        """The answer to a question citizens often ask about the procedure being filed (its
        `faq` in the catalog), when the message names one."""
        if state.procedure not in self.catalog or turn.event.payload:
            return None
        for faq in self.catalog[state.procedure].faq:
            if has_phrase(turn.plain, list(faq.words)):
                return faq.answer
        return None

    @staticmethod
    def _asks(turn: Turn) -> bool:
        """Whether a message is a question rather than an answer (a name has no question words)."""
        return asks(turn.text, turn.plain)

    # ---- what outside code may do to a conversation (stored dicts in, stored dicts out) -----
    @staticmethod
    def is_taken_over(data: dict[str, Any] | None) -> bool:
        """Whether an officer holds the thread (the bot stays quiet)."""
        return State.from_dict(data).step is Step.HUMAN

    @staticmethod
    def step_of(data: dict[str, Any] | None) -> str | None:
        """The step as stored in conversation.step."""
        return State.from_dict(data).saved_step

    @staticmethod
    def reset() -> dict[str, Any]:
        """A state that forgets the dialogue's progress: the next message starts at the menu."""
        return menu().to_dict()

    def take_over(self, data: dict[str, Any] | None) -> dict[str, Any]:
        """An officer takes the thread: the place to come back to is kept."""
        return human.take_over(self, State.from_dict(data)).to_dict()

    def hand_back(self, data: dict[str, Any] | None) -> tuple[dict[str, Any], list[Reply]]:
        """The officer hands the thread back: the bot resumes where it was."""
        state, replies = human.hand_back(self, State.from_dict(data))
        return state.to_dict(), replies

    def reopen_for_supplement(
        self, data: dict[str, Any] | None, procedure: str, dossier_id: int, keys: list[str]
    ) -> tuple[dict[str, Any], list[Reply]]:
        """An officer asked for these documents: collect exactly them, then report back."""
        new = supplement(procedure, dossier_id, keys)
        replies = enter_document(self, new)
        return new.to_dict(), replies

    def start_survey(
        self, data: dict[str, Any] | None, key: str, dossier_id: int | None, **values: Any
    ) -> tuple[dict[str, Any], list[Reply]]:
        """Ask survey `key` (flows/survey.yml) in this thread; the dialogue resumes where it was
        once the survey is answered, skipped or left."""
        state, replies = survey.start(self, State.from_dict(data), key, dossier_id, **values)
        return state.to_dict(), replies

    def survey_again(self, data: dict[str, Any] | None, dossier_id: int) -> list[Reply]:
        """The pending question of that dossier's survey again (after a notice sent meanwhile)."""
        return survey.again(self, State.from_dict(data), dossier_id)

    def text(self, key: str, **values: Any) -> str:
        """A sentence of messages.yml by dotted key (e.g. "notices.accepted")."""
        return self.texts(key, **values)
