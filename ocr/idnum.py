"""Rules of the Vietnamese 12-digit personal identification number and of card expiry.

Decree 137/2015/ND-CP art. 13 and Circular 07/2016/TT-BCA: digits 1-3 the province code of
birth registration, digit 4 sex + century, digits 5-6 the last two digits of the birth year,
digits 7-12 random (no check digit).
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import yaml

NO_EXPIRY = "Không thời hạn"
PROVINCES: dict[str, str] = yaml.safe_load(
    (Path(__file__).resolve().parent / "id_provinces.yml").read_text(encoding="utf-8")
)["provinces"]


def century_sex_digit(year: int, sex: str) -> str:
    """Digit 4: 0/1 male/female born 1900-1999, 2/3 for 2000-2099, 4/5 for 2100s, ..."""
    base = 2 * ((year // 100) - 19)
    return str(base + (1 if sex == "Nữ" else 0))


def decode(number: str) -> dict:
    """What a 12-digit number says: province, sex, birth year. Empty dict if malformed."""
    if len(number) != 12 or not number.isdigit():
        return {}
    d4 = int(number[3])
    century = 1900 + 100 * (d4 // 2)
    return {
        "province_code": number[:3],
        "province": PROVINCES.get(number[:3]),
        "sex": "Nữ" if d4 % 2 else "Nam",
        "birth_year": century + int(number[4:6]),
    }


def check_number(number: str | None, dob: str | None = None, sex: str | None = None) -> dict:
    """Check a 12-digit number on its own and against the date of birth (YYYY-MM-DD) and sex."""
    out: dict = {}
    if not number:
        return out
    if len(number) == 9 and number.isdigit():
        out["format"] = "cmnd9"
        return out
    info = decode(number)
    out["format"] = "ok" if info else "bad"
    if not info:
        return out
    out["province_code"] = "ok" if info["province"] else "unknown"
    if dob and len(dob) >= 4 and dob[:4].isdigit():
        out["birth_year"] = "ok" if int(dob[:4]) == info["birth_year"] else "mismatch"
    if sex in ("Nam", "Nữ"):
        out["sex"] = "ok" if sex == info["sex"] else "mismatch"
    return out


def _birthday_at(dob: _dt.date, age: int) -> _dt.date:
    try:
        return dob.replace(year=dob.year + age)
    except ValueError:  # 29 Feb
        return dob.replace(year=dob.year + age, day=28)


def expected_expiry(dob: str, issue: str | None) -> list[str]:
    """Expiry dates allowed by the age rule (birthday at 14, 25, 40, 60; none from 58).

    Returns the candidates as YYYY-MM-DD (or "Không thời hạn"). Without an issue date all
    milestones are plausible.
    """
    try:
        b = _dt.date.fromisoformat(dob)
    except (TypeError, ValueError):
        return []
    milestones = [14, 25, 40, 60]
    if issue:
        try:
            i = _dt.date.fromisoformat(issue)
        except ValueError:
            i = None
        if i is not None:
            age = i.year - b.year - ((i.month, i.day) < (b.month, b.day))
            if age >= 58:
                return [NO_EXPIRY]
            # the next milestone after the issue date; a card issued within two years before a
            # milestone keeps the following one (Law on Identity 2023, art. 21)
            nxt = [m for m in milestones if _birthday_at(b, m) > i]
            out = [_birthday_at(b, m).isoformat() for m in nxt[:2]]
            return out or [NO_EXPIRY]
    return [_birthday_at(b, m).isoformat() for m in milestones] + [NO_EXPIRY]


def check_expiry(dob: str | None, issue: str | None, expiry: str | None) -> str | None:
    if not dob or not expiry:
        return None
    cands = expected_expiry(dob, issue)
    if not cands:
        return None
    return "ok" if expiry in cands else "mismatch"


def vote(reads: list[tuple[str, float]], want: tuple[int, ...]) -> tuple[str, float] | None:
    """One number from several reads of its print ((digits, confidence)): of the reads of a
    wanted length, the length most of them have; with three or more, each digit the one most
    reads give (a digit misread once is outvoted); with fewer, the most confident read. None
    when no read has a wanted length."""
    ok = [(d, c) for d, c in reads if len(d) in want]
    if not ok:
        return None
    n = max(want, key=lambda L: (sum(len(d) == L for d, _ in ok), L))
    same = [(d, c) for d, c in ok if len(d) == n]
    if len(same) < 3:
        return max(same, key=lambda x: x[1])
    digits = ""
    for i in range(n):
        col = [d[i] for d, _ in same]
        digits += max(sorted(set(col)), key=lambda x: (col.count(x), sum(c for d, c in same if d[i] == x)))
    agree = [c for d, c in same if d == digits]
    return digits, max(agree) if agree else min(c for _, c in same)
