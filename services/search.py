"""Search across the agency's dossiers and conversations by dossier code, applicant name,
phone number and ID number, folded for diacritics and case ("nguyen van a" finds "Nguyễn Văn
A"); phone and ID numbers match on their digits. Never crosses agencies; analysts cannot search
(the matches are personal data).

The scan is done in Python over the agency's most recent dossiers and conversations
(SCAN_LIMIT each): names are folded here, the same way on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from core.db import Citizen, Conversation, Dossier
from core.vietnamese import strip_diacritics
from services.applicants import applicants
from services.dossiers import S, need_personal
from services.inbox import agencies_of

if TYPE_CHECKING:
    from services.officers import Principal

SCAN_LIMIT = 5000
MIN_QUERY = 2
MIN_DIGITS = 4


def fold(text: str | None) -> str:
    return " ".join(strip_diacritics(text or "").lower().split())


def _digits(text: str | None) -> str:
    return re.sub(r"\D", "", text or "")


def _hit(needle: str, digits: str, *, texts: list[str], numbers: list[tuple[str, str]]) -> str | None:
    """What matched: "code" | "name" | "phone" | "id_number" (None: nothing)."""
    for kind, value in zip(("code", "name"), texts):
        if value and needle in fold(value):
            return kind
    if len(digits) >= MIN_DIGITS:
        for kind, value in numbers:
            if digits in _digits(value):
                return kind
    return None


async def search(rt, who: Principal, query: str, limit: int = 50) -> dict[str, Any]:
    need_personal(who)
    needle, digits = fold(query)[:100], _digits(query)[:20]
    empty: dict[str, Any] = {"query": query, "dossiers": [], "conversations": []}
    if len(needle) < MIN_QUERY:
        return empty
    catalog = rt.engine.catalog
    async with rt.db.session() as s:
        rows = (
            await s.execute(
                select(
                    Dossier.id,
                    Dossier.code,
                    Dossier.procedure,
                    Dossier.status,
                    Dossier.conversation_id,
                    Dossier.citizen_id,
                    Dossier.fields,
                )
                .where(Dossier.agency == who.agency, Dossier.code.is_not(None), Dossier.status != S.DRAFT)
                .order_by(Dossier.id.desc())
                .limit(SCAN_LIMIT)
            )
        ).all()
        people = await applicants(s, rows)
        convs = (
            await s.execute(
                select(Conversation.id, Conversation.channel, Citizen.display_name)
                .join(Citizen, Citizen.id == Conversation.citizen_id)
                .order_by(Conversation.id.desc())
                .limit(SCAN_LIMIT)
            )
        ).all()
        agencies = await agencies_of(s, rt.settings, [c[0] for c in convs])
    dossiers = []
    matched_convs: dict[int, str] = {}
    for d in rows:
        a = people[d.id]
        numbers = [("phone", p) for p in a.phones] + [("id_number", n) for n in a.id_numbers]
        kind = _hit(needle, digits, texts=[d.code or "", a.name or ""], numbers=numbers)
        if kind is None:
            continue
        matched_convs.setdefault(d.conversation_id, kind)
        if len(dossiers) < limit:
            dossiers.append(
                {
                    "code": d.code,
                    "applicant_name": a.name,
                    "procedure_name": catalog[d.procedure].name if d.procedure in catalog else d.procedure,
                    "status": d.status,
                    "matched": kind,
                }
            )
    conversations = []
    for cid, channel, name in convs:
        if agencies[cid] != who.agency:
            continue
        kind = matched_convs.get(cid) or ("name" if name and needle in fold(name) else None)
        if kind and len(conversations) < limit:
            conversations.append({"id": cid, "channel": channel, "citizen_name": name, "matched": kind})
    return {"query": query, "dossiers": dossiers, "conversations": conversations}
