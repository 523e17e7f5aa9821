"""ICAO 9303 TD1 machine-readable zone of the Vietnamese chip card (3 x 30 characters)."""

from __future__ import annotations

import datetime as _dt
import re

from core.vietnamese import strip_diacritics

_W = (7, 3, 1)


def _val(c: str) -> int:
    if c.isdigit():
        return int(c)
    if c == "<":
        return 0
    if "A" <= c <= "Z":
        return ord(c) - 55
    return 0


def check_digit(s: str) -> str:
    return str(sum(_val(c) * _W[i % 3] for i, c in enumerate(s)) % 10)


def ascii_name(name: str) -> str:
    return strip_diacritics(name).upper()


def _yymmdd(iso: str) -> str:
    return iso[2:4] + iso[5:7] + iso[8:10]


def build(id12: str, dob: str, sex: str, expiry: str, name: str) -> list[str]:
    """The three lines for a card (dates YYYY-MM-DD, expiry may be 'Không thời hạn')."""
    doc9 = id12[3:]
    l1 = "IDVNM" + doc9 + check_digit(doc9) + id12 + "<<"
    l1 = l1[:29] + check_digit(id12)
    exp = "<<<<<<" if not expiry[:1].isdigit() else _yymmdd(expiry)
    exp_cd = check_digit(exp) if exp[0] != "<" else "<"
    d = _yymmdd(dob)
    l2 = d + check_digit(d) + ("F" if sex == "Nữ" else "M") + exp + exp_cd + "VNM"
    l2 = l2 + "<" * (29 - len(l2))
    composite = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
    l2 = l2 + check_digit(composite)
    parts = ascii_name(name).split()
    l3 = (parts[0] + "<<" + "<".join(parts[1:])) if parts else ""
    l3 = (l3 + "<" * 30)[:30]
    return [l1, l2, l3]


_FIX_DIGIT = str.maketrans(
    {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "B": "8", "G": "6", "T": "7"}
)


def _digits(s: str) -> str:
    return s.translate(_FIX_DIGIT)


def _date(yymmdd: str, future: bool) -> str | None:
    if not yymmdd.isdigit():
        return None
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    now = _dt.date.today().year % 100
    if future:
        year = 2000 + yy if yy < 80 else 1900 + yy
    else:
        year = 2000 + yy if yy <= now else 1900 + yy
    try:
        return _dt.date(year, mm, dd).isoformat()
    except ValueError:
        return None


def _l1_ok(l1: str) -> int:
    d = l1[5:15].translate(_FIX_DIGIT), l1[15:27].translate(_FIX_DIGIT), l1[29:30].translate(_FIX_DIGIT)
    return (check_digit(d[0][:9]) == d[0][9:10]) + (check_digit(d[1]) == d[2]) + (d[0][:9] == d[1][3:])


def _fit_line1(l1: str) -> str:
    """Line 1 with spurious characters (OCR noise) removed: the variant whose check digits hold."""
    if len(l1) <= 30:
        return (l1 + "<" * 30)[:30]
    best, best_ok = l1[:30], _l1_ok(l1[:30])
    extra = len(l1) - 30
    if extra <= 2:
        import itertools

        for idx in itertools.combinations(range(5, len(l1)), extra):
            cand = "".join(c for k, c in enumerate(l1) if k not in idx)
            ok = _l1_ok(cand)
            if ok > best_ok:
                best, best_ok = cand, ok
                if ok == 3:
                    break
    return best


def _fit_line2(l2: str) -> str:
    if len(l2) <= 30:
        return (l2 + "<" * 30)[:30]
    extra = len(l2) - 30
    best = l2[:30]
    if extra <= 2:
        import itertools

        for idx in itertools.combinations(range(len(l2)), extra):
            cand = "".join(c for k, c in enumerate(l2) if k not in idx)
            d = cand[0:7].translate(_FIX_DIGIT)
            if check_digit(d[:6]) == d[6] and cand[15:18] == "VNM":
                return cand
    return best


def parse(lines: list[str]) -> dict | None:
    """Parse OCR'd MRZ lines; fix the usual letter/digit confusions in numeric positions.

    Returns {"fields": {...}, "checks": {...}, "valid": bool} or None when no MRZ is present.
    """
    clean = [re.sub(r"[^A-Z0-9<]", "", ln.upper().replace(" ", "")) for ln in lines]
    clean = [c for c in clean if len(c) >= 20]
    l1 = next((c for c in clean if c.startswith(("ID", "1D", "I0")) and "VNM" in c[:8]), None)
    if l1 is None:
        l1 = next((c for c in clean if "VNM" in c[:8]), None)
    if l1 is None:
        return None
    i = clean.index(l1)
    l2 = clean[i + 1] if i + 1 < len(clean) else ""
    l3 = clean[i + 2] if i + 2 < len(clean) else ""
    l1 = _fit_line1(l1)
    l2 = (l2 + "<" * 30)[:30]
    if len(clean[i + 1] if i + 1 < len(clean) else "") > 30:
        l2 = _fit_line2(clean[i + 1])
    l1 = "IDVNM" + _digits(l1[5:15]) + _digits(l1[15:27]) + l1[27:29] + _digits(l1[29])
    l2 = _digits(l2[0:7]) + l2[7] + _digits(l2[8:15]) + "VNM" + l2[18:29] + _digits(l2[29])
    l2 = l2[:7] + {"H": "M", "N": "M", "E": "F", "P": "F"}.get(l2[7], l2[7]) + l2[8:]
    doc9, cd9, id12, cd12 = l1[5:14], l1[14], l1[15:27], l1[29]
    dob, cd_dob, sex, exp, cd_exp = l2[0:6], l2[6], l2[7], l2[8:14], l2[14]
    composite = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
    checks = {
        "doc_number": check_digit(doc9) == cd9,
        "id_number": check_digit(id12) == cd12,
        "date_of_birth": check_digit(dob) == cd_dob,
        "date_of_expiry": (exp == "<<<<<<") or check_digit(exp) == cd_exp,
        "composite": check_digit(composite) == l2[29],
        "consistent": id12[3:] == doc9,
    }
    fields: dict = {}
    if id12.isdigit():
        fields["id_number"] = id12
    d = _date(dob, future=False)
    if d:
        fields["date_of_birth"] = d
    if sex in "MF":
        fields["sex"] = "Nam" if sex == "M" else "Nữ"
    if exp == "<<<<<<":
        fields["date_of_expiry"] = "Không thời hạn"
    else:
        e = _date(exp, future=True)
        if e:
            fields["date_of_expiry"] = e
    if l3:
        name = re.sub(r"[^A-Z<]", "", l3.upper())
        sur, _, given = name.partition("<<")
        nm = " ".join(p for p in ([sur] + given.split("<")) if p)
        if nm:
            fields["name_ascii"] = nm
    return {"fields": fields, "checks": checks, "valid": all(checks.values()), "lines": [l1, l2, l3]}
