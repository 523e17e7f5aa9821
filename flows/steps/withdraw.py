"""Withdrawing a filed dossier (the consent text's promise: "nhắn 'hủy'"): after filing, "hủy",
"rút hồ sơ", "hủy hồ sơ DEMO-…" or "rút lại đồng ý" ask which dossier and confirm first; a dossier
the office has not yet accepted is withdrawn (the officer sees it refused at the citizen's
request), one already accepted or decided is explained and an officer is offered."""

from __future__ import annotations

from core.events import Reply

from ..state import State, Step, menu
from ..turn import Outcome, Turn
from ..validators import ANSWERS, has_phrase
from .base import NO_WORDS, YES_WORDS, Dialogue, handles, prompts
from .status import CODE_RX

WITHDRAW_WORDS = ANSWERS["withdraw_words"]
CONSENT_WORDS = ANSWERS["withdraw_consent_words"]
#: statuses a citizen may withdraw from (before the office accepts it; services.actions decides)
WITHDRAWABLE = ("submitted", "in_review", "needs_supplement")


def asks_withdrawal(turn: Turn, state: State, cancel_words: set[str]) -> bool:
    """A withdrawal request: its words anywhere outside a dossier being collected, or a plain
    cancel word just after filing (the consent text told the citizen to send "hủy")."""
    if turn.event.payload:
        return False
    words = turn.plain
    if has_phrase(words, WITHDRAW_WORDS) or has_phrase(words, CONSENT_WORDS):
        return True
    cancel_with_code = bool(CODE_RX.search(turn.text)) and any(
        words.startswith(w + " ") for w in cancel_words
    )
    just_filed = state.step in {Step.START, Step.MENU} and bool(state.last_code)
    return cancel_with_code or (words in cancel_words and just_filed)


async def start_withdrawal(d: Dialogue, turn: Turn, state: State) -> Outcome:
    m = CODE_RX.search(turn.text)
    code = f"{m.group(1).upper()}-{m.group(2)}-{m.group(3)}" if m else None
    mine = await turn.ctx.my_dossiers()
    open_ones = [(c, p, s) for c, p, s in mine if s in WITHDRAWABLE]
    consent = has_phrase(turn.plain, CONSENT_WORDS)
    if code is None:
        if state.last_code and any(c == state.last_code for c, _p, _s in open_ones):
            code = state.last_code
        elif len(open_ones) == 1:
            code = open_ones[0][0]
        elif open_ones:
            return _pick(d, state, open_ones, consent)
        else:
            key = "withdraw_none_consent" if consent else "withdraw_none"
            return Outcome(menu(), [Reply(d.say(key)), d.menu(menu(), d.say("menu_again"))], "withdraw")
    found = next(((c, p, s) for c, p, s in mine if c == code), None)
    if found is None:
        return Outcome(state, [Reply(d.say("status_unknown", code=code))], "withdraw")
    _code, procedure, status = found
    name = d.catalog[procedure].short_name if procedure in d.catalog else procedure
    if status not in WITHDRAWABLE:
        label = d.texts.get("statuses").get(status, status)
        return Outcome(menu(), [Reply(d.say("withdraw_too_late", code=code, status=label))], "withdraw")
    new = State(step=Step.WITHDRAW, asked=code, last_code=state.last_code)
    lead = d.say("withdraw_confirm_consent" if consent else "withdraw_confirm", code=code, procedure=name)
    return Outcome(new, [_confirm(d, new, lead)], "withdraw")


def _pick(d: Dialogue, state: State, open_ones: list[tuple[str, str, str]], consent: bool) -> Outcome:
    new = State(step=Step.WITHDRAW, last_code=state.last_code)
    items = []
    for code, procedure, _s in open_ones[:8]:
        name = d.catalog[procedure].short_name if procedure in d.catalog else procedure
        items.append((f"{code} ({name})", f"code:{code}"))
    lead = d.say("withdraw_which_consent" if consent else "withdraw_which")
    return Outcome(new, [d.numbered(new, lead, items)], "withdraw")


def _confirm(d: Dialogue, state: State, lead: str) -> Reply:
    return d.numbered(state, lead, [(d.say("withdraw_yes"), "withdraw"), (d.say("withdraw_no"), "keep")])


@prompts(Step.WITHDRAW)
def ask_withdraw(d: Dialogue, state: State) -> list[Reply]:
    return [_confirm(d, state, d.say("withdraw_confirm_again", code=state.asked or ""))]


@handles(Step.WITHDRAW)
async def on_withdraw(d: Dialogue, turn: Turn, state: State) -> Outcome:
    choice = d.choice(state, turn)
    if choice and choice.startswith("code:"):  # which dossier, when there were several
        picked = Turn(turn.ctx, turn.event, choice[5:], turn.plain, turn.intent, [])
        return await start_withdrawal(d, picked, state)
    if choice is None and (turn.intent == "affirm" or turn.plain in YES_WORDS):
        choice = "withdraw" if state.asked else None
    if choice is None and (turn.intent == "deny" or turn.plain in NO_WORDS):
        choice = "keep"
    if choice == "keep":
        return d.to_menu(replies=[Reply(d.say("withdraw_kept"))])
    if choice == "withdraw" and state.asked:
        done = await turn.ctx.withdraw_dossier(state.asked)
        key = "withdraw_done" if done else "withdraw_failed"
        outcome = d.to_menu(replies=[Reply(d.say(key, code=state.asked))])
        outcome.intent = "withdraw"
        return outcome
    if state.asked:
        return Outcome(state, ask_withdraw(d, state))
    again = Turn(turn.ctx, turn.event, "", "", None, [])  # which dossier: show the list again
    return await start_withdrawal(d, again, state)
