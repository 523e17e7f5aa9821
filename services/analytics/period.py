"""A report's or an export's period: whole local days (the agency's time zone), both ends
included, as the UTC instants [start, end) the database is asked with."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

DEFAULT_DAYS = 30
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2999, 12, 31)


class BadPeriod(ValueError):
    """A date that cannot be read, or an end before the start."""


@dataclass(frozen=True)
class Period:
    since: dt.date
    until: dt.date
    tz: str

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.since, dt.time(), ZoneInfo(self.tz)).astimezone(dt.UTC)

    @property
    def end(self) -> dt.datetime:
        nxt = self.until + dt.timedelta(days=1)
        return dt.datetime.combine(nxt, dt.time(), ZoneInfo(self.tz)).astimezone(dt.UTC)

    def local_day(self, at: dt.datetime) -> dt.date:
        return at.astimezone(ZoneInfo(self.tz)).date()

    def as_dict(self) -> dict[str, str]:
        return {"since": self.since.isoformat(), "until": self.until.isoformat(), "timezone": self.tz}


def period(since: str | dt.date | None, until: str | dt.date | None, tz: str) -> Period:
    """The period from two dates (YYYY-MM-DD, either may be missing: the last 30 days to today)."""
    today = dt.datetime.now(ZoneInfo(tz)).date()
    end = _date(until, "until") or today
    start = _date(since, "since") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        raise BadPeriod("until is before since")
    if (end - start).days > 3660:
        raise BadPeriod("a period of at most ten years")
    return Period(start, end, tz)


def _date(value: str | dt.date | None, name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value if EARLIEST <= value <= LATEST else _date(value.isoformat(), name)
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        raise BadPeriod(f"{name}: a date YYYY-MM-DD") from None
    if not EARLIEST <= day <= LATEST:
        raise BadPeriod(f"{name}: between {EARLIEST} and {LATEST}")
    return day
