"""Logging setup: plain text or one JSON object per line (LOG_FORMAT), every record carrying the
correlation id of the event being handled.

The correlation id of an inbound event is its de-duplication key (``channel:message id``): the web
process logs it when it accepts the event, the worker while it applies it, the outbox row keeps it
(``payload.correlation_id``) and the sender logs it when it delivers the row to the platform, so
one search finds the whole path of a message.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import logging
from collections.abc import Iterator

CORRELATION_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "correlation_id", "taskName"}


@contextlib.contextmanager
def correlated(correlation_id: str | None) -> Iterator[None]:
    """Records logged inside carry `correlation_id` (tasks started inside inherit it)."""
    token = CORRELATION_ID.set(correlation_id)
    try:
        yield
    finally:
        CORRELATION_ID.reset(token)


class CorrelationFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = CORRELATION_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, correlation_id, process, extras."""

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": getattr(record, "correlation_id", None),
            "process": record.process,
        }
        out.update({k: v for k, v in vars(record).items() if k not in _STANDARD and k not in out})
        if record.exc_info:
            out["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(correlation_id)s]: %(message)s"


def setup_logging(level: str, fmt: str = "text") -> None:
    """Configure the root logger (replacing earlier handlers): `fmt` is "text" or "json"."""
    if fmt not in {"text", "json"}:
        raise ValueError(f"LOG_FORMAT must be text or json, not {fmt!r}")
    handler = logging.StreamHandler()
    handler.addFilter(CorrelationFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
