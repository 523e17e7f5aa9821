"""The analytics summary in words (handlers/analytics.yml): the figures as the dashboard shows
them, and the text of `python -m bot report`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.texts import Texts

TEXTS = Texts.load(Path(__file__).with_name("analytics.yml"))


def percent(value: float | None) -> str:
    return TEXTS("none") if value is None else f"{value * 100:.1f} %"


def _number(value: float, digits: int) -> str:
    """A number as Vietnamese writes it: a decimal comma (2,6), no trailing ",0"."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    return text.replace(".", ",")


def duration(seconds: float | None) -> str:
    """A length of time in Vietnamese units: 45 giây, 2,6 phút, 3,5 giờ, 2,1 ngày."""
    if seconds is None:
        return TEXTS("none")
    if seconds < 120:
        return TEXTS("units.seconds", n=_number(seconds, 0))
    if seconds < 7200:
        return TEXTS("units.minutes", n=_number(seconds / 60, 1))
    if seconds < 172800:
        return TEXTS("units.hours", n=_number(seconds / 3600, 1))
    return TEXTS("units.days", n=_number(seconds / 86400, 1))


def figures(block: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(key, label, value as shown) of one block's key figures."""
    d, f, c, p = block["dossiers"], block["fallback"], block["containment"], block["photos"]
    o, s, n = block["overdue"], block["csat"], block["no_diacritics"]
    latency = block["bot_latency_ms"]
    rows = [
        ("conversations_started", str(block["conversations_started"])),
        ("consent_refused", str(block["consent_refused"])),
        ("dossiers_created", str(d["created"])),
        ("dossiers_submitted", str(d["submitted"])),
        ("dossiers_accepted", str(d["accepted"])),
        ("dossiers_rejected", str(d["rejected"])),
        ("dossiers_completed", str(d["completed"])),
        ("fallback_rate", f"{percent(f['rate'])} ({f['fallbacks']}/{f['turns']})"),
        ("containment", f"{percent(c['rate'])} ({c['without_officer']}/{c['completed']})"),
        ("photos_rejected", f"{p['rejected']}/{p['checked']}"),
        ("time_to_submit", duration(block["median_time_to_submit_s"])),
        ("first_response", duration(block["officer_first_response_s"])),
        ("resolution", duration(block["resolution_s"])),
        ("bot_latency", duration(None if latency is None else latency / 1000)),
        ("overdue", f"{percent(o['share'])} ({o['overdue']}/{o['due']})"),
        ("csat", f"{percent(s['share'])} ({s['satisfied']}/{s['answers']})"),
        ("no_diacritics", f"{percent(n['share'])} ({n['without']}/{n['messages']})"),
    ]
    return [(k, TEXTS(f"figures.{k}"), v) for k, v in rows]


def report_text(summary: dict[str, Any]) -> str:
    period = summary["period"]
    lines = [TEXTS("report.heading", since=period["since"], until=period["until"]), ""]
    lines += _block(summary["overall"])
    for title, key in (("report.by_channel", "by_channel"), ("report.by_procedure", "by_procedure")):
        for name, block in summary[key].items():
            lines += ["", f"== {TEXTS(title)}: {name}"] + _block(block)
    return "\n".join(lines)


def _block(block: dict[str, Any]) -> list[str]:
    lines = [f"{label}: {value}" for _k, label, value in figures(block)]
    lines.append(TEXTS("report.funnel") + ":")
    for stage in block["funnel"]:
        drop = "" if stage["drop_off"] is None else f" (-{percent(stage['drop_off'])})"
        refused = TEXTS("report.refused", n=stage["refused"]) if stage["refused"] else ""
        waiting = TEXTS("report.waiting", n=stage["waiting"]) if stage["waiting"] else ""
        lines.append(f"  {TEXTS('stages.' + stage['stage'])}: {stage['count']}{drop}{refused}{waiting}")
    top = block["fallback"]["top_unanswered"]
    if top:
        lines.append(TEXTS("figures.top_unanswered") + ":")
        lines += [f"  {t['count']} × {t['text']}" for t in top]
    return lines
