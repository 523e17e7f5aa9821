"""The procedure's yes/no questions, which decide the conditional documents."""

from __future__ import annotations

import dataclasses
import re

from core.events import Attachment, Reply

from .. import whom
from ..catalog import Question
from ..state import BACK_DEPTH, State, Step
from ..turn import Outcome, Turn
from ..validators import ANSWERS, asks, bare, has_phrase
from .base import Dialogue, handles, prompts
from .document import enter_document, take_photo


def pending_questions(d: Dialogue, state: State) -> list[str]:
    proc = d.proc(state)
    used = [doc.condition for doc in proc.documents if doc.condition]
    return [q for q in dict.fromkeys(used) if q not in (state.answers or {})]


def next_question(d: Dialogue, state: State) -> list[Reply]:
    noted = known_answers(d, state)
    if pending_questions(d, state):
        return noted + d.enter(state, Step.QUESTION)
    state.step, state.doc, state.retakes = Step.DOC, 0, 0
    return noted + enter_document(d, state)


def known_answers(d: Dialogue, state: State) -> list[Reply]:
    """The questions answered by who the dossier is for, said earlier ("cho cháu"): taken, each
    said in one line; "quay lại" goes back to the question as it would have been asked."""
    notes: list[Reply] = []
    proc = d.proc(state)
    for key in pending_questions(d, state):
        said = whom.answers(proc.key, key, state.for_whom)
        if said is None or state.for_whom is None:
            break  # asked in order: a question not known stops here
        if state.step is Step.QUESTION:
            snapshot = {k: v for k, v in state.to_dict().items() if k not in {"back", "options"}}
            state.back = ((state.back or []) + [snapshot])[-BACK_DEPTH:]
        q = proc.questions[key]
        state.answers = {**(state.answers or {}), key: said}
        notes.append(
            Reply(d.say("question_known", whom=whom.label(state.for_whom), answer=q.yes if said else q.no))
        )
    return notes


#: A digit said for its word in the question's own words ("1 mình em thôi": "một mình").
DIGIT_WORDS = {"1": "mot", "2": "hai", "3": "ba", "4": "bon", "5": "nam"}


def _said(text: str) -> str:
    """The folded message, clause by clause (" | " between), its digits read as words."""
    said = " | ".join(bare(part) for part in whom.CLAUSE_END.split(text))
    return re.sub(r"\b(\d)\b", lambda m: DIGIT_WORDS.get(m.group(1), m.group(1)), said)  # "1 mình"


def in_words(q: Question, text: str) -> bool | None:
    """The answer given in the citizen's words (`yes_words`, `no_words`), when only one side fits.
    A phrase never spans punctuation: "dạ anh, em tự làm" says no "anh em"."""
    said = _said(text)
    yes, no = has_phrase(said, list(q.yes_words)), has_phrase(said, list(q.no_words))
    return yes if yes != no else None


#: Words around an answer that change nothing ("1 mình em thôi ạ"): politeness, "thôi", clause ends.
ALONE_FILLERS = frozenset(ANSWERS["filler_words"]) | frozenset(ANSWERS["hold_fillers"]) | {"thoi", "|"}
#: A refusal or a pause ("không làm nữa", "bàn lại đã", "để sau"): with them, no answer in words.
REFUSALS = list(ANSWERS["cancel_words"]) + list(ANSWERS["refusal_words"])


def alone_in_words(q: Question, text: str) -> bool | None:
    """`in_words`, only when the phrase is the whole message but for politeness ("1 mình em thôi"),
    and the message has no cancel or refusal ("thôi hủy đi, vợ chồng em bàn lại đã")."""
    said = _said(text)
    if has_phrase(said, REFUSALS):
        return None
    tokens = said.split()
    sides = set()
    for side, phrases in ((True, q.yes_words), (False, q.no_words)):
        for parts in (p.split() for p in phrases):
            n = len(parts)
            if any(
                tokens[i : i + n] == parts and set(tokens[:i] + tokens[i + n :]) <= ALONE_FILLERS
                for i in range(len(tokens) - n + 1)
            ):
                sides.add(side)
    return sides.pop() if len(sides) == 1 else None


#: "số 2", "chọn 2": a number standing for an option in a clause.
_NUMBER_ALONE = re.compile(r"(?:(?:chon|chon so|so|em chon|toi chon) )?\d{1,2}")


def in_clauses(d: Dialogue, turn: Turn, state: State) -> str | None:
    """The option one clause of the message picks, when the whole says none ("khai thay, ông mất
    hôm kia": the first clause is the option, the second the date noted); None when no clause or
    two clauses disagreeing pick one. Only a message of several clauses is split, never one that
    asks ("chưa hiểu, 1 là sao?"); a number picks only standing alone in its clause ("mất rồi, 2
    hôm nay lo đám" picks nothing)."""
    if "?" in turn.text or asks(turn.text, turn.plain):
        return None
    parts = [p for p in whom.CLAUSE_END.split(turn.text) if p.strip()]
    if len(parts) < 2:
        return None
    picked = set()
    for part in parts:
        clause = dataclasses.replace(turn, text=part.strip(), plain=bare(part), intent=None, parse=None)
        if d.choice(state, clause) is not None:  # a number: only alone ("2 hôm nay" counts days)
            rest = " ".join(t for t in clause.plain.split() if t not in ALONE_FILLERS)
            if not _NUMBER_ALONE.fullmatch(rest):
                continue
        choice = d.choice_in_words(state, clause)
        if choice is not None:
            picked.add(choice)
    return picked.pop() if len(picked) == 1 else None


def said_in_words(d: Dialogue, turn: Turn, state: State) -> bool:
    """Whether the pending question's own words answer the message ("1 mình em thôi", which
    the NLU may read as a cancel): then it is an answer, not a cancel. Only the phrase alone, and
    never with a cancel or a refusal ("thôi không làm nữa, để cả nhà bàn đã" is a cancel)."""
    pending = pending_questions(d, state) if state.step is Step.QUESTION else []
    return bool(pending) and alone_in_words(d.proc(state).questions[pending[0]], turn.text) is not None


@prompts(Step.QUESTION)
def ask_question(d: Dialogue, state: State) -> list[Reply]:
    q = d.proc(state).questions[pending_questions(d, state)[0]]
    return [d.numbered(state, d.say("ask_question", ask=q.ask), [(q.yes, "yes"), (q.no, "no")])]


@handles(Step.QUESTION)
async def on_question(d: Dialogue, turn: Turn, state: State) -> Outcome:
    choice = d.choice_in_words(state, turn)
    proc, key = d.proc(state), pending_questions(d, state)[0]
    said = whom.answers(proc.key, key, whom.said_for(turn.plain))
    if choice is None and said is None:  # "tôi là con", "con trai ạ": the citizen's own relation
        said = whom.self_answers(proc.key, key, turn.plain)
    if choice is None and said is None:  # "giấy của bác": the citizen's own paper
        said = whom.own_answer(proc.key, key, turn.plain, state.calls_self)
    if choice is None and said is None:  # "vợ chồng anh cùng làm": the question's own words
        said = in_words(proc.questions[key], turn.text)
    if choice is None and said is None:  # "khai thay, ông mất hôm kia": one clause answers
        choice = in_clauses(d, turn, state)
    if choice is None and said is not None:  # "tôi làm cho cháu" as the answer
        choice = "yes" if said else "no"
    if choice is None:  # "có" to "khai thay: chọn 1; bố mẹ: chọn 2" says neither: ask, saying so
        return Outcome(state, [Reply(d.say("question_unclear"))] + ask_question(d, state))
    assert state.answers is not None
    state.answers[key] = choice == "yes"
    state.self_is = whom.self_relation(turn.plain) or state.self_is  # "tôi là con": the relation field
    replies = next_question(d, state)
    held = state.held if state.step is not Step.QUESTION else None  # kept until the questions end
    state.held = None if held is not None else state.held  # the photo sent at a question: used once
    if held is not None and state.step is Step.REUSE:  # a new card photo came: none is offered for reuse
        state.declined_reuse = (state.declined_reuse or []) + [d.current_doc(state).key]
        state.reusable, state.reuse_choices = None, None
        replies = replies[:-1] + d.enter(state, Step.DOC)  # the reuse question (one reply) is not asked
    if held is not None and state.step is Step.DOC:
        replies += [Reply(d.say("photo_held_used"))] + await take_photo(d, turn, state, Attachment(**held))
    elif held is not None:  # no paper to photograph: the citizen is told the photo is not used
        replies = [Reply(d.say("photo_held_unused"))] + replies
    return Outcome(state, replies)
