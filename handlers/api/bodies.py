"""The API's request bodies as pydantic models: they validate what arrives and generate the
OpenAPI components (handlers/api/openapi.py), so each shape is written once. Query parameters
are read here too. A body or query that does not fit answers 400 (invalid_body, malformed_json,
bad_query) in the API's JSON error shape."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, Field, PlainValidator, StringConstraints, ValidationError, WithJsonSchema

from handlers.api.errors import TEXTS, ApiError

MAX_TEXT = 4000
# a required sentence: 1..4000 characters, not only spaces
Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT, pattern=r"\S")]
Note = Annotated[str, StringConstraints(max_length=MAX_TEXT)]


def _iso_date(value: object) -> dt.date:
    if not isinstance(value, str):
        raise ValueError("a date YYYY-MM-DD")
    return dt.date.fromisoformat(value)


IsoDate = Annotated[dt.date, PlainValidator(_iso_date), WithJsonSchema({"type": "string", "format": "date"})]


class Credentials(BaseModel):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(max_length=1024)]


class SupplementItem(BaseModel):
    document: str = Field(description="a document key of the dossier's procedure")
    reason: str


class SupplementRequest(BaseModel):
    items: list[SupplementItem] = Field(min_length=1, description="every missing document, in one notice")
    note: str = ""


class MessageIn(BaseModel):
    text: Text


class RejectIn(BaseModel):
    reason: Text


class NoteIn(BaseModel):
    note: Note = ""


class LateIn(BaseModel):
    reason: Text
    new_date: IsoDate


class AssignIn(BaseModel):
    officer: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"\S")]


REQUEST_MODELS: tuple[type[BaseModel], ...] = (
    Credentials,
    SupplementRequest,
    MessageIn,
    RejectIn,
    NoteIn,
    LateIn,
    AssignIn,
)
M = TypeVar("M", bound=BaseModel)


async def read_json(request: web.Request) -> dict[str, Any]:
    """The body as a JSON object ({} when there is none)."""
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "malformed_json") from None
    if not isinstance(body, dict):
        raise ApiError(400, "malformed_json", TEXTS("errors.not_an_object"))
    return body


def validate(model: type[M], body: dict[str, Any]) -> M:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) or "body" for e in exc.errors())
        raise ApiError(400, "invalid_body", TEXTS("errors.invalid_body", fields=fields)) from None


def flag(request: web.Request, name: str) -> bool:
    value = request.query.get(name, "").lower()
    if value in ("", "false", "0", "no"):
        return False
    if value in ("true", "1", "yes"):
        return True
    raise ApiError(400, "bad_query", TEXTS("query.flag", name=name))


def integer(request: web.Request, name: str, default: int, lo: int, hi: int) -> int:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, "bad_query", TEXTS("query.integer", name=name)) from None
    if not lo <= value <= hi:
        raise ApiError(400, "bad_query", TEXTS("query.range", name=name, lo=lo, hi=hi))
    return value
