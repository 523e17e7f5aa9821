"""Photos of the documents, one by one: checked, retaken (at most MAX_RETAKES times), accepted;
an alternative offered when the citizen lacks one."""

from __future__ import annotations

from typing import Any

from core.events import Attachment, QuickReply, Reply

from ..catalog import Document
from ..state import State, Step
from ..turn import Outcome, Turn
from .base import LACK_WORDS, SKIP_WORDS, Dialogue, handles, mask, prompts

MAX_RETAKES = 2  # after this many failed retakes a photo is accepted with a warning flag
ID_CARD_TYPES = {"cccd_front", "cccd_back", "cancuoc_front", "cancuoc_back", "cmnd_front"}


def enter_document(d: Dialogue, state: State) -> list[Reply]:
    """Ask for the current document, or move on when all are collected."""
    if (state.doc or 0) >= len(d.plan(state)):
        return next_after_documents(d, state)
    doc = d.current_doc(state)
    if doc.photo == "id_card" and state.reusable and doc.key not in (state.declined_reuse or []):
        prev = state.reusable
        state.step = Step.REUSE
        lead = d.say(
            "reuse_id",
            name=prev.get("full_name", "?"),
            masked=mask(prev.get("id_number", "")),
            document=doc.name,
        )
        return [d.numbered(state, lead, [(d.say("reuse_yes"), "reuse"), (d.say("reuse_no"), "new")])]
    return d.enter(state, Step.DOC)


def next_after_documents(d: Dialogue, state: State) -> list[Reply]:
    if state.mode == "supplement":
        done = {"dossier_id": state.dossier_id, "documents": list(state.documents or [])}
        state.clear(Step.MENU)
        state.supplement_done = done  # reported by the engine: it needs the context
        return []
    proc = d.proc(state)
    if proc.fields and (state.field or 0) < len(proc.fields):
        state.field = state.field or 0
        return d.enter(state, Step.FIELD)
    return d.enter(state, Step.SUMMARY)


@prompts(Step.DOC)
def ask_document(d: Dialogue, state: State) -> list[Reply]:
    plan = d.plan(state)
    doc = plan[state.doc or 0]
    alt_key = (state.alt or {}).get(doc.key)
    ask = next((a.ask for a in doc.alternatives if a.key == alt_key), doc.ask) if alt_key else doc.ask
    text = d.say("ask_document", n=(state.doc or 0) + 1, total=len(plan), ask=ask)
    if not doc.required:  # an optional photo can be skipped with a tap (or "bỏ qua")
        return [Reply(text, (QuickReply(d.say("skip_button"), "skip"),))]
    return [Reply(text)]


@handles(Step.DOC)
async def on_document(d: Dialogue, turn: Turn, state: State) -> Outcome:
    doc = d.current_doc(state)
    if not turn.event.attachments:
        skip = turn.event.payload == "skip" or turn.plain in SKIP_WORDS
        if skip or turn.intent == "lack_document" or any(w in turn.plain for w in LACK_WORDS):
            return lack(d, state, doc)
        return Outcome(state, [Reply(d.say("need_photo", document=doc.name))])
    replies: list[Reply] = []
    for att in turn.event.attachments:
        if state.step is not Step.DOC:
            break  # more photos than asked for now: keep them out of the dossier
        replies.extend(await take_photo(d, turn, state, att))
    return Outcome(state, replies)


def lack(d: Dialogue, state: State, doc: Document) -> Outcome:
    alts = state.alt if state.alt is not None else {}
    current_alt = alts.get(doc.key)
    remaining = [a for a in doc.alternatives if a.key != current_alt]
    if remaining and not current_alt:
        alt = remaining[0]
        alts[doc.key] = alt.key
        state.alt = alts
        msg = d.say("lack_alternative", document=doc.name, alternative=alt.name, ask=alt.ask)
        return Outcome(state, [Reply(msg)], "lack_document")
    if not doc.required:
        state.doc = (state.doc or 0) + 1
        state.retakes = 0
        return Outcome(
            state,
            [Reply(d.say("lack_optional", document=doc.name))] + enter_document(d, state),
            "lack_document",
        )
    return Outcome(state, [Reply(d.say("lack_required", document=doc.name))], "lack_document")


async def take_photo(d: Dialogue, turn: Turn, state: State, att: Attachment) -> list[Reply]:
    doc = d.current_doc(state)
    alt_key = (state.alt or {}).get(doc.key)
    if att.problem:
        key = {"too_large": "photo_too_large", "download_failed": "photo_download_failed"}.get(
            att.problem, "photo_not_image"
        )
        turn.photos.append(
            {
                "document": alt_key or doc.key,
                "problems": [att.problem],
                "retake": state.retakes or 0,
                "verdict": "unreadable",
            }
        )
        return [Reply(d.say(key, document=doc.name))]
    result = await turn.ctx.check_photo(att, doc.photo)
    quality = result.get("quality", {})
    problems = list(quality.get("problems", []))
    kind = (result.get("document") or {}).get("type")
    if doc.photo == "id_card" and not problems and kind not in ID_CARD_TYPES:
        problems.append("not_id_card")  # a clear photo, but of something else
        result = {**result, "quality": {**quality, "problems": problems}}
    retakes = state.retakes or 0
    seen = {"document": alt_key or doc.key, "problems": problems, "retake": retakes}
    if set(problems) & {"unreadable_file", "unsupported_format"}:
        turn.photos.append({**seen, "verdict": "unreadable"})
        return [Reply(d.say("photo_not_image", document=doc.name))]
    if problems and retakes < MAX_RETAKES:
        state.retakes = retakes + 1
        turn.photos.append({**seen, "verdict": "retake"})
        return [Reply(d.say("photo_retake", document=doc.name, hint=hint(d, result)))]
    flagged = bool(problems)
    turn.photos.append({**seen, "verdict": "warning" if flagged else "accepted"})
    reading = result.get("document")
    assert state.dossier_id is not None and state.documents is not None and state.flags is not None
    await turn.ctx.add_document(
        state.dossier_id,
        alt_key or doc.key,
        att,
        {**quality, "problems": problems, "accepted_with_warning": flagged, "retakes": retakes},
        reading,
    )
    state.documents.append(doc.key)
    if flagged:
        state.flags.append(doc.key)
    replies = [Reply(d.say("photo_accepted_with_warning" if flagged else "photo_ok", document=doc.name))]
    state.retakes = 0
    if doc.photo == "id_card" and doc.read_fields:
        fields = {
            k: str(v) for k, v in ((reading or {}).get("fields") or {}).items() if k in doc.read_fields and v
        }
        if fields:
            state.id_doc, state.id_read = doc.key, fields
            return replies + d.enter(state, Step.ID_CONFIRM)
        replies.append(Reply(d.say("id_not_read")))
    state.doc = (state.doc or 0) + 1
    return replies + enter_document(d, state)


def hint(d: Dialogue, result: dict[str, Any]) -> str:
    """What is wrong with a photo, in the citizen's words."""
    if "not_id_card" in result.get("quality", {}).get("problems", []):
        return d.say("hint_not_id_card")
    try:
        import ocr

        text = ocr.verdict_text(result)
        if text:
            return text
    except Exception:  # a verdict without hints must not break the turn
        pass
    return d.say("hint_retake")
