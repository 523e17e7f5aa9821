"""Values whose label was not read (a garbled small label, a label hidden by a dotted leader),
found by their shape and their order on the card: the name is the first line of capitals below
the number, the date of birth the first date below it, a 2021 back's only date is its issue date,
a 2024 back's dates are the issue then the expiry. Trusted less than a value found by its label."""

from __future__ import annotations

import re

from .values import numeric, parse_date

FRONTS = {"cccd_front", "cancuoc_front", "cmnd_front"}
TRUST = 0.7
_CAPS = re.compile(r"[A-ZÀ-ỸĐ]+")


def _entry(ws: list[dict], text: str | None = None) -> dict:
    t = text or " ".join(w["text"] for w in ws)
    return {"text": t, "conf": TRUST * sum(w["conf"] for w in ws) / len(ws), "words": ws, "lines": [t]}


def _is_date(w: dict) -> bool:
    return "<" not in w["text"] and bool(parse_date(w["text"])) and len(re.sub(r"\D", "", w["text"])) <= 10


def fill(rows: list[list[dict]], vals: dict[str, dict], kind: str, wanted: set[str]) -> list[str]:
    """Add the missing values it can find to `vals`; return the fields it added."""
    used = {id(w) for v in vals.values() for w in v["words"]}
    row_of = {id(w): i for i, r in enumerate(rows) for w in r}
    added: list[str] = []
    start = -1
    if "id_number" in vals:
        start = max(row_of.get(id(w), -1) for w in vals["id_number"]["words"])
    if kind in FRONTS and "full_name" in wanted and "full_name" not in vals and start >= 0:
        for r in rows[start + 1 : start + 4]:
            ws = [w for w in r if id(w) not in used and _CAPS.fullmatch(w["text"])]
            if len(ws) >= 2 and sum(len(w["text"]) for w in ws) >= 6:
                vals["full_name"] = _entry(ws)
                used |= {id(w) for w in ws}
                added.append("full_name")
                break
    dates = [w for i, r in enumerate(rows) if i > start for w in r if id(w) not in used and _is_date(w)]
    order = {
        "cccd_front": ["date_of_birth"],
        "cancuoc_front": ["date_of_birth"],
        "cmnd_front": ["date_of_birth"],
        "cccd_back": ["date_of_issue"],
        "cancuoc_back": ["date_of_issue", "date_of_expiry"],
    }.get(kind, [])
    missing = [f for f in order if f in wanted and f not in vals]
    if kind == "cancuoc_back" and len(missing) == 2 and len(dates) < 2:
        return added  # one date for two fields: which is it? not guessed
    for f in missing:
        if not dates:
            break
        w = dates.pop(0)
        vals[f] = _entry([w])
        added.append(f)
    if kind in FRONTS and "date_of_birth" in wanted and "date_of_birth" not in vals and "full_name" in vals:
        ws = _digits_under(rows, vals, row_of, used)
        if ws:  # no date read: the digits on the line under the name, read again by the caller
            vals["date_of_birth"] = _entry(ws)
            added.append("date_of_birth")
    return added


def _digits_under(rows: list[list[dict]], vals: dict[str, dict], row_of: dict, used: set[int]) -> list[dict]:
    """The words with digits on the first line under the name that holds some (at least four
    digits, look-alike letters counted: "0O. 90082…", a typed date read badly, its label too),
    unless that line belongs to another value."""
    name_row = max(row_of.get(id(w), -1) for w in vals["full_name"]["words"])
    for r in rows[name_row + 1 : name_row + 3]:
        if any(id(w) in used for w in r):
            return []  # the next value's line
        ws = [w for w in r if re.search(r"\d", numeric(w["text"]))]
        if len(re.sub(r"\D", "", "".join(numeric(w["text"]) for w in ws))) >= 4:
            return ws
    return []
