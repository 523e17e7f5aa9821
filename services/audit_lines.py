"""Audit events as sentences an officer reads (console and API `text`): who, in words, and what,
with dates as dd/mm/yyyy and documents and fields by their names, never raw keys."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

from core.texts import LABELS, Texts

TEXTS = Texts.load(Path(__file__).with_name("audit_lines.yml"))
FIELDS: dict[str, str] = LABELS.get("fields")
DATE_KEYS = ("due_date", "old_due_date", "new_due_date")


def vn_date(value: Any) -> str:
    """ "2026-12-01" as "01/12/2026"; anything else as it came ("" for None)."""
    if value is None:
        return ""
    try:
        return dt.date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def actor_name(actor: str, officer: str | None) -> str:
    if officer:
        return officer
    kind = actor.partition(":")[0]
    actors: dict[str, str] = TEXTS.get("actors")
    return actors.get(kind, actors["system"])


def sentence(action: str, data: dict[str, Any], documents: dict[str, str]) -> str:
    """The event as one sentence; `documents` names the procedure's document keys."""
    lines: dict[str, str] = TEXTS.get("lines")
    values: defaultdict[str, str] = defaultdict(str)
    for k, v in (data or {}).items():
        values[k] = v if isinstance(v, str) else "" if v is None else str(v)
    for k in DATE_KEYS:
        if k in values:
            values[k] = vn_date(data.get(k))
    items = data.get("items") if action == "supplement_requested" else data.get("documents")
    if isinstance(items, list):
        names = []
        for it in items:
            key = it.get("document") if isinstance(it, dict) else it
            name = documents.get(str(key), str(key))
            reason = it.get("reason") if isinstance(it, dict) else None
            names.append(f"{name} ({reason})" if reason else name)
        values["documents"] = "; ".join(names)
    if action == "id_field_corrected":
        values["field"] = FIELDS.get(values["field"], values["field"])
        values["document"] = documents.get(values["document"], values["document"])
    if action in ("photo_attached",):
        values["document"] = documents.get(values["document"], values["document"])
    key = (
        "assigned_by"
        if action == "assigned" and data.get("by") and data.get("by") != data.get("officer")
        else action
    )
    if action in ("paper_field_confirmed", "paper_field_corrected"):  # said, or kept: not read on a paper
        key += next((f"_{k}" for k in ("said", "self", "kept") if values.get(k)), "")
    text = lines.get(key, lines["other"]).format_map(values)
    note = " ".join(str(data.get("note") or "").split())
    if note and action not in ("note_added",):
        text += " " + TEXTS("note", note=note)
    return text


def field_notes(events: list[tuple[str, dict[str, Any]]]) -> dict[str, str]:
    """The form fields an officer is to check ({field key: a short note}) from a dossier's audit
    events (action, data): a name or an address typed without marks, a field left to the officer."""
    notes: dict[str, str] = TEXTS.get("field_notes")
    return {
        str(data["field"]): notes[action] for action, data in events if action in notes and data.get("field")
    }
