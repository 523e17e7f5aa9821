"""THE analytics summary: `python -m bot report`, `GET /api/v1/metrics` and the console's
dashboard all call `summary` (so they never disagree). Per period (local days, both ends
included), for the whole service, per channel and per procedure.

What is counted (README, "Analytics"):
- conversations: started in the period (first citizen message in it), by channel, and by the
  procedures their turns in the period were about;
- dossiers: created in the period (consent given) — the cohort of the funnel, the times, the
  overdue share and containment; the statuses they reached since, whenever that was;
- turns, photos, refusals of consent and survey answers: those made in the period.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select

from core.db import AuditEvent, Citizen, Conversation, Dossier, MessageLog, SurveyAnswer
from flows.survey import load_surveys
from services.analytics.export import _Citizens
from services.analytics.figures import Blocks
from services.analytics.period import Period
from services.analytics.redact import Pseudonyms, analytics_secret, fold
from services.dossiers import S, local_today

DOCUMENTS_DONE = {"field", "summary", "edit"}  # a dossier past its photos
#: A filed dossier in one of these statuses is still with the office (or, asked for more papers,
#: with the citizen) on its way to the funnel stage named: waiting, not a drop-off.
WAITING_FOR = {
    S.SUBMITTED: "accepted",
    S.IN_REVIEW: "accepted",
    S.NEEDS_SUPPLEMENT: "accepted",
    S.ACCEPTED: "completed",
    S.RESULT_READY: "completed",
}
RESOLVED = {"result_ready", "rejected"}  # the office's answer
NOT_A_RESPONSE = {"survey_sent", "assigned"}
LETTER = re.compile(r"[^\W\d_]")


def _plain(text: str) -> bool:
    """Letters, none with a diacritic (a proxy for the device and the writer's habits)."""
    return all(c.isascii() for c in LETTER.findall(text))


async def summary(rt, period: Period) -> dict[str, Any]:
    blocks = Blocks()
    by_day: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    satisfied_from = load_surveys().satisfied_from
    pseudo = Pseudonyms(analytics_secret(rt.settings))
    async with rt.db.session() as s:
        started = await _conversations(s, blocks, period)
        await _turns(s, blocks, period, started, pseudo)
        await _dossiers(s, blocks, period, local_today(rt.settings))
        await _refusals(s, blocks, period)
        await _answers(s, blocks, period, by_day, satisfied_from)
    out: dict[str, Any] = {"period": period.as_dict(), **blocks.summary(satisfied_from)}
    out["csat_by_day"] = [
        {"day": day.isoformat(), "answers": n, "satisfied": ok, "share": round(ok / n, 4) if n else None}
        for day, (n, ok) in sorted(by_day.items())
    ]
    return out


async def _conversations(s, blocks: Blocks, period: Period) -> dict[int, tuple[str, set[str]]]:
    first = (
        select(MessageLog.conversation_id, func.min(MessageLog.created_at).label("first"))
        .where(MessageLog.direction == "in")
        .group_by(MessageLog.conversation_id)
        .subquery()
    )
    rows = await s.execute(
        select(Conversation.id, Conversation.channel)
        .join(first, first.c.conversation_id == Conversation.id)
        .where(first.c.first >= period.start, first.c.first < period.end)
    )
    return {cid: (channel, set()) for cid, channel in rows}


async def _turns(s, blocks: Blocks, period: Period, started, pseudo: Pseudonyms) -> None:
    citizens = _Citizens(s, pseudo)
    stmt = (
        select(
            MessageLog.conversation_id,
            MessageLog.channel,
            MessageLog.procedure,
            MessageLog.dossier_id,
            MessageLog.kind,
            MessageLog.text,
            MessageLog.fallback,
            MessageLog.details,
            MessageLog.latency_ms,
            Conversation.citizen_id,
        )
        .join(Conversation, Conversation.id == MessageLog.conversation_id)
        .where(
            MessageLog.direction == "in",
            MessageLog.created_at >= period.start,
            MessageLog.created_at < period.end,
        )
        .order_by(MessageLog.id)
        .execution_options(yield_per=5000)
    )
    done: dict[int, None] = {}
    async for (
        cid,
        channel,
        proc,
        dossier_id,
        kind,
        text,
        fallback,
        details,
        latency,
        citizen_id,
    ) in await s.stream(stmt):
        here = blocks.of(channel, proc)
        details = details or {}
        if cid in started and proc:
            started[cid][1].add(proc)
        if dossier_id and details.get("step_after") in DOCUMENTS_DONE:
            done[dossier_id] = None
        if latency is not None:
            for b in here:
                b.durations["latency_ms"].append(latency)
        if kind == "text" and text:
            blocks.count(here, "turns.text")
            if LETTER.search(text):
                blocks.count(here, "text.letters")
                if _plain(text):
                    blocks.count(here, "text.plain")
            if fallback:
                blocks.count(here, "turns.fallback")
                _who, red = await citizens.get(citizen_id)
                said = " ".join(fold((red.text(text) if red else text) or "").split())
                for b in here:
                    b.unanswered[said] += 1
        for photo in details.get("photos", []):
            blocks.count(here, "photos.checked")
            if photo.get("verdict") in {"retake", "unreadable"}:
                blocks.count(here, "photos.rejected")
                for b in here:
                    b.retakes[photo.get("document") or "?"] += 1
                    b.problems.update(photo.get("problems") or ["unreadable_file"])
    for _cid, (channel, procs) in started.items():
        here = blocks.of(channel, procs)
        blocks.count(here, "funnel.conversations")
        if procs:
            blocks.count(here, "funnel.chose_procedure")
    blocks.documents_done = done  # type: ignore[attr-defined]


async def _dossiers(s, blocks: Blocks, period: Period, today: dt.date) -> None:
    rows = (
        await s.execute(
            select(Dossier, Conversation.channel, Conversation.key)
            .join(Conversation, Conversation.id == Dossier.conversation_id)
            .where(Dossier.created_at >= period.start, Dossier.created_at < period.end)
        )
    ).all()
    if not rows:
        return
    ids = [d.id for d, _c, _k in rows]
    events: dict[int, list[AuditEvent]] = defaultdict(list)
    for i in range(0, len(ids), 500):
        found = await s.execute(
            select(AuditEvent).where(AuditEvent.dossier_id.in_(ids[i : i + 500])).order_by(AuditEvent.id)
        )
        for e in found.scalars():
            events[e.dossier_id].append(e)
    taken = {
        (e.data or {}).get("conversation")
        for e in (await s.execute(select(AuditEvent).where(AuditEvent.action == "take_over"))).scalars()
    }
    done = getattr(blocks, "documents_done", {})
    for d, channel, key in rows:
        here = blocks.of(channel, d.procedure)
        mine = events[d.id]
        actions = {e.action for e in mine}
        blocks.count(here, "dossiers.created")
        blocks.count(here, "funnel.consent_given")
        submitted = d.submitted_at is not None
        if d.id in done or submitted:
            blocks.count(here, "funnel.documents_done")
        if submitted:
            blocks.count(here, "dossiers.submitted")
            blocks.count(here, "funnel.submitted")
        for status in ("accepted", "rejected", "completed"):
            if status in actions:
                blocks.count(here, f"dossiers.{status}")
                if status != "rejected":
                    blocks.count(here, f"funnel.{status}")
                elif submitted:
                    blocks.count(here, "funnel.refused")  # an outcome, not a drop-off
        if submitted and d.status in WAITING_FOR:  # filed, no answer yet: not a drop-off
            blocks.count(here, f"funnel.waiting.{WAITING_FOR[d.status]}")
        if "completed" in actions and "take_over" not in actions and key not in taken:
            blocks.count(here, "contained")
        if not submitted:
            continue
        assert d.submitted_at is not None
        _add(here, "to_submit", (d.submitted_at - d.created_at).total_seconds())
        officer = [e for e in mine if e.actor.startswith("officer:") and e.action not in NOT_A_RESPONSE]
        if officer:
            _add(here, "first_response", (officer[0].created_at - d.submitted_at).total_seconds())
        resolved = next((e for e in mine if e.action in RESOLVED), None)
        if resolved is not None:
            _add(here, "resolution", (resolved.created_at - d.submitted_at).total_seconds())
        if d.due_date is not None:
            blocks.count(here, "due")
            late = (
                period.local_day(resolved.created_at) > d.due_date
                if resolved is not None
                else d.due_date < today
            )
            if late:
                blocks.count(here, "overdue")


def _add(blocks_: list, what: str, seconds: float) -> None:
    for b in blocks_:
        b.durations[what].append(seconds)


async def _refusals(s, blocks: Blocks, period: Period) -> None:
    rows = (
        await s.execute(
            select(AuditEvent.actor, AuditEvent.data).where(
                AuditEvent.action == "consent_refused",
                AuditEvent.created_at >= period.start,
                AuditEvent.created_at < period.end,
            )
        )
    ).all()
    ids = {int(a[8:]) for a, _d in rows if a.startswith("citizen:") and a[8:].isdigit()}
    channels = (
        dict((await s.execute(select(Citizen.id, Citizen.channel).where(Citizen.id.in_(ids)))).all())
        if ids
        else {}
    )
    for actor, data in rows:
        cid = int(actor[8:]) if actor[8:].isdigit() else None
        blocks.count(blocks.of(channels.get(cid), (data or {}).get("procedure")), "consent_refused")


async def _answers(s, blocks: Blocks, period: Period, by_day, satisfied_from: int) -> None:
    rows = await s.execute(
        select(SurveyAnswer.channel, SurveyAnswer.score, SurveyAnswer.created_at, Dossier.procedure)
        .outerjoin(Dossier, Dossier.id == SurveyAnswer.dossier_id)
        .where(
            SurveyAnswer.survey == "dossier",
            SurveyAnswer.score.is_not(None),
            SurveyAnswer.created_at >= period.start,
            SurveyAnswer.created_at < period.end,
        )
    )
    for channel, score, at, procedure in rows:
        for b in blocks.of(channel, procedure):
            b.scores[score] += 1
        day = by_day[period.local_day(at)]
        day[0] += 1
        day[1] += score >= satisfied_from


# ---- who may read the analytics ---------------------------------------------------------------
ANALYTICS_ROLES = frozenset({"analyst", "supervisor", "admin"})


def need_analytics(who) -> None:
    """Analysts and supervisors (and admins) read the analytics; officers at the counter do not."""
    from services.dossiers import Forbidden

    if who.role not in ANALYTICS_ROLES:
        raise Forbidden("metrics")
