"""Working days: weekends and the public holidays listed in holidays.yml."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import yaml

HOLIDAYS_FILE = Path(__file__).with_name("holidays.yml")


@lru_cache(maxsize=4)
def holidays(path: Path = HOLIDAYS_FILE) -> frozenset[dt.date]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    days: set[dt.date] = set()
    for item in data.get("holidays", []):
        if "date" in item:
            days.add(item["date"])
        else:
            day = item["from"]
            while day <= item["to"]:
                days.add(day)
                day += dt.timedelta(days=1)
    return frozenset(days)


def is_working_day(day: dt.date, off: frozenset[dt.date] | None = None) -> bool:
    off = holidays() if off is None else off
    return day.weekday() < 5 and day not in off


def next_working_day(day: dt.date, off: frozenset[dt.date] | None = None) -> dt.date:
    day += dt.timedelta(days=1)
    while not is_working_day(day, off):
        day += dt.timedelta(days=1)
    return day


def office_open(path: Path = HOLIDAYS_FILE) -> tuple[dt.time, dt.time]:
    """When officers answer on a working day (holidays.yml `office_hours`, default 07:30-17:00)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    hours = data.get("office_hours") or {}
    return dt.time.fromisoformat(str(hours.get("open", "07:30"))), dt.time.fromisoformat(
        str(hours.get("close", "17:00"))
    )


def next_opening(now: dt.datetime, off: frozenset[dt.date] | None = None) -> dt.datetime | None:
    """None while the office is open (`now` local time), else when it opens next."""
    opens, closes = office_open()
    if is_working_day(now.date(), off) and opens <= now.time() < closes:
        return None
    day = now.date()
    if not is_working_day(day, off) or now.time() >= closes:
        day = next_working_day(day, off)
    return dt.datetime.combine(day, opens)


def due_date(
    received: dt.datetime, working_days: int, cutoff_hour: int = 15, off: frozenset[dt.date] | None = None
) -> dt.date:
    """The date a result is due.

    `received` is local time. The first counted day is the day of receipt when it is a working day
    and receipt is before `cutoff_hour`, otherwise the next working day. The result is due on the
    `working_days`-th counted day (0 or 1 both mean the first counted day).
    """
    day = received.date()
    if not is_working_day(day, off) or received.hour >= cutoff_hour:
        day = next_working_day(day, off)
    for _ in range(max(working_days, 1) - 1):
        day = next_working_day(day, off)
    return day
