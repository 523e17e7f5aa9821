"""The procedure catalog (catalog/*.yml, schema in catalog/SCHEMA.md) and the life events
(life_events.yml), checked on load: an error names the file and the field."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .validators import VALIDATORS

HERE = Path(__file__).resolve().parent
CATALOG_DIR = HERE / "catalog"
LIFE_EVENTS_FILE = HERE / "life_events.yml"
PHOTO_KINDS = {"id_card", "paper", "none"}
ID_FIELDS = {"id_number", "old_id_number", "full_name", "date_of_birth", "sex", "nationality",
             "place_of_origin", "place_of_residence", "date_of_issue", "date_of_expiry"}


class CatalogError(ValueError):
    pass


@dataclass(frozen=True)
class Alternative:
    key: str
    name: str
    photo: str
    ask: str


@dataclass(frozen=True)
class Document:
    key: str
    name: str
    photo: str
    required: bool
    ask: str
    doc_type: str | None = None
    condition: str | None = None
    read_fields: tuple[str, ...] = ()
    alternatives: tuple[Alternative, ...] = ()


@dataclass(frozen=True)
class Question:
    key: str
    ask: str
    yes: str
    no: str


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    ask: str
    validator: str
    example: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Procedure:
    key: str
    name: str
    short_name: str
    code: str
    authority: str
    where: str
    hours: str
    processing_days: int
    cutoff_hour: int
    fee: str
    source_url: str
    documents: tuple[Document, ...]
    fields: tuple[FormField, ...]
    questions: dict[str, Question] = field(default_factory=dict)
    legal_basis: tuple[str, ...] = ()
    unconfirmed: tuple[str, ...] = ()
    processing_note: str = ""
    in_person: bool = False
    online_only: bool = False


@dataclass(frozen=True)
class LifeEvent:
    key: str
    title: str
    button: str
    procedure: str
    single: str | None = None
    offer: str | None = None
    phrases: tuple[str, ...] = ()


def _need(data: dict, name: str, kind: type | tuple, where: str) -> Any:
    if not isinstance(data, dict):
        raise CatalogError(f"{where}: must be a mapping")
    if name not in data or data[name] is None:
        raise CatalogError(f"{where}: missing field '{name}'")
    value = data[name]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise CatalogError(f"{where}: field '{name}' must be {names}, got {type(value).__name__}")
    return value


def _opt(data: dict, name: str, kind: type | tuple, where: str, default: Any) -> Any:
    return default if data.get(name) is None else _need(data, name, kind, where)


def _photo(data: dict, where: str) -> str:
    photo = _need(data, "photo", str, where)
    if photo not in PHOTO_KINDS:
        raise CatalogError(f"{where}: field 'photo' must be one of {sorted(PHOTO_KINDS)}, got '{photo}'")
    return photo


def _bool_key(data: dict, name: str) -> Any:
    # YAML 1.1 reads a bare yes/no key as a boolean: accept both spellings.
    for key in (name, name == "yes"):
        if key in data:
            return data[key]
    return None


def parse_procedure(data: Any, source: str) -> Procedure:
    if not isinstance(data, dict):
        raise CatalogError(f"{source}: the file must hold a mapping")
    questions: dict[str, Question] = {}
    for qkey, q in (_opt(data, "questions", dict, source, {}) or {}).items():
        where = f"{source}: questions.{qkey}"
        if not isinstance(q, dict):
            raise CatalogError(f"{where}: must be a mapping")
        yes, no = _bool_key(q, "yes"), _bool_key(q, "no")
        if not isinstance(yes, str) or not isinstance(no, str):
            raise CatalogError(f"{where}: needs text fields 'yes' and 'no' (quote them: \"yes\":)")
        questions[qkey] = Question(qkey, _need(q, "ask", str, where), yes, no)

    docs = []
    seen: set[str] = set()
    for i, d in enumerate(_need(data, "documents", list, source)):
        where = f"{source}: documents[{i}]"
        key = _need(d, "key", str, where)
        if key in seen:
            raise CatalogError(f"{where}: duplicate document key '{key}'")
        seen.add(key)
        photo = _photo(d, where)
        condition = _opt(d, "condition", str, where, None)
        if condition and condition not in questions:
            raise CatalogError(f"{where}: field 'condition' names unknown question '{condition}'")
        read_fields = tuple(_opt(d, "read_fields", list, where, []))
        unknown = set(read_fields) - ID_FIELDS
        if unknown:
            raise CatalogError(f"{where}: field 'read_fields' has unknown names {sorted(unknown)}")
        if read_fields and photo != "id_card":
            raise CatalogError(f"{where}: field 'read_fields' is only for photo: id_card")
        alternatives = []
        for j, a in enumerate(_opt(d, "alternatives", list, where, [])):
            awhere = f"{where}.alternatives[{j}]"
            alternatives.append(Alternative(_need(a, "key", str, awhere), _need(a, "name", str, awhere),
                                            _photo(a, awhere), _need(a, "ask", str, awhere)))
        docs.append(Document(
            key=key, name=_need(d, "name", str, where), photo=photo,
            required=bool(_opt(d, "required", bool, where, True)), ask=_need(d, "ask", str, where),
            doc_type=_opt(d, "doc_type", str, where, None), condition=condition, read_fields=read_fields,
            alternatives=tuple(alternatives),
        ))

    fields = []
    for i, f in enumerate(_opt(data, "fields", list, source, [])):
        where = f"{source}: fields[{i}]"
        validator = _need(f, "validator", str, where)
        if validator not in VALIDATORS:
            raise CatalogError(f"{where}: unknown validator '{validator}' (known: {', '.join(sorted(VALIDATORS))})")
        options = tuple(str(o) for o in _opt(f, "options", list, where, []))
        if validator == "choice" and len(options) < 2:
            raise CatalogError(f"{where}: validator 'choice' needs 'options' (at least two)")
        fields.append(FormField(_need(f, "key", str, where), _need(f, "label", str, where),
                                _need(f, "ask", str, where), validator,
                                str(_need(f, "example", (str, int), where)), options))

    processing_days = _need(data, "processing_days", int, source)
    if processing_days < 0:
        raise CatalogError(f"{source}: field 'processing_days' must not be negative")
    return Procedure(
        key=_need(data, "key", str, source),
        name=_need(data, "name", str, source),
        short_name=_need(data, "short_name", str, source),
        code=str(_need(data, "code", (str, int, float), source)),
        authority=_need(data, "authority", str, source),
        where=_need(data, "where", str, source),
        hours=_need(data, "hours", str, source),
        processing_days=processing_days,
        cutoff_hour=_opt(data, "cutoff_hour", int, source, 15),
        fee=_need(data, "fee", str, source),
        source_url=_need(data, "source_url", str, source),
        documents=tuple(docs),
        fields=tuple(fields),
        questions=questions,
        legal_basis=tuple(_need(data, "legal_basis", list, source)),
        unconfirmed=tuple(_need(data, "unconfirmed", list, source)),
        processing_note=_opt(data, "processing_note", str, source, ""),
        in_person=_opt(data, "in_person", bool, source, False),
        online_only=_opt(data, "online_only", bool, source, False),
    )


def load_file(path: Path) -> Procedure:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path.name}: not valid YAML: {exc}") from exc
    proc = parse_procedure(data, path.name)
    if proc.key != path.stem:
        raise CatalogError(f"{path.name}: field 'key' is '{proc.key}', expected '{path.stem}'")
    return proc


@lru_cache(maxsize=4)
def load_catalog(directory: Path = CATALOG_DIR) -> dict[str, Procedure]:
    return {p.stem: load_file(p) for p in sorted(directory.glob("*.yml"))}


def parse_life_events(data: Any, catalog: dict[str, Procedure], source: str) -> list[LifeEvent]:
    if not isinstance(data, list) or not data:
        raise CatalogError(f"{source}: the file must hold a non-empty list")
    events = []
    for i, e in enumerate(data):
        where = f"{source}: [{i}]"
        proc = _need(e, "procedure", str, where)
        single = _opt(e, "single", str, where, None)
        for name, key in (("procedure", proc), ("single", single)):
            if key is not None and key not in catalog:
                raise CatalogError(f"{where}: field '{name}' names unknown procedure '{key}'")
        button = _need(e, "button", str, where)
        if len(button) > 20:
            raise CatalogError(f"{where}: field 'button' is longer than 20 characters")
        events.append(LifeEvent(_need(e, "key", str, where), _need(e, "title", str, where), button, proc, single,
                                _opt(e, "offer", str, where, None),
                                tuple(str(p) for p in _opt(e, "phrases", list, where, []))))
    return events


@lru_cache(maxsize=4)
def load_life_events(path: Path = LIFE_EVENTS_FILE) -> list[LifeEvent]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return parse_life_events(data, load_catalog(), path.name)
