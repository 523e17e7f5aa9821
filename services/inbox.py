"""The conversation inbox: every thread that wants a human, whether or not a dossier exists —
a citizen who asked for an officer (or is held by one: the bot is paused), one who wrote
again after their dossier was closed, or one who wrote after an officer's message while their
dossier is open, and has had no officer's answer since — with unread
counts per officer, how long the citizen has waited for an officer against the SLA
(`inbox_sla_minutes`), the assignee and the platform's reply window.

A thread belongs to the agency of its latest dossier; a thread with no dossier yet to this
deployment's own agency (`agency_code`). Analysts see no thread (personal data)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from core.db import Citizen, Conversation, Dossier, MessageLog, Officer
from core.db.models import ConversationAssignment, ConversationRead
from services.citizen_actions import OPEN
from services.dossiers import DossierNotFound, S, need_personal
from services.reply_windows import reply_window

if TYPE_CHECKING:
    from services.officers import Principal

CLOSED = (S.REJECTED, S.COMPLETED)
HUMAN_STEP = "human"
MAX_THREADS = 200


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def sla_seconds(settings) -> int:
    """The time an officer has to answer a waiting thread (inbox_sla_minutes), in seconds."""
    return int(settings.inbox_sla_minutes * 60)


def _latest_dossier():
    """Only each conversation's latest dossier (one grouped subquery, not one per row)."""
    latest = select(func.max(Dossier.id)).group_by(Dossier.conversation_id)
    return Dossier.id.in_(latest)


async def agencies_of(session, settings, conv_ids: list[int]) -> dict[int, str]:
    """Each conversation's agency: its latest dossier's; for a thread with no dossier yet, the
    office its dialogue was routed to (state "agency", also while paused for an officer), else
    the deployment's own (`agency_code`)."""
    out: dict[int, str] = {}
    if conv_ids:
        rows = await session.execute(
            select(Dossier.conversation_id, Dossier.agency).where(
                Dossier.conversation_id.in_(conv_ids), _latest_dossier()
            )
        )
        out.update(dict(rows.all()))
        rest = [cid for cid in conv_ids if cid not in out]
        if rest:
            states = await session.execute(
                select(Conversation.id, Conversation.state).where(Conversation.id.in_(rest))
            )
            for cid, state in states.all():
                state = state or {}
                routed = state.get("agency") or (state.get("paused") or {}).get("agency")
                if routed:
                    out[cid] = str(routed)
    return {cid: out.get(cid, settings.agency_code) for cid in conv_ids}


def _last_officer_id():
    o = aliased(MessageLog)
    return (
        select(func.coalesce(func.max(o.id), 0))
        .where(o.conversation_id == MessageLog.conversation_id, o.author == "officer")
        .scalar_subquery()
    )


async def _waiting_since(session, conv_ids: list[int]) -> dict[int, Any]:
    """The first citizen message no officer has answered yet, per conversation."""
    if not conv_ids:
        return {}
    rows = await session.execute(
        select(MessageLog.conversation_id, func.min(MessageLog.created_at))
        .where(
            MessageLog.conversation_id.in_(conv_ids),
            MessageLog.direction == "in",
            MessageLog.id > _last_officer_id(),
        )
        .group_by(MessageLog.conversation_id)
    )
    return dict(rows.all())


async def unread_counts(
    session, officer_id: int, conv_ids: list[int], since: dict[int, Any] | None = None
) -> dict[int, int]:
    """Citizen messages the officer has not seen, per conversation (only those after `since[id]`,
    a timestamp, where given: e.g. after the dossier was filed)."""
    if not conv_ids:
        return {}
    read = aliased(ConversationRead)
    rows = await session.execute(
        select(MessageLog.conversation_id, MessageLog.created_at)
        .outerjoin(
            read, and_(read.conversation_id == MessageLog.conversation_id, read.officer_id == officer_id)
        )
        .where(
            MessageLog.conversation_id.in_(conv_ids),
            MessageLog.direction == "in",
            MessageLog.id > func.coalesce(read.last_read_id, 0),
        )
    )
    out: dict[int, int] = {}
    for cid, at in rows.all():
        if since and since.get(cid) is not None and at is not None and at <= since[cid]:
            continue
        out[cid] = out.get(cid, 0) + 1
    return out


async def _candidates(session) -> list[Conversation]:
    """Held by or waiting for an officer (the bot is paused), written to after the latest dossier
    closed, or answering an officer in a thread whose dossier is open; three plain queries (a
    correlated one per conversation is quadratic)."""

    async def newest(query) -> list[Conversation]:
        limited = query.order_by(Conversation.last_inbound_at.desc()).limit(MAX_THREADS * 5)
        return list((await session.execute(limited)).scalars().all())

    human = await newest(select(Conversation).where(Conversation.step == HUMAN_STEP))
    closed = await newest(
        select(Conversation)
        .join(Dossier, Dossier.conversation_id == Conversation.id)
        .where(
            Dossier.status.in_(CLOSED),
            _latest_dossier(),
            Conversation.last_inbound_at > Dossier.updated_at,
            Conversation.step.is_distinct_from(HUMAN_STEP),
        )
    )
    # the citizen wrote after an officer's message in a thread whose dossier is still open (an
    # answer to the officer's question, or to a supplement notice): it waits for that officer
    # (the officer's newest message looked up per such thread by its index, not grouped over
    # every officer message of every thread)
    said_at = (
        select(func.max(MessageLog.created_at))
        .where(MessageLog.conversation_id == Conversation.id, MessageLog.author == "officer")
        .correlate(Conversation)
        .scalar_subquery()
    )
    answered = await newest(
        select(Conversation)
        .join(Dossier, Dossier.conversation_id == Conversation.id)
        .where(
            Dossier.status.in_(OPEN),  # the dossiers whose officer the citizen may answer
            _latest_dossier(),
            Conversation.last_inbound_at > said_at,  # none said: NULL, not listed
            Conversation.step.is_distinct_from(HUMAN_STEP),
        )
    )
    return human + closed + answered


async def _summaries(
    rt, who: Principal, session, convs: list[Conversation], every: bool = False
) -> list[dict[str, Any]]:
    ids = [c.id for c in convs]
    waiting = await _waiting_since(session, ids)
    unread = await unread_counts(session, who.id, ids)
    assignees = (
        dict(
            (
                await session.execute(
                    select(ConversationAssignment.conversation_id, Officer.username)
                    .join(Officer, Officer.id == ConversationAssignment.officer_id)
                    .where(ConversationAssignment.conversation_id.in_(ids))
                )
            ).all()
        )
        if ids
        else {}
    )
    names = (
        dict(
            (
                await session.execute(
                    select(Citizen.id, Citizen.display_name).where(
                        Citizen.id.in_({c.citizen_id for c in convs})
                    )
                )
            ).all()
        )
        if convs
        else {}
    )
    dossiers = (
        {
            cid: (code, status)
            for cid, code, status in (
                await session.execute(
                    select(Dossier.conversation_id, Dossier.code, Dossier.status).where(
                        Dossier.conversation_id.in_(ids), _latest_dossier()
                    )
                )
            ).all()
        }
        if ids
        else {}
    )
    last = {}
    if ids:
        newest = aliased(MessageLog)
        rows = await session.execute(
            select(MessageLog.conversation_id, MessageLog.text, MessageLog.kind).where(
                MessageLog.conversation_id.in_(ids),
                ~select(newest.id)
                .where(newest.conversation_id == MessageLog.conversation_id, newest.id > MessageLog.id)
                .exists(),
            )
        )
        last = {cid: (text or "", kind) for cid, text, kind in rows.all()}
    sla_s = sla_seconds(rt.settings)
    out = []
    for c in convs:
        human = c.step == HUMAN_STEP
        code, status = dossiers.get(c.id, (None, None))
        if not human and waiting.get(c.id) is None and not every:
            continue  # written after closing, but an officer has answered since
        out.append(
            {
                "id": c.id,
                "channel": c.channel,
                "citizen_name": names.get(c.citizen_id),
                "reason": ("taken_over" if c.handled_by else "requested")
                if human
                else ("after_closed" if status in CLOSED else "answered"),
                "taken_over": human,
                "dossier_code": code if status != S.DRAFT else None,
                "dossier_status": status if status != S.DRAFT else None,
                "assignee": assignees.get(c.id),
                "unread": unread.get(c.id, 0),
                "waiting_since": _iso(waiting.get(c.id)),
                "sla_s": sla_s,
                "last_text": last.get(c.id, ("", "text"))[0][:200],
                "last_inbound_at": _iso(c.last_inbound_at),
                "reply_window": reply_window(rt.settings, c.channel, c.last_inbound_at),
            }
        )
    return out


async def list_threads(rt, who: Principal, *, mine: bool = False) -> dict[str, Any]:
    """The agency's threads wanting a human, longest waiting first; unread and waiting totals."""
    need_personal(who)
    async with rt.db.session() as s:
        convs = await _candidates(s)
        agencies = await agencies_of(s, rt.settings, [c.id for c in convs])
        convs = [c for c in convs if agencies[c.id] == who.agency][:MAX_THREADS]
        items = await _summaries(rt, who, s, convs)
    if mine:
        items = [i for i in items if i["assignee"] == who.username]
    items.sort(key=lambda i: (i["waiting_since"] is None, i["waiting_since"] or "", -i["id"]))
    return {
        "items": items,
        "total": len(items),
        "unread": sum(i["unread"] for i in items),
        "waiting": sum(1 for i in items if i["waiting_since"]),
        "sla_s": sla_seconds(rt.settings),
    }


async def find_thread(rt, who: Principal, conversation_id: int) -> Conversation:
    """The conversation if it belongs to the officer's agency (else DossierNotFound: no leak);
    analysts are refused (Forbidden)."""
    need_personal(who)
    async with rt.db.session() as s:
        conv = await s.get(Conversation, conversation_id)
        if conv is None or (await agencies_of(s, rt.settings, [conv.id]))[conv.id] != who.agency:
            raise DossierNotFound(f"no conversation {conversation_id}")
        return conv


async def thread_summary(rt, who: Principal, conv: Conversation) -> dict[str, Any]:
    """One thread's summary, the same shape as an inbox item, whether or not it wants a human."""
    async with rt.db.session() as s:
        conv = await s.get(Conversation, conv.id)
        assert conv is not None
        item = (await _summaries(rt, who, s, [conv], every=True))[0]
        codes = (
            await s.execute(
                select(Dossier.code, Dossier.status)
                .where(
                    Dossier.conversation_id == conv.id, Dossier.code.is_not(None), Dossier.status != S.DRAFT
                )
                .order_by(Dossier.id.desc())
            )
        ).all()
    item["dossiers"] = [{"code": c, "status": st} for c, st in codes]
    return item
