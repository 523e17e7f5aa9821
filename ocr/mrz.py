"""ICAO 9303 TD1 machine-readable zone of the Vietnamese chip card (3 x 30 characters)."""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

import yaml

from core.vietnamese import strip_diacritics

from .idnum import NO_EXPIRY

_CFG = yaml.safe_load((Path(__file__).resolve().parent / "mrz.yml").read_text(encoding="utf-8"))

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


def build(id12: str, dob: str, sex: str, expiry: str, name: str, no_expiry: str = "<<<<<<<") -> list[str]:
    """The three lines for a card (dates YYYY-MM-DD, expiry may be 'Không thời hạn'; `no_expiry`:
    the expiry field and its check digit written for a card without expiry, 7 characters)."""
    doc9 = id12[3:]
    l1 = "IDVNM" + doc9 + check_digit(doc9) + id12 + "<<"
    l1 = l1[:29] + check_digit(id12)
    exp = no_expiry[:6] if not expiry[:1].isdigit() else _yymmdd(expiry)
    exp_cd = check_digit(exp) if expiry[:1].isdigit() else no_expiry[6]
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

        # spurious characters after the sex first (a run of fillers read too long), so that the
        # sex letter is never the one dropped when the birth date already holds
        for start in (8, 0):
            for idx in itertools.combinations(range(start, len(l2)), extra):
                cand = "".join(c for k, c in enumerate(l2) if k not in idx)
                d = cand[0:7].translate(_FIX_DIGIT)
                if check_digit(d[:6]) == d[6] and cand[15:18] == "VNM":
                    return cand
    return best


def _filler_run(field: str) -> bool:
    """Six positions of fillers (the filler itself on at least `min_true_fillers` of them, the rest
    characters an OCR engine reads a filler as): an expiry field left empty."""
    ne = _CFG["no_expiry"]
    allowed = ne["fillers"] + ne["lookalikes"]
    true = sum(c in ne["fillers"] for c in field)
    return len(field) == 6 and all(c in allowed for c in field) and true >= ne["min_true_fillers"] * 6


def _dob_ok(l2: str) -> bool:
    d = _digits(l2[0:7])
    return len(d) == 7 and d[:6].isdigit() and check_digit(d[:6]) == d[6]


def _pick_line2(after: list[str]) -> str:
    """Line 2 among the lines read after line 1: two fragments of it joined (a long run of
    fillers read as a gap) when they start with a birth date whose check digit holds, else the
    first line of 20 or more characters (a short fragment is noise, never line 2)."""
    if len(after) >= 2 and len(after[0]) < 20:
        joined = after[0] + after[1]
        if _dob_ok(joined) and "VNM" in joined[8:22] and len(joined) <= 32:
            return joined
    return next((c for c in after if len(c) >= 20), "")


def _align_line2(l2: str) -> tuple[str, bool]:
    """Line 2 with its fields at the ICAO positions, and whether its structure is confirmed (the
    birth date's check digit holds and `VNM` stands at 16-18). When OCR miscounted a run of fillers
    in the expiry field, `VNM` is found a few places off and the line is re-cut there."""
    fit = _fit_line2(l2) if len(l2) > 30 else l2
    dob_ok = _dob_ok(fit)
    if sum(a == b for a, b in zip(fit[15:18], "VNM")) >= 2:
        return (fit + "<" * 30)[:30], dob_ok
    k = next((k for k in range(9, 24) if l2[k : k + 3] == "VNM"), None)
    if k is None or not dob_ok:
        return (l2 + "<" * 30)[:30], False
    exp, tail = l2[8:k], l2[k + 3 :]
    ne = _CFG["no_expiry"]
    if all(c in ne["fillers"] + ne["lookalikes"] for c in exp):
        exp = "<" * 7
    exp = (exp + "<" * 7)[:7]
    comp = tail[-1:] or "<"
    opt = tail[:-1].strip("<") if tail else ""
    return l2[:8] + exp + "VNM" + (opt + "<" * 11)[:11] + comp, True


def parse(lines: list[str]) -> dict | None:
    """Parse OCR'd MRZ lines; fix the usual letter/digit confusions in numeric positions.

    Line 2 is read field by field: the sex and the birth date (its own check digit) stand when the
    line's structure is confirmed, whatever the expiry field or the composite check say. An expiry
    field of fillers (`mrz.yml`) is "Không thời hạn"; one that is not a date is reported as
    `expiry_no_date` (the merge decides it by the age rule).
    Returns {"fields": {...}, "checks": {...}, "valid": bool} or None when no MRZ is present.
    """
    every = [re.sub(r"[^A-Z0-9<]", "", ln.upper().replace(" ", "")) for ln in lines]
    every = [c for c in every if c]
    clean = [c for c in every if len(c) >= 20]
    l1 = next((c for c in clean if c.startswith(("ID", "1D", "I0")) and "VNM" in c[:8]), None)
    if l1 is None:
        l1 = next((c for c in clean if "VNM" in c[:8]), None)
    if l1 is None:
        return None
    after = every[every.index(l1) + 1 :]
    raw2 = _pick_line2(after)
    rest = after[after.index(raw2) + 1 :] if raw2 in after else after[2:]
    rest = [c for c in rest if len(c) >= 20]
    l3 = rest[0] if rest else ""
    l1 = _fit_line1(l1)
    l2, structure = _align_line2(raw2)
    l1 = "IDVNM" + _digits(l1[5:15]) + _digits(l1[15:27]) + l1[27:29] + _digits(l1[29])
    exp_raw, cd_raw = l2[8:14], l2[14]
    # fillers are "no expiry" only on a line whose structure holds (not a noise fragment padded)
    none = (
        structure
        and _filler_run(exp_raw)
        and (not _CFG["no_expiry"]["checks"] or cd_raw in _CFG["no_expiry"]["checks"])
    )
    if none:
        exp_raw = "<<<<<<"
    l2 = _digits(l2[0:7]) + l2[7] + _digits(exp_raw) + _digits(cd_raw) + "VNM" + l2[18:29] + _digits(l2[29])
    l2 = l2[:7] + {"H": "M", "N": "M", "E": "F", "P": "F"}.get(l2[7], l2[7]) + l2[8:]
    doc9, cd9, id12, cd12 = l1[5:14], l1[14], l1[15:27], l1[29]
    dob, cd_dob, sex, exp, cd_exp = l2[0:6], l2[6], l2[7], l2[8:14], l2[14]
    e = None if none else _date(exp, future=True)
    exp_checked = bool(e) and check_digit(exp) == cd_exp
    composite = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
    comp_ok = check_digit(composite) == l2[29]
    if not comp_ok and _date(exp, future=True) is None and _CFG["composite_expiry_as_fillers"]:
        # the expiry field and its check counted as fillers (0): an empty field read as letters,
        # or its check written "0" or "<"; never for a date whose check failed (the composite
        # would then hold by chance, one time in ten)
        comp_ok = check_digit(l1[5:30] + l2[0:7] + "<" * 7 + l2[18:29]) == l2[29]
    checks = {
        "doc_number": check_digit(doc9) == cd9,
        "id_number": check_digit(id12) == cd12,
        "date_of_birth": check_digit(dob) == cd_dob,
        "date_of_expiry": none or exp_checked,
        "composite": comp_ok,
        "consistent": id12[3:] == doc9,
    }
    fields: dict = {}
    if id12.isdigit():
        fields["id_number"] = id12
    d = _date(dob, future=False)
    if d:
        fields["date_of_birth"] = d
    if sex in ("M", "F"):
        fields["sex"] = "Nam" if sex == "M" else "Nữ"
    if none:
        fields["date_of_expiry"] = NO_EXPIRY
    elif e:
        fields["date_of_expiry"] = e
    if l3:
        name = re.sub(r"[^A-Z<]", "", l3.upper())
        sur, _, given = name.partition("<<")
        nm = " ".join(p for p in ([sur] + given.split("<")) if p)
        if nm:
            fields["name_ascii"] = nm
    return {
        "fields": fields,
        "checks": checks,
        "valid": all(checks.values()),
        # not a date whose check digit holds (fillers read otherwise, or another spelling): the
        # merge decides it by the age rule
        "expiry_no_date": not none and not exp_checked,
        "structure": structure and checks["date_of_birth"],
        "lines": [l1, l2, l3],
    }
