"""A satisfaction survey in the citizen's own thread (flows/survey.yml): a 1–5 question answered
by button, number or words, a follow-up for a low score, an optional comment. The survey pauses
where the citizen was; a message that answers none of it leaves the survey quietly and is
handled there, as if the survey had not been asked."""

from __future__ import annotations

import re
from typing import Any

from core.events import QuickReply, Reply

from ..state import State, Step, menu
from ..survey import Question, Survey, load_surveys
from ..turn import Outcome, Turn
from ..validators import bare
from .base import SKIP_WORDS, Dialogue, handles, prompts

PAYLOAD = "survey:"


def start(
    d: Dialogue, state: State, key: str, dossier_id: int | None, **values: Any
) -> tuple[State, list[Reply]]:
    """Pause `state` and ask the first question of survey `key`."""
    survey = load_surveys().surveys[key]
    new = (
        d.pause(state, Step.SURVEY)
        if state.step is not Step.SURVEY
        else State(step=Step.SURVEY, paused=(state.paused or menu()).without_options())
    )
    new.survey = {"key": key, "dossier_id": dossier_id, "q": 0}
    first = ask(d, new)
    if survey.intro:  # one message: the intro, then the question with its buttons
        first[0] = Reply(survey.intro.format(**values) + "\n" + first[0].text, first[0].quick_replies)
    return new, first


def again(d: Dialogue, state: State, dossier_id: int) -> list[Reply]:
    """The pending question of dossier `dossier_id`'s survey, asked again (with its buttons) after
    a notice that came in between; nothing when the thread is not in that survey."""
    if state.step is not Step.SURVEY or (state.survey or {}).get("dossier_id") != dossier_id:
        return []
    return ask(d, state)


def _survey(state: State) -> tuple[Survey, Question]:
    info = state.survey or {}
    survey = load_surveys().surveys[info["key"]]
    return survey, survey.questions[info.get("q", 0)]


@prompts(Step.SURVEY)
def ask(d: Dialogue, state: State) -> list[Reply]:
    _survey_def, question = _survey(state)
    state.options = None
    if question.kind == "text":
        return [Reply(question.ask, (QuickReply(d.say("skip_button"), PAYLOAD + "skip"),))]
    if question.kind == "scale":
        lines = [question.ask] + [f"{o.key}. {o.title}" for o in question.options]
        buttons = tuple(QuickReply(f"{o.key}. {o.title}", PAYLOAD + o.key) for o in question.options)
        return [Reply("\n".join(lines), buttons)]
    lines = [question.ask] + [f"{i}. {o.title}" for i, o in enumerate(question.options, 1)]
    buttons = tuple(QuickReply(f"{i}. {o.title}", PAYLOAD + o.key) for i, o in enumerate(question.options, 1))
    return [Reply("\n".join(lines), buttons)]


def _answer(question: Question, turn: Turn) -> str | None:
    """The option key this message picks, "skip", or None (not an answer)."""
    payload = turn.event.payload or ""
    if payload.startswith(PAYLOAD):
        return payload[len(PAYLOAD) :]
    said = turn.plain
    if said in SKIP_WORDS:
        return "skip"
    m = re.fullmatch(r"(?:so\s*)?(\d)\s*(?:sao|diem)?[.)]?", said)
    if m:
        n = int(m.group(1))
        if question.kind == "scale" and 1 <= n <= 5:
            return str(n)
        if question.kind == "choice" and 1 <= n <= len(question.options):
            return question.options[n - 1].key
        return None
    titles = [o for o in question.options if bare(o.title) == said]
    return titles[0].key if len(titles) == 1 else None


@handles(Step.SURVEY)
async def on_survey(d: Dialogue, turn: Turn, state: State) -> Outcome:
    return await take(d, turn, state) or await d.dispatch(turn, restored(state))


async def take(d: Dialogue, turn: Turn, state: State) -> Outcome | None:
    """The survey's answer to this message; None when it answers none of it (the engine then
    handles it where the citizen was: `restored`)."""
    survey, question = _survey(state)
    info = dict(state.survey or {})
    picked = _answer(question, turn)
    if question.kind == "text" and picked is None and turn.text and not turn.event.attachments:
        await turn.ctx.record_survey(
            info.get("dossier_id"), info["key"], question.key, None, None, turn.text[:2000]
        )
        return _next(d, state, survey, info)
    if picked == "skip":
        return _finish(d, state, survey, thanks=bool(info.get("answered")))
    if picked is None or (question.kind != "text" and picked not in {o.key for o in question.options}):
        return None  # not an answer: handled where the citizen was
    score = int(picked) if question.kind == "scale" else None
    await turn.ctx.record_survey(info.get("dossier_id"), info["key"], question.key, picked, score)
    if score is not None:
        info["score"] = score
    return _next(d, state, survey, info)


def _next(d: Dialogue, state: State, survey: Survey, info: dict[str, Any]) -> Outcome:
    info["answered"] = True
    q = info.get("q", 0) + 1
    score = info.get("score")
    while q < len(survey.questions):
        limit = survey.questions[q].when_score_at_most
        if limit is None or (score is not None and score <= limit):
            break
        q += 1
    if q >= len(survey.questions):
        return _finish(d, state, survey, thanks=True)
    state.survey = {**info, "q": q}
    return Outcome(state, ask(d, state))


def restored(state: State) -> State:
    """Where the citizen was before the survey (a new conversation: the menu)."""
    back = (state.paused or menu()).copy()
    return menu() if back.step is Step.START else back


def _finish(d: Dialogue, state: State, survey: Survey, *, thanks: bool) -> Outcome:
    back = restored(state)
    replies = [Reply(survey.thanks)] if thanks else []
    if back.step in (Step.START, Step.MENU):
        back = menu()
        replies.append(d.menu(back, d.say("menu_again")))
    elif back.step is not Step.HUMAN:  # an officer's thread: the officer goes on, not the bot
        replies += [Reply(d.say("continue_prompt"))] + d.prompt(back)
    return Outcome(back, replies)
