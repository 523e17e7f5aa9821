"""The flow engine: walks a procedure from the catalog (no procedure logic in code).

State is a plain JSON-able dict stored with the conversation. One call handles one inbound event
and returns the new state and the replies; everything with side effects (dossier rows, photo
checks) goes through the `Context` the worker passes in, inside the worker's transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from bot.events import Attachment, InboundEvent, QuickReply, Reply

from . import calendar
from .catalog import Procedure, load_catalog
from .validators import VALIDATORS

HERE = Path(__file__).resolve().parent
MAX_RETAKES = 2  # after this many failed retakes a photo is accepted with a warning flag
SILENT_KINDS = {"delivery", "seen", "unfollow"}
UNSUPPORTED_KINDS = {"sticker", "audio", "video", "location", "link"}
CODE_RX = re.compile(r"\b([A-Za-z0-9]{2,12})\s*-\s*(\d{6})\s*-\s*(\d{4})\b")


class Context(Protocol):
    """What the engine may do outside its own state; implemented by the worker."""

    now: dt.datetime  # aware, local time of the agency
    agency_name: str
    agency_code: str

    async def create_dossier(self, procedure: str) -> int: ...
    async def add_document(self, dossier_id: int, doc_key: str, attachment: Attachment, quality: dict) -> None: ...
    async def submit_dossier(self, dossier_id: int, fields: dict[str, Any], due: dt.date) -> str: ...
    async def dossier_status(self, code: str) -> tuple[str, str] | None: ...
    async def check_photo(self, attachment: Attachment, expect: str) -> dict[str, Any]: ...
    async def audit(self, action: str, data: dict[str, Any], dossier_id: int | None = None) -> None: ...


@dataclass
class Outcome:
    state: dict[str, Any]
    replies: list[Reply] = field(default_factory=list)
    intent: str | None = None


def load_messages(path: Path = HERE / "messages.yml") -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_menu(path: Path = HERE / "menu.yml") -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _plain(text: str) -> str:
    from nlu import strip_diacritics

    return " ".join(strip_diacritics(text.lower()).split())


class Engine:
    def __init__(self, nlu: Any, catalog: dict[str, Procedure] | None = None,
                 messages: dict[str, Any] | None = None, menu: list[dict[str, Any]] | None = None,
                 consent_version: str = "2026-11-v1") -> None:
        self.nlu = nlu
        self.catalog = catalog if catalog is not None else load_catalog()
        self.m = messages or load_messages()
        self.menu = menu or load_menu()
        self.consent_version = consent_version

    # ---- helpers ---------------------------------------------------------------------
    def say(self, key: str, **kw: Any) -> str:
        return self.m[key].format(**kw)

    def _options(self, state: dict, items: list[tuple[str, str]]) -> tuple[QuickReply, ...]:
        """Remember the numbered options of this step; return them as quick replies."""
        state["options"] = [payload for _title, payload in items]
        return tuple(QuickReply(f"{i}. {title}", payload) for i, (title, payload) in enumerate(items, 1))

    @staticmethod
    def _choice(state: dict, event: InboundEvent, text: str) -> str | None:
        options = state.get("options") or []
        if event.payload and event.payload in options:
            return event.payload
        m = re.fullmatch(r"\s*(?:so\s*)?(\d{1,2})\s*[.)]?\s*", _plain(text))
        if m and 1 <= int(m.group(1)) <= len(options):
            return options[int(m.group(1)) - 1]
        return None

    def _menu(self, state: dict, lead: str) -> Reply:
        lines = [lead] + [f"{i}. {item['title']}" for i, item in enumerate(self.menu, 1)]
        qr = self._options(state, [(item["button"], f"menu:{i}") for i, item in enumerate(self.menu)])
        return Reply("\n".join(lines), qr)

    def _proc(self, state: dict) -> Procedure:
        return self.catalog[state["procedure"]]

    # ---- entry point -----------------------------------------------------------------
    async def handle(self, ctx: Context, state: dict[str, Any], event: InboundEvent) -> Outcome:
        state = dict(state or {})
        if event.kind in SILENT_KINDS:
            return Outcome(state)
        if event.kind == "follow":
            return Outcome(state, [self._menu(state, self.say("welcome", agency=ctx.agency_name))], "greet")
        if event.kind in UNSUPPORTED_KINDS:
            return Outcome(state, [Reply(self.m["unsupported"])])

        text = (event.text or "").strip()
        parse = await self.nlu.parse(text) if text and not event.payload else None
        intent = parse["intent"]["name"] if parse else None
        confident = bool(parse) and parse["intent"]["confidence"] >= 0.6
        plain = _plain(text)
        step = state.get("step")

        if step and step != "menu" and (plain in {"huy", "cancel", "huy bo", "dung lai"}
                                        or (confident and intent == "cancel" and step != "field")):
            return self._cancel()
        if plain in {"menu", "bat dau lai", "quay lai", "bat dau"}:
            new: dict[str, Any] = {"step": "menu"}
            return Outcome(new, [self._menu(new, self.m["menu_again"])], intent)

        handler = {
            None: self._on_start,
            "menu": self._on_menu,
            "consent": self._on_consent,
            "doc": self._on_document,
            "field": self._on_field,
            "summary": self._on_summary,
            "ask_code": self._on_code,
        }.get(step, self._on_start)
        outcome = await handler(ctx, state, event, text, parse)
        outcome.intent = outcome.intent or intent
        return outcome

    def _cancel(self) -> Outcome:
        new: dict[str, Any] = {"step": "menu"}
        return Outcome(new, [Reply(self.m["cancelled"]), self._menu(new, self.m["menu_again"])], "cancel")

    # ---- steps -----------------------------------------------------------------------
    async def _on_start(self, ctx, state, event, text, parse) -> Outcome:
        routed = await self._route_free_text(ctx, state, text, parse)
        if routed:
            return routed
        new: dict[str, Any] = {"step": "menu"}
        return Outcome(new, [self._menu(new, self.say("welcome", agency=ctx.agency_name))], "greet")

    async def _on_menu(self, ctx, state, event, text, parse) -> Outcome:
        choice = self._choice(state, event, text)
        if choice and choice.startswith("menu:"):
            item = self.menu[int(choice.split(":", 1)[1])]
            return await self._menu_action(ctx, state, item)
        routed = await self._route_free_text(ctx, state, text, parse)
        if routed:
            return routed
        if parse and parse["intent"]["name"] == "help":
            return Outcome(state, [Reply(self.m["help"]), self._menu(state, self.m["menu_again"])])
        return Outcome(state, [self._menu(state, self.m["not_understood"])])

    async def _menu_action(self, ctx, state, item: dict) -> Outcome:
        if item["action"] == "procedure":
            return self._start_procedure(ctx, item["procedure"])
        if item["action"] == "check_status":
            new = {"step": "ask_code"}
            return Outcome(new, [Reply(self.say("ask_code", example=f"{ctx.agency_code}-261123-0001"))], "check_status")
        new = {"step": "menu"}
        return Outcome(new, [Reply(self.m["human"])], "request_human")

    async def _route_free_text(self, ctx, state, text, parse) -> Outcome | None:
        if not parse or parse["intent"]["confidence"] < 0.6:
            return None
        intent = parse["intent"]["name"]
        procs = [e["value"] for e in parse["entities"] if e["entity"] == "procedure" and e["value"] in self.catalog]
        if intent in {"start_procedure", "ask_requirements"} and procs:
            return self._start_procedure(ctx, procs[0])
        if intent == "check_status":
            codes = [e["value"] for e in parse["entities"] if e["entity"] == "dossier_code"]
            if codes or CODE_RX.search(text):
                return await self._on_code(ctx, {"step": "ask_code"}, None, text, parse)
            return Outcome({"step": "ask_code"}, [Reply(self.say("ask_code", example=f"{ctx.agency_code}-261123-0001"))])
        if intent == "request_human":
            new = {"step": "menu"}
            return Outcome(new, [Reply(self.m["human"])], intent)
        return None

    def _start_procedure(self, ctx, key: str) -> Outcome:
        proc = self.catalog[key]
        new: dict[str, Any] = {"step": "consent", "procedure": key}
        qr = self._options(new, [(self.m["choice_yes"], "yes"), (self.m["choice_no"], "no")])
        text = self.say("consent", procedure=proc.short_name, agency=ctx.agency_name)
        return Outcome(new, [Reply(f"{text}\n1. {self.m['choice_yes']}\n2. {self.m['choice_no']}", qr)],
                       "start_procedure")

    async def _on_consent(self, ctx, state, event, text, parse) -> Outcome:
        choice = self._choice(state, event, text)
        intent = parse["intent"]["name"] if parse else None
        plain = _plain(text)
        if choice == "yes" or intent == "affirm" or plain in {"dong y", "co", "ok", "yes", "u", "uh"}:
            return await self._begin_collection(ctx, state)
        if choice == "no" or intent == "deny" or plain in {"khong", "khong dong y", "ko", "k", "no"}:
            proc = self._proc(state)
            await ctx.audit("consent_refused", {"procedure": proc.key, "version": self.consent_version})
            new: dict[str, Any] = {"step": "menu"}
            return Outcome(new, [Reply(self.say("consent_refused", agency=ctx.agency_name))], "deny")
        qr = self._options(state, [(self.m["choice_yes"], "yes"), (self.m["choice_no"], "no")])
        return Outcome(state, [Reply(self.m["not_understood"] + f"\n1. {self.m['choice_yes']}\n2. {self.m['choice_no']}", qr)])

    async def _begin_collection(self, ctx, state) -> Outcome:
        proc = self._proc(state)
        dossier_id = await ctx.create_dossier(proc.key)
        await ctx.audit("consent_given", {"procedure": proc.key, "version": self.consent_version,
                                          "text": self.m["consent"]}, dossier_id)
        new = {"step": "doc", "procedure": proc.key, "dossier_id": dossier_id, "doc": 0, "retakes": 0,
               "fields": {}, "documents": [], "flags": []}
        lines = [self.say("intro", procedure=proc.short_name)]
        lines += [f"{i}. {d.name}" for i, d in enumerate(proc.documents, 1)]
        if proc.fields:
            lines.append(self.say("intro_fields", fields=", ".join(f.label.lower() for f in proc.fields)))
        replies = [Reply("\n".join(lines))]
        replies.extend(self._next_after_documents(new) if not proc.documents else [self._ask_document(new)])
        return Outcome(new, replies, "affirm")

    def _ask_document(self, state) -> Reply:
        proc = self._proc(state)
        doc = proc.documents[state["doc"]]
        return Reply(self.say("ask_document", n=state["doc"] + 1, total=len(proc.documents), ask=doc.ask))

    async def _on_document(self, ctx, state, event, text, parse) -> Outcome:
        proc = self._proc(state)
        images = [a for a in event.attachments]
        if not images:
            doc = proc.documents[state["doc"]]
            return Outcome(state, [Reply(self.say("need_photo", document=doc.name))])
        replies: list[Reply] = []
        for att in images:
            if state["step"] != "doc":
                break  # more photos than documents asked: keep them out of the dossier
            doc = proc.documents[state["doc"]]
            if att.problem:
                key = {"too_large": "photo_too_large", "download_failed": "photo_download_failed"}.get(
                    att.problem, "photo_not_image")
                replies.append(Reply(self.say(key, document=doc.name)))
                continue
            result = await ctx.check_photo(att, doc.photo)
            quality = result.get("quality", {})
            problems = quality.get("problems", [])
            if problems and set(problems) & {"unreadable_file", "unsupported_format"}:
                replies.append(Reply(self.say("photo_not_image", document=doc.name)))
                continue
            if problems and state["retakes"] < MAX_RETAKES:
                state["retakes"] += 1
                replies.append(Reply(self.say("photo_retake", document=doc.name, hint=_hint(result))))
                continue
            flagged = bool(problems)
            await ctx.add_document(state["dossier_id"], doc.key, att,
                                   {**quality, "accepted_with_warning": flagged, "retakes": state["retakes"]})
            state["documents"].append(doc.key)
            if flagged:
                state["flags"].append(doc.key)
            replies.append(Reply(self.say("photo_accepted_with_warning" if flagged else "photo_ok", document=doc.name)))
            state["doc"] += 1
            state["retakes"] = 0
            if state["doc"] < len(proc.documents):
                replies.append(self._ask_document(state))
            else:
                replies.extend(self._next_after_documents(state))
        return Outcome(state, replies)

    def _next_after_documents(self, state) -> list[Reply]:
        proc = self._proc(state)
        if proc.fields:
            state.update(step="field", field=0)
            return [self._ask_field(state)]
        return self._summary(state)

    def _ask_field(self, state) -> Reply:
        f = self._proc(state).fields[state["field"]]
        return Reply(self.say("ask_field", ask=f.ask, example=f.example))

    async def _on_field(self, ctx, state, event, text, parse) -> Outcome:
        proc = self._proc(state)
        f = proc.fields[state["field"]]
        if not text:
            return Outcome(state, [self._ask_field(state)])
        value, problem = VALIDATORS[f.validator](text)
        if problem:
            return Outcome(state, [Reply(self.say("field_invalid", problem=problem, example=f.example))])
        state["fields"][f.key] = value
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
            if f.validator == "date_past" and value:
                value = dt.date.fromisoformat(value).strftime("%d/%m/%Y")
            lines.append(f"- {f.label}: {value}")
        names = [d.name for d in proc.documents if d.key in state["documents"]]
        lines.append(self.say("summary_docs", docs="; ".join(names) or "không có"))
        lines.append(self.m["summary_confirm"])
        items = [(self.m["choice_submit"], "submit"), (self.m["choice_redo"], "redo"), (self.m["choice_cancel"], "cancel")]
        qr = self._options(state, items)
        lines += [f"{i}. {title}" for i, (title, _p) in enumerate(items, 1)]
        return [Reply("\n".join(lines), qr)]

    async def _on_summary(self, ctx, state, event, text, parse) -> Outcome:
        choice = self._choice(state, event, text)
        intent = parse["intent"]["name"] if parse else None
        if choice == "submit" or (choice is None and intent == "affirm"):
            proc = self._proc(state)
            local_now = ctx.now
            due = calendar.due_date(local_now.replace(tzinfo=None), proc.processing_days, proc.cutoff_hour)
            code = await ctx.submit_dossier(state["dossier_id"], dict(state["fields"]), due)
            new: dict[str, Any] = {"step": "menu", "last_code": code}
            msg = self.say("submitted", procedure=proc.short_name, code=code, due=due.strftime("%d/%m/%Y"),
                           authority=ctx.agency_name)
            return Outcome(new, [Reply(msg), self._menu(new, self.m["menu_again"])], "affirm")
        if choice == "redo":
            state.update(step="field", field=0, fields={})
            return Outcome(state, [Reply(self.m["redo"]), self._ask_field(state)])
        if choice == "cancel":
            return self._cancel()
        return Outcome(state, self._summary(state))

    async def _on_code(self, ctx, state, event, text, parse) -> Outcome:
        m = CODE_RX.search(text)
        if not m:
            return Outcome(state, [Reply(self.say("ask_code", example=f"{ctx.agency_code}-261123-0001"))])
        code = f"{m.group(1).upper()}-{m.group(2)}-{m.group(3)}"
        found = await ctx.dossier_status(code)
        new: dict[str, Any] = {"step": "menu"}
        if not found:
            return Outcome(new, [Reply(self.say("status_unknown", code=code))], "check_status")
        procedure, status = found
        proc = self.catalog.get(procedure)
        msg = self.say("status", code=code, procedure=proc.short_name if proc else procedure,
                       status=self.m["statuses"].get(status, status))
        return Outcome(new, [Reply(msg)], "check_status")


def _hint(result: dict[str, Any]) -> str:
    try:
        import ocr

        text = ocr.verdict_text(result)  # type: ignore[attr-defined]
        if text:
            return text
    except Exception:  # the OCR package may not offer verdicts yet
        pass
    return "ảnh chưa đạt, bạn chụp thẳng, đủ sáng, rõ nét và thấy đủ 4 góc giấy tờ."
