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


VALIDATORS: dict[str, Callable[[str], Result]] = {
    "person_name": person_name,
    "date_past": date_past,
    "vn_phone": vn_phone,
}
