"""Who filed a dossier, as the officer identifies them: the applicant's name (from their ID card
as confirmed, else the name on the channel), their ID numbers and phone numbers. The queue, the
dossier header and search use it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from core.db import Citizen, DossierDocument


@dataclass
class Applicant:
    name: str | None = None
    id_numbers: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)


def _value(doc: Any, name: str) -> str | None:
    confirmed = doc.confirmed or {}
    reading = (doc.reading or {}).get("fields") or {}
    value = confirmed.get(name) or reading.get(name)
    return str(value).strip() if value else None


def _phones(fields: dict[str, Any]) -> list[str]:
    return [str(v).strip() for k, v in fields.items() if "phone" in k and v]


async def applicants(session, dossiers: Sequence[Any]) -> dict[int, Applicant]:
    """Each dossier's applicant (keyed by dossier id), in two queries whatever the page size;
    `dossiers`: Dossier rows or any rows with `id`, `citizen_id` and `fields`."""
    if not dossiers:
        return {}
    ids = [d.id for d in dossiers]
    docs = (
        await session.execute(
            select(DossierDocument.dossier_id, DossierDocument.confirmed, DossierDocument.reading)
            .where(DossierDocument.dossier_id.in_(ids), DossierDocument.reading.is_not(None))
            .order_by(DossierDocument.id)
        )
    ).all()
    names = dict(
        (
            await session.execute(
                select(Citizen.id, Citizen.display_name).where(
                    Citizen.id.in_({d.citizen_id for d in dossiers})
                )
            )
        ).all()
    )
    out = {d.id: Applicant(phones=_phones(d.fields or {})) for d in dossiers}
    for doc in docs:
        a = out[doc.dossier_id]
        number = _value(doc, "id_number")
        if number and number not in a.id_numbers:
            a.id_numbers.append(number)
        if a.name is None:
            a.name = _value(doc, "full_name")
    for d in dossiers:
        fields = d.fields or {}
        a = out[d.id]
        a.name = a.name or fields.get("full_name") or names.get(d.citizen_id)
    return out
