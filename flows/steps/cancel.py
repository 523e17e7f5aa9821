"""Cancelling a dossier already begun asks first: drop it, or carry on where it was."""

from __future__ import annotations

from core.events import Reply

from ..state import State, Step, menu
from ..turn import Outcome, Turn
from .base import Dialogue, handles, prompts


@prompts(Step.CONFIRM_CANCEL)
def ask_confirm(d: Dialogue, state: State) -> list[Reply]:
    paused = state.paused or menu()
    lead = d.say("cancel_confirm", procedure=d.proc(paused).short_name if paused.procedure else "")
    return [d.confirm_cancel_reply(state, lead)]


@handles(Step.CONFIRM_CANCEL)
async def on_confirm_cancel(d: Dialogue, turn: Turn, state: State) -> Outcome:
    choice = d.yes_no(state, turn, yes="cancel", no="continue")
    if choice == "cancel":
        return await d.cancel(turn, state)
    if choice == "continue":
        restored = (state.paused or menu()).copy()
        return Outcome(restored, [Reply(d.say("continue_prompt"))] + d.prompt(restored))
    return Outcome(state, ask_confirm(d, state))
