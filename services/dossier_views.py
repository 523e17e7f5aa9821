"""What officers read about dossiers, as plain data (the API serves it as JSON, the console renders
it as HTML): the agency's queue with counts, one dossier in full, a conversation's thread.

Links to photos are made by the caller (`MediaLink`: a reference such as "d12" or "m7.0" to a
signed URL for this viewer), so no HTTP or signing lives here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from core.db import AuditEvent, Citizen, Conversation, Dossier, DossierDocument, MessageLog, Officer, Outbox
from core.db.models import DossierAssignment
from core.texts import Texts
from services import conversations
from services.applicants import applicants
from services.audit_lines import actor_name, field_notes, sentence
from services.dossiers import PENDING, VISIBLE, S, allowed_actions, due_soon_limit, due_state, local_today
from services.inbox import unread_counts
from services.reading_notes import reading_notes

if TYPE_CHECKING:
    from services.officers import Principal

MediaLink = Callable[[str], str]
TEXTS = Texts.load(Path(__file__).with_name("dossiers.yml"))
LOW_CONFIDENCE = 0.6


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


async def list_dossiers(
    rt,
    who: Principal,
    *,
    status: str | None = None,
    procedure: str | None = None,
    overdue: bool = False,
    due_soon: bool = False,
    mine: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    today = local_today(rt.settings)
    shown = (Dossier.agency == who.agency, Dossier.code.is_not(None), Dossier.status != S.DRAFT)
    q = select(Dossier).where(*shown)
    if mine:
        q = q.where(
            Dossier.id.in_(select(DossierAssignment.dossier_id).where(DossierAssignment.officer_id == who.id))
        )
    if status:
        q = q.where(Dossier.status == status)
    if procedure:
        q = q.where(Dossier.procedure == procedure)
    if overdue:
        q = q.where(Dossier.status.in_(PENDING), Dossier.due_date < today)
    if due_soon:
        q = q.where(
            Dossier.status.in_(PENDING), Dossier.due_date >= today, Dossier.due_date <= due_soon_limit(today)
        )
    async with rt.db.session() as s:
        total = (await s.execute(select(func.count()).select_from(q.subquery()))).scalar_one()
        rows = (
            (
                await s.execute(
                    q.order_by(Dossier.due_date.is_(None), Dossier.due_date, Dossier.id)
                    .limit(limit)
                    .offset(offset)
                )
            )
            .scalars()
            .all()
        )
        counts = dict(
            (
                await s.execute(select(Dossier.status, func.count()).where(*shown).group_by(Dossier.status))
            ).all()
        )
        overdue_n = (
            await s.execute(
                select(func.count())
                .select_from(Dossier)
                .where(
                    Dossier.agency == who.agency,
                    Dossier.code.is_not(None),
                    Dossier.status.in_(PENDING),
                    Dossier.due_date < today,
                )
            )
        ).scalar_one()
        assignees = await assignee_names(s, [d.id for d in rows])
        people = await applicants(s, list(rows))
        unread = await unread_counts(
            s, who.id, [d.conversation_id for d in rows], {d.conversation_id: d.submitted_at for d in rows}
        )
    catalog = rt.engine.catalog
    items = [
        {
            "code": d.code,
            "procedure": d.procedure,
            "procedure_name": catalog[d.procedure].name if d.procedure in catalog else d.procedure,
            "status": d.status,
            "submitted_at": _iso(d.submitted_at),
            "due_date": _iso(d.due_date),
            "due_state": due_state(d, today),
            "assignee": assignees.get(d.id),
            "applicant_name": people[d.id].name if who.can_read_personal else None,
            "supplemented_at": _iso(d.supplemented_at),
            "unread": unread.get(d.conversation_id, 0),
            "days_late": (today - d.due_date).days if due_state(d, today) == "overdue" else None,
        }
        for d in rows
    ]
    return {
        "items": items,
        "total": total,
        "counts": {str(k): int(counts.get(k, 0)) for k in VISIBLE},
        "overdue": int(overdue_n),
    }


async def assignee_names(session, dossier_ids: list[int]) -> dict[int, str]:
    if not dossier_ids:
        return {}
    rows = (
        await session.execute(
            select(DossierAssignment.dossier_id, Officer.username)
            .join(Officer, Officer.id == DossierAssignment.officer_id)
            .where(DossierAssignment.dossier_id.in_(dossier_ids))
        )
    ).all()
    return dict(rows)


def _delivery(status: str | None) -> str | None:
    if status is None:
        return None
    return {"pending": "sending", "sending": "sending"}.get(status, status)


async def thread(rt, conversation_id: int, link: MediaLink, after: int = 0) -> list[dict[str, Any]]:
    """The whole thread (citizen, bot and officer turns) with each outbound message's delivery
    state (sending | sent | failed | held)."""
    async with rt.db.session() as s:
        rows = (
            await s.execute(
                select(MessageLog, Outbox.status, Officer.username)
                .outerjoin(Outbox, Outbox.message_id == MessageLog.id)
                .outerjoin(Officer, Officer.id == MessageLog.officer_id)
                .where(MessageLog.conversation_id == conversation_id, MessageLog.id > after)
                .order_by(MessageLog.id)
                .limit(1000)
            )
        ).all()
    out = []
    for m, status, username in rows:
        attachments = []
        for i, a in enumerate(m.attachments or []):
            item = {"type": a.get("type"), "name": a.get("name"), "problem": a.get("problem")}
            if a.get("path") and a.get("type") == "image":
                item["url"] = link(f"m{m.id}.{i}")
            attachments.append(item)
        out.append(
            {
                "id": m.id,
                "direction": m.direction,
                "author": m.author,
                "officer": username,
                "kind": m.kind,
                "text": m.text or "",
                "attachments": attachments,
                "at": _iso(m.created_at),
                "delivery": _delivery(status) if m.direction == "out" else None,
            }
        )
    return out


def _officer_id(actor: str) -> int | None:
    kind, _, ident = actor.partition(":")
    return int(ident) if kind == "officer" and ident.isdigit() else None


def _plan(proc) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The procedure's documents: every key's name (alternatives included) and the list of them."""
    names: dict[str, str] = {}
    plan: list[dict[str, Any]] = []
    for doc in proc.documents if proc is not None else []:
        names[doc.key] = doc.name
        for alt in doc.alternatives:
            names[alt.key] = alt.name
        plan.append(
            {
                "key": doc.key,
                "name": doc.name,
                "required": doc.required,
                "condition": doc.condition,
                "alternatives": [{"key": a.key, "name": a.name} for a in doc.alternatives],
            }
        )
    return names, plan


def _document(doc: DossierDocument, names: dict[str, str], link: MediaLink) -> dict[str, Any]:
    quality = doc.quality or {}
    reading = doc.reading or None
    confirmed = doc.confirmed or {}
    fields = []
    if reading:
        for name, value in (reading.get("fields") or {}).items():
            fields.append(
                {
                    "name": name,
                    "value": value,
                    "source": (reading.get("sources") or {}).get(name),
                    "confidence": (reading.get("confidence") or {}).get(name),
                    "confirmed": confirmed.get(name),
                }
            )
    for name, value in confirmed.items():
        if not any(f["name"] == name for f in fields):
            fields.append(
                {"name": name, "value": None, "source": None, "confidence": None, "confirmed": value}
            )
    return {
        "id": doc.id,
        "document": doc.doc_key,
        "name": names.get(doc.doc_key, doc.doc_key),
        "content_type": doc.content_type,
        "size": doc.size,
        "url": link(f"d{doc.id}"),
        "quality": {
            "ok": quality.get("ok"),
            "problems": list(quality.get("problems") or []),
            "accepted_with_warning": bool(quality.get("accepted_with_warning")),
            "retakes": quality.get("retakes"),
        },
        "reading": None
        if reading is None
        else {
            "type": reading.get("type"),
            "fields": fields,
            "checks": reading.get("checks") or {},
            "warnings": check_warnings(reading, doc.confirmed),
            "notes": reading_notes(reading, doc.confirmed),
        },
        "scan": _scan(doc, reading, link),
        "received_at": _iso(doc.created_at),
    }


def _scan(doc: DossierDocument, reading: dict | None, link: MediaLink) -> dict[str, Any] | None:
    """A paper's cleaned copy: the PDF of its cleaned pages, the first page as a thumbnail, the
    recognised type with its confidence, the page count (None for a photo without one)."""
    if not reading or not reading.get("clean_pdf"):
        return None
    from ocr.pages import names

    kind = reading.get("type")
    return {
        "url": link(f"c{doc.id}"),
        "thumb": link(f"p{doc.id}") if reading.get("clean_pages") else None,
        "pages": reading.get("pages") or 1,
        "type": kind,
        "type_name": names().get(kind or ""),
        "confidence": (reading.get("confidence") or {}).get("type"),
        "wrong_paper": reading.get("wrong_paper"),
    }


async def dossier_detail(rt, d: Dossier, link: MediaLink) -> dict[str, Any]:
    proc = rt.engine.catalog.get(d.procedure)
    today = local_today(rt.settings)
    async with rt.db.session() as s:
        docs = (
            (
                await s.execute(
                    select(DossierDocument)
                    .where(DossierDocument.dossier_id == d.id)
                    .order_by(DossierDocument.id)
                )
            )
            .scalars()
            .all()
        )
        audit_rows = (
            (await s.execute(select(AuditEvent).where(AuditEvent.dossier_id == d.id).order_by(AuditEvent.id)))
            .scalars()
            .all()
        )
        ids = {i for i in (_officer_id(e.actor) for e in audit_rows) if i is not None}
        usernames = (
            dict((await s.execute(select(Officer.id, Officer.username).where(Officer.id.in_(ids)))).all())
            if ids
            else {}
        )
        conv = await s.get(Conversation, d.conversation_id)
        handler = (await s.get(Officer, conv.handled_by)) if conv and conv.handled_by else None
        assignee = (await assignee_names(s, [d.id])).get(d.id)
        citizen = await s.get(Citizen, d.citizen_id)
        applicant = (await applicants(s, [d]))[d.id]
    names, plan = _plan(proc)
    have = {doc.doc_key for doc in docs}
    for item in plan:
        item["received"] = item["key"] in have or any(a["key"] in have for a in item["alternatives"])
    return {
        "code": d.code,
        "procedure": d.procedure,
        "procedure_name": proc.name if proc else d.procedure,
        "status": d.status,
        "actions": allowed_actions(d.status),
        "fields": d.fields or {},
        "field_notes": field_notes(
            [(e.action, e.data or {}) for e in audit_rows]
        ),  # to check before printing
        "submitted_at": _iso(d.submitted_at),
        "supplemented_at": _iso(d.supplemented_at),
        "purged_at": _iso(d.purged_at),  # personal fields and photos deleted (retention or request)
        "due_date": _iso(d.due_date),
        "due_state": due_state(d, today),
        "channel": conv.channel if conv else None,
        "citizen_name": citizen.display_name if citizen else None,
        "applicant_name": applicant.name,
        "applicant_phones": applicant.phones,
        "applicant_id_numbers": applicant.id_numbers,
        "handled_by": handler.username if handler else None,
        "assignee": assignee,
        "taken_over": bool(conv and conversations.is_taken_over(conv.state)),
        "documents": [
            _document(doc, names, link)
            | {"superseded": any(o.doc_key == doc.doc_key and o.id > doc.id for o in docs)}
            for doc in docs
        ],
        "required_documents": plan,
        "audit": [
            {
                "at": _iso(e.created_at),
                "actor": e.actor,
                "officer": usernames.get(_officer_id(e.actor)),
                "action": e.action,
                "data": e.data or {},
                "who": actor_name(e.actor, usernames.get(_officer_id(e.actor))),
                "text": sentence(e.action, e.data or {}, names),
            }
            for e in audit_rows
        ],
    }


def check_warnings(reading: dict, confirmed: dict | None) -> list[str]:
    """Every cross-check of an ID reading that did not pass, in words an officer reads quickly."""
    out: list[str] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif prefix == "expired" and value is False:  # not expired: nothing to warn about
            return
        elif value in (True, "ok", None) or isinstance(value, (int, float)) and not isinstance(value, bool):
            return
        else:
            out.append(f"{prefix}: {value}")

    walk("", reading.get("checks") or {})
    for name, conf in (reading.get("confidence") or {}).items():
        if isinstance(conf, (int, float)) and conf < LOW_CONFIDENCE:
            out.append(TEXTS("warnings.low_confidence", name=name, confidence=conf))
    for name, value in (confirmed or {}).items():
        read = (reading.get("fields") or {}).get(name)
        if read not in (None, "") and str(read) != str(value):
            out.append(TEXTS("warnings.corrected", name=name))
    return out
