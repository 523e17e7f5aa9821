"""An in-memory world for the dialogue engine: a scripted NLU and a `Context` that keeps dossiers,
documents and audit events in lists. No database, no queue, no workers: a journey in milliseconds."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from core.events import Attachment, InboundEvent
from flows.engine import Engine
from flows.state import State
from flows.validators import plain

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class ScriptedNLU:
    """Intents by the exact (diacritic-free) text; anything else is not understood."""

    def __init__(self, script: dict[str, tuple[str, float]] | None = None) -> None:
        self.script = {plain(k): v for k, v in (script or {}).items()}
        self.entities: dict[str, list[dict[str, Any]]] = {}

    async def parse(self, text: str) -> dict[str, Any]:
        name, confidence = self.script.get(plain(text), ("nlu_fallback", 0.3))
        return {
            "text": text,
            "intent": {"name": name, "confidence": confidence},
            "entities": self.entities.get(plain(text), []),
        }


@dataclass
class FakeContext:
    now: dt.datetime = field(default_factory=lambda: dt.datetime(2026, 11, 23, 9, 30, tzinfo=TZ))
    agency_name: str = "UBND phường Thử Nghiệm"
    agency_code: str = "DEMO"
    idle_seconds: float | None = None
    dossiers: dict[int, dict[str, Any]] = field(default_factory=dict)
    documents: list[tuple[int, str, dict]] = field(default_factory=list)
    confirmed: dict[tuple[int, str], dict[str, str]] = field(default_factory=dict)
    audits: list[tuple[str, dict, int | None]] = field(default_factory=list)
    receipts: list[str] = field(default_factory=list)
    surveys: list[tuple] = field(default_factory=list)
    receipt_lines: dict[str, list[str]] = field(default_factory=dict)
    previous_card: dict[str, Any] | None = None
    officer: dict[str, Any] | None = None  # an officer wrote lately: {"dossier_id", "code"}
    papers: dict[str, Any] | None = None  # a dossier waiting for papers
    ids: Any = field(default_factory=lambda: itertools.count(1))

    async def create_dossier(self, procedure: str) -> int:
        dossier_id = next(self.ids)
        self.dossiers[dossier_id] = {"procedure": procedure, "status": "draft"}
        return dossier_id

    async def add_document(self, dossier_id, doc_key, attachment, quality, reading=None) -> None:
        self.documents.append((dossier_id, doc_key, quality))

    async def confirm_reading(self, dossier_id, doc_key, fields) -> None:
        self.confirmed[(dossier_id, doc_key)] = dict(fields)

    async def previous_id_card(self):
        return self.previous_card

    async def submit_dossier(self, dossier_id, fields, due) -> str:
        code = f"{self.agency_code}-261123-{dossier_id:04d}"
        self.dossiers[dossier_id].update(status="submitted", fields=fields, due=due, code=code)
        return code

    async def dossier_status(self, code):
        found = [d for d in self.dossiers.values() if d.get("code") == code]
        return (found[0]["procedure"], found[0]["status"]) if found else None

    async def my_dossiers(self):
        return [(d["code"], d["procedure"], d["status"]) for d in self.dossiers.values() if d.get("code")]

    async def check_photo(self, attachment: Attachment, expect: str) -> dict[str, Any]:
        cards = {
            "groom": ("001088054321", "LÊ VĂN HÙNG", "1988-03-14"),  # a second person's card
            "card": ("001099012345", "TRẦN THỊ MAI", "1990-10-20"),
        }
        for prefix, (number, name, born) in cards.items():
            if attachment.path and attachment.path.startswith(prefix):
                fields = {"id_number": number, "full_name": name, "date_of_birth": born}
                return {
                    "quality": {"ok": True, "problems": []},
                    "document": {"type": "cccd_front", "fields": fields},
                }
        if attachment.path and attachment.path.startswith("back"):  # a card's back, read by its MRZ
            return {
                "quality": {"ok": True, "problems": []},
                "document": {
                    "type": "cccd_back",
                    "fields": {"id_number": "001099012345", "date_of_expiry": "2035-10-20"},
                    "sources": {"id_number": "mrz", "date_of_expiry": "mrz"},
                },
            }
        if attachment.path and attachment.path.startswith("blurry"):
            return {"quality": {"ok": False, "problems": ["blurry"]}}
        return {"quality": {"ok": True, "problems": []}, "document": {"type": "paper"}}

    async def make_receipt(self, code, lines) -> str | None:
        self.receipts.append(code)
        self.receipt_lines[code] = list(lines)
        return f"receipts/{code}.png"

    async def withdraw_dossier(self, code) -> bool:
        found = [d for d in self.dossiers.values() if d.get("code") == code]
        if not found or found[0]["status"] not in {"submitted", "in_review", "needs_supplement"}:
            return False
        found[0]["status"] = "rejected"
        return True

    async def officer_waiting(self) -> dict[str, Any] | None:
        return self.officer

    async def waiting_for_papers(self) -> dict[str, Any] | None:
        return self.papers

    async def supplement_received(self, dossier_id, documents) -> str | None:
        self.dossiers[dossier_id]["status"] = "submitted"
        return self.dossiers[dossier_id].get("code")

    async def audit(self, action, data, dossier_id=None) -> None:
        self.audits.append((action, data, dossier_id))

    async def record_survey(self, dossier_id, survey, question, answer, score=None, comment=None) -> None:
        self.surveys.append((dossier_id, survey, question, answer, score, comment))


class Chat:
    """One citizen talking to the engine; the state is kept as the database would keep it (a dict)."""

    def __init__(self, engine: Engine, ctx: FakeContext | None = None) -> None:
        self.engine = engine
        self.ctx = ctx or FakeContext()
        self.state: dict[str, Any] = {}
        self.n = 0
        self.intents: list[str | None] = []

    async def send(
        self, text: str | None = None, *, payload: str | None = None, photo: str | None = None
    ) -> str:
        self.n += 1
        if photo:
            event = InboundEvent(
                "web",
                "u1",
                f"m{self.n}",
                kind="image",
                attachments=(Attachment(type="image", path=photo, content_type="image/jpeg"),),
            )
        else:
            event = InboundEvent(
                "web", "u1", f"m{self.n}", kind="payload" if payload else "text", text=text, payload=payload
            )
        outcome = await self.engine.handle(self.ctx, self.state, event)
        self.state = outcome.state.to_dict()
        self.intents.append(outcome.intent)
        return "\n".join(r.text for r in outcome.replies)

    @property
    def step(self) -> str | None:
        return self.engine.step_of(self.state)


async def to_child_name(chat: Chat) -> None:
    """A birth registration alone, filed by a parent, up to the child's name."""
    await chat.send("xin chào")
    await chat.send("1")
    await chat.send("2")  # birth registration alone
    await chat.send("đồng ý")
    await chat.send("2")  # a parent files it
    await chat.send(photo="paper.jpg")
    await chat.send(photo="card.jpg")
    assert "Họ và tên dự kiến của bé" in await chat.send("1")


async def to_death_question(chat: Chat) -> None:
    """A death registration alone, at the yes/no question (on behalf, or a relative)."""
    await chat.send("nha co nguoi mat")
    await chat.send("2")
    await chat.send("đồng ý")
    assert chat.step == "question"


async def to_authorisation(chat: Chat) -> None:
    """A grandmother's birth registration, on behalf, at the authorisation's photo step (a
    single photo, no pages yet)."""
    await chat.send("ba muon lam giay khai sinh cho chau noi")
    await chat.send("2")  # the birth registration alone
    await chat.send("đồng ý")  # "cho cháu": on behalf, the question is not asked
    await chat.send(photo="paper.jpg")
    await chat.send(photo="card.jpg")
    await chat.send("1")  # the card's reading is right
    assert chat.step == "doc" and not chat.state.get("pages"), chat.state
    assert chat.engine.current_doc(State.from_dict(chat.state)).key == "van_ban_uy_quyen"
