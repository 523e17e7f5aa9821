"""Canned replies of the console (handlers/canned_replies.yml, per agency) with their
placeholders filled for the open dossier or thread; the officer inserts one into the reply box
and may edit it before sending."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from services.audit_lines import vn_date

DATA: dict[str, list[dict[str, str]]] = yaml.safe_load(
    Path(__file__).with_name("canned_replies.yml").read_text(encoding="utf-8")
)


def replies(agency_code: str, /, **values: Any) -> list[dict[str, str]]:
    """The agency's canned replies, filled: {key, title, text}."""
    filled: defaultdict[str, str] = defaultdict(str)
    for k, v in values.items():
        filled[k] = vn_date(v) if k == "due_date" else ("" if v is None else str(v))
    return [
        {"key": r["key"], "title": r["title"], "text": r["text"].format_map(filled)}
        for r in DATA.get(agency_code) or DATA["default"]
    ]
