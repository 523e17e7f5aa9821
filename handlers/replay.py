"""Replay guard of the platform webhooks: a signed event is processed only while it is fresh.

De-duplication remembers a message id for DEDUPE_TTL_S; a signed event captured and sent again
after that would be accepted anew. So an event whose platform timestamp (Zalo `timestamp`,
Messenger `timestamp`, both in milliseconds and covered by the signature) is older than
REPLAY_WINDOW_S, or further in the future than REPLAY_SKEW_S, is answered 200 like a duplicate
(the platform must not retry it) and dropped, counted in motcua_stale_events_total.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from core.events import InboundEvent
from core.metrics import STALE_EVENTS

log = logging.getLogger(__name__)


def fresh(timestamp_ms: int, settings, now_ms: int | None = None) -> bool:
    now = int(time.time() * 1000) if now_ms is None else now_ms
    return now - settings.replay_window_s * 1000 <= timestamp_ms <= now + settings.replay_skew_s * 1000


def keep_fresh(events: Iterable[InboundEvent], settings) -> list[InboundEvent]:
    """The fresh events; the others are logged and counted, never processed."""
    kept = []
    for event in events:
        if fresh(event.timestamp_ms, settings):
            kept.append(event)
        else:
            STALE_EVENTS.labels(event.channel).inc()
            log.warning(
                "dropped a stale %s event %s (platform time %d ms)",
                event.channel,
                event.dedupe_key,
                event.timestamp_ms,
            )
    return kept
