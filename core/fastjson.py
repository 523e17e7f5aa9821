"""JSON on the hot path (a turn's rows, queue entries, platform calls), through orjson: the same
text as `json.dumps(value, ensure_ascii=False, separators=(",", ":"))` for our values (compact,
UTF-8; non-string keys written as strings, as json does), several times faster. `loads` raises a
ValueError (orjson's JSONDecodeError is json's) on malformed input, as json.loads does."""

from __future__ import annotations

from typing import Any

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS

loads = orjson.loads


def dumps(value: Any) -> str:
    return orjson.dumps(value, option=_OPTIONS).decode()


def dumpb(value: Any) -> bytes:
    """As `dumps`, the UTF-8 bytes (a request body)."""
    return orjson.dumps(value, option=_OPTIONS)
