"""Working days (weekends, holidays, the 15:00 cut-off) and form-field validators."""

from __future__ import annotations

import datetime as dt

import pytest

from flows import calendar
from flows.engine import load_messages
from flows.validators import date_past, person_name, vn_phone

D = dt.date


# The arithmetic is tested on a fixed set of days off; the data file is checked separately.
OFF = frozenset({D(2026, 2, d) for d in range(14, 23)} | {D(2026, 9, 1), D(2026, 9, 2)})


def test_the_holidays_file_holds_tet_and_national_day():
    off = calendar.holidays()
    assert {D(2026, 2, 17), D(2026, 9, 2), D(2027, 1, 1)} <= off


def test_weekends_and_holidays_are_not_working_days():
    assert calendar.is_working_day(D(2026, 11, 23))  # Monday
    assert not calendar.is_working_day(D(2026, 11, 28))  # Saturday
    assert not calendar.is_working_day(D(2026, 2, 17))  # Tết
    assert not calendar.is_working_day(D(2026, 9, 2))


@pytest.mark.parametrize(
    "received, days, due",
    [
        (dt.datetime(2026, 11, 23, 10, 0), 1, D(2026, 11, 23)),  # Monday morning: same day
        (dt.datetime(2026, 11, 23, 15, 0), 1, D(2026, 11, 24)),  # at 15:00: from the next working day
        (dt.datetime(2026, 11, 27, 16, 0), 1, D(2026, 11, 30)),  # Friday afternoon: Monday
        (dt.datetime(2026, 11, 28, 9, 0), 1, D(2026, 11, 30)),  # Saturday: Monday
        (dt.datetime(2026, 2, 13, 14, 0), 3, D(2026, 2, 24)),  # Friday before Tết (14–22/2 off)
        (dt.datetime(2026, 2, 13, 15, 30), 1, D(2026, 2, 23)),  # after the cut-off, Tết in between
        (dt.datetime(2026, 11, 23, 9, 0), 7, D(2026, 12, 1)),  # 7 working days
    ],
)
def test_due_dates(received, days, due):
    assert calendar.due_date(received, days, cutoff_hour=15, off=OFF) == due


@pytest.mark.parametrize(
    "text, value",
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("+84 912-345-678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0386.123.456", "0386123456"),
    ],
)
def test_phone_numbers(text, value):
    assert vn_phone(text) == (value, None)


@pytest.mark.parametrize("text", ["12345", "0212345678", "09123456789", "abc", ""])
def test_bad_phone_numbers(text):
    value, problem = vn_phone(text)
    # validators return a code; messages.yml holds the sentence the citizen reads
    assert value is None and "10 số" in load_messages()(f"invalid.{problem}")


def test_names_are_normalised_and_checked():
    assert person_name("  nguyễn   minh an ") == ("NGUYỄN MINH AN", None)
    assert person_name("An")[0] is None
    assert person_name("Nguyen 3 An")[0] is None
    # composed and decomposed Vietnamese compare equal after normalisation
    assert person_name("Nguye\u0302\u0303n An")[0] == "NGUYỄN AN"


def test_dates():
    today = D(2026, 11, 23)
    assert date_past("05/03/2026", today) == ("2026-03-05", None)
    assert date_past("5-3-26", today) == ("2026-03-05", None)
    assert date_past("5.3.1990", today) == ("1990-03-05", None)
    assert date_past("31/02/2026", today)[0] is None
    assert date_past("24/11/2026", today)[0] is None
    assert date_past("hôm qua", today) == ("2026-11-22", None)  # relative days are read (issue 14)
    assert date_past("hôm qua nữa", today)[0] is None


def test_dates_are_judged_on_the_agencys_day():
    from flows.validators import validate

    # 06:30 on 24/11 in Hà Nội is still 23/11 on a UTC machine: a birth that morning is not "future"
    assert validate("date_past", "24/11/2026", today=D(2026, 11, 24)) == ("2026-11-24", None)
    assert validate("date_past", "24/11/2026", today=D(2026, 11, 23))[0] is None


@pytest.mark.parametrize(
    "text, value",
    [
        ("2", "2"),
        ("hai", "2"),
        ("hai trang", "2"),
        ("3 bản", "3"),
        ("mười lăm", "15"),
        ("hai mươi mốt", "21"),
        ("hai bản sao", "2"),
        ("Năm", "5"),
    ],
)
def test_counts_in_digits_or_words(text, value):
    from flows.validators import positive_int

    assert positive_int(text) == (value, None)


@pytest.mark.parametrize("text", ["abc", "không", "0", "hai con mèo", "mười mười"])
def test_not_counts(text):
    from flows.validators import positive_int

    assert positive_int(text) == (None, "not_positive_int")


def test_relative_days_are_dates_on_the_agencys_day():
    today = dt.date(2026, 3, 1)
    assert date_past("hôm qua", today) == ("2026-02-28", None)
    assert date_past("hom nay", today) == ("2026-03-01", None)
    assert date_past("hôm kia", today) == ("2026-02-27", None)
    assert date_past("ngày mai", today) == (None, "date_in_future")


def test_when_the_office_opens_next():
    from flows.calendar import next_opening

    monday_morning = dt.datetime(2026, 11, 23, 9, 30)
    assert next_opening(monday_morning) is None  # open: an officer answers today
    assert next_opening(dt.datetime(2026, 11, 23, 6, 0)) == dt.datetime(2026, 11, 23, 7, 30)
    assert next_opening(dt.datetime(2026, 11, 25, 17, 0)) == dt.datetime(2026, 11, 26, 7, 30)
    assert next_opening(dt.datetime(2026, 11, 23, 17, 0)) == dt.datetime(2026, 11, 25, 7, 30)  # 24/11 is off
    assert next_opening(dt.datetime(2026, 11, 28, 10, 0)) == dt.datetime(2026, 11, 30, 7, 30)  # Saturday
    assert next_opening(dt.datetime(2026, 4, 29, 18, 0)) == dt.datetime(
        2026, 5, 4, 7, 30
    )  # 30/4, 1/5, weekend
