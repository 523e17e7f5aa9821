"""A question about one of the procedure's papers ("giấy báo tử là gì", "gks là giấy gì", "tờ khai
lấy ở đâu"): what it is, who issues it and where to get it, from the paper's `about` in the
catalog; then the step the citizen was at is asked again. A question that names no paper of the
procedure is about the paper the step asks for, when a paper is asked for."""

from __future__ import annotations

from core.events import Reply

from ..catalog import Document
from ..state import FREE_TEXT, State, Step
from ..turn import Outcome, Turn
from ..validators import ANSWERS, bare, has_phrase
from .base import Dialogue

PAPER_QUESTION_WORDS = list(ANSWERS["paper_question_words"])
#: Steps where the papers are on the citizen's mind: the offer to file after the list of papers
#: ("đơn đề nghị lấy ở đâu"), the consent (the list was just shown), the yes/no questions, the
#: photos, and the fields (there only when a paper is named).
PAPER_STEPS = frozenset(
    {Step.ANSWER_OFFER, Step.CONSENT, Step.QUESTION, Step.DOC, Step.DOC_WRONG, Step.REUSE, Step.FIELD}
)
#: Steps that ask for one paper (a question naming none is about it).
ONE_PAPER = frozenset({Step.DOC, Step.DOC_WRONG, Step.REUSE})
#: A question about "this paper" names no other thing: at most this many words.
SHORT = 6


def explain_paper(d: Dialogue, turn: Turn, state: State, this_one: bool = True) -> Outcome | None:
    """The paper's description and the step again, when the message asks about a paper
    (`this_one`: a question naming no paper may be about the paper the step asks for)."""
    if state.step not in PAPER_STEPS or state.procedure not in d.catalog or turn.event.payload:
        return None
    if not has_phrase(turn.plain, PAPER_QUESTION_WORDS):
        return None
    paper = named_paper(d, state, turn.plain)
    if paper is None and this_one and state.step in ONE_PAPER and _about_this_one(d, turn):
        paper = d.document(d.proc(state), _current_key(d, state))
    if paper is None:
        return None
    text = paper.about or (d.say("about_id_card") if paper.photo == "id_card" else paper.ask)
    named = bare(text).split()[:2] == bare(paper.name).split()[:2]  # "Giấy báo tử là …"
    lead = text if named else f"{paper.name}: {text}"
    follow = d.prompt(state) if state.step in FREE_TEXT else d.again(state)  # a field's question: short
    return Outcome(state, [Reply(lead), Reply(d.say("continue_prompt"))] + follow, "ask_paper")


def named_paper(d: Dialogue, state: State, said: str) -> Document | None:
    """The paper of the procedure (or an accepted alternative) the message names, by the words
    citizens call it ("gbt", "sổ đỏ") or its name without the brackets; the longest name wins,
    the paper the step asks for first among equals."""
    proc = d.proc(state)
    current = _current_key(d, state) if state.step in ONE_PAPER else None
    best: tuple[int, bool, Document] | None = None
    for doc in proc.documents:
        for paper in (doc, *doc.alternatives):
            names = [*paper.words, bare(paper.name.split("(")[0].split("—")[0])]
            hits = [len(n) for n in names if n and has_phrase(said, [n])]
            if hits:
                score = (max(hits), paper.key == current or doc.key == current, d.document(proc, paper.key))
                if best is None or score[:2] > best[:2]:
                    best = score
    return best[2] if best else None


def other_paper_lacked(d: Dialogue, state: State, said: str) -> tuple[str, bool] | None:
    """What to say when a lack names another paper than the one the step asks for: one asked at a
    later step ("em chưa có hợp đồng" at the card's step: asked there), or, at a card's step, a
    paper the procedure does not list ("chưa có giấy xác nhận tình trạng hôn nhân": not to send);
    and whether the step's own paper is lacked too ("chưa có căn cước với hợp đồng": the card is
    handled as lacked, the line said before). None when the lack is of this step's paper alone."""
    plan, current = d.plan(state), d.current_doc(state)
    document = d.paper_name(state, current)
    paper = named_paper(d, state, said)
    later = [p for doc in plan[(state.doc or 0) + 1 :] for p in (doc, *doc.alternatives)]
    if paper is not None and paper.key in {p.key for p in later}:
        name = paper.name[:1].lower() + paper.name[1:]
        if _names_current(d, state, said):
            return d.say("later_paper_too", paper=name), True
        return d.say("later_paper", paper=name, document=document), False
    if paper is None and current.photo == "id_card" and _names_a_paper(d, said):
        return d.say("unlisted_paper", document=document, procedure=d.proc(state).short_name), False
    return None


def _names_current(d: Dialogue, state: State, said: str) -> bool:
    """Whether a message names the paper the step asks for (a card by any of answers.yml
    card_words)."""
    doc = d.current_doc(state)
    names = [
        n for p in (doc, *doc.alternatives) for n in (*p.words, bare(p.name.split("(")[0].split("—")[0]))
    ]
    words = list(ANSWERS["card_words"]) if doc.photo == "id_card" else []
    return has_phrase(said, [n for n in names + words if n])


def _names_a_paper(d: Dialogue, said: str) -> bool:
    """ "giấy xác nhận tình trạng hôn nhân", "giấy khai sinh": a paper named, of some procedure
    of the catalog (a name or a word of it opening with "giấy") or of answers.yml other_papers,
    and no card's words (answers.yml card_words; "giấy tờ tùy thân" is the card). "chưa có giấy
    đâu", "mất hết giấy má", "mới có giấy hẹn" name none: the card is what is lacked."""
    if has_phrase(said, ANSWERS["card_words"]) or "giay" not in said.split():
        return False
    return has_phrase(said, _known_papers(d))


def _known_papers(d: Dialogue) -> list[str]:
    """The papers' names a citizen may say: those of every procedure opening with "giấy" (not a
    mere "giấy gốc": answers.yml paper_generic), and answers.yml other_papers."""
    generic = set(ANSWERS["paper_generic"])
    names = {
        n
        for proc in d.catalog.values()
        for doc in proc.documents
        for p in (doc, *doc.alternatives)
        for n in (*p.words, bare(p.name.split("(")[0].split("—")[0]))
        if n.split()[:1] == ["giay"] and n not in generic
    }
    return sorted(names | {bare(str(n)) for n in ANSWERS["other_papers"]})


def _current_key(d: Dialogue, state: State) -> str:
    """The paper the step asks for: the alternative once the citizen said they lack the paper."""
    doc = d.current_doc(state)
    return (state.alt or {}).get(doc.key) or doc.key


def _about_this_one(d: Dialogue, turn: Turn) -> bool:
    """A short question that names nothing else ("gks là giấy gì", "giấy này lấy ở đâu"), not
    a procedure either ("tạm trú là gì" is about the procedure, answered with its papers)."""
    if len(turn.plain.split()) > SHORT or turn.procedures:
        return False
    if has_phrase(turn.plain, ANSWERS["paper_list_words"]):  # "cần giấy gì nữa": the list
        return False
    names = [bare(p.short_name) for p in d.catalog.values()] + [
        p.key.replace("_", " ") for p in d.catalog.values()
    ]
    return not has_phrase(turn.plain, names)
