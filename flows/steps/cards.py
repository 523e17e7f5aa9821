"""Which ID card already given may be used again for an ID-card step, and how it is offered.

Each ID-card document of the catalog names whose card it is (`holder`: the applicant by default,
the groom or the bride, the child's parent, or the `subject`: the person the dossier is for, the
applicant unless the citizen said it is for someone else). A card carried from a dossier left for
another (a change of mind) keeps whose card it was there. At a step, the one card of the same
holder is offered; otherwise, when cards were given, the citizen picks one of them or a new photo:
a card is never offered silently for someone else, nor twice in one dossier."""

from __future__ import annotations

from typing import Any

from core.events import Reply

from ..catalog import Document
from ..state import State, Step
from .base import Dialogue, mask, prompts

NEW = "new"


def holder_of(doc: Document, state: State) -> str:
    """Whose card the step asks for, as a key comparable across procedures."""
    if doc.holder != "subject":
        return doc.holder
    return f"for:{state.for_whom}" if state.for_whom else "applicant"


def candidates(state: State) -> list[dict[str, Any]]:
    """The cards that may be used again here, each not yet used in this dossier: those carried
    from a dossier left for this one, else the one confirmed in an earlier dossier."""
    used = {c.get("id_number") for c in (state.id_cards or {}).values()}
    cards = list(state.cards or []) or ([state.reusable] if state.reusable else [])
    return [c for c in cards if c.get("id_number") and c["id_number"] not in used]


def offer(d: Dialogue, state: State, doc: Document) -> list[Reply] | None:
    """The reuse question for `doc` (the step becomes REUSE), or None: no card to offer."""
    cards = candidates(state)
    if not cards:
        return None
    state.step = Step.REUSE
    mine = [c for c in cards if c.get("holder") == holder_of(doc, state)]
    if len(mine) == 1 or len(cards) == 1:
        card = (mine or cards)[0]  # the holder's card; or the only one, shown with whose it was
        state.reusable, state.reuse_choices = card, None
        other = not mine and card.get("role")  # given for someone else there: said so
        lead = d.say(
            "reuse_id_as" if other else "reuse_id",
            name=card.get("full_name", "?"),
            masked=mask(card.get("id_number", "")),
            document=doc.name,
            role=lowered(card.get("role", "")),
        )
        return [d.numbered(state, lead, [(d.say("reuse_yes"), "reuse"), (d.say("reuse_no"), NEW)])]
    items = [
        (
            d.say("reuse_card", name=c.get("full_name", "?"), masked=mask(c.get("id_number", ""))),
            f"reuse:{i}",
        )
        for i, c in enumerate(cards)
    ]
    titles = [
        d.say(
            "reuse_card_as",
            name=c.get("full_name", "?"),
            masked=mask(c.get("id_number", "")),
            role=c.get("role") or d.say("reuse_card_before"),
        )
        for c in cards
    ]
    state.reusable, state.reuse_choices = None, cards  # what the numbers mean, in the order shown
    lead = d.say("reuse_which", document=lowered(doc.name))
    return [d.numbered(state, lead, items + [(d.say("reuse_no"), NEW)], titles + [d.say("reuse_no")])]


def lowered(name: str) -> str:
    return name[:1].lower() + name[1:]


def chosen(state: State, choice: str | None) -> dict[str, Any] | None:
    """The card picked: "reuse" (the one offered) or "reuse:N" (one of those listed)."""
    if choice == "reuse":
        return state.reusable
    if choice and choice.startswith("reuse:"):
        listed = state.reuse_choices or []
        index = int(choice.split(":", 1)[1])
        return listed[index] if 0 <= index < len(listed) else None
    return None


def carried_cards(d: Dialogue, old: State) -> list[dict[str, Any]]:
    """The ID cards confirmed in dossier `old`, with their photos and whose card each was."""
    photos = old.id_photos or {}
    out: list[dict[str, Any]] = []
    for key, fields in (old.id_cards or {}).items():
        if not fields.get("id_number") or key not in photos:
            continue
        if any(c["id_number"] == fields["id_number"] for c in out):
            continue  # the same card given twice (for two roles by mistake): listed once
        doc = d.document(d.proc(old), key)
        role = doc.name.split("—")[0].strip()
        out.append(
            {**fields, **photos[key], "document_id": None, "holder": holder_of(doc, old), "role": role}
        )
    return out


@prompts(Step.REUSE)
def ask_reuse(d: Dialogue, state: State) -> list[Reply]:
    """The reuse question again (after help, a question answered in passing, a hold-on)."""
    doc = d.current_doc(state)
    return offer(d, state, doc) or d.enter(state, Step.DOC)


def confirmed(reading: dict[str, Any] | None) -> dict[str, Any]:
    """The lines of a card's reading confirmed from the card itself (ocr/merge.py
    checks.confirmed: its QR, an MRZ whose check digits hold, OCR agreeing with one of them), said
    sure to the citizen; a reading without that check: its QR's lines alone (an MRZ line may be
    misread)."""
    checks, sources = (reading or {}).get("checks") or {}, (reading or {}).get("sources") or {}
    return checks["confirmed"] if "confirmed" in checks else {k: s == "qr" for k, s in sources.items()}
