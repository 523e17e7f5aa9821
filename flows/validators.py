"""Validators of form fields: each returns (normalised value, None) or (None, problem text)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Callable

Result = tuple[str | None, str | None]

_PHONE = re.compile(r"^(?:\+?84|0)(3|5|7|8|9)(\d{8})$")
_DATE = re.compile(r"^(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{2}|\d{4})$")


def person_name(text: str) -> Result:
    name = " ".join(text.split())
    name = unicodedata.normalize("NFC", name)
    if not 2 <= len(name.split()) <= 7:
        return None, "Họ tên cần có ít nhất họ và tên, ví dụ"
    if not all(ch.isalpha() or ch == " " for ch in name) or len(name) > 80:
        return None, "Họ tên chỉ gồm chữ cái, không có số hay ký hiệu, ví dụ"
    return name.upper(), None


def date_past(text: str, today: dt.date | None = None) -> Result:
    today = today or dt.date.today()
    m = _DATE.match(text.strip())
    if not m:
        return None, "Ngày chưa đúng dạng ngày/tháng/năm, ví dụ"
    d, mth, y = (int(g) for g in m.groups())
    if y < 100:
        y += 2000 if 2000 + y <= today.year else 1900
    try:
        value = dt.date(y, mth, d)
    except ValueError:
        return None, "Ngày này không có trên lịch, bạn xem lại giúp mình, ví dụ"
    if value > today:
        return None, "Ngày này còn ở tương lai, bạn xem lại giúp mình, ví dụ"
    if value.year < today.year - 120:
        return None, "Năm này quá xa, bạn xem lại giúp mình, ví dụ"
    return value.isoformat(), None


def vn_phone(text: str) -> Result:
    digits = re.sub(r"[\s.\-()]", "", text.strip())
    m = _PHONE.match(digits)
    if not m:
        return None, "Số điện thoại di động Việt Nam có 10 số, bắt đầu bằng 03, 05, 07, 08 hoặc 09, ví dụ"
    return "0" + m.group(1) + m.group(2), None


def date_any(text: str, today: dt.date | None = None) -> Result:
    """A date in the past or the future (e.g. a planned date), within a sane range."""
    today = today or dt.date.today()
    m = _DATE.match(text.strip())
    if not m:
        return None, "Ngày chưa đúng dạng ngày/tháng/năm, ví dụ"
    d, mth, y = (int(g) for g in m.groups())
    if y < 100:
        y += 2000
    try:
        value = dt.date(y, mth, d)
    except ValueError:
        return None, "Ngày này không có trên lịch, bạn xem lại giúp mình, ví dụ"
    if abs(value.year - today.year) > 120:
        return None, "Năm này quá xa, bạn xem lại giúp mình, ví dụ"
    return value.isoformat(), None


def id_number(text: str) -> Result:
    digits = re.sub(r"[\s.\-]", "", text.strip())
    if not re.fullmatch(r"\d{9}|\d{12}", digits):
        return None, "Số căn cước có 12 chữ số (chứng minh nhân dân cũ có 9 số), ví dụ"
    return digits, None


def address(text: str) -> Result:
    value = " ".join(unicodedata.normalize("NFC", text).split())
    if len(value.split()) < 3 or len(value) > 300:
        return None, "Địa chỉ cần ghi rõ số nhà (nếu có), đường/thôn/tổ, xã/phường, tỉnh/thành phố, ví dụ"
    return value, None


def text(value: str) -> Result:
    value = " ".join(unicodedata.normalize("NFC", value).split())
    if not 1 <= len(value) <= 500:
        return None, "Nội dung cần từ 1 đến 500 ký tự, ví dụ"
    return value, None


def positive_int(value: str) -> Result:
    digits = value.strip().replace(".", "").replace(",", "")
    if not digits.isdigit() or not 0 < int(digits) < 1_000_000:
        return None, "Bạn nhập một số lớn hơn 0, ví dụ"
    return str(int(digits)), None


def choice(value: str, options: list[str]) -> Result:
    """One of `options`, by its number or its text (with or without diacritics)."""
    from nlu import strip_diacritics

    raw = value.strip().rstrip(".")
    if raw.isdigit() and 1 <= int(raw) <= len(options):
        return options[int(raw) - 1], None
    plain = " ".join(strip_diacritics(raw.lower()).split())
    for option in options:
        if plain == " ".join(strip_diacritics(option.lower()).split()):
            return option, None
    listed = "; ".join(f"{i}. {o}" for i, o in enumerate(options, 1))
    return None, f"Bạn chọn một trong các lựa chọn ({listed}), ví dụ"


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


def validate(validator: str, value: str, options: list[str] | None = None, today: dt.date | None = None) -> Result:
    """`today` is the agency's date (the machine's may be a day behind Viet Nam's)."""
    if validator == "choice":
        return choice(value, options or [])
    if validator in {"date_past", "date_any"}:
        return VALIDATORS[validator](value, today)
    return VALIDATORS[validator](value)
