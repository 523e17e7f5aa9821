"""Photos of the documents, one by one: checked, retaken (at most MAX_RETAKES times), accepted;
an alternative offered when the citizen lacks one. A paper may have several pages (photos sent
one after the other, or one PDF), and a photo that is clearly another paper gets a kind question
(keep it anyway, or send another one)."""

from __future__ import annotations

from typing import Any

from core.events import Attachment, QuickReply, Reply

from .. import whom
from ..catalog import Document
from ..state import State, Step
from ..turn import Outcome, Turn
from ..validators import ANSWERS, bare, has_phrase, validate
from . import cards, officer_reply, papers
from .base import LACK_WORDS, SKIP_WORDS, Dialogue, handles, prompts
from .field import PHONES_AND_DATES, note_answer

MAX_RETAKES = 2  # after this many failed retakes a photo is accepted with a warning flag
ID_CARD_TYPES = {"cccd_front", "cccd_back", "cancuoc_front", "cancuoc_back", "cmnd_front"}
BACK_TYPES = {"cccd_back", "cancuoc_back"}


def enter_document(d: Dialogue, state: State) -> list[Reply]:
    """Ask for the current document, or move on when all are collected."""
    if (state.doc or 0) >= len(d.plan(state)):
        return next_after_documents(d, state)
    doc = d.current_doc(state)
    if doc.photo == "id_card" and doc.key not in (state.declined_reuse or []):
        offered = cards.offer(d, state, doc)  # a card given before, whose card it is said or asked
        if offered is not None:
            return offered
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
    if state.pages:  # pages of this paper received: the next page, or "xong"
        return [Reply(d.say("need_page", document=d.paper_name(state, doc)), (done_button(d),))]
    alt_key = (state.alt or {}).get(doc.key)
    ask = next((a.ask for a in doc.alternatives if a.key == alt_key), doc.ask) if alt_key else doc.ask
    text = d.say("ask_document", n=(state.doc or 0) + 1, total=len(plan), ask=ask)
    if not doc.required:  # an optional photo can be skipped with a tap (or "bỏ qua")
        return [Reply(text, (QuickReply(d.say("skip_button"), "skip"),))]
    return [Reply(text)]


@handles(Step.DOC)
async def on_document(d: Dialogue, turn: Turn, state: State) -> Outcome:
    doc = d.current_doc(state)
    if not turn.event.attachments and state.pages:  # pages of a paper received: more, or done?
        if turn.event.payload == "done" or has_phrase(bare(turn.text), ANSWERS["done_words"]):
            return Outcome(state, await finish_paper(d, turn, state, doc))
        noted = note_answer(d, turn, state)  # "so 5 ngo 10 …" typed early: kept for its field
        return Outcome(
            state, noted + [Reply(d.say("need_page", document=d.paper_name(state, doc)), (done_button(d),))]
        )
    if not turn.event.attachments:
        skip = turn.event.payload == "skip" or turn.plain in SKIP_WORDS
        if skip or turn.intent == "lack_document" or any(w in turn.plain for w in LACK_WORDS):
            relative = (
                whom.said_for(turn.plain) if doc.photo == "id_card" and doc.holder == "applicant" else None
            )
            if relative is not None and not skip:  # "bà không có căn cước của ông": it is hers that is asked
                said = d.say("own_card_asked", relative=whom.label(relative))
                return Outcome(state, [Reply(said)], "lack_document")
            other = None if skip else papers.other_paper_lacked(d, state, turn.plain)  # "chưa có hợp đồng"
            if other is not None and not other[1]:
                return Outcome(state, [Reply(other[0])], "lack_document")
            told(d, turn, state, doc)  # "bị mất rồi" for the old card: the reason, offered at its field
            lacked = lack(d, state, doc)
            if other is not None:  # "chưa có căn cước với hợp đồng": the card lacked, the contract later
                lacked.replies[:0] = [Reply(other[0])]
            return lacked
        relayed = officer_reply.at_photo(d, turn, state, d.paper_name(state, doc))
        if relayed is not None:
            return relayed
        noted = note_answer(d, turn, state, PHONES_AND_DATES)  # "hôm qua", a phone: kept for its field
        if noted:
            return Outcome(
                state, noted + [Reply(d.say("photo_still_needed", document=d.paper_name(state, doc)))]
            )
        return Outcome(state, [Reply(d.say("need_photo", document=d.paper_name(state, doc)))])
    replies: list[Reply] = []
    for att in turn.event.attachments:
        if state.step is not Step.DOC:
            break  # more photos than asked for now: keep them out of the dossier
        replies.extend(await take_photo(d, turn, state, att))
    return Outcome(state, replies)


def told(d: Dialogue, turn: Turn, state: State, doc: Document) -> None:
    """What the citizen said of a paper they lack that answers a choice of the form (`told` in
    the catalog: "bị mất rồi" for "Bị mất thẻ"), at the step of that field's `told_at` paper
    only: kept to be offered at that field."""
    for f in d.proc(state).fields:
        if f.told_at != doc.key:
            continue
        option = next((o for o, words in f.told.items() if has_phrase(turn.plain, list(words))), None)
        if option is not None and f.key not in (state.fields or {}):
            state.offered = {**(state.offered or {}), f.key: {"value": option, "told": turn.text[:80]}}


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
    if doc.about:  # a paper one can get (a form, a contract): where from, and the dossier waits
        return Outcome(
            state, [Reply(d.say("lack_required_about", document=doc.name, about=doc.about))], "lack_document"
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
        return [Reply(d.say(key, document=d.paper_name(state, doc)))]
    result = await turn.ctx.check_photo(att, doc.photo)
    quality = result.get("quality", {})
    problems = list(quality.get("problems", []))
    kind = (result.get("document") or {}).get("type")
    if doc.photo == "id_card" and not problems and kind not in ID_CARD_TYPES:
        problems.append("not_id_card")  # a clear photo, but of something else
        result = {**result, "quality": {**quality, "problems": problems}}
    elif doc.photo == "id_card" and not problems and _surely_back(result):
        problems.append("wrong_side")  # every ID-card step asks for the front (the portrait)
        result = {**result, "quality": {**quality, "problems": problems}}
    retakes = state.retakes or 0
    seen = {"document": alt_key or doc.key, "problems": problems, "retake": retakes}
    if set(problems) & {"unreadable_file", "unsupported_format"}:
        turn.photos.append({**seen, "verdict": "unreadable"})
        return [Reply(d.say("photo_not_image", document=d.paper_name(state, doc)))]
    if problems and retakes < MAX_RETAKES:
        state.retakes = retakes + 1
        turn.photos.append({**seen, "verdict": "retake"})
        return [Reply(d.say("photo_retake", document=d.paper_name(state, doc), hint=hint(d, result)))]
    flagged = bool(problems)
    turn.photos.append({**seen, "verdict": "warning" if flagged else "accepted"})
    reading = result.get("document")
    assert state.dossier_id is not None and state.documents is not None and state.flags is not None
    if doc.photo == "paper":
        page = _page(
            att,
            result,
            {**quality, "problems": problems, "accepted_with_warning": flagged, "retakes": retakes},
        )
        state.retakes = 0
        seen = _other_paper(reading, _expected_type(d, state, doc))
        if seen:
            state.pending = {**page, "wrong": seen}
            return d.enter(state, Step.DOC_WRONG)
        return await add_page(d, turn, state, doc, page)
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
    other = {"not_id_card", "not_document"} & set(problems)  # clear, but no card seen: said so
    key = ("photo_accepted_not_card" if other else "photo_accepted_with_warning") if flagged else "photo_ok"
    replies = [Reply(d.say(key, document=d.paper_name(state, doc)))]
    state.retakes = 0
    if doc.photo == "id_card":  # kept for a change of mind to another procedure (steps/switch.py)
        meta = {"path": att.path, "content_type": att.content_type, "size": att.size, "sha256": att.sha256}
        state.id_photos = {**(state.id_photos or {}), doc.key: meta}
    if doc.photo == "id_card" and doc.read_fields:
        fields = {
            k: str(v) for k, v in ((reading or {}).get("fields") or {}).items() if k in doc.read_fields and v
        }
        if fields:
            state.id_doc, state.id_read = doc.key, fields
            state.id_sure = [k for k in fields if cards.confirmed(reading).get(k) is True] or None
            return replies + d.enter(state, Step.ID_CONFIRM)
        replies.append(Reply(d.say("id_not_read")))
    state.doc = (state.doc or 0) + 1
    return replies + enter_document(d, state)


# ---- paper pages -------------------------------------------------------------------------------


def done_button(d: Dialogue) -> QuickReply:
    return QuickReply(d.say("done_button"), "done")


def _expected_type(d: Dialogue, state: State, doc: Document) -> str | None:
    """The paper type the step asks for (an alternative paper has none: anything goes)."""
    return None if (state.alt or {}).get(doc.key) else doc.doc_type


def _other_paper(reading: dict[str, Any] | None, expected: str | None) -> str | None:
    """The name of the paper a page clearly is, when it is not the one asked for."""
    if not expected or not reading:
        return None
    try:
        from ocr import pages

        kind = pages.other_paper(reading, expected)
        return pages.names().get(kind) if kind else None
    except Exception:  # recognition is a help, never a reason to fail the turn
        return None


def _page(att: Attachment, result: dict[str, Any], quality: dict[str, Any]) -> dict[str, Any]:
    """What is kept of one received file of a paper (a photo, or a PDF of several pages)."""
    scan = result.get("scan") or {}
    reading = result.get("document") or {}
    pages = scan.get("pages") or [{"clean": None, "type": reading.get("type")}]
    return {
        "att": {k: getattr(att, k) for k in ("type", "path", "content_type", "size", "sha256")},
        "quality": quality,
        "reading": {k: v for k, v in reading.items() if k in ("type", "confidence", "fields")},
        "clean": [p.get("clean") for p in pages],
        "types": [p.get("type") for p in pages],
        "count": int(scan.get("page_count") or len(pages)),
    }


async def add_page(d: Dialogue, turn: Turn, state: State, doc: Document, page: dict[str, Any]) -> list[Reply]:
    """Keep a page (or a PDF's pages); ask for the next page or finish the document."""
    state.pages = [*(state.pages or []), page]
    n = sum(p["count"] for p in state.pages)
    prefix = [Reply(d.say("wrong_paper_kept"))] if page.get("wrong") else []
    if doc.pages == "many" and page["count"] == 1:
        return prefix + [
            Reply(d.say("page_ok_more", n=n, document=d.paper_name(state, doc)), (done_button(d),))
        ]
    if isinstance(doc.pages, int) and n < doc.pages:
        return prefix + [
            Reply(d.say("page_ok_fixed", n=n, total=doc.pages, next=n + 1, document=d.paper_name(state, doc)))
        ]
    return prefix + await finish_paper(d, turn, state, doc)


async def finish_paper(d: Dialogue, turn: Turn, state: State, doc: Document) -> list[Reply]:
    """All pages in: one document in the dossier (its cleaned pages become one PDF)."""
    pages = state.pages or []
    assert pages and state.dossier_id is not None and state.documents is not None and state.flags is not None
    first = pages[0]
    problems = sorted({p for pg in pages for p in pg["quality"].get("problems", [])})
    wrong = next((pg["wrong"] for pg in pages if pg.get("wrong")), None)
    flagged = any(pg["quality"].get("accepted_with_warning") for pg in pages) or bool(wrong)
    n = sum(pg["count"] for pg in pages)
    quality = {**first["quality"], "problems": problems, "accepted_with_warning": flagged}
    reading = {
        **first["reading"],
        "pages": n,
        "clean_pages": [c for pg in pages for c in pg["clean"] if c],
        "originals": [pg["att"]["path"] for pg in pages],
        "page_types": [t for pg in pages for t in pg["types"]],
        "wrong_paper": wrong,
    }
    alt_key = (state.alt or {}).get(doc.key)
    await turn.ctx.add_document(
        state.dossier_id, alt_key or doc.key, Attachment(**first["att"]), quality, reading
    )
    state.documents.append(doc.key)
    if flagged:
        state.flags.append(doc.key)
    if not wrong and not alt_key:
        offer_fields(d, turn, state, doc, first["reading"])
    state.pages, state.pending, state.retakes = None, None, 0
    if n > 1:
        said = d.say("pages_ok", n=n, document=d.paper_name(state, doc))
    else:
        said = d.say(
            "photo_accepted_with_warning" if flagged and not wrong else "photo_ok",
            document=d.paper_name(state, doc),
        )
    state.doc = (state.doc or 0) + 1
    return [Reply(said)] + enter_document(d, state)


def offer_fields(d: Dialogue, turn: Turn, state: State, doc: Document, reading: dict[str, Any]) -> None:
    """Values read from the paper the step asked for (the child's name and date of birth on a
    giấy chứng sinh, …) for the procedure's form fields of the same names: each is offered to
    the citizen to confirm or correct when its field is asked (flows.steps.field), never taken
    as read. A value its field's validator refuses is not offered."""
    if not doc.doc_type or reading.get("type") != doc.doc_type:
        return
    read = reading.get("fields") or {}
    offers = dict(state.offered or {})
    for f in d.proc(state).fields:
        value = read.get(f.key)
        if not value or (state.fields or {}).get(f.key):
            continue  # answered; a value only typed in passing ("ông mất hôm kia") gives way to the paper
        ok, problem = validate(f.validator, str(value), list(f.options), turn.ctx.now.date())
        if ok and not problem:
            offers[f.key] = {"value": str(ok), "paper": doc.name}
    state.offered = offers or None


@prompts(Step.DOC_WRONG)
def ask_wrong_paper(d: Dialogue, state: State) -> list[Reply]:
    doc = d.current_doc(state)
    seen = (state.pending or {}).get("wrong", "")
    lead = d.say("wrong_paper", seen=seen, document=d.paper_name(state, doc))
    items = [(d.say("wrong_paper_resend_button"), "resend"), (d.say("wrong_paper_keep_button"), "keep")]
    return [d.numbered(state, lead, items)]


@handles(Step.DOC_WRONG)
async def on_wrong_paper(d: Dialogue, turn: Turn, state: State) -> Outcome:
    doc = d.current_doc(state)
    if turn.event.attachments:  # another photo: it replaces the doubtful one
        state.pending, state.step = None, Step.DOC
        return await on_document(d, turn, state)
    said = bare(turn.text)
    choice = d.choice(state, turn)
    if choice is None and has_phrase(said, ANSWERS["keep_words"]):
        choice = "keep"
    elif choice is None and has_phrase(said, ANSWERS["resend_words"]):
        choice = "resend"
    if choice == "keep" and state.pending:
        page, state.pending, state.step = state.pending, None, Step.DOC
        return Outcome(state, await add_page(d, turn, state, doc, page))
    if choice == "resend":
        state.pending, state.step = None, Step.DOC
        return Outcome(state, [Reply(d.say("wrong_paper_resend", document=d.paper_name(state, doc)))])
    return Outcome(state, ask_wrong_paper(d, state))


def _surely_back(result: dict[str, Any]) -> bool:
    """The back of a card, known for sure: typed as a back and read from its machine-readable
    zone, which only the back carries (a front mistyped as a back is never sent back)."""
    reading = result.get("document") or {}
    return reading.get("type") in BACK_TYPES and "mrz" in (reading.get("sources") or {}).values()


def hint(d: Dialogue, result: dict[str, Any]) -> str:
    """What is wrong with a photo, in the citizen's words."""
    if "not_id_card" in result.get("quality", {}).get("problems", []):
        return d.say("hint_not_id_card")
    if "wrong_side" in result.get("quality", {}).get("problems", []):
        return d.say("hint_wrong_side")
    try:
        import ocr

        text = ocr.verdict_text(result)
        if text:
            return text
    except Exception:  # a verdict without hints must not break the turn
        pass
    return d.say("hint_retake")
