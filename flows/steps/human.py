"""An officer holds the thread: the bot stays quiet until it is handed back. The same pause
(`Dialogue.pause`) keeps the place of a citizen back after a long absence (resume)."""

from __future__ import annotations

from core.events import Reply

from ..state import State, Step, menu
from ..turn import Outcome, Turn
from .base import Dialogue, handles
from .consent import start_procedure


@handles(Step.HUMAN)
async def on_human(d: Dialogue, turn: Turn, state: State) -> Outcome:
    return Outcome(state)  # logged by the worker, answered by the officer


def take_over(d: Dialogue, state: State) -> State:
    return state if state.step is Step.HUMAN else d.pause(state, Step.HUMAN)


def hand_back(d: Dialogue, state: State) -> tuple[State, list[Reply]]:
    """The bot resumes where it was and asks again what it was waiting for."""
    resumed = state.paused.copy() if state.paused else menu()
    return resumed, [Reply(d.say("bot_back"))] + d.prompt(resumed)


def ask_resume(d: Dialogue, turn: Turn, state: State) -> Outcome:
    """A citizen back after a long pause, in the middle of a dossier: continue or restart?"""
    new = d.pause(state, Step.RESUME)
    lead = d.say("resume", procedure=d.proc(state).short_name)
    return Outcome(new, [_resume_choice(d, new, lead)], turn.intent)


def _resume_choice(d: Dialogue, state: State, lead: str) -> Reply:
    return d.numbered(
        state, lead, [(d.say("resume_continue"), "continue"), (d.say("resume_restart"), "restart")]
    )


@handles(Step.RESUME)
async def on_resume(d: Dialogue, turn: Turn, state: State) -> Outcome:
    paused = state.paused or menu()
    choice = d.choice(state, turn)
    if choice is None and turn.intent == "affirm":
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
