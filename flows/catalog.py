"""The procedure catalog: one YAML file per procedure key in catalog/, checked on load."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .validators import VALIDATORS

CATALOG_DIR = Path(__file__).with_name("catalog")
PHOTO_KINDS = {"id_card", "paper", "none"}


class CatalogError(ValueError):
    pass


@dataclass(frozen=True)
class Document:
    key: str
    name: str
    photo: str
    required: bool
    ask: str


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    ask: str
    validator: str
    example: str


@dataclass(frozen=True)
class Procedure:
    key: str
    name: str
    short_name: str
    code: str
    authority: str
    processing_days: int
    cutoff_hour: int
    fee: str
    source_url: str
    documents: tuple[Document, ...]
    fields: tuple[FormField, ...]
    legal_basis: tuple[str, ...] = ()
    unconfirmed: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def _need(data: dict, name: str, kind: type, where: str) -> Any:
    if name not in data:
        raise CatalogError(f"{where}: missing field '{name}'")
    value = data[name]
    if not isinstance(value, kind):
        raise CatalogError(f"{where}: field '{name}' must be {kind.__name__}, got {type(value).__name__}")
    return value


def parse_procedure(data: Any, source: str) -> Procedure:
    if not isinstance(data, dict):
        raise CatalogError(f"{source}: the file must hold a mapping")
    docs = []
    for i, d in enumerate(_need(data, "documents", list, source)):
        where = f"{source}: documents[{i}]"
        if not isinstance(d, dict):
            raise CatalogError(f"{where}: must be a mapping")
        photo = _need(d, "photo", str, where)
        if photo not in PHOTO_KINDS:
            raise CatalogError(f"{where}: field 'photo' must be one of {sorted(PHOTO_KINDS)}")
        docs.append(Document(_need(d, "key", str, where), _need(d, "name", str, where), photo,
                             bool(d.get("required", True)), _need(d, "ask", str, where)))
    fields = []
    for i, f in enumerate(data.get("fields") or []):
        where = f"{source}: fields[{i}]"
        validator = _need(f, "validator", str, where)
        if validator not in VALIDATORS:
            raise CatalogError(f"{where}: unknown validator '{validator}'")
        fields.append(FormField(_need(f, "key", str, where), _need(f, "label", str, where),
                                _need(f, "ask", str, where), validator, str(_need(f, "example", (str, int), where))))
    return Procedure(
        key=_need(data, "key", str, source),
        name=_need(data, "name", str, source),
        short_name=data.get("short_name") or data["name"].lower(),
        code=str(_need(data, "code", (str, int, float), source)),
        authority=_need(data, "authority", str, source),
        processing_days=_need(data, "processing_days", int, source),
        cutoff_hour=int(data.get("cutoff_hour", 15)),
        fee=_need(data, "fee", str, source),
        source_url=_need(data, "source_url", str, source),
        documents=tuple(docs),
        fields=tuple(fields),
        legal_basis=tuple(data.get("legal_basis") or ()),
        unconfirmed=tuple(data.get("unconfirmed") or ()),
        raw=data,
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
