"""`python -m bot export`: the conversation log as rows an analyst can load — every turn
(message_log, with the analytics columns), every dossier event (audit_event: transitions with
actor and time, consent, take-over, surveys sent) and every survey answer — as JSON lines, CSV or
Parquet, one row shape for all three (`record` says which).

Rows are streamed from the database in batches and written as they come: memory stays bounded
whatever the period (the citizens' known values are kept for the last CITIZEN_CACHE citizens).
Redacted unless asked otherwise (redact.py): citizens, conversations and dossiers appear as
pseudonyms, texts and event data with personal values replaced, media paths keyed, file names
dropped. Rows come per record type (turns, then events, then answers), each in time order."""

from __future__ import annotations

import csv
import json
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.db import AuditEvent, Citizen, Conversation, Dossier, DossierDocument, MessageLog, SurveyAnswer
from flows.catalog import load_catalog
from services.analytics.period import Period
from services.analytics.redact import CARD_KINDS, VALIDATOR_KINDS, Pseudonyms, Redactor

FORMATS = ("jsonl", "csv", "parquet")
BATCH = 2000
CITIZEN_CACHE = 4000  # at least two batches' worth
# (column, parquet type): the one row shape of every format
COLUMNS: tuple[tuple[str, str], ...] = (
    ("record", "string"),  # message | event | survey
    ("id", "int64"),
    ("at", "string"),  # ISO 8601, UTC
    ("channel", "string"),
    ("citizen", "string"),
    ("conversation", "string"),
    ("dossier", "string"),
    ("procedure", "string"),
    ("direction", "string"),
    ("author", "string"),
    ("step", "string"),
    ("step_after", "string"),
    ("kind", "string"),
    ("text", "string"),
    ("intent", "string"),
    ("confidence", "float64"),
    ("fallback", "bool_"),
    ("latency_ms", "int64"),
    ("entities", "string"),  # JSON
    ("photos", "string"),  # JSON: [{document, verdict, problems, retake}]
    ("attachments", "string"),  # JSON
    ("action", "string"),
    ("actor", "string"),
    ("data", "string"),  # JSON
    ("survey", "string"),
    ("question", "string"),
    ("answer", "string"),
    ("score", "int64"),
)
NAMES = tuple(name for name, _ in COLUMNS)
# the turn log's columns read (plain rows: no ORM objects built per row)
TURN_COLUMNS = tuple(
    getattr(MessageLog, c)
    for c in (
        "id",
        "created_at",
        "channel",
        "dossier_id",
        "procedure",
        "direction",
        "author",
        "step",
        "kind",
        "text",
        "intent",
        "confidence",
        "fallback",
        "latency_ms",
        "details",
        "attachments",
    )
)


class _Citizens:
    """Per citizen: the pseudonym and the redactor of their texts (bounded cache)."""

    def __init__(self, session, pseudo: Pseudonyms | None) -> None:
        self.s, self.pseudo = session, pseudo
        self.cache: OrderedDict[int, tuple[str, Redactor | None]] = OrderedDict()
        self.kinds = {
            f.key: VALIDATOR_KINDS[f.validator]
            for p in load_catalog().values()
            for f in p.fields
            if f.validator in VALIDATOR_KINDS
        }

    async def prefetch(self, ids: set[int]) -> None:
        """Load the citizens of a batch of rows at once (a few queries, not a few per citizen)."""
        missing = sorted(i for i in ids if i is not None and i not in self.cache)
        for n in range(0, len(missing), 500):
            chunk = missing[n : n + 500]
            people = {
                c.id: c
                for c in (await self.s.execute(select(Citizen).where(Citizen.id.in_(chunk)))).scalars()
            }
            known: dict[int, list[tuple[str, str]]] = {i: [] for i in chunk}
            rows = await self.s.execute(
                select(Dossier.citizen_id, Dossier.fields).where(Dossier.citizen_id.in_(chunk))
            )
            for citizen_id, fields in rows:
                known[citizen_id] += self._fields(fields)
            docs = await self.s.execute(
                select(Dossier.citizen_id, DossierDocument.reading, DossierDocument.confirmed)
                .join(Dossier, Dossier.id == DossierDocument.dossier_id)
                .where(Dossier.citizen_id.in_(chunk))
            )
            for citizen_id, reading, confirmed in docs:
                known[citizen_id] += self._card(reading, confirmed)
            for i in chunk:
                self._keep(i, people.get(i), known[i])

    def _keep(
        self, citizen_id: int, c: Citizen | None, known: list[tuple[str, str]]
    ) -> tuple[str, Redactor | None]:
        ident = f"{c.channel}:{c.external_id}" if c else f"citizen:{citizen_id}"
        if self.pseudo is None:
            found: tuple[str, Redactor | None] = (ident, None)
        else:
            if c is not None and c.display_name:
                known = [("name", c.display_name), *known]
            found = (self.pseudo("citizen", ident), Redactor(self.pseudo, known))
        self.cache[citizen_id] = found
        if len(self.cache) > CITIZEN_CACHE:
            self.cache.popitem(last=False)
        return found

    def _fields(self, fields: dict[str, Any] | None) -> list[tuple[str, str]]:
        return [
            (self.kinds[k], v)
            for k, v in (fields or {}).items()
            if k in self.kinds and isinstance(v, str) and v.strip()
        ]

    @staticmethod
    def _card(reading: dict[str, Any] | None, confirmed: dict[str, Any] | None) -> list[tuple[str, str]]:
        return [
            (CARD_KINDS[k], v)
            for values in ((reading or {}).get("fields") or {}, confirmed or {})
            for k, v in values.items()
            if k in CARD_KINDS and isinstance(v, str) and v.strip()
        ]

    def cached(self, citizen_id: int | None) -> tuple[str | None, Redactor | None]:
        """A citizen of the current batch (prefetched)."""
        if citizen_id is None:
            return None, None
        return self.cache[citizen_id]

    async def get(self, citizen_id: int | None) -> tuple[str | None, Redactor | None]:
        if citizen_id is None:
            return None, None
        if citizen_id in self.cache:
            self.cache.move_to_end(citizen_id)
            return self.cache[citizen_id]
        await self.prefetch({citizen_id})
        return self.cache[citizen_id]


def _citizen_of(row: Any) -> int | None:
    """The citizen a row is about: its conversation's, else an audit event's "citizen:ID" actor."""
    m = row._mapping
    if m.get("citizen_id") is not None:
        return m["citizen_id"]
    event = m.get(AuditEvent)
    if event is not None and event.actor.startswith("citizen:") and event.actor[8:].isdigit():
        return int(event.actor[8:])
    return None


def _json(value: Any) -> str | None:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) if value else None


class Rows:
    """The export's rows, streamed (`async for row in Rows(...)`)."""

    def __init__(self, session, period: Period, pseudo: Pseudonyms | None) -> None:
        self.s, self.period, self.pseudo = session, period, pseudo
        self.citizens = _Citizens(session, pseudo)

    def _dossier(self, code: str | None, dossier_id: int | None) -> str | None:
        if dossier_id is None and code is None:
            return None
        ident = code or f"draft:{dossier_id}"
        return self.pseudo("dossier", ident) if self.pseudo else ident

    def _conversation(self, key: str | None) -> str | None:
        return self.pseudo("conversation", key) if (self.pseudo and key) else key

    def _media(self, attachments: list[Any] | None) -> list[Any]:
        out = []
        for a in attachments or []:
            a = dict(a)
            if self.pseudo is not None:
                a.pop("url", None)
                a.pop("name", None)
                if a.get("path"):
                    a["path"] = self.pseudo("media", a["path"])
            out.append(a)
        return out

    async def _stream(self, stmt) -> AsyncIterator[Any]:
        """Rows in batches (one await per batch, not per row), their citizens loaded per batch."""
        result = await self.s.stream(stmt.execution_options(yield_per=BATCH))
        async for part in result.partitions(BATCH):
            await self.citizens.prefetch({_citizen_of(row) for row in part} - {None})
            for row in part:
                yield row

    async def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        start, end = self.period.start, self.period.end
        turns = (
            select(*TURN_COLUMNS, Conversation.key, Conversation.citizen_id, Dossier.code)
            .join(Conversation, Conversation.id == MessageLog.conversation_id)
            .outerjoin(Dossier, Dossier.id == MessageLog.dossier_id)
            .where(MessageLog.created_at >= start, MessageLog.created_at < end)
            .order_by(MessageLog.created_at, MessageLog.id)
        )
        async for row in self._stream(turns):
            yield self._turn(row)
        events = (
            select(
                AuditEvent,
                Dossier.code,
                Dossier.procedure,
                Dossier.citizen_id,
                Conversation.key,
                Conversation.channel,
            )
            .outerjoin(Dossier, Dossier.id == AuditEvent.dossier_id)
            .outerjoin(Conversation, Conversation.id == Dossier.conversation_id)
            .where(AuditEvent.created_at >= start, AuditEvent.created_at < end)
            .order_by(AuditEvent.created_at, AuditEvent.id)
        )
        async for e, code, procedure, citizen_id, key, channel in self._stream(events):
            yield await self._event(e, code, procedure, citizen_id, key, channel)
        answers = (
            select(SurveyAnswer, Conversation.key, Conversation.citizen_id, Dossier.code, Dossier.procedure)
            .join(Conversation, Conversation.id == SurveyAnswer.conversation_id)
            .outerjoin(Dossier, Dossier.id == SurveyAnswer.dossier_id)
            .where(SurveyAnswer.created_at >= start, SurveyAnswer.created_at < end)
            .order_by(SurveyAnswer.created_at, SurveyAnswer.id)
        )
        async for a, key, citizen_id, code, procedure in self._stream(answers):
            who, red = await self.citizens.get(citizen_id)
            yield {
                "record": "survey",
                "id": a.id,
                "at": a.created_at.isoformat(),
                "channel": a.channel,
                "citizen": who,
                "conversation": self._conversation(key),
                "dossier": self._dossier(code, a.dossier_id),
                "procedure": procedure,
                "survey": a.survey,
                "question": a.question,
                "answer": a.answer,
                "score": a.score,
                "text": red.text(a.comment) if red else a.comment,
            }

    def _turn(self, m: Any) -> dict[str, Any]:
        key, code = m.key, m.code
        who, red = self.citizens.cached(m.citizen_id)
        details = m.details or {}
        entities = details.get("entities")
        return {
            "record": "message",
            "id": m.id,
            "at": m.created_at.isoformat(),
            "channel": m.channel,
            "citizen": who,
            "conversation": self._conversation(key),
            "dossier": self._dossier(code, m.dossier_id),
            "procedure": m.procedure,
            "direction": m.direction,
            "author": m.author,
            "step": m.step,
            "step_after": details.get("step_after"),
            "kind": m.kind,
            "text": red.text(m.text) if red else m.text,
            "intent": m.intent,
            "confidence": m.confidence,
            "fallback": m.fallback,
            "latency_ms": m.latency_ms,
            "entities": _json(red.value(entities) if red else entities),
            "photos": _json(details.get("photos")),
            "attachments": _json(self._media(m.attachments)),
        }

    async def _event(self, e: AuditEvent, code, procedure, citizen_id, key, channel) -> dict[str, Any]:
        if citizen_id is None and e.actor.startswith("citizen:") and e.actor[8:].isdigit():
            citizen_id = int(e.actor[8:])
        who, red = await self.citizens.get(citizen_id)
        actor = e.actor
        if actor.startswith("citizen:"):
            actor = "citizen"  # the citizen column says who
        data = dict(e.data or {})
        return {
            "record": "event",
            "id": e.id,
            "at": e.created_at.isoformat(),
            "channel": channel,
            "citizen": who,
            "conversation": self._conversation(key),
            "dossier": self._dossier(code, e.dossier_id),
            "procedure": procedure or data.get("procedure"),
            "action": e.action,
            "actor": actor,
            "data": _json(red.value(data) if red else data),
        }


# ---- writers --------------------------------------------------------------------------------------
class Writer:
    def __init__(self, path: Path, fmt: str) -> None:
        self.path, self.fmt, self.batch = path, fmt, []  # type: ignore[var-annotated]
        self.count = 0
        self.fh: Any = None
        self.pq: Any = None
        if fmt == "parquet":
            import pyarrow as pa

            self.schema = pa.schema([(n, getattr(pa, t)()) for n, t in COLUMNS])
        else:
            self.fh = path.open("w", encoding="utf-8", newline="")
            if fmt == "csv":
                self.csv = csv.DictWriter(self.fh, fieldnames=NAMES, extrasaction="raise")
                self.csv.writeheader()

    def write(self, row: dict[str, Any]) -> None:
        self.count += 1
        if self.fmt == "jsonl":
            self.fh.write(json.dumps({n: row.get(n) for n in NAMES}, ensure_ascii=False) + "\n")
        elif self.fmt == "csv":
            self.csv.writerow(row)
        else:
            self.batch.append(row)
            if len(self.batch) >= BATCH:
                self._flush()

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self.batch:
            return
        table = pa.Table.from_pydict({n: [r.get(n) for r in self.batch] for n in NAMES}, schema=self.schema)
        if self.pq is None:
            self.pq = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        self.pq.write_table(table)
        self.batch = []

    def close(self) -> None:
        if self.fmt == "parquet":
            self._flush()
            if self.pq is None:  # no rows: an empty file with the schema
                import pyarrow.parquet as pq

                self.pq = pq.ParquetWriter(self.path, self.schema, compression="zstd")
            self.pq.close()
        else:
            self.fh.close()


def rows_to_dicts(rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every row with all columns (missing ones None), for callers that want the full shape."""
    for row in rows:
        yield {n: row.get(n) for n in NAMES}


async def export(db, period: Period, fmt: str, path: Path, pseudo: Pseudonyms | None) -> int:
    """Write the period's rows to `path`; returns how many. `pseudo` None: not redacted."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = Writer(path, fmt)
    try:
        async with db.session() as s:
            async for row in Rows(s, period, pseudo):
                writer.write(row)
    finally:
        writer.close()
    return writer.count
