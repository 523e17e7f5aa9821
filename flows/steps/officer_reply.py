"""A citizen's words after an officer wrote in their thread (a question, a supplement notice):
they answer that officer, so the bot says it passed them on instead of showing its menu (the
officer finds them in the inbox, reason "answered"). A clear new request (another procedure, a
status check, cancel, an officer, help, thanks) and a question the catalog answers are still the
bot's; so are buttons, numbers picking an option and the words of a life event."""

from __future__ import annotations

from core.events import Reply

from ..state import State
from ..turn import Outcome, Turn
from ..validators import asks
from .base import ANSWER_INTENTS, Dialogue

#: Intents that say the message is a new request to the bot, not an answer to the officer.
NEW_REQUEST = frozenset(
    {"start_procedure", "check_status", "cancel", "request_human", "help", "thank", "goodbye"}
)


def for_the_bot(d: Dialogue, turn: Turn) -> bool:
    """Whether the message is meant for the bot whatever an officer asked."""
    if turn.event.payload or turn.event.attachments or not turn.plain:
        return True
    if turn.intent in NEW_REQUEST:
        return True
    if turn.intent in ANSWER_INTENTS and asks(turn.text, turn.plain):
        return True  # "lệ phí bao nhiêu?": the catalog answers it at once
    return d.life_event_for(turn.text) is not None


async def to_officer(d: Dialogue, turn: Turn, state: State) -> Outcome | None:
    """At the menu: the acknowledgement of words meant for the officer, or None."""
    if for_the_bot(d, turn):
        return None
    waiting = await turn.ctx.officer_waiting()
    if waiting is None:
        return None
    reply = Reply(d.say("to_officer", code=waiting["code"]))
    return Outcome(state, [reply], "to_officer", dossier_id=waiting["dossier_id"])


def at_photo(d: Dialogue, turn: Turn, state: State, document: str) -> Outcome | None:
    """While collecting the papers an officer asked for: words (not a photo, not "I don't have
    it") go to that officer; the step still waits for the photo."""
    if state.mode != "supplement" or for_the_bot(d, turn):
        return None
    return Outcome(state, [Reply(d.say("to_officer_at_photo", document=document))], "to_officer")
