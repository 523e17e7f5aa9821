"""What one turn of the dialogue works with: the `Context` (the world outside the engine, given by
the worker inside its transaction), the inbound message as understood, and the `Outcome`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from core.events import Attachment, InboundEvent, Reply

from .state import State

#: The NLU's intent is acted on only from this confidence up (applied once, in `Turn.understood`).
CONFIDENT = 0.6


class Context(Protocol):
    """What the engine may do outside its own state; implemented by the worker."""

    now: dt.datetime  # aware, local time of the agency
    agency_name: str
    agency_code: str
    idle_seconds: float | None  # since the citizen's previous message (None: first message)

    async def create_dossier(self, procedure: str) -> int: ...
    async def add_document(
        self,
        dossier_id: int,
        doc_key: str,
        attachment: Attachment,
        quality: dict,
        reading: dict | None = None,
    ) -> None: ...
    async def confirm_reading(self, dossier_id: int, doc_key: str, fields: dict[str, str]) -> None: ...
    async def previous_id_card(self) -> dict[str, Any] | None: ...
    async def route_dossier(self, dossier_id: int, agency_code: str) -> None: ...
    async def submit_dossier(self, dossier_id: int, fields: dict[str, Any], due: dt.date) -> str: ...
    async def dossier_status(self, code: str) -> tuple[str, str] | None: ...
    async def my_dossiers(self) -> list[tuple[str, str, str]]: ...
    async def check_photo(self, attachment: Attachment, expect: str) -> dict[str, Any]: ...
    async def make_receipt(self, code: str, lines: list[str]) -> str | None: ...
    async def withdraw_dossier(self, code: str) -> bool: ...
    async def supplement_received(self, dossier_id: int, documents: list[str]) -> str | None: ...
    async def officer_waiting(self) -> dict[str, Any] | None:
        """The open dossier whose officer wrote in this thread lately ({"dossier_id", "code"}):
        the citizen's words may answer that officer."""
        ...

    async def waiting_for_papers(self) -> dict[str, Any] | None:
        """The citizen's dossier waiting for papers an officer asked for ({"dossier_id", "code",
        "procedure", "documents"})."""
        ...

    async def audit(self, action: str, data: dict[str, Any], dossier_id: int | None = None) -> None: ...
    async def record_survey(
        self,
        dossier_id: int | None,
        survey: str,
        question: str,
        answer: str | None,
        score: int | None = None,
        comment: str | None = None,
    ) -> None: ...
    async def erase_my_data(self) -> int:
        """Delete the citizen's personal data; returns how many dossiers were purged."""
        ...


@dataclass
class Outcome:
    state: State
    replies: list[Reply] = field(default_factory=list)
    intent: str | None = None
    # what the turn log keeps for analytics (set by the engine at the turn's end)
    confidence: float | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    fallback: bool = False
    photos: list[dict[str, Any]] = field(default_factory=list)
    dossier_id: int | None = None  # the dossier the message was about, when the state does not say


@dataclass
class Turn:
    """One inbound event as the dialogue understands it."""

    ctx: Context
    event: InboundEvent
    text: str  # stripped
    plain: str  # lower case, no diacritics, single spaces
    intent: str | None  # the NLU's intent when confident enough, else None
    procedures: list[str]  # procedure keys named in the text (entities), catalog keys only
    supplement_done: dict[str, Any] | None = None  # set by the last document of a supplement
    parse: dict[str, Any] | None = None  # the NLU's whole answer (confidence, entities) for the log
    # each photo checked in this turn: {"document", "verdict": accepted|warning|retake|unreadable,
    # "problems": [CODE…], "retake": how many retakes of this document came before}
    photos: list[dict[str, Any]] = field(default_factory=list)
    # short notes put in front of the step's reply ("mình ghi nhớ ngày mất…" at a question answered)
    notes: list[Reply] = field(default_factory=list)

    @staticmethod
    def understood(parse: dict[str, Any] | None) -> str | None:
        """The one place where the confidence threshold is applied."""
        if not parse or parse["intent"]["confidence"] < CONFIDENT:
            return None
        return parse["intent"]["name"]
