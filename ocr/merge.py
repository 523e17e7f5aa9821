"""Merge what was read off a card: QR (exact), MRZ (check digits) and OCR of each printed field,
into one value per field with its source and confidence, plus the cross-checks."""

from __future__ import annotations

import datetime as dt
import difflib
import re

from . import idnum
from .layout import DIGIT_FIELDS
from .qr import lone_address, parse_qr, told_addresses
from .values import _fold, _sex, fix_name, fix_place, numeric, parse_date, parse_date_repaired

NATIONALITY = "Việt Nam"
OCR_ONLY_MAX = 0.85
QR_GUESS = 0.7  # a QR value whose role (residence or origin) is a guess


def _without_specks(text: str, good_len: tuple[int, ...]) -> str | None:
    """The number's digits without a short group (one or two digits) standing apart at either end:
    "S0 012345678", "012345678 1" (a speck, the label read as digits)."""
    groups = re.findall(r"\d+", text)
    for a, b in ((1, 0), (0, 1), (1, 1)):
        if len(groups) > a + b and all(len(g) <= 2 for g in groups[:a] + groups[len(groups) - b :]):
            v = "".join(groups[a : len(groups) - b])
            if len(v) in good_len:
                return v
    return None


def _one_digit_extra(num: str, dob: str | None, sex: str | None) -> str | None:
    """A 13-digit reading of the 12-digit number: the one number a digit fewer whose province
    code, century and sex digit and birth year all hold against the date of birth and the sex
    read elsewhere on the card (None when neither is read, or more than one number fits)."""
    if not dob or sex not in ("Nam", "Nữ"):
        return None
    fits = set()
    for i in range(len(num)):
        v = num[:i] + num[i + 1 :]
        chk = idnum.check_number(v, dob, sex)
        if chk.get("province_code") == "ok" and chk.get("birth_year") == "ok" and chk.get("sex") == "ok":
            fits.add(v)
    return fits.pop() if len(fits) == 1 else None


def _mrz_sex_conf(res: dict) -> float:
    """The MRZ's sex letter has no check digit of its own: sure when the composite holds; when
    only the line's structure is confirmed (birth date's check digit, `VNM` in place), sure if the
    number (its check digit holding) says the same sex in its fourth digit, else fairly sure."""
    ok, mf = res["checks"], res["fields"]
    if ok.get("composite"):
        return 0.99
    if not res.get("structure"):
        return 0.6
    num = mf.get("id_number", "")
    if ok.get("id_number") and idnum.decode(num).get("sex") == mf["sex"]:
        return 0.95
    return 0.8


def _expiry_by_age(doc: dict, res: dict | None) -> None:
    """A card whose MRZ expiry field is not a date (fillers written another way, or read so), its
    line's structure confirmed, of a holder 58 or older at the issue date: "Không thời hạn" (the
    age rule). The birth date must come from the QR or a checked MRZ."""
    F, src = doc["fields"], doc["sources"]
    if res is None or not res.get("expiry_no_date") or not res.get("structure"):
        return
    if src.get("date_of_expiry") == "qr" or not F.get("date_of_issue"):
        return
    if src.get("date_of_birth") not in ("qr", "mrz") or doc["confidence"].get("date_of_birth", 0) < 0.9:
        return
    if idnum.expected_expiry(F["date_of_birth"], F["date_of_issue"]) != [idnum.NO_EXPIRY]:
        return
    printed = F.get("date_of_expiry")
    if printed and printed != idnum.NO_EXPIRY:
        # a date read off the card disagrees with the rule: kept, the conflict shown, not raised
        doc["checks"].setdefault("sources_agree", {})["date_of_expiry"] = {
            src.get("date_of_expiry", "ocr"): printed,
            "age_rule": idnum.NO_EXPIRY,
        }
        return
    F["date_of_expiry"], src["date_of_expiry"] = idnum.NO_EXPIRY, "mrz"
    # the issue date is printed (OCR): not confirmed unless it was
    sure = doc["checks"].get("confirmed", {}).get("date_of_issue")
    doc["confidence"]["date_of_expiry"] = 0.95 if sure else 0.85
    doc["checks"]["date_of_expiry_by"] = "age_rule"
    if sure:
        doc["checks"]["confirmed"]["date_of_expiry"] = True


def merge(doc: dict, kind: str, qr_text: str | None, mrz_res: dict | None, ocr_raw: dict) -> None:
    """Fill doc["fields"], ["sources"], ["confidence"], ["checks"] (ocr_raw: {field: (text, conf)})."""
    cand: dict[str, list[tuple[str, str, float]]] = {}  # field -> [(value, source, conf)]

    def add(f, v, src, c):
        if v:
            cand.setdefault(f, []).append((v, src, round(float(c), 3)))

    checks = doc["checks"]
    if qr_text is not None:
        qf, qc = parse_qr(qr_text)
        checks["qr"] = qc.get("format", "unknown")
        printed = {f: t for f, (t, _) in ocr_raw.items()}
        guessed: set[str] = set()  # a QR address whose role nothing printed decided: not confirmed
        if "addresses" in qf:
            roles, sure = told_addresses(qf.pop("addresses"), printed, qf.get("id_number"))
            qf.update(roles)
            guessed |= set() if sure else set(roles)
        elif kind == "cancuoc_back" and "place_of_residence" in qf:  # one address: which is it?
            key = lone_address(qf["place_of_residence"], printed.get("place_of_residence"))
            qf[key] = qf.pop("place_of_residence")
            guessed |= {key} - {"place_of_residence"}
        for f, v in qf.items():
            add(f, v, "qr", QR_GUESS if f in guessed else 1.0)
    elif kind in ("cccd_front", "cancuoc_back"):
        checks["qr"] = "unreadable"
    if mrz_res is not None:
        checks["mrz"] = mrz_res["checks"]
        mf = mrz_res["fields"]
        ok = mrz_res["checks"]
        for f, key in (
            ("id_number", "id_number"),
            ("date_of_birth", "date_of_birth"),
            ("date_of_expiry", "date_of_expiry"),
        ):
            if f in mf:
                add(f, mf[f], "mrz", 0.99 if ok.get(key) else 0.4)
        if "sex" in mf:
            add("sex", mf["sex"], "mrz", _mrz_sex_conf(mrz_res))
    elif kind in ("cccd_back", "cancuoc_back"):
        checks["mrz"] = "unreadable"
    for f, (text, conf) in ocr_raw.items():
        if f == "id_number":
            good_len = (9, 12) if kind == "cmnd_front" else (12,)
            v = re.sub(r"\D", "", text)
            if len(v) not in good_len:  # letters that look like digits ("0792O3OO1234")
                v2 = re.sub(r"\D", "", numeric(text))
                v = v2 if len(v2) in good_len else v
            if len(v) not in good_len:  # a speck or the label's "Số" read as a digit or two
                v = _without_specks(text, good_len) or v
            add(f, v, "ocr", conf if len(v) in good_len else conf * 0.3)
        elif f in DIGIT_FIELDS:
            v = parse_date(text) or parse_date(numeric(text))
            now = dt.date.today().year
            lo, hi = {"date_of_birth": (now - 115, now), "date_of_issue": (1976, now)}.get(
                f, (2000, now + 80)
            )
            if v is None or not lo <= int(v[:4]) <= hi:
                # a century misread ("29/08/2901") or a typed 0 in the year ("2094" born): put
                # right, and asked to check; a date out of range that nothing repairs stays
                r, fixed = parse_date_repaired(numeric(text), lo, hi)
                v = r or v
                if fixed:
                    conf *= 0.7
                    checks.setdefault("year_corrected", {})[f] = text.strip()
            ft = _fold(text).lower()
            if (
                v is None
                and f == "date_of_expiry"
                and ("thoi han" in ft or "khong" in ft or ft.endswith("han"))
            ):
                v = "Không thời hạn"
            add(f, v, "ocr", conf)
        elif f == "full_name":
            v, lx = fix_name(text)
            add(f, v, "ocr", conf * (0.6 + 0.4 * lx))
        elif f == "sex":
            add(f, _sex(text), "ocr", conf)
        elif f == "nationality":
            v = (
                NATIONALITY
                if difflib.SequenceMatcher(None, _fold(text).lower(), "viet nam").ratio() > 0.6
                else text
            )
            add(f, v, "ocr", conf)
        else:
            v, lx = fix_place(text)
            add(f, v, "ocr", conf * (0.6 + 0.4 * lx))
    if kind in ("cccd_front", "cancuoc_front") and "nationality" not in cand:
        # the label was there but its value unread: these cards are issued to citizens only
        add("nationality", NATIONALITY, "ocr", 0.5)
    # MRZ name (no diacritics) agrees with the OCR'd name?
    if mrz_res is not None and mrz_res["fields"].get("name_ascii"):
        na = mrz_res["fields"]["name_ascii"]
        if "full_name" in cand:
            o = cand["full_name"][0][0]
            checks["full_name_mrz"] = "ok" if _fold(o).upper() == na else "mismatch"
        elif kind == "cccd_back":
            doc["name_ascii"] = na
    rank = {"qr": 0, "mrz": 1, "ocr": 2}
    agree: dict = {}
    confirmed: list[str] = []
    for f, lst in cand.items():
        lst.sort(key=lambda x: (rank[x[1]], -x[2]))
        v, src, c = lst[0]
        others = {s: val for val, s, _ in lst[1:]}
        if others:
            same = all(val == v for val in others.values())
            agree[f] = "ok" if same else {src: v, **others}
            if same:
                c = min(1.0, max(c, 0.9) + 0.05)
            elif src == "mrz" and c < 0.9:  # an MRZ with bad check digits loses to a clean OCR
                alt = [x for x in lst[1:] if x[2] > 0.85]
                if alt:
                    v, src, c = alt[0]
        # confirmed from the card: read from the QR (a role not guessed), from an MRZ whose check digits hold, or
        # OCR'd and agreeing with one of them; an OCR value on its own stays below OCR_ONLY_MAX
        # so that the dialogue asks the citizen to check it
        if (src in ("qr", "mrz") and c >= 0.9) or agree.get(f) == "ok":
            confirmed.append(f)
        elif src == "ocr":
            c = min(c, OCR_ONLY_MAX)
        doc["fields"][f] = v
        doc["sources"][f] = src
        doc["confidence"][f] = round(c, 3)
    if agree:
        checks["sources_agree"] = agree
    checks["confirmed"] = {f: True for f in sorted(confirmed)}  # True: no officer warning
    F = doc["fields"]
    # an OCR'd expiry one digit away from what the age rule allows is taken as misread
    if doc["sources"].get("date_of_expiry", "ocr") == "ocr" and F.get("date_of_birth"):
        cands = idnum.expected_expiry(F["date_of_birth"], F.get("date_of_issue"))
        raw = re.sub(r"\D", "", ocr_raw.get("date_of_expiry", ("", 0))[0])
        cur = F.get("date_of_expiry")
        if cur not in cands and len(raw) == 8:
            for cnd in cands:
                if cnd[:1].isdigit():
                    digits = cnd[8:10] + cnd[5:7] + cnd[0:4]
                    if sum(x != y for x, y in zip(digits, raw)) == 1:
                        F["date_of_expiry"], doc["sources"]["date_of_expiry"] = cnd, "ocr"
                        doc["confidence"]["date_of_expiry"] = 0.7
                        checks["date_of_expiry_corrected"] = {"ocr": raw, "by": "age_rule"}
                        break
    num = F.get("id_number")
    if num and doc["sources"].get("id_number") == "ocr" and kind == "cmnd_front" and len(num) == 8:
        # 9-digit CMND read with 8 digits: most often a dropped leading 0 (flagged, low confidence)
        F["id_number"] = num = "0" + num
        doc["confidence"]["id_number"] = 0.6
        checks["id_number_corrected"] = {"ocr": num[1:], "by": "leading_zero_guess"}
    if (
        num
        and doc["sources"].get("id_number") == "ocr"
        and kind != "cmnd_front"
        and len(num) == 11
        and num[0] != "0"
    ):
        fixed = "0" + num  # a dropped leading zero: every province code starts with 0
        chk = idnum.check_number(fixed, F.get("date_of_birth"), F.get("sex"))
        if (
            chk.get("province_code") == "ok"
            and chk.get("birth_year", "ok") == "ok"
            and chk.get("sex", "ok") == "ok"
        ):
            F["id_number"] = num = fixed
            doc["confidence"]["id_number"] = 0.8
            checks["id_number_corrected"] = {"ocr": fixed[1:], "by": "leading_zero"}
    if num and doc["sources"].get("id_number") == "ocr" and kind != "cmnd_front" and len(num) == 13:
        fixed = _one_digit_extra(num, F.get("date_of_birth"), F.get("sex"))
        if fixed:  # a speck or a doubled stroke read as one digit more
            checks["id_number_corrected"] = {"ocr": num, "by": "extra_digit"}
            F["id_number"] = num = fixed
            doc["confidence"]["id_number"] = 0.8
    if num and "sex" not in F and kind.endswith("_front") and len(num) == 12:
        # the sex printed but unread: the number's fourth digit says it (Decree 137/2015), when
        # the number holds together (a real province code, the birth year read elsewhere)
        chk = idnum.check_number(num, F.get("date_of_birth"))
        if chk.get("province_code") == "ok" and chk.get("birth_year", "ok") == "ok":
            F["sex"], doc["sources"]["sex"] = idnum.decode(num)["sex"], "ocr"
            doc["confidence"]["sex"] = 0.6
            checks["sex_from_id_number"] = True
    if num:
        checks["id_number"] = idnum.check_number(num, F.get("date_of_birth"), F.get("sex"))
    _expiry_by_age(doc, mrz_res)
    exp = idnum.check_expiry(F.get("date_of_birth"), F.get("date_of_issue"), F.get("date_of_expiry"))
    if exp:
        checks["expiry_rule"] = exp
    if F.get("date_of_expiry", "")[:1].isdigit():
        checks["expired"] = F["date_of_expiry"] < dt.date.today().isoformat()
