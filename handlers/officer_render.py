"""How the officer console renders: the Jinja environment (autoescaped) and its filters, the
console's words (handlers/officer.yml, the shared field and status labels), the security headers
of every page, and the error pages."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from aiohttp import web

from core.texts import LABELS, Texts

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
TEXTS = Texts.load(HERE / "officer.yml", HERE / "officer_words.yml")

STATUS_LABELS: dict[str, str] = LABELS.get("status")
FIELD_LABELS: dict[str, str] = LABELS.get("fields")
DELIVERY_LABELS: dict[str, str] = TEXTS.get("labels.delivery")
AUTHOR_LABELS: dict[str, str] = TEXTS.get("labels.author")
FLASH: dict[str, str] = TEXTS.get("flash")
ERRORS: dict[str, str] = TEXTS.get("errors")

ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True
)
CSP = (
    "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def local_time(value: str | None, tz: str = "Asia/Ho_Chi_Minh") -> str:
    """An ISO timestamp (aware, as the service gives it) as the office reads it: local time,
    "dd/mm/yyyy HH:MM"; anything unreadable is shown as it came."""
    if not value:
        return ""
    try:
        return dt.datetime.fromisoformat(value).astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y %H:%M")
    except (ValueError, TypeError):
        return str(value)


def short(value: Any, limit: int = 300) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def vn_date(value: str | None) -> str:
    try:
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""
    except ValueError:
        return value or ""


ENV.filters["local"] = local_time
ENV.filters["vndate"] = vn_date
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def vn_value(value: object) -> object:
    """A declared or read value as the officer reads it: an ISO date (YYYY-MM-DD) as dd/mm/yyyy,
    anything else unchanged."""
    return vn_date(value) if isinstance(value, str) and ISO_DATE.fullmatch(value) else value


ENV.filters["vnvalue"] = vn_value
ENV.filters["short"] = short


def headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }


def render(name: str, http_status: int = 200, tz: str = "Asia/Ho_Chi_Minh", **context: Any) -> web.Response:
    context.setdefault("who", None)
    context.setdefault("csrf", "")
    html = ENV.get_template(name).render(
        status_labels=STATUS_LABELS,
        delivery_labels=DELIVERY_LABELS,
        author_labels=AUTHOR_LABELS,
        due_labels=TEXTS.get("labels.due"),
        field_labels=FIELD_LABELS,
        source_labels=TEXTS.get("labels.source"),
        action_labels=TEXTS.get("labels.action"),
        problem_labels=TEXTS.get("labels.problem"),
        role_labels=TEXTS.get("roles"),
        channel_labels=TEXTS.get("channels"),
        doc_type_labels=TEXTS.get("doc_types"),
        match_labels=TEXTS.get("search_match"),
        tz=tz,
        **context,
    )
    return web.Response(
        text=html, status=http_status, content_type="text/html", charset="utf-8", headers=headers()
    )


def forbidden(code: str) -> web.HTTPForbidden:
    html = ENV.get_template("error.html").render(message=ERRORS.get(code, code), who=None, csrf="")
    return web.HTTPForbidden(text=html, content_type="text/html", headers=headers())


def not_found() -> web.HTTPNotFound:
    html = ENV.get_template("error.html").render(message=ERRORS["not_found"], who=None, csrf="")
    return web.HTTPNotFound(text=html, content_type="text/html", headers=headers())
