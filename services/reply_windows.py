"""The platform's reply window of a thread, as the officer must know it before answering: Zalo OA
lets a consultation message through within `zalo_bot_window_h` (48 h) of the citizen's last
message and an officer's up to `zalo_officer_window_h` (7 days, -230 after); Messenger 24 h
(`messenger_bot_window_h`), then a human only with the HUMAN_AGENT tag up to
`messenger_officer_window_h` (7 days). The web chat has no window. Outside the window the
sender holds the officer's message (outbox `held`) and delivers it once the citizen writes
again — the same rule as bot/sender.py (channels' `reply_window`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.db.models import utcnow

# channel -> (settings key of the standard window, settings key of a human's window, tag used after)
WINDOWS = {
    "zalo": ("zalo_bot_window_h", "zalo_officer_window_h", None),
    "messenger": ("messenger_bot_window_h", "messenger_officer_window_h", "HUMAN_AGENT"),
}


def reply_window(settings, channel: str, last_inbound_at: dt.datetime | None) -> dict[str, Any]:
    """{"channel", "limited", "standard_h", "officer_h", "closes_at", "standard_closes_at",
    "open", "state", "tag"}: state is "none" (no window), "standard" (inside the standard window),
    "tagged" (only a human, tagged), "closed" (held until the citizen writes) or "unknown"."""
    spec = WINDOWS.get(channel)
    if spec is None:
        return {"channel": channel, "limited": False, "open": True, "state": "none"}
    standard_h = float(getattr(settings, spec[0]))
    officer_h = float(getattr(settings, spec[1]))
    out: dict[str, Any] = {
        "channel": channel,
        "limited": True,
        "standard_h": standard_h,
        "officer_h": officer_h,
        "tag": spec[2],
        "closes_at": None,
        "standard_closes_at": None,
    }
    if last_inbound_at is None:
        return {**out, "open": False, "state": "closed"}
    closes = last_inbound_at + dt.timedelta(hours=officer_h)
    standard = last_inbound_at + dt.timedelta(hours=standard_h)
    now = utcnow()
    state = "standard" if now < standard else "tagged" if now < closes else "closed"
    if state == "tagged" and spec[2] is None:
        state = "officer"  # Zalo: an officer may still answer, past the free consultation window
    return {
        **out,
        "closes_at": closes.isoformat(),
        "standard_closes_at": standard.isoformat(),
        "open": state != "closed",
        "state": state,
    }
