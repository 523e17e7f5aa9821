"""The procedure catalog (catalog/*.yml, schema in catalog/SCHEMA.md) and the life events
(life_events.yml), validated on load by pydantic models: an unknown or misspelt key, a missing
field or a wrong type is an error that names the file, the place and the field."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

from core.texts import LABELS

from .validators import VALIDATORS, bare

HERE = Path(__file__).resolve().parent
CATALOG_DIR = HERE / "catalog"
LIFE_EVENTS_FILE = HERE / "life_events.yml"
PHOTO_KINDS = ("id_card", "paper", "none")
ID_FIELDS = set(LABELS.get("fields"))  # the contract's ID-card field names (core/labels.yml)
Photo = Literal["id_card", "paper", "none"]
_TYPE_NAMES = {"int": "int", "string": "str", "bool": "bool", "list": "list", "dict": "dict", "tuple": "list"}


class CatalogError(ValueError):
    pass


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _folded_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """Compared the way typed words are: no diacritics, lower case, no punctuation."""
    return tuple(bare(w) for w in words)


class _Paper(_Entry):
    # what the paper is, who issues it and where to get it: said when a citizen asks about it
    # ("giấy báo tử là gì", "tờ khai lấy ở đâu"), and the step goes on
    about: StrictStr = ""
    # the words citizens call it by, besides its name ("gbt", "ct01", "sổ đỏ")
    words: tuple[StrictStr, ...] = ()

    @field_validator("words")
    @classmethod
    def _folded(cls, words: tuple[str, ...]) -> tuple[str, ...]:
        return _folded_words(words)


class Alternative(_Paper):
    key: StrictStr
    name: StrictStr
    photo: Photo
    ask: StrictStr


class Document(_Paper):
    key: StrictStr
    name: StrictStr
    photo: Photo
    ask: StrictStr
    required: StrictBool = True
    doc_type: StrictStr | None = None
    # pages of a paper: a number the law fixes (the step waits for that many), or "many" (the
    # step takes pages until the citizen says "xong"); a PDF brings all its pages at once
    pages: StrictInt | Literal["many"] = 1
    condition: StrictStr | None = None
    read_fields: tuple[StrictStr, ...] = ()
    # id_card only: the sex the card of this role reads (the groom's "Nam", the bride's "Nữ"); a
    # card reading the other is pointed out at the confirmation, never refused
    sex: Literal["Nam", "Nữ"] | None = None
    # id_card only: whose card it is, compared across procedures when a card given earlier is
    # offered again: "applicant" (who files), "subject" (who the dossier is for: the applicant
    # unless they said it is for someone else), or a role of its own ("groom", "bride", "parent")
    holder: StrictStr = "applicant"
    alternatives: tuple[Alternative, ...] = ()

    @field_validator("read_fields")
    @classmethod
    def _known_fields(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = set(value) - ID_FIELDS
        if unknown:
            raise ValueError(f"has unknown names {sorted(unknown)}")
        return value

    @model_validator(mode="after")
    def _read_only_cards(self) -> Document:
        if self.read_fields and self.photo != "id_card":
            raise ValueError("field 'read_fields' is only for photo: id_card")
        if self.sex and "sex" not in self.read_fields:
            raise ValueError("field 'sex' needs 'sex' in read_fields")
        return self


class Question(_Entry):
    key: StrictStr
    ask: StrictStr
    yes: StrictStr
    no: StrictStr
    # what citizens answer in their own words ("vợ chồng tôi cùng làm", "một mình tôi")
    yes_words: tuple[StrictStr, ...] = ()
    no_words: tuple[StrictStr, ...] = ()

    @field_validator("yes_words", "no_words")
    @classmethod
    def _folded(cls, words: tuple[str, ...]) -> tuple[str, ...]:
        return _folded_words(words)

    @model_validator(mode="before")
    @classmethod
    def _yaml_booleans(cls, data: Any) -> Any:
        # YAML 1.1 reads a bare yes/no key as a boolean: accept both spellings.
        if isinstance(data, dict):
            data = {
                {True: "yes", False: "no"}.get(k, k) if isinstance(k, bool) else k: v for k, v in data.items()
            }
        return data


class FormField(_Entry):
    key: StrictStr
    label: StrictStr
    ask: StrictStr
    validator: StrictStr
    example: str
    options: tuple[str, ...] = ()
    # the officer can complete it (from the national databases or a paper of the dossier): a
    # citizen who does not know it ("không nhớ") may leave it, and the dossier says so
    officer_fills: StrictBool = False
    # an ID-card document of the procedure whose confirmed reading gives this field (the same
    # key): taken from it and said in one line, not asked again
    from_card: StrictStr | None = None
    # choice only: an option and what citizens say that means it when they say they lack a paper
    # ("bị mất rồi" at the old card's step: "Bị mất thẻ"); offered at the field, to confirm;
    # heard only at the step of the document `told_at` (required with `told`)
    told: dict[str, tuple[str, ...]] = {}
    told_at: StrictStr | None = None

    @field_validator("told")
    @classmethod
    def _told_folded(cls, told: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        return {option: _folded_words(words) for option, words in told.items()}

    @field_validator("example", mode="before")
    @classmethod
    def _example_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("options", mode="before")
    @classmethod
    def _options_text(cls, value: Any) -> Any:
        return [str(o) for o in value] if isinstance(value, list) else value

    @field_validator("validator")
    @classmethod
    def _known_validator(cls, value: str) -> str:
        if value not in VALIDATORS:
            raise ValueError(f"unknown validator '{value}' (known: {', '.join(sorted(VALIDATORS))})")
        return value

    @model_validator(mode="after")
    def _choices(self) -> FormField:
        if self.validator == "choice" and len(self.options) < 2:
            raise ValueError("validator 'choice' needs 'options' (at least two)")
        if bool(self.told) != bool(self.told_at):
            raise ValueError("'told' and 'told_at' go together")
        if set(self.told) - set(self.options):
            raise ValueError(
                f"'told' names options not in 'options': {sorted(set(self.told) - set(self.options))}"
            )
        return self


class Faq(_Entry):
    """A question citizens ask about the procedure, found by its words, and its answer."""

    words: tuple[StrictStr, ...] = Field(min_length=1)  # phrases, any of which names it
    answer: StrictStr

    @field_validator("words")
    @classmethod
    def _folded(cls, words: tuple[str, ...]) -> tuple[str, ...]:
        return _folded_words(words)


class Procedure(_Entry):
    key: StrictStr
    name: StrictStr
    short_name: StrictStr
    code: str
    authority: StrictStr
    where: StrictStr
    hours: StrictStr
    processing_days: StrictInt = Field(ge=0)
    cutoff_hour: StrictInt = 15
    fee: StrictStr
    source_url: StrictStr
    documents: tuple[Document, ...]
    fields: tuple[FormField, ...] = ()
    questions: dict[str, Question] = {}
    legal_basis: tuple[StrictStr, ...]
    unconfirmed: tuple[StrictStr, ...]
    sources: tuple[StrictStr, ...] = ()
    processing_note: StrictStr = ""
    in_person: StrictBool = False
    faq: tuple[Faq, ...] = ()
    online_only: StrictBool = False

    @model_validator(mode="before")
    @classmethod
    def _prepare(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = {k: v for k, v in data.items() if v is not None or k in {"key", "name"}}
        if isinstance(data.get("code"), (int, float)) and not isinstance(data["code"], bool):
            data["code"] = str(data["code"])
        questions = data.get("questions")
        if isinstance(questions, dict):  # a question's key is its key in the mapping
            data["questions"] = {
                k: {**q, "key": k} if isinstance(q, dict) else q for k, q in questions.items()
            }
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Procedure:
        seen: set[str] = set()
        for i, doc in enumerate(self.documents):
            if doc.key in seen:
                raise ValueError(f"documents[{i}]: duplicate document key '{doc.key}'")
            seen.add(doc.key)
            if doc.condition and doc.condition not in self.questions:
                raise ValueError(
                    f"documents[{i}]: field 'condition' names unknown question '{doc.condition}'"
                )
        cards = {doc.key: doc for doc in self.documents if doc.photo == "id_card"}
        for i, f in enumerate(self.fields):
            card = cards.get(f.from_card or "")
            if f.from_card and (card is None or f.key not in card.read_fields):
                raise ValueError(f"fields[{i}]: 'from_card' names no ID card reading '{f.key}'")
            if f.told_at and f.told_at not in seen:
                raise ValueError(f"fields[{i}]: 'told_at' names unknown document '{f.told_at}'")
        return self


class LifeEvent(_Entry):
    key: StrictStr
    title: StrictStr
    button: StrictStr = Field(max_length=20)
    procedure: StrictStr
    single: StrictStr | None = None
    offer: StrictStr | None = None
    order: StrictStr | None = None  # the answer to "which one first?" at the offer
    package: StrictBool = False  # `procedure` includes `single`: the package is offered even when it is named
    both: StrictBool = False  # both procedures are needed: naming the situation ("mở quán") is not naming one
    phrases: tuple[str, ...] = ()
    # with `both`: words of the situation that the NLU may tag as one of the procedures ("mở quán
    # cà phê" -> ho_kinh_doanh); a message naming a procedure only with them asks for neither
    situations: tuple[str, ...] = ()

    @field_validator("phrases", "situations", mode="before")
    @classmethod
    def _phrases_text(cls, value: Any) -> Any:
        return [str(p) for p in value] if isinstance(value, list) else value


def _place(loc: tuple[Any, ...]) -> tuple[str, str | None]:
    """('documents', 1, 'photo') -> ('documents[1]', 'photo'): where, and the field named."""
    parts = [p for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("function-")))]
    if parts and isinstance(parts[-1], str):
        where, name = parts[:-1], parts[-1]
    else:
        where, name = parts, None
    text = ""
    for p in where:
        text += f"[{p}]" if isinstance(p, int) else (f".{p}" if text else str(p))
    return text, name


def _message(error: dict[str, Any], source: str) -> str:
    where, name = _place(tuple(error["loc"]))
    prefix = f"{source}: {where}: " if where else f"{source}: "
    kind, given = error["type"], error.get("input")
    if kind == "missing":
        return f"{prefix}missing field '{name}'"
    if kind == "extra_forbidden":
        return f"{prefix}unknown field '{name}' (a misspelt key?)"
    if kind == "literal_error":
        return f"{prefix}field '{name}' must be one of {sorted(PHOTO_KINDS)}, got '{given}'"
    if kind.endswith("_type") or kind.endswith("_parsing"):
        expected = _TYPE_NAMES.get(kind.split("_")[0], kind.split("_")[0])
        return f"{prefix}field '{name}' must be {expected}, got {type(given).__name__}"
    if kind == "greater_than_equal":
        return f"{prefix}field '{name}' must not be negative"
    if kind == "string_too_long":
        return f"{prefix}field '{name}' is longer than {error['ctx']['max_length']} characters"
    text = str(error.get("ctx", {}).get("error", error["msg"]))
    if where and text.startswith(("documents[",)):  # a procedure-wide check names its own place
        prefix = f"{source}: "
    if name and text.startswith("has "):  # a field validator's finding about its own field
        return f"{prefix}field '{name}' {text}"
    return f"{prefix}{text}"


def parse_procedure(data: Any, source: str) -> Procedure:
    if not isinstance(data, dict):
        raise CatalogError(f"{source}: the file must hold a mapping")
    try:
        return Procedure.model_validate(data)
    except ValidationError as exc:
        raise CatalogError(_message(exc.errors()[0], source)) from None


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
    for i, entry in enumerate(data):
        try:
            event = LifeEvent.model_validate(entry)
        except ValidationError as exc:
            raise CatalogError(
                _message({**exc.errors()[0], "loc": (i, *exc.errors()[0]["loc"])}, source)
            ) from None
        for name in ("procedure", "single"):
            key = getattr(event, name)
            if key is not None and key not in catalog:
                raise CatalogError(f"{source}: [{i}]: field '{name}' names unknown procedure '{key}'")
        events.append(event)
    return events


@lru_cache(maxsize=4)
def load_life_events(path: Path = LIFE_EVENTS_FILE) -> list[LifeEvent]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return parse_life_events(data, load_catalog(), path.name)
