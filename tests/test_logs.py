"""Structured logs: one JSON object per line, and one correlation id (the event's de-duplication
key) from the accepting web side through the worker to the outbox row and the platform send."""

from __future__ import annotations

import io
import json
import logging

from citizen import Citizen
from sqlalchemy import select
from support import wait_for

from bot.runtime import Runtime
from core.db import Outbox
from core.logs import CorrelationFilter, JsonFormatter, correlated, setup_logging
from handlers.webchat import WebChannel


def test_a_json_line_carries_the_correlation_id_and_the_exception():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(CorrelationFilter())
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger("motcua.test.json")
    log.addHandler(handler)
    log.propagate = False
    try:
        with correlated("zalo:m-1"):
            try:
                raise ValueError("boom")
            except ValueError:
                log.exception("lỗi %s", "x", extra={"outbox_id": 7})
        log.warning("outside")
    finally:
        log.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "lỗi x" and first["level"] == "ERROR" and first["correlation_id"] == "zalo:m-1"
    assert first["outbox_id"] == 7 and "ValueError: boom" in first["exc_info"]
    assert second["correlation_id"] is None


def test_log_format_must_be_known():
    import pytest

    with pytest.raises(ValueError, match="LOG_FORMAT"):
        setup_logging("INFO", "xml")


async def test_one_correlation_id_from_acceptance_to_the_platform_send(backend_settings):
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    keep = Keep(logging.DEBUG)
    keep.addFilter(CorrelationFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(keep)
    root.setLevel(logging.DEBUG)
    rt = Runtime(backend_settings)
    rt.add_channel(WebChannel())
    await rt.start(workers=1)
    try:
        citizen = Citizen(rt)
        event = await citizen.send("Xin chào", message_id="corr-1")
        await wait_for(lambda: citizen.processed("corr-1"), timeout=30)
        async with rt.db.session() as s:
            rows = (await s.execute(select(Outbox))).scalars().all()
        assert rows and {r.payload["correlation_id"] for r in rows} == {event.dedupe_key}

        def path() -> set[str]:
            return {r.name for r in records if getattr(r, "correlation_id", None) == event.dedupe_key}

        await wait_for(lambda: {"bot.runtime", "bot.worker", "bot.sender"} <= path(), timeout=30)
    finally:
        root.removeHandler(keep)
        root.setLevel(old_level)
        await rt.stop()
