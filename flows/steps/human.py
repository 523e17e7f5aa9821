"""An officer holds the thread: the bot stays quiet until it is handed back. The same pause
(`Dialogue.pause`) keeps the place of a citizen back after a long absence (resume)."""

from __future__ import annotations

import re

from core.events import Reply

from ..state import State, Step, menu
from ..turn import Outcome, Turn
from ..validators import ANSWERS, has_phrase, phrase_set
from .base import Dialogue, handles
from .consent import start_procedure


def _no_variants(phrases: list[str]) -> list[str]:
    """Each phrase, and those ending in "khong" also with the ways citizens write it ("ko", "k")."""
    return phrases + [
        f"{p[: -len('khong')]}{no}" for p in phrases if p.endswith(" khong") for no in ANSWERS["no_variants"]
    ]


#: Asking for a person in a phrase of a message ("admin có đó không", "gặp nhân viên").
HUMAN_PHRASES = _no_variants(list(ANSWERS["human_words"]))
#: ... or in a short one, the whole message but a call before and particles after ("co ai o do ko").
HUMAN_ALONE = _no_variants(list(ANSWERS["human_alone"]))
#: Said back after a pause: the dossier begun is meant ("hôm qua em làm dở", "làm tiếp").
RESUME_WORDS = list(ANSWERS["resume_words"])
_ALONE = phrase_set(tuple(HUMAN_ALONE))
_BEFORE, _AFTER = set(ANSWERS["human_before"]), set(ANSWERS["human_after"])
_PARENT = re.compile(r"\b(?:" + "|".join(map(re.escape, ANSWERS["parent_words"])) + r")\b")


def asks_for_person(words: str) -> bool:
    """Whether a message (`bare`) asks for an officer, by its words alone."""
    if words == "can bo" or has_phrase(words, HUMAN_PHRASES):
        return True
    # or the whole message is one of HUMAN_ALONE between calls before it and particles after it:
    # the phrase starts at or before the first word that is no call, ends at or after the last
    # word that is no particle
    tokens = words.split()
    alone, longest = _ALONE
    first = next((i for i, t in enumerate(tokens) if t not in _BEFORE), len(tokens))
    last = next((i + 1 for i in range(len(tokens) - 1, -1, -1) if tokens[i] not in _AFTER), 0)
    for start in range(first + 1):
        for end in range(max(start + 1, last), min(start + longest, len(tokens)) + 1):
            if " ".join(tokens[start:end]) in alone:
                return True
    return False


def about_parent(text: str) -> bool:
    """Whether a message, with its diacritics, names a parent: "có cần bố k" is no request for a
    "cán bộ" whatever the NLU reads in its folded words."""
    return _PARENT.search(text.lower()) is not None


@handles(Step.HUMAN)
async def on_human(d: Dialogue, turn: Turn, state: State) -> Outcome:
    return Outcome(state)  # logged by the worker, answered by the officer


def take_over(d: Dialogue, state: State) -> State:
    return state if state.step is Step.HUMAN else d.pause(state, Step.HUMAN)


def hand_back(d: Dialogue, state: State) -> tuple[State, list[Reply]]:
    """The bot resumes where it was and asks again what it was waiting for."""
    resumed = state.paused.copy() if state.paused else menu()
    return resumed, [Reply(d.say("bot_back"))] + d.prompt(resumed)


def goes_on(d: Dialogue, turn: Turn, state: State) -> bool:
    """Back after a long pause with the photo the step asks for: taken, nothing asked first, but
    the dossier it goes into said (the citizen may have come for something else)."""
    if not (turn.event.attachments and state.step in {Step.DOC, Step.REUSE}):
        return False
    turn.notes.append(Reply(d.say("resume_photo", procedure=d.proc(state).short_name)))
    return True


def ask_resume(d: Dialogue, turn: Turn, state: State) -> Outcome:
    """A citizen back after a long pause, in the middle of a dossier: continue or restart? Not
    asked when the message says which ("hôm qua em làm dở", "làm tiếp")."""
    if says_resume(turn, state):
        lead = d.say("resume_going_on", procedure=d.proc(state).short_name)
        return Outcome(state, [Reply(lead)] + d.prompt(state), turn.intent)
    new = d.pause(state, Step.RESUME)
    lead = d.say("resume", procedure=d.proc(state).short_name)
    return Outcome(new, [_resume_choice(d, new, lead)], turn.intent)


def says_resume(turn: Turn, state: State) -> bool:
    """ "hôm qua em làm dở", "e muốn làm tiếp": the dossier begun, to go on with (not a new
    procedure named, nor "làm lại")."""
    return (
        has_phrase(turn.plain, RESUME_WORDS)
        and not has_phrase(turn.plain, ["lam lai", "lam moi", "tu dau"])
        and not (turn.procedures and state.procedure not in turn.procedures)
    )


def _resume_choice(d: Dialogue, state: State, lead: str) -> Reply:
    return d.numbered(
        state, lead, [(d.say("resume_continue"), "continue"), (d.say("resume_restart"), "restart")]
    )


@handles(Step.RESUME)
async def on_resume(d: Dialogue, turn: Turn, state: State) -> Outcome:
    paused = state.paused or menu()
    choice = d.choice(state, turn)
    if choice is None and (turn.intent == "affirm" or says_resume(turn, paused)):
        choice = "continue"
    if choice == "restart" and paused.mode == "supplement":
        choice = "continue"  # a supplement is for a filed dossier: there is nothing to restart
    if choice == "continue":
        restored = paused.copy()
        return Outcome(restored, [Reply(d.say("continue_prompt"))] + d.prompt(restored))
    if choice == "restart" and paused.procedure:
        if paused.dossier_id:
            await turn.ctx.audit("restarted", {"step": paused.saved_step}, paused.dossier_id)
        return start_procedure(d, paused.procedure)
    return Outcome(state, [_resume_choice(d, state, d.say("not_understood"))])
