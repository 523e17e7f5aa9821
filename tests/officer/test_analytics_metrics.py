"""Every metric of the analytics summary, checked exactly against a known synthetic history
built through the real message path (analytics_kit.build), on SQLite + in-process queue and on
PostgreSQL + Redis: the API (analyst, supervisor), `python -m bot report --json` and the
dashboard all give the same numbers."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from analytics_kit import build
from citizen import photo
from officer_kit import api_token, bearer
from sqlalchemy import select
from support import ROOT

import ocr
from core.db import AuditEvent, Dossier, MessageLog
from services.analytics.metrics import summary
from services.analytics.period import period
from services.dossiers import local_today

ID_TYPES = {"cccd_front", "cccd_back", "cancuoc_front", "cancuoc_back", "cmnd_front"}


def _expected_blurry_problems() -> list[str]:
    """What the photo check says of the blurry photo C sent (real OCR, run here on its own)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "blurry.jpg"
        path.write_bytes(photo("paper", seed=7, cls="blurry"))
        result = ocr.analyze(path, "id_card")
    problems = list(result["quality"]["problems"])
    if not problems and (result.get("document") or {}).get("type") not in ID_TYPES:
        problems.append("not_id_card")
    assert problems, "the blurry photo must be refused for the test to mean anything"
    return problems


def _report(settings, since: str, until: str, as_json: bool = True) -> str:
    env = dict(os.environ, DATABASE_URL=settings.database_url, REDIS_URL="", VAR_DIR=settings.var_dir)
    args = [sys.executable, "-m", "bot", "report", "--since", since, "--until", until]
    done = subprocess.run(
        args + (["--json"] if as_json else []), cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _plain(text: str) -> bool | None:
    """None: no letters; True: letters, all ASCII; False: some letter with a diacritic."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None
    return all(ord(ch) < 128 for ch in letters)


async def _times(rt, codes: dict[str, str]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"submit": [], "first": [], "resolution": []}
    async with rt.db.session() as s:
        for code in codes.values():
            d = (await s.execute(select(Dossier).where(Dossier.code == code))).scalar_one()
            events = (
                (
                    await s.execute(
                        select(AuditEvent).where(AuditEvent.dossier_id == d.id).order_by(AuditEvent.id)
                    )
                )
                .scalars()
                .all()
            )
            out["submit"].append((d.submitted_at - d.created_at).total_seconds())
            first = next(
                e
                for e in events
                if e.actor.startswith("officer:") and e.action not in {"survey_sent", "assigned"}
            )
            out["first"].append((first.created_at - d.submitted_at).total_seconds())
            res = next(e for e in events if e.action in {"result_ready", "rejected"})
            out["resolution"].append((res.created_at - d.submitted_at).total_seconds())
    return out


async def test_every_metric_of_a_known_history(client, rt):
    started = local_today(rt.settings)
    h = await build(client, rt)
    problems = _expected_blurry_problems()
    texts = h.texts()
    letters = [t for t in texts if _plain(t) is not None]
    plain = [t for t in letters if _plain(t)]
    times = await _times(rt, h.codes)
    async with rt.db.session() as s:
        latencies = (
            (await s.execute(select(MessageLog.latency_ms).where(MessageLog.direction == "in")))
            .scalars()
            .all()
        )
    today = local_today(rt.settings)
    since = min(started, today)  # a history built across local midnight still falls in the period

    r = await client.get(
        f"/api/v1/metrics?since={since}&until={today}", headers=bearer(await api_token(client, "minh"))
    )
    assert r.status == 200, await r.text()
    m = await r.json()
    o = m["overall"]
    assert o["conversations_started"] == 5
    assert o["consent_refused"] == 1
    assert o["dossiers"] == {"created": 4, "submitted": 3, "accepted": 2, "rejected": 1, "completed": 2}
    assert o["funnel"] == [
        {"stage": "conversations", "count": 5, "refused": 0, "waiting": 0, "drop_off": None},
        {"stage": "chose_procedure", "count": 5, "refused": 0, "waiting": 0, "drop_off": 0.0},
        {"stage": "consent_given", "count": 4, "refused": 0, "waiting": 0, "drop_off": 0.2},
        {
            "stage": "documents_done",
            "count": 4,
            "refused": 0,
            "waiting": 0,
            "drop_off": 0.0,
        },  # D cancelled at the form
        {"stage": "submitted", "count": 3, "refused": 0, "waiting": 0, "drop_off": 0.25},
        # C was refused: the office's answer, shown apart, not a citizen who dropped off
        {"stage": "accepted", "count": 2, "refused": 1, "waiting": 0, "drop_off": 0.0},
        {"stage": "completed", "count": 2, "refused": 0, "waiting": 0, "drop_off": 0.0},
    ]
    assert h.fallbacks() == 2
    assert o["fallback"] == {
        "turns": len(texts),
        "fallbacks": 2,
        "rate": round(2 / len(texts), 4),
        "top_unanswered": [{"text": "asdfgh qwerty", "count": 1}, {"text": "zzz", "count": 1}],
    }
    assert o["containment"] == {"completed": 2, "without_officer": 1, "rate": 0.5}  # E was taken over
    by_problem: dict[str, int] = {"not_image": 1}
    for p in problems:
        by_problem[p] = by_problem.get(p, 0) + 1
    assert o["photos"] == {
        "checked": 2,
        "rejected": 2,
        "by_problem": dict(sorted(by_problem.items())),
        "retakes_by_document": {"the_can_cuoc_cu": 2},
    }
    assert o["median_time_to_submit_s"] == round(statistics.median(times["submit"]), 1)
    assert o["officer_first_response_s"] == round(statistics.median(times["first"]), 1)
    assert o["resolution_s"] == round(statistics.median(times["resolution"]), 1)
    assert o["bot_latency_ms"] == round(statistics.median([x for x in latencies if x is not None]), 1)
    assert o["overdue"] == {"due": 3, "overdue": 0, "share": 0.0}
    assert o["csat"] == {
        "answers": 2,
        "satisfied": 1,
        "share": 0.5,
        "target": 0.8,
        "met": False,
        "by_score": {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1},
    }
    assert o["no_diacritics"] == {
        "messages": len(letters),
        "without": len(plain),
        "share": round(len(plain) / len(letters), 4),
    }
    if since == today:
        assert m["csat_by_day"] == [{"day": today.isoformat(), "answers": 2, "satisfied": 1, "share": 0.5}]
    assert sum(d["answers"] for d in m["csat_by_day"]) == 2
    # one channel here: the web chat's block is the whole
    assert m["by_channel"] == {"web": o}
    # one procedure: its block has the dossier figures of the whole; its turns exclude the
    # messages about no procedure ("Xin chào", the one not understood)
    p = m["by_procedure"]["can_cuoc"]
    for key in (
        "consent_refused",
        "dossiers",
        "containment",
        "photos",
        "overdue",
        "csat",
        "conversations_started",
    ):
        assert p[key] == o[key], key
    assert p["funnel"][2:] == o["funnel"][2:]
    assert p["fallback"]["fallbacks"] == 0

    # the same numbers for a supervisor, and from the one service module the report calls
    sup = await client.get(
        f"/api/v1/metrics?since={since}&until={today}", headers=bearer(await api_token(client, "hoa"))
    )
    assert await sup.json() == m
    assert await summary(rt, period(since, today, rt.settings.timezone)) == m
    # and `python -m bot report --json` (a process of its own, the same database)
    report = await asyncio.to_thread(_report, rt.settings, str(since), str(today))
    assert json.loads(report) == m
    text = await asyncio.to_thread(_report, rt.settings, str(since), str(today), False)
    assert "Thống kê MotCua" in text and "Hồ sơ hoàn thành: 2" in text and "asdfgh qwerty" in text
    assert "bị từ chối: 1 (kết quả xử lý, không tính là rời bỏ)" in text
    # a day without anything
    empty = await summary(
        rt, period(today - dt.timedelta(days=3), today - dt.timedelta(days=2), rt.settings.timezone)
    )
    assert empty["overall"]["conversations_started"] == 0 and empty["csat_by_day"] == []
    # D's answer to the soft question after cancelling is kept, outside the CSAT
    from core.db import SurveyAnswer

    async with rt.db.session() as s:
        answers = (await s.execute(select(SurveyAnswer).order_by(SurveyAnswer.id))).scalars().all()
    assert [(a.survey, a.question, a.answer, a.score, a.comment) for a in answers] == [
        ("dossier", "score", "5", 5, None),
        ("cancelled", "reason", "missing_documents", None, None),
        ("dossier", "score", "2", 2, None),
        ("dossier", "reason", "time", None, None),
        ("dossier", "comment", None, None, "Chờ lâu quá"),
    ]


async def test_metrics_roles_and_bad_periods(client, rt):
    officer = bearer(await api_token(client, "lan"))
    r = await client.get("/api/v1/metrics", headers=officer)
    assert r.status == 403 and (await r.json())["error"] == "forbidden_role"
    assert (await client.get("/api/v1/metrics")).status == 401
    admin = bearer(await api_token(client, "tuan"))
    for query in (
        "since=2026-13-01",
        "since=2026-12-05&until=2026-12-01",
        "until=yesterday",
        "until=9999-12-31",
    ):
        r = await client.get(f"/api/v1/metrics?{query}", headers=admin)
        assert r.status == 400 and (await r.json())["error"] == "bad_query", query
    r = await client.get("/api/v1/metrics", headers=admin)  # the last 30 days by default
    assert r.status == 200 and (await r.json())["overall"]["conversations_started"] == 0
