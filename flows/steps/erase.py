"""The citizen's request to delete their personal data: asked once more, then done (dossiers'
fields and photos, the conversation's texts), with an audit event; "no" goes back to where the
conversation was."""

from __future__ import annotations

from core.events import Reply

from ..state import State, Step, menu
from ..turn import Outcome, Turn
from ..validators import ANSWERS, has_phrase
from .base import Dialogue, handles, prompts


def wants_erase(turn: Turn) -> bool:
    return not turn.event.payload and has_phrase(turn.plain, ANSWERS["erase_words"])


def start_erase(d: Dialogue, state: State) -> Outcome:
    base = state.paused if state.step is Step.CONFIRM_ERASE and state.paused else state
    new = d.pause(base, Step.CONFIRM_ERASE)
    return Outcome(new, ask_erase(d, new), "erase_data")


@prompts(Step.CONFIRM_ERASE)
def ask_erase(d: Dialogue, state: State) -> list[Reply]:
    return [
        d.numbered(
            state, d.say("erase_confirm"), [(d.say("erase_yes"), "erase"), (d.say("erase_no"), "keep")]
        )
    ]


@handles(Step.CONFIRM_ERASE)
async def on_confirm_erase(d: Dialogue, turn: Turn, state: State) -> Outcome:
    choice = d.yes_no(state, turn, yes="erase", no="keep", in_words=True)
    if choice == "erase":
        count = await turn.ctx.erase_my_data()
        outcome = d.to_menu(replies=[Reply(d.say("erase_done", count=count))])
        outcome.intent = "erase_data"
        return outcome
    if choice == "keep":
        restored = (state.paused or menu()).copy()
        return Outcome(restored, [Reply(d.say("erase_kept"))] + d.prompt(restored), "deny")
    return Outcome(state, ask_erase(d, state))
