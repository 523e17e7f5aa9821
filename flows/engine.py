"""The flow engine: walks a procedure of the catalog (no procedure logic in code).

State is a plain JSON-able dict stored with the conversation. One call handles one inbound event
and returns the new state and the replies; everything with side effects (dossier rows, photo
checks, receipts) goes through the `Context` the worker passes in, inside its transaction.

Steps: menu → (offer_bundle) → consent → question* → doc* (reuse | retake loop | id_confirm →
id_fix) → field* → summary (→ edit) → submitted. Anywhere: cancel, help, request_human (the bot
goes quiet until an officer hands the thread back), check_status, and questions about documents,
fees, times and places answered from the catalog without leaving the current step.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from core.events import Attachment, InboundEvent, QuickReply, Reply

from . import calendar
from .catalog import Document, LifeEvent, Procedure, load_catalog, load_life_events
from .validators import validate

HERE = Path(__file__).resolve().parent
MAX_RETAKES = 2  # after this many failed retakes a photo is accepted with a warning flag
RESUME_AFTER_S = 12 * 3600  # a citizen back after this long is asked: continue or restart?
CONFIDENT = 0.6
SILENT_KINDS = {"delivery", "seen", "unfollow"}
UNSUPPORTED_KINDS = {"sticker", "audio", "video", "location", "link"}
CODE_RX = re.compile(r"\b([A-Za-z0-9]{2,12})\s*-\s*(\d{6})\s*-\s*(\d{4})\b")
COLLECTING = {"consent", "question", "doc", "reuse", "id_confirm", "id_fix", "field", "summary", "edit"}
ID_CARD_TYPES = {"cccd_front", "cccd_back", "cancuoc_front", "cancuoc_back", "cmnd_front"}
ANSWER_INTENTS = {"ask_requirements", "ask_fee", "ask_processing_time", "ask_location_hours"}

# How to check a corrected ID field, and how to ask for it.
ID_FIELD_RULES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "id_number": ("Số căn cước", "id_number", "001099012345", ()),
    "old_id_number": ("Số CMND cũ", "id_number", "012345678", ()),
    "full_name": ("Họ tên", "person_name", "NGUYỄN VĂN AN", ()),
    "date_of_birth": ("Ngày sinh", "date_past", "20/10/1990", ()),
    "sex": ("Giới tính", "choice", "Nam", ("Nam", "Nữ")),
    "nationality": ("Quốc tịch", "text", "Việt Nam", ()),
    "place_of_origin": ("Quê quán", "address", "Xã Tân Lập, tỉnh Phú Thọ", ()),
    "place_of_residence": ("Nơi thường trú", "address", "12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh", ()),
    "date_of_issue": ("Ngày cấp", "date_past", "01/07/2024", ()),
    "date_of_expiry": ("Có giá trị đến", "text", "20/10/2030", ()),
}


class Context(Protocol):
    """What the engine may do outside its own state; implemented by the worker."""

    now: dt.datetime  # aware, local time of the agency
    agency_name: str
    agency_code: str
    idle_seconds: float | None  # since the citizen's previous message (None: first message)

    async def create_dossier(self, procedure: str) -> int: ...
    async def add_document(self, dossier_id: int, doc_key: str, attachment: Attachment, quality: dict,
                           reading: dict | None = None) -> None: ...
    async def confirm_reading(self, dossier_id: int, doc_key: str, fields: dict[str, str]) -> None: ...
    async def previous_id_card(self) -> dict[str, Any] | None: ...
    async def submit_dossier(self, dossier_id: int, fields: dict[str, Any], due: dt.date) -> str: ...
    async def dossier_status(self, code: str) -> tuple[str, str] | None: ...
    async def my_dossiers(self) -> list[tuple[str, str, str]]: ...
    async def check_photo(self, attachment: Attachment, expect: str) -> dict[str, Any]: ...
    async def make_receipt(self, code: str, lines: list[str]) -> str | None: ...
    async def supplement_received(self, dossier_id: int, documents: list[str]) -> str | None: ...
    async def audit(self, action: str, data: dict[str, Any], dossier_id: int | None = None) -> None: ...


@dataclass
class Outcome:
    state: dict[str, Any]
    replies: list[Reply] = field(default_factory=list)
    intent: str | None = None


def load_messages(path: Path = HERE / "messages.yml") -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _plain(text: str) -> str:
    from nlu import strip_diacritics

    return " ".join(strip_diacritics(text.lower()).split())


def _mask(number: str) -> str:
    return "•" * max(0, len(number) - 4) + number[-4:] if number else "?"


def _show_date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return value


CANCEL_WORDS = {"huy", "cancel", "huy bo", "huy ho so", "dung lai", "thoi huy"}
MENU_WORDS = {"menu", "bat dau lai", "quay lai", "bat dau", "trang chu"}
HUMAN_WORDS = {"gap can bo", "noi chuyen voi can bo", "can bo", "gap nguoi that"}
YES_WORDS = {"dong y", "co", "ok", "oke", "yes", "u", "uh", "dung", "dung roi", "chinh xac", "vang", "da"}
NO_WORDS = {"khong", "khong dong y", "ko", "k", "no", "sai", "chua dung", "khong phai"}
LACK_WORDS = ("khong co", "chua co", "ko co", "k co", "mat roi", "bi mat", "khong tim thay")


class Engine:
    def __init__(self, nlu: Any, catalog: dict[str, Procedure] | None = None,
                 messages: dict[str, Any] | None = None, life_events: list[LifeEvent] | None = None,
                 consent_version: str = "2026-11-v1", agency_name: str = "") -> None:
        self.nlu = nlu
        self.agency_name = agency_name
        self.catalog = catalog if catalog is not None else load_catalog()
        self.m = messages or load_messages()
        self.events = life_events if life_events is not None else load_life_events()
        self.consent_version = consent_version

    # ---- small helpers ---------------------------------------------------------------
    def say(self, key: str, **kw: Any) -> str:
        return self.m[key].format(**kw)

    def _numbered(self, state: dict, lead: str, items: list[tuple[str, str]], titles: list[str] | None = None) -> Reply:
        """A message with numbered options; the numbers, the button taps and (for yes/no) words
        all answer it. `items` are (button title, payload); `titles` the longer lines shown."""
        state["options"] = [payload for _t, payload in items]
        shown = titles or [t for t, _p in items]
        text = "\n".join([lead] + [f"{i}. {t}" for i, t in enumerate(shown, 1)])
        # Titles are full here; a channel with a length limit (Messenger: 20) shortens them.
        return Reply(text, tuple(QuickReply(f"{i}. {t}", p) for i, (t, p) in enumerate(items, 1)))

    @staticmethod
    def _choice(state: dict, event: InboundEvent, text: str) -> str | None:
        options = state.get("options") or []
        if event.payload and event.payload in options:
            return event.payload
        m = re.fullmatch(r"(?:so\s*)?(\d{1,2})\s*[.)]?(?:\s.*)?", _plain(text))
        if m and 1 <= int(m.group(1)) <= len(options):
            return options[int(m.group(1)) - 1]
        return None

    def _menu(self, state: dict, lead: str) -> Reply:
        return self._numbered(state, lead, [(e.button, f"event:{e.key}") for e in self.events],
                              [e.title for e in self.events])

    def _proc(self, state: dict) -> Procedure:
        return self.catalog[state["procedure"]]

    def _plan(self, state: dict) -> list[Document]:
        proc = self._proc(state)
        if state.get("mode") == "supplement":
            return [self._document(proc, key) for key in state["supplement"]]
        answers = state.get("answers", {})
        return [d for d in proc.documents if d.photo != "none" and (not d.condition or answers.get(d.condition))]

    @staticmethod
    def _document(proc: Procedure, key: str) -> Document:
        """A document of the procedure by key; an alternative is asked for as a document of its own."""
        for d in proc.documents:
            if d.key == key:
                return d
            for a in d.alternatives:
                if a.key == key:
                    return Document(key=a.key, name=a.name, photo=a.photo, required=True, ask=a.ask)
        raise KeyError(key)

    def reopen_for_supplement(self, state: dict, procedure: str, dossier_id: int,
                              keys: list[str]) -> tuple[dict, list[Reply]]:
        """An officer asked for these documents: collect exactly them, then report back."""
        new: dict[str, Any] = {"step": "doc", "mode": "supplement", "procedure": procedure, "dossier_id": dossier_id,
                               "supplement": list(keys), "doc": 0, "retakes": 0, "documents": [], "flags": [],
                               "alt": {}, "id_cards": {}, "fields": {}}
        return new, self._enter_document(new)

    def _current_doc(self, state: dict) -> Document:
        return self._plan(state)[state["doc"]]

    @staticmethod
    def _procedures_in(parse: dict | None, catalog: dict) -> list[str]:
        if not parse:
            return []
        return [e["value"] for e in parse.get("entities", []) if e["entity"] == "procedure" and e["value"] in catalog]

    # ---- entry point -----------------------------------------------------------------
    async def handle(self, ctx: Context, state: dict[str, Any], event: InboundEvent) -> Outcome:
        state = copy.deepcopy(state or {})
        step = state.get("step")
        if step == "human":  # an officer holds the thread: the bot stays quiet
            return Outcome(state)
        if event.kind in SILENT_KINDS:
            return Outcome(state)
        if event.kind == "follow":
            new: dict[str, Any] = {"step": "menu"}
            return Outcome(new, [self._menu(new, self.say("welcome", agency=ctx.agency_name))], "greet")
        if event.kind in UNSUPPORTED_KINDS:
            return Outcome(state, [Reply(self.m["unsupported"])])

        text = (event.text or "").strip()
        parse = await self.nlu.parse(text) if text and not event.payload else None
        intent = parse["intent"]["name"] if parse and parse["intent"]["confidence"] >= CONFIDENT else None
        plain = _plain(text)

        # A citizen back after a long pause, in the middle of a dossier: continue or restart?
        if (step in COLLECTING and ctx.idle_seconds is not None and ctx.idle_seconds > RESUME_AFTER_S
                and not event.payload):
            paused = {k: v for k, v in state.items() if k != "options"}
            new = {"step": "resume", "paused": paused}
            lead = self.say("resume", procedure=self._proc(state).short_name)
            reply = self._numbered(new, lead, [(self.m["resume_continue"], "continue"),
                                               (self.m["resume_restart"], "restart")])
            return Outcome(new, [reply], intent)

        free_text_step = step in {"field", "id_fix"}
        if step and step != "menu" and (plain in CANCEL_WORDS or (intent == "cancel" and not free_text_step)):
            return await self._cancel(ctx, state)
        if plain in MENU_WORDS:
            new = {"step": "menu"}
            return Outcome(new, [self._menu(new, self.m["menu_again"])], intent)
        if plain in HUMAN_WORDS or (intent == "request_human" and not free_text_step):
            return await self._to_human(ctx, state)
        if not free_text_step and intent == "help":
            return Outcome(state, [Reply(self.m["help"])] + self._reprompt(state), "help")
        if not free_text_step and step not in {None, "menu"} and intent in ANSWER_INTENTS | {"check_status"}:
            answered = await self._answer(ctx, state, text, parse, intent, keep_step=True)
            if answered:
                return answered

        handler = {
            None: self._on_start, "menu": self._on_menu, "offer_bundle": self._on_offer,
            "answer_offer": self._on_answer_offer, "consent": self._on_consent, "question": self._on_question,
            "doc": self._on_document, "reuse": self._on_reuse, "id_confirm": self._on_id_confirm,
            "id_fix": self._on_id_fix, "field": self._on_field, "summary": self._on_summary,
            "edit": self._on_edit, "ask_code": self._on_code, "resume": self._on_resume,
            "pick_procedure": self._on_pick_procedure,
        }.get(step, self._on_start)
        outcome = await handler(ctx, state, event, text, parse)
        outcome.intent = outcome.intent or (parse["intent"]["name"] if parse else None)
        done = outcome.state.pop("supplement_done", None)
        if done:
            code = await ctx.supplement_received(done["dossier_id"], done["documents"])
            outcome.replies.append(Reply(self.m["notices"]["supplement_done"].format(code=code or "")))
            outcome.replies.append(self._menu(outcome.state, self.m["menu_again"]))
        return outcome

    async def _cancel(self, ctx: Context, state: dict) -> Outcome:
        if state.get("dossier_id"):
            await ctx.audit("cancelled", {"step": state.get("step")}, state["dossier_id"])
        new: dict[str, Any] = {"step": "menu"}
        return Outcome(new, [Reply(self.m["cancelled"]), self._menu(new, self.m["menu_again"])], "cancel")

    async def _to_human(self, ctx: Context, state: dict) -> Outcome:
        paused = {k: v for k, v in state.items() if k not in {"options", "paused"}}
        await ctx.audit("request_human", {"step": state.get("step")}, state.get("dossier_id"))
        return Outcome({"step": "human", "paused": paused}, [Reply(self.m["human"])], "request_human")

    def hand_back(self, state: dict) -> tuple[dict, list[Reply]]:
        """Used when an officer hands the thread back: the bot resumes where it was."""
        paused = dict((state or {}).get("paused") or {"step": "menu"})
        replies = [Reply(self.m["bot_back"])] + self._reprompt(paused)
        return paused, replies

    def _reprompt(self, state: dict) -> list[Reply]:
        """Ask again what the current step waits for (after help, an answer, a resume)."""
        step = state.get("step")
        if step == "doc":
            return [self._ask_document(state)]
        if step == "field":
            return [self._ask_field(state)]
        if step == "question":
            return [self._ask_question(state)]
        if step == "summary":
            return self._summary(state)
        if step == "id_confirm":
            return [self._id_confirm_reply(state)]
        if step == "id_fix":
            rule = ID_FIELD_RULES[state["fixing"]]
            return [Reply(self.say("id_fix_ask", label=rule[0].lower(), example=rule[2]))]
        if step == "consent":
            return [self._consent_reply(state)]
        if step in {None, "menu"}:
            return [self._menu(state, self.m["menu_again"])]
        return []

    # ---- menu, life events, answers --------------------------------------------------
    async def _on_start(self, ctx, state, event, text, parse) -> Outcome:
        routed = await self._route_free_text(ctx, {"step": "menu"}, text, parse)
        if routed:
            return routed
        new: dict[str, Any] = {"step": "menu"}
        return Outcome(new, [self._menu(new, self.say("welcome", agency=ctx.agency_name))], "greet")

    async def _on_menu(self, ctx, state, event, text, parse) -> Outcome:
        choice = self._choice(state, event, text)
        if choice == "event:human":
            return await self._to_human(ctx, state)
        if choice and choice.startswith("event:"):
            life_event = next(e for e in self.events if e.key == choice.split(":", 1)[1])
            return self._start_life_event(ctx, life_event)
        routed = await self._route_free_text(ctx, state, text, parse)
        if routed:
            return routed
        return Outcome(state, [self._menu(state, self.m["not_understood"])])

    def _life_event_for(self, text: str) -> LifeEvent | None:
        plain = _plain(text)
        for e in self.events:
            if any(_plain(p) in plain for p in e.phrases if p):
                return e
        return None

    async def _route_free_text(self, ctx, state, text, parse) -> Outcome | None:
        intent = parse["intent"]["name"] if parse and parse["intent"]["confidence"] >= CONFIDENT else None
        procs = self._procedures_in(parse, self.catalog)
        if intent == "start_procedure":
            if procs:
                event = next((e for e in self.events if e.procedure == procs[0] and e.single), None)
                return self._start_life_event(ctx, event) if event else self._start_procedure(ctx, procs[0])
            life_event = self._life_event_for(text)
            if life_event:
                return self._start_life_event(ctx, life_event)
        if intent in ANSWER_INTENTS or intent == "check_status":
            return await self._answer(ctx, state, text, parse, intent, keep_step=False)
        if intent == "request_human":
            return await self._to_human(ctx, state)
        if intent == "help":
            return Outcome(state, [Reply(self.m["help"]), self._menu(state, self.m["menu_again"])], "help")
        if intent == "greet":
            new = {"step": "menu"}
            return Outcome(new, [self._menu(new, self.say("welcome", agency=ctx.agency_name))], intent)
        if intent in {"thank", "goodbye"}:
            return Outcome({"step": "menu"}, [Reply(self.m[intent])], intent)
        if intent == "complain":
            await ctx.audit("complaint", {"text": text[:2000]})
            new = {"step": "menu"}
            reply = self._numbered(new, self.m["complain"], [(self.m["human_button"], "human")])
            new["options"] = ["event:human"]
            return Outcome(new, [reply], intent)
        return None

    def _offer_reply(self, state: dict, lead: str) -> Reply:
        first, second = self.catalog[state["bundle"]], self.catalog[state["single"]]
        items = [(first.short_name[:1].upper() + first.short_name[1:], "bundle"),
                 (second.short_name[:1].upper() + second.short_name[1:], "single")]
        return self._numbered(state, lead, items, [first.name, second.name])

    def _start_life_event(self, ctx, life_event: LifeEvent) -> Outcome:
        if not life_event.single:
            return self._start_procedure(ctx, life_event.procedure)
        new: dict[str, Any] = {"step": "offer_bundle", "bundle": life_event.procedure, "single": life_event.single}
        offer = life_event.offer or self.catalog[life_event.procedure].name
        return Outcome(new, [self._offer_reply(new, self.say("offer_bundle", offer=offer))], "start_procedure")

    async def _on_offer(self, ctx, state, event, text, parse) -> Outcome:
        choice = self._choice(state, event, text)
        if choice == "bundle":
            return self._start_procedure(ctx, state["bundle"])
        if choice == "single":
            return self._start_procedure(ctx, state["single"])
        procs = self._procedures_in(parse, self.catalog)
        if procs and procs[0] in {state["bundle"], state["single"]}:
            return self._start_procedure(ctx, procs[0])
        return Outcome(state, [self._offer_reply(state, self.m["not_understood"])])

    async def _answer(self, ctx, state, text, parse, intent, keep_step: bool) -> Outcome | None:
        if intent == "check_status":
            return await self._status(ctx, state, text, parse, keep_step)
        procs = self._procedures_in(parse, self.catalog)
        if not procs:
            life_event = self._life_event_for(text)
            if life_event:
                procs = [life_event.procedure]
        key = procs[0] if procs else state.get("procedure")
        if key is None:
            new = {"step": "pick_procedure", "asked": intent}
            items = [(p.short_name[:20], f"proc:{p.key}") for p in self.catalog.values()]
            return Outcome(new, [self._numbered(new, self.m["which_procedure"], items,
                                                [p.name for p in self.catalog.values()])], intent)
        proc = self.catalog[key]
        lines = self._facts(proc, intent)
        if keep_step:
            return Outcome(state, [Reply("\n".join(lines)), Reply(self.m["continue_prompt"])] + self._reprompt(state),
                           intent)
        new = {"step": "answer_offer", "procedure": proc.key}
        offer = self._numbered(new, self.say("answer_start", procedure=proc.short_name),
                               [(self.m["answer_start_yes"], "start"), ("Menu", "menu")],
                               [self.m["answer_start_yes"], "Quay lại menu"])
        return Outcome(new, [Reply("\n".join(lines)), offer], intent)

    def _facts(self, proc: Procedure, intent: str) -> list[str]:
        unconfirmed = set(proc.unconfirmed)
        if intent == "ask_fee":
            lines = [self.say("answer_fee", procedure=proc.short_name, fee=proc.fee)]
            flagged = "fee" in unconfirmed
        elif intent == "ask_processing_time":
            lines = [self.say("answer_time", procedure=proc.short_name, days=proc.processing_days,
                              note=proc.processing_note).strip()]
            flagged = "processing_days" in unconfirmed
        elif intent == "ask_location_hours":
            lines = [self.say("answer_where", procedure=proc.short_name, where=proc.where, hours=proc.hours)]
            flagged = bool({"where", "hours"} & unconfirmed)
        else:
            lines = [self.say("answer_requirements", procedure=proc.short_name)]
            lines += self._document_lines(proc)
            flagged = "documents" in unconfirmed
        if flagged:
            lines.append(self.m["answer_unconfirmed"])
        return lines

    def _document_lines(self, proc: Procedure) -> list[str]:
        """The documents, numbered; a conditional one says when it is needed."""
        lines = []
        for i, d in enumerate([d for d in proc.documents if d.photo != "none"], 1):
            line = f"{i}. {d.name}"
            if d.condition:
                line += " " + self.say("intro_conditional", question=proc.questions[d.condition].yes.lower())
            lines.append(line)
        shown = [d.name for d in proc.documents if d.photo == "none"]
        if shown:
            lines.append(self.say("intro_none", docs="; ".join(shown)))
        return lines

    async def _on_answer_offer(self, ctx, state, event, text, parse) -> Outcome:
        choice = self._choice(state, event, text)
        intent = parse["intent"]["name"] if parse else None
        if choice == "start" or intent in {"affirm", "start_procedure"}:
            return self._start_procedure(ctx, state["procedure"])
        if choice == "menu":
            new = {"step": "menu"}
            return Outcome(new, [self._menu(new, self.m["menu_again"])])
        return await self._on_menu(ctx, {"step": "menu", "options": []}, event, text, parse)

    async def _on_pick_procedure(self, ctx, state, event, text, parse) -> Outcome:
        choice = self._choice(state, event, text)
        procs = [choice.split(":", 1)[1]] if choice else self._procedures_in(parse, self.catalog)
        if not procs:
            return await self._on_menu(ctx, {"step": "menu", "options": []}, event, text, parse)
        fake_parse = {"intent": {"name": state["asked"], "confidence": 1.0},
                      "entities": [{"entity": "procedure", "value": procs[0]}]}
        return await self._answer(ctx, {"step": "menu"}, text, fake_parse, state["asked"], keep_step=False)

    async def _status(self, ctx, state, text, parse, keep_step: bool) -> Outcome:
        m = CODE_RX.search(text)
        back = state if keep_step else {"step": "menu"}
        if m:
            return await self._on_code(ctx, back, None, text, parse)
        mine = await ctx.my_dossiers()
        if not mine:
            replies = [Reply(self.m["my_dossiers_none"])]
        else:
            lines = [self.m["my_dossiers"]]
            for code, procedure, status in mine[:10]:
                proc = self.catalog.get(procedure)
                lines.append(f"- {code}: {proc.short_name if proc else procedure} — "
                             f"{self.m['statuses'].get(status, status)}")
            replies = [Reply("\n".join(lines))]
        return Outcome(back, replies + (self._reprompt(back) if keep_step else []), "check_status")

    async def _on_code(self, ctx, state, event, text, parse) -> Outcome:
        m = CODE_RX.search(text)
        if not m:
            if text and any(w in _plain(text) for w in ("cua toi", "cua minh", "cua em")):
                return await self._status(ctx, {"step": "menu"}, "", parse, keep_step=False)
            return Outcome(state, [Reply(self.say("ask_code", example=f"{ctx.agency_code}-261123-0001"))])
        code = f"{m.group(1).upper()}-{m.group(2)}-{m.group(3)}"
        found = await ctx.dossier_status(code)
        back = state if state.get("step") not in {None, "ask_code"} else {"step": "menu"}
        if not found:
            return Outcome(back, [Reply(self.say("status_unknown", code=code))], "check_status")
        procedure, status = found
        proc = self.catalog.get(procedure)
        msg = self.say("status", code=code, procedure=proc.short_name if proc else procedure,
                       status=self.m["statuses"].get(status, status))
        return Outcome(back, [Reply(msg)], "check_status")

    async def _on_resume(self, ctx, state, event, text, parse) -> Outcome:
        choice = self._choice(state, event, text)
        intent = parse["intent"]["name"] if parse else None
        paused = state.get("paused") or {"step": "menu"}
        if choice == "continue" or (choice is None and intent == "affirm"):
            restored = dict(paused)
            return Outcome(restored, [Reply(self.m["continue_prompt"])] + self._reprompt(restored))
        if choice == "restart" and paused.get("mode") == "supplement":
            choice = "continue"  # a supplement is for a filed dossier: there is nothing to restart
        if choice == "continue":
            restored = dict(paused)
            return Outcome(restored, [Reply(self.m["continue_prompt"])] + self._reprompt(restored))
        if choice == "restart":
            if paused.get("dossier_id"):
                await ctx.audit("restarted", {"step": paused.get("step")}, paused["dossier_id"])
            return self._start_procedure(ctx, paused["procedure"])
        reply = self._numbered(state, self.m["not_understood"], [(self.m["resume_continue"], "continue"),
                                                                 (self.m["resume_restart"], "restart")])
        return Outcome(state, [reply])

    # ---- consent and questions ----------------------------------------------------------
    def _consent_reply(self, state: dict) -> Reply:
        proc = self._proc(state)
        text = self.say("consent", procedure=proc.short_name, agency=self.agency_name)
        return self._numbered(state, text, [(self.m["choice_yes"], "yes"), (self.m["choice_no"], "no")])

    def _start_procedure(self, ctx, key: str) -> Outcome:
        new: dict[str, Any] = {"step": "consent", "procedure": key}
        return Outcome(new, [self._consent_reply(new)], "start_procedure")

    async def _on_consent(self, ctx, state, event, text, parse) -> Outcome:
        choice = self._choice(state, event, text)
        intent = parse["intent"]["name"] if parse else None
        plain = _plain(text)
        if choice == "yes" or (choice is None and (intent == "affirm" or plain in YES_WORDS)):
            return await self._begin_collection(ctx, state)
        if choice == "no" or (choice is None and (intent == "deny" or plain in NO_WORDS)):
            await ctx.audit("consent_refused", {"procedure": state["procedure"], "version": self.consent_version,
                                                "at": ctx.now.isoformat()})
            new: dict[str, Any] = {"step": "menu"}
            return Outcome(new, [Reply(self.say("consent_refused", agency=ctx.agency_name))], "deny")
        return Outcome(state, [self._consent_reply(state)])

    async def _begin_collection(self, ctx, state) -> Outcome:
        proc = self._proc(state)
        dossier_id = await ctx.create_dossier(proc.key)
        await ctx.audit("consent_given", {"procedure": proc.key, "version": self.consent_version,
                                          "text": self.say("consent", procedure=proc.short_name,
                                                           agency=ctx.agency_name),
                                          "at": ctx.now.isoformat()}, dossier_id)
        new = {"step": "question", "procedure": proc.key, "dossier_id": dossier_id, "answers": {},
               "doc": 0, "retakes": 0, "fields": {}, "documents": [], "flags": [], "alt": {}, "id_cards": {}}
        if any(d.photo == "id_card" for d in proc.documents):
            new["reusable"] = await ctx.previous_id_card()  # "only once": offer a card already confirmed
        lines = [self.say("intro", procedure=proc.short_name)] + self._document_lines(proc)
        if proc.fields:
            lines.append(self.say("intro_fields", fields=", ".join(f.label.lower() for f in proc.fields)))
        if proc.in_person:
            lines.append(self.say("in_person_note", where=proc.where))
        if proc.online_only:
            lines.append(self.m["online_only_note"])
        replies = [Reply("\n".join(lines))]
        return Outcome(new, replies + self._next_question(new), "affirm")

    def _pending_questions(self, state) -> list[str]:
        proc = self._proc(state)
        used = [d.condition for d in proc.documents if d.condition]
        return [q for q in dict.fromkeys(used) if q not in state["answers"]]

    def _next_question(self, state) -> list[Reply]:
        if self._pending_questions(state):
            state["step"] = "question"
            return [self._ask_question(state)]
        state.update(step="doc", doc=0, retakes=0)
        return self._enter_document(state)

    def _ask_question(self, state) -> Reply:
        q = self._proc(state).questions[self._pending_questions(state)[0]]
        return self._numbered(state, self.say("ask_question", ask=q.ask), [(q.yes, "yes"), (q.no, "no")])

    async def _on_question(self, ctx, state, event, text, parse) -> Outcome:
        choice = self._choice(state, event, text)
        if choice is None:
            return Outcome(state, [self._ask_question(state)])
        state["answers"][self._pending_questions(state)[0]] = choice == "yes"
        return Outcome(state, self._next_question(state))

    # ---- documents ------------------------------------------------------------------
    def _enter_document(self, state) -> list[Reply]:
        """Ask for the current document, or move on when all are collected."""
        if state["doc"] >= len(self._plan(state)):
            return self._next_after_documents(state)
        doc = self._current_doc(state)
        if doc.photo == "id_card" and state.get("reusable") and doc.key not in state.get("declined_reuse", []):
            prev = state["reusable"]
            state["step"] = "reuse"
            lead = self.say("reuse_id", name=prev.get("full_name", "?"), masked=_mask(prev.get("id_number", "")),
                            document=doc.name)
            return [self._numbered(state, lead, [(self.m["reuse_yes"], "reuse"), (self.m["reuse_no"], "new")])]
        state["step"] = "doc"
        return [self._ask_document(state)]

    def _ask_document(self, state) -> Reply:
        plan = self._plan(state)
        doc = plan[state["doc"]]
        alt_key = state.get("alt", {}).get(doc.key)
        ask = next((a.ask for a in doc.alternatives if a.key == alt_key), doc.ask) if alt_key else doc.ask
        return Reply(self.say("ask_document", n=state["doc"] + 1, total=len(plan), ask=ask))

    async def _on_document(self, ctx, state, event, text, parse) -> Outcome:
        doc = self._current_doc(state)
        if not event.attachments:
            intent = parse["intent"]["name"] if parse and parse["intent"]["confidence"] >= CONFIDENT else None
            if intent == "lack_document" or any(w in _plain(text) for w in LACK_WORDS):
                return self._lack(state, doc)
            return Outcome(state, [Reply(self.say("need_photo", document=doc.name))])
        replies: list[Reply] = []
        for att in event.attachments:
            if state["step"] != "doc":
                break  # more photos than asked for now: keep them out of the dossier
            replies.extend(await self._take_photo(ctx, state, att))
        return Outcome(state, replies)

    def _lack(self, state, doc: Document) -> Outcome:
        current_alt = state.get("alt", {}).get(doc.key)
        remaining = [a for a in doc.alternatives if a.key != current_alt]
        if remaining and not current_alt:
            alt = remaining[0]
            state.setdefault("alt", {})[doc.key] = alt.key
            msg = self.say("lack_alternative", document=doc.name, alternative=alt.name, ask=alt.ask)
            return Outcome(state, [Reply(msg)], "lack_document")
        if not doc.required:
            state["doc"] += 1
            state["retakes"] = 0
            return Outcome(state, [Reply(self.say("lack_optional", document=doc.name))] + self._enter_document(state),
                           "lack_document")
        return Outcome(state, [Reply(self.say("lack_required", document=doc.name))], "lack_document")

    async def _take_photo(self, ctx, state, att: Attachment) -> list[Reply]:
        doc = self._current_doc(state)
        alt_key = state.get("alt", {}).get(doc.key)
        if att.problem:
            key = {"too_large": "photo_too_large", "download_failed": "photo_download_failed"}.get(
                att.problem, "photo_not_image")
            return [Reply(self.say(key, document=doc.name))]
        result = await ctx.check_photo(att, doc.photo)
        quality = result.get("quality", {})
        problems = list(quality.get("problems", []))
        kind = (result.get("document") or {}).get("type")
        if doc.photo == "id_card" and not problems and kind not in ID_CARD_TYPES:
            problems.append("not_id_card")  # a clear photo, but of something else
            result = {**result, "quality": {**quality, "problems": problems}}
        if set(problems) & {"unreadable_file", "unsupported_format"}:
            return [Reply(self.say("photo_not_image", document=doc.name))]
        if problems and state["retakes"] < MAX_RETAKES:
            state["retakes"] += 1
            return [Reply(self.say("photo_retake", document=doc.name, hint=_hint(result)))]
        flagged = bool(problems)
        reading = result.get("document")
        await ctx.add_document(state["dossier_id"], alt_key or doc.key, att,
                               {**quality, "problems": problems, "accepted_with_warning": flagged,
                                "retakes": state["retakes"]}, reading)
        state["documents"].append(doc.key)
        if flagged:
            state["flags"].append(doc.key)
        replies = [Reply(self.say("photo_accepted_with_warning" if flagged else "photo_ok", document=doc.name))]
        state["retakes"] = 0
        if doc.photo == "id_card" and doc.read_fields:
            fields = {k: str(v) for k, v in ((reading or {}).get("fields") or {}).items() if k in doc.read_fields and v}
            if fields:
                state.update(step="id_confirm", id_doc=doc.key, id_read=fields)
                replies.append(self._id_confirm_reply(state))
                return replies
            replies.append(Reply(self.m["id_not_read"]))
        state["doc"] += 1
        replies.extend(self._enter_document(state))
        return replies

    async def _on_reuse(self, ctx, state, event, text, parse) -> Outcome:
        choice = self._choice(state, event, text)
        doc = self._current_doc(state)
        if choice == "reuse":
            prev = state["reusable"]
            att = Attachment(type="image", path=prev.get("path"), content_type=prev.get("content_type"),
                             size=prev.get("size"), sha256=prev.get("sha256"))
            fields = {k: v for k, v in prev.items() if k in doc.read_fields}
            await ctx.add_document(state["dossier_id"], doc.key, att, {"ok": True, "reused": True},
                                   {"fields": fields, "reused_from": prev.get("document_id")})
            await ctx.confirm_reading(state["dossier_id"], doc.key, fields)
            state["documents"].append(doc.key)
            state["id_cards"][doc.key] = fields
            state["doc"] += 1
            return Outcome(state, [Reply(self.m["reused"])] + self._enter_document(state))
        if choice == "new" or event.attachments:
            state.setdefault("declined_reuse", []).append(doc.key)
            state["step"] = "doc"
            if event.attachments:
                return await self._on_document(ctx, state, event, text, parse)
            return Outcome(state, [self._ask_document(state)])
        return Outcome(state, self._enter_document(state))

    def _id_confirm_reply(self, state) -> Reply:
        read = state["id_read"]
        lines = [self.m["id_read"]]
        for name, value in read.items():
            label = ID_FIELD_RULES.get(name, (name,))[0]
            lines.append(f"- {label}: {_show_date(value) if name.startswith('date_') else value}")
        lines.append(self.m["id_confirm"])
        items = [(self.m["id_all_right"], "ok")] + [
            (self.say("id_fix_title", label=ID_FIELD_RULES.get(n, (n,))[0].lower()), f"fix:{n}") for n in read]
        return self._numbered(state, "\n".join(lines), items)

    async def _on_id_confirm(self, ctx, state, event, text, parse) -> Outcome:
        choice = self._choice(state, event, text)
        intent = parse["intent"]["name"] if parse else None
        if choice == "ok" or (choice is None and (intent == "affirm" or _plain(text) in YES_WORDS)):
            await ctx.confirm_reading(state["dossier_id"], state["id_doc"], state["id_read"])
            state["id_cards"][state["id_doc"]] = dict(state["id_read"])
            for k in ("id_doc", "id_read"):
                state.pop(k, None)
            state["doc"] += 1
            return Outcome(state, self._enter_document(state), "affirm")
        if choice and choice.startswith("fix:"):
            state.update(step="id_fix", fixing=choice.split(":", 1)[1])
            rule = ID_FIELD_RULES[state["fixing"]]
            return Outcome(state, [Reply(self.say("id_fix_ask", label=rule[0].lower(), example=rule[2]))])
        return Outcome(state, [self._id_confirm_reply(state)])

    async def _on_id_fix(self, ctx, state, event, text, parse) -> Outcome:
        label, validator, example, options = ID_FIELD_RULES[state["fixing"]]
        value, problem = validate(validator, text, list(options), ctx.now.date())
        if problem:
            return Outcome(state, [Reply(self.say("field_invalid", problem=problem, example=example))])
        await ctx.audit("id_field_corrected", {"document": state["id_doc"], "field": state["fixing"],
                                               "read": state["id_read"].get(state["fixing"])}, state["dossier_id"])
        state["id_read"][state["fixing"]] = value
        state["step"] = "id_confirm"
        state.pop("fixing", None)
        return Outcome(state, [self._id_confirm_reply(state)])

    # ---- form fields, summary, submit ----------------------------------------------------
    def _next_after_documents(self, state) -> list[Reply]:
        if state.get("mode") == "supplement":
            done = {"dossier_id": state["dossier_id"], "documents": list(state["documents"])}
            state.clear()
            state.update(step="menu", supplement_done=done)  # finished by handle(): needs the context
            return []
        proc = self._proc(state)
        if proc.fields and state.get("field", 0) < len(proc.fields):
            state.update(step="field", field=state.get("field", 0))
            return [self._ask_field(state)]
        return self._summary(state)

    def _ask_field(self, state) -> Reply:
        f = self._proc(state).fields[state["field"]]
        if f.validator == "choice":
            return self._numbered(state, f.ask, [(o, o) for o in f.options])
        return Reply(self.say("ask_field", ask=f.ask, example=f.example))

    async def _on_field(self, ctx, state, event, text, parse) -> Outcome:
        proc = self._proc(state)
        f = proc.fields[state["field"]]
        raw = event.payload or text
        if not raw:
            return Outcome(state, [self._ask_field(state)])
        value, problem = validate(f.validator, raw, list(f.options), ctx.now.date())
        if problem:
            return Outcome(state, [Reply(self.say("field_invalid", problem=problem, example=f.example))])
        state["fields"][f.key] = value
        if state.pop("editing", False):
            state["field"] = len(proc.fields)
            return Outcome(state, self._summary(state))
        state["field"] += 1
        if state["field"] < len(proc.fields):
            return Outcome(state, [self._ask_field(state)])
        return Outcome(state, self._summary(state))

    def _summary(self, state) -> list[Reply]:
        proc = self._proc(state)
        state["step"] = "summary"
        lines = [self.say("summary", procedure=proc.short_name)]
        for f in proc.fields:
            value = state["fields"].get(f.key, "")
            lines.append(f"- {f.label}: {_show_date(value) if f.validator.startswith('date') else value}")
        for doc_key, fields in state.get("id_cards", {}).items():
            if fields.get("full_name"):
                lines.append(f"- {ID_FIELD_RULES['full_name'][0]} (thẻ căn cước): {fields['full_name']}")
        names = [d.name for d in proc.documents if d.key in state["documents"]]
        lines.append(self.say("summary_docs", docs="; ".join(names) or "không có"))
        lines.append(self.m["summary_confirm"])
        items = [(self.m["choice_submit"], "submit"), (self.m["choice_redo"], "edit"), (self.m["choice_cancel"], "cancel")]
        return [self._numbered(state, "\n".join(lines), items)]

    async def _on_summary(self, ctx, state, event, text, parse) -> Outcome:
        choice = self._choice(state, event, text)
        intent = parse["intent"]["name"] if parse else None
        if choice == "submit" or (choice is None and intent == "affirm"):
            return await self._submit(ctx, state)
        if choice == "edit":
            proc = self._proc(state)
            if not proc.fields:
                return Outcome(state, self._summary(state))
            state["step"] = "edit"
            return Outcome(state, [self._numbered(state, self.m["edit_pick"],
                                                  [(f.label[:20], f"edit:{i}") for i, f in enumerate(proc.fields)],
                                                  [f.label for f in proc.fields])])
        if choice == "cancel":
            return await self._cancel(ctx, state)
        return Outcome(state, self._summary(state))

    async def _on_edit(self, ctx, state, event, text, parse) -> Outcome:
        choice = self._choice(state, event, text)
        if not choice:
            return Outcome(state, self._summary(state))
        state.update(step="field", field=int(choice.split(":", 1)[1]), editing=True)
        return Outcome(state, [self._ask_field(state)])

    async def _submit(self, ctx, state) -> Outcome:
        proc = self._proc(state)
        due = calendar.due_date(ctx.now.replace(tzinfo=None), proc.processing_days, proc.cutoff_hour)
        fields = dict(state["fields"])
        code = await ctx.submit_dossier(state["dossier_id"], fields, due)
        received = [d.name for d in proc.documents if d.key in state["documents"]]
        receipt_lines = [
            self.say("receipt_caption", code=code), f"{proc.name}",
            self.say("receipt_docs", docs="; ".join(received) or "—"),
            f"Ngày hẹn trả kết quả: {due.strftime('%d/%m/%Y')}",
            self.say("receipt_where", where=proc.where),
        ]
        image = await ctx.make_receipt(code, receipt_lines)
        msg = self.say("submitted", procedure=proc.short_name, code=code, due=due.strftime("%d/%m/%Y"),
                       authority=ctx.agency_name)
        msg += "\n" + self.say("receipt_docs", docs="; ".join(received) or "—")
        msg += "\n" + self.say("receipt_where", where=proc.where)
        new: dict[str, Any] = {"step": "menu", "last_code": code}
        replies = [Reply(msg)]
        if image:
            replies.append(Reply(self.say("receipt_caption", code=code), image_path=image))
        replies.append(self._menu(new, self.m["menu_again"]))
        return Outcome(new, replies, "affirm")


def _hint(result: dict[str, Any]) -> str:
    if "not_id_card" in result.get("quality", {}).get("problems", []):
        return "Ảnh này không phải thẻ căn cước — bạn chụp mặt có ảnh chân dung của thẻ, đặt thẻ trên nền tối, đủ 4 góc."
    try:
        import ocr

        text = ocr.verdict_text(result)
        if text:
            return text
    except Exception:  # a verdict without hints must not break the turn
        pass
    return "ảnh chưa đạt, bạn chụp thẳng, đủ sáng, rõ nét và thấy đủ 4 góc giấy tờ."
