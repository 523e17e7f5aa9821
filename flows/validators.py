"""Validators of form fields: each returns (normalised value, None) or (None, problem code).

The codes are keys of `invalid` in flows/messages.yml, where the dialogue finds the sentence."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable

from nlu.text import fold

Result = tuple[str | None, str | None]

_PHONE = re.compile(r"^(?:\+?84|0)(3|5|7|8|9)(\d{8})$")
_DATE = re.compile(r"^(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{2}|\d{4})$")


def plain(text: str) -> str:
    """Lower case, no diacritics, single spaces: how typed words are compared."""
    return " ".join(fold(text)[0].split())


def person_name(text: str) -> Result:
    name = " ".join(text.split())
    name = unicodedata.normalize("NFC", name)
    if not 2 <= len(name.split()) <= 7:
        return None, "name_too_short"
    if not all(ch.isalpha() or ch == " " for ch in name) or len(name) > 80:
        return None, "name_not_letters"
    return name.upper(), None


def date_past(text: str, today: dt.date | None = None) -> Result:
    today = today or dt.date.today()
    m = _DATE.match(text.strip())
    if not m:
        return None, "date_format"
    d, mth, y = (int(g) for g in m.groups())
    if y < 100:
        y += 2000 if 2000 + y <= today.year else 1900
    try:
        value = dt.date(y, mth, d)
    except ValueError:
        return None, "date_not_on_calendar"
    if value > today:
        return None, "date_in_future"
    if value.year < today.year - 120:
        return None, "date_too_far"
    return value.isoformat(), None


def vn_phone(text: str) -> Result:
    digits = re.sub(r"[\s.\-()]", "", text.strip())
    m = _PHONE.match(digits)
    if not m:
        return None, "phone_format"
    return "0" + m.group(1) + m.group(2), None


def date_any(text: str, today: dt.date | None = None) -> Result:
    """A date in the past or the future (e.g. a planned date), within a sane range."""
    today = today or dt.date.today()
    m = _DATE.match(text.strip())
    if not m:
        return None, "date_format"
    d, mth, y = (int(g) for g in m.groups())
    if y < 100:
        y += 2000
    try:
        value = dt.date(y, mth, d)
    except ValueError:
        return None, "date_not_on_calendar"
    if abs(value.year - today.year) > 120:
        return None, "date_too_far"
    return value.isoformat(), None


def id_number(text: str) -> Result:
    digits = re.sub(r"[\s.\-]", "", text.strip())
    if not re.fullmatch(r"\d{9}|\d{12}", digits):
        return None, "id_number_format"
    return digits, None


def address(text: str) -> Result:
    value = " ".join(unicodedata.normalize("NFC", text).split())
    if len(value.split()) < 3 or len(value) > 300:
        return None, "address_too_short"
    return value, None


def text(value: str) -> Result:
    value = " ".join(unicodedata.normalize("NFC", value).split())
    if not 1 <= len(value) <= 500:
        return None, "text_length"
    return value, None


def positive_int(value: str) -> Result:
    digits = value.strip().replace(".", "").replace(",", "")
    if not digits.isdigit() or not 0 < int(digits) < 1_000_000:
        return None, "not_positive_int"
    return str(int(digits)), None


def choice(value: str, options: list[str]) -> Result:
    """One of `options`, by its number or its text (with or without diacritics)."""
    raw = value.strip().rstrip(".")
    if raw.isdigit() and 1 <= int(raw) <= len(options):
        return options[int(raw) - 1], None
    for option in options:
        if plain(raw) == plain(option):
            return option, None
    return None, "not_an_option"  # the sentence lists the options


VALIDATORS: dict[str, Callable[..., Result]] = {
    "person_name": person_name,
    "date_past": date_past,
    "date_any": date_any,
    "vn_phone": vn_phone,
    "id_number": id_number,
    "address": address,
    "text": text,
    "positive_int": positive_int,
    "choice": choice,
}


def validate(
    validator: str, value: str, options: list[str] | None = None, today: dt.date | None = None
) -> Result:
    """`today` is the agency's date (the machine's may be a day behind Viet Nam's)."""
    if validator == "choice":
        return choice(value, options or [])
    if validator in {"date_past", "date_any"}:
        return VALIDATORS[validator](value, today)
    return VALIDATORS[validator](value)
