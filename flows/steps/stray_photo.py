"""A photo (or file) sent at the menu, when no step asks for one: its quality is checked like any
photo (and counted in the photo analytics); a bad one gets the hint to retake it. When one of the
citizen's dossiers waits for papers an officer asked for, the bot offers to add the photo to it
(a bad photo: to start the supplement and send a better one); else, when an officer wrote in the
thread lately, the officer sees it there; else the menu."""

from __future__ import annotations

import dataclasses

from core.events import Attachment, Reply

from ..state import State, Step, menu, supplement
from ..turn import Outcome, Turn
from .base import Dialogue, handles, prompts
from .document import enter_document, hint, take_photo

#: The "document" of such a photo in the turn log (the photo analytics group retakes by it).
UNASKED = "unasked"


async def photo_at_menu(d: Dialogue, turn: Turn, state: State) -> Outcome:
    att = turn.event.attachments[0]
    seen = {"document": UNASKED, "retake": 0}
    usable = False
    result: dict = {}
    if att.problem:
        turn.photos.append({**seen, "problems": [att.problem], "verdict": "unreadable"})
        lead = d.say("stray_unreadable")
    else:
        result = await turn.ctx.check_photo(att, "")
        problems = list(result.get("quality", {}).get("problems", []))
        unreadable = bool(set(problems) & {"unreadable_file", "unsupported_format"})
        usable = not problems
        verdict = "accepted" if usable else "unreadable" if unreadable else "retake"
        turn.photos.append({**seen, "problems": problems, "verdict": verdict})
        lead = (
            d.say("stray_ok")
            if usable
            else d.say("stray_unreadable")
            if unreadable
            else d.say("stray_retake", hint=hint(d, result))
        )
    waiting = await turn.ctx.waiting_for_papers()
    if waiting is not None and waiting["procedure"] in d.catalog:
        proc = d.catalog[waiting["procedure"]]
        names = ", ".join(d.document(proc, k).name for k in waiting["documents"])
        pending = {**waiting, "names": names, "attachment": dataclasses.asdict(att) if usable else None}
        new = State(step=Step.ADD_PHOTO, pending=pending, last_code=state.last_code)
        return Outcome(new, [Reply(lead)] + ask_add(d, new), "photo", dossier_id=waiting["dossier_id"])
    officer = await turn.ctx.officer_waiting()
    if officer is not None:
        reply = Reply(lead + " " + d.say("stray_to_officer", code=officer["code"]))
        return Outcome(state, [reply], "photo", dossier_id=officer["dossier_id"])
    new = menu()
    new.last_code, new.filed_at = state.last_code, state.filed_at
    fits = event_for_paper(d, result) if usable else None
    if fits is None:  # a photo to retake or a file that does not open: "chụp lại ảnh rõ hơn"
        key = "stray_menu" if usable else "stray_menu_retake"
        return Outcome(new, [Reply(lead), d.menu(new, d.say(key))], "photo")
    number, event, paper = fits  # "Ảnh này giống Giấy báo tử…": the life event it belongs to
    return Outcome(
        new,
        [Reply(lead), d.menu(new, d.say("stray_menu_for", document=paper, event=event, number=number))],
        "photo",
    )


def event_for_paper(d: Dialogue, result: dict) -> tuple[int, str, str] | None:
    """The menu's life event a paper read at the menu belongs to (a giấy báo tử: "Có người mất"),
    its number in the menu and the paper's name; None when it fits none or several (an ID card,
    an authorisation letter)."""
    kind = (result.get("document") or {}).get("type")
    found = []
    for number, event in enumerate(d.events, 1):
        procs = [d.catalog[k] for k in (event.procedure, event.single) if k and k in d.catalog]
        names = [doc.name for proc in procs for doc in proc.documents if kind and doc.doc_type == kind]
        if names:
            found.append((number, event.button, names[0]))
    return found[0] if len(found) == 1 else None


@prompts(Step.ADD_PHOTO)
def ask_add(d: Dialogue, state: State) -> list[Reply]:
    info = state.pending or {}
    photo = info.get("attachment") is not None
    lead = d.say(
        "stray_add" if photo else "stray_supplement", code=info.get("code"), documents=info.get("names")
    )
    yes = d.say("stray_yes" if photo else "stray_supplement_yes")
    return [d.numbered(state, lead, [(yes, "yes"), (d.say("stray_no"), "no")])]


@handles(Step.ADD_PHOTO)
async def on_add_photo(d: Dialogue, turn: Turn, state: State) -> Outcome:
    back = menu()
    back.last_code, back.filed_at = state.last_code, state.filed_at
    if turn.event.attachments:  # another photo instead of an answer: checked the same way
        return await photo_at_menu(d, turn, back)
    answer = d.yes_no(state, turn)
    info = state.pending or {}
    if answer == "no":
        return d.to_menu(replies=[Reply(d.say("stray_not_added"))])
    if answer != "yes":
        return await d.dispatch(turn, back)  # something else: as at the menu
    new = supplement(info["procedure"], info["dossier_id"], info["documents"])
    new.last_code = state.last_code
    photo = info.get("attachment")
    if photo is None:
        return Outcome(new, enter_document(d, new), "supplement")
    return Outcome(new, await take_photo(d, turn, new, Attachment(**photo)), "supplement")
