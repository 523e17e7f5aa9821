"""The status of a citizen's dossiers: by code, or the list of their own."""

from __future__ import annotations

import re

from core.events import Reply

from ..state import State, Step, menu
from ..turn import Outcome, Turn
from .base import Dialogue, handles

CODE_RX = re.compile(r"\b([A-Za-z0-9]{2,12})\s*-\s*(\d{6})\s*-\s*(\d{4})\b")
MINE_WORDS = ("cua toi", "cua minh", "cua em")


async def status(d: Dialogue, turn: Turn, state: State, keep_step: bool, text: str | None = None) -> Outcome:
    text = turn.text if text is None else text
    back = state if keep_step else menu()
    if CODE_RX.search(text):
        return await by_code(d, turn, back)
    mine = await turn.ctx.my_dossiers()
    if not mine:
        replies = [Reply(d.say("my_dossiers_none"))]
    else:
        lines = [d.say("my_dossiers")]
        for code, procedure, status_key in mine[:10]:
            proc = d.catalog.get(procedure)
            lines.append(
                f"- {code}: {proc.short_name if proc else procedure} — {status_label(d, status_key)}"
            )
        replies = [Reply("\n".join(lines))]
    return Outcome(back, replies + (d.prompt(back) if keep_step else []), "check_status")


def status_label(d: Dialogue, key: str) -> str:
    return d.texts.get("statuses").get(key, key)


@handles(Step.ASK_CODE)
async def on_code(d: Dialogue, turn: Turn, state: State) -> Outcome:
    if not CODE_RX.search(turn.text) and turn.text and any(w in turn.plain for w in MINE_WORDS):
        return await status(d, turn, menu(), keep_step=False, text="")
    return await by_code(d, turn, state)


async def by_code(d: Dialogue, turn: Turn, state: State) -> Outcome:
    m = CODE_RX.search(turn.text)
    if not m:
        return Outcome(state, [Reply(d.say("ask_code", example=f"{turn.ctx.agency_code}-261123-0001"))])
    code = f"{m.group(1).upper()}-{m.group(2)}-{m.group(3)}"
    found = await turn.ctx.dossier_status(code)
    back = state if state.step not in {Step.START, Step.ASK_CODE} else menu()
    if not found:
        return Outcome(back, [Reply(d.say("status_unknown", code=code))], "check_status")
    procedure, status_key = found
    proc = d.catalog.get(procedure)
    msg = d.say(
        "status",
        code=code,
        procedure=proc.short_name if proc else procedure,
        status=status_label(d, status_key),
    )
    return Outcome(back, [Reply(msg)], "check_status")
