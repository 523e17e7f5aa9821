"""Read an ID card: side and type, QR (exact), MRZ (check digits), OCR of each field, cross-checks."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np

from . import card as cardmod
from . import idnum, mrz, tess
from .layout import (
    CARD_H,
    CARD_W,
    CMND_TITLE_BOX,
    DIGIT_FIELDS,
    FIELDS,
    MRZ_BOX,
    TITLE_BOX,
)
from .values import _fold, _sex, fix_name, fix_place, parse_date

S = 1.6  # reading scale: the card is warped to CARD_W*S x CARD_H*S pixels
_pool: ThreadPoolExecutor | None = None


def pool() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)), thread_name_prefix="ocr")
    return _pool


def _crop(cardimg: np.ndarray, box, pad=(6, 4)) -> np.ndarray:
    x0, y0, x1, y1 = box
    H, W = cardimg.shape[:2]
    a = max(0, int((y0 - pad[1]) * S)), min(H, int((y1 + pad[1]) * S))
    b = max(0, int((x0 - pad[0]) * S)), min(W, int((x1 + pad[0]) * S))
    return cardimg[a[0] : a[1], b[0] : b[1]]


def _prep(g: np.ndarray) -> np.ndarray:
    """Normalise contrast of a field crop and add a white border for Tesseract."""
    g = g.astype(np.float32)
    lo, hi = np.percentile(g, (2, 98))
    g = np.clip((g - lo) * (255.0 / max(16.0, hi - lo)), 0, 255).astype(np.uint8)
    return cv2.copyMakeBorder(g, 10, 10, 10, 10, cv2.BORDER_CONSTANT, value=255)


def _line_crop(gray_card: np.ndarray, box) -> np.ndarray:
    """Crop the value line of `box`, re-centred on the actual ink (the warp may be a few px off)."""
    x0, y0, x1, y1 = box
    bh = (y1 - y0) * S
    H, W = gray_card.shape[:2]
    top = max(0, int(y0 * S - 0.5 * bh))
    bot = min(H, int(y1 * S + 0.5 * bh))
    left, right = max(0, int((x0 - 6) * S)), min(W, int((x1 + 6) * S))
    reg = gray_card[top:bot, left:right]
    if reg.size == 0 or min(reg.shape) < 8:
        return reg
    _, ink = cv2.threshold(reg, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    prof = ink.mean(1)
    rows = prof > max(0.01, 0.15 * float(prof.max()))
    segs, start = [], None
    for i, r in enumerate(list(rows) + [False]):
        if r and start is None:
            start = i
        elif not r and start is not None:
            segs.append([start, i])
            start = None
    merged: list[list[int]] = []
    for sg in segs:  # join diacritics and descenders to their line
        if merged and sg[0] - merged[-1][1] <= 0.12 * bh:
            merged[-1][1] = sg[1]
        else:
            merged.append(sg)
    c0, c1 = y0 * S - top, y1 * S - top
    best, best_score = None, 0.0
    for a, b in merged:
        if b - a < 0.3 * bh:
            continue
        overlap = max(0.0, min(b, c1) - max(a, c0)) / (b - a)
        score = overlap * float(prof[a:b].sum())
        if score > best_score:
            best, best_score = (a, b), score
    if best is None:
        return _crop(gray_card, box)
    a, b = best
    hgt = b - a
    # room above for stacked diacritics (capital Ễ, Ồ ...) but not up into the label line above
    top = a - int(0.6 * hgt) - 2
    for c, d in merged:
        if d <= a and (d - c) >= 0.55 * hgt:
            top = max(top, d + 1)
    bottom = b + int(0.25 * hgt) + 2
    return reg[max(0, top) : min(reg.shape[0], bottom)]


def _field_ocr(gray_card: np.ndarray, kind: str, field: str) -> tuple[str, float]:
    crop = _line_crop(gray_card, FIELDS[kind][field])
    if crop.size == 0 or min(crop.shape) < 8:
        return "", 0.0
    g = _prep(crop)
    wl = "0123456789/" if field in DIGIT_FIELDS else ""
    text, conf = tess.ocr(g, 7, wl)
    want = 9 if kind == "cmnd_front" else 12
    if field == "id_number" and len(re.sub(r"\D", "", text)) != want:
        # second opinion on an enlarged, binarised crop
        big = cv2.resize(crop, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)
        _, bw = cv2.threshold(big, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        t2, c2 = tess.ocr(_prep(bw), 7, wl)
        if len(re.sub(r"\D", "", t2)) == want:
            text, conf = t2, c2 * 0.9
    if field == "date_of_expiry" and len(re.sub(r"\D", "", text)) < 8:
        text, conf = tess.ocr(g, 7, "")  # "Không thời hạn"
    return text, conf


# ---------------------------------------------------------------- QR
def read_qr(gray: np.ndarray):
    import zxingcpp

    try:
        res = zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode)
    except Exception:
        return None
    for r in res:
        if r.valid and r.text:
            p = r.position
            cx = (p.top_left.x + p.top_right.x + p.bottom_left.x + p.bottom_right.x) / 4
            cy = (p.top_left.y + p.top_right.y + p.bottom_left.y + p.bottom_right.y) / 4
            return r.text, (cx, cy)
    return None


def parse_qr(text: str) -> tuple[dict, dict]:
    """The 2021 chip card's QR: id12|old9|name|ddmmyyyy|sex|address|ddmmyyyy (extra fields ignored)."""
    parts = text.split("|")
    checks: dict = {"fields": len(parts)}
    f: dict = {}
    if len(parts) < 7:
        checks["format"] = "unknown"
        return f, checks
    ok = True
    if re.fullmatch(r"\d{12}", parts[0]):
        f["id_number"] = parts[0]
    else:
        ok = False
    if re.fullmatch(r"\d{9}(\d{3})?", parts[1]):
        f["old_id_number"] = parts[1]
    if parts[2].strip():
        f["full_name"] = unicodedata.normalize("NFC", parts[2]).strip().upper()
    d = parse_date(parts[3])
    if d:
        f["date_of_birth"] = d
    else:
        ok = False
    if parts[4] in ("Nam", "Nữ"):
        f["sex"] = parts[4]
    else:
        ok = False
    if parts[5].strip():
        f["place_of_residence"] = unicodedata.normalize("NFC", parts[5]).strip()
    d = parse_date(parts[6])
    if d:
        f["date_of_issue"] = d
    checks["format"] = "ok" if ok else "unexpected"
    return f, checks


# ---------------------------------------------------------------- MRZ
def read_mrz(gray_card: np.ndarray) -> dict | None:
    g = _prep(_crop(gray_card, MRZ_BOX, pad=(10, 0)))
    text, conf = tess.ocr(g, 6, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<", lang="eng")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    res = mrz.parse(lines)
    if res is not None:
        res["conf"] = conf
    return res


def _title(gray_card: np.ndarray) -> str | None:
    texts = []
    for box in (TITLE_BOX, CMND_TITLE_BOX):
        crop = _line_crop(gray_card, box)
        if crop.size and min(crop.shape) >= 8:
            texts.append(tess.ocr(_prep(crop), 7)[0])
        t = _fold(" ".join(texts)).upper()
        if "CUOC" in t or "MINH" in t or "CHUNG" in t:
            break
    t = _fold(" ".join(texts)).upper()
    if "CHUNG MINH" in t or "MINH NHAN" in t:
        return "cmnd_front"
    if "CONG DAN" in t or "CONGDAN" in t or ("CUOC" in t and "DAN" in t):
        return "cccd_front"
    if "CAN CUOC" in t or "CUOC" in t or "IDENTITY" in t:
        return "cancuoc_front"
    return None


# ---------------------------------------------------------------- the card
def classify(gray_card: np.ndarray):
    """(type, rotated180, qr_text, mrz_result)."""
    H, W = gray_card.shape
    qr = read_qr(gray_card)
    if qr is not None:
        text, (cx, cy) = qr
        top = cy < H / 2
        right = cx > W / 2
        if top and right:
            return "cccd_front", False, text, None
        if not top and not right:
            return "cccd_front", True, text, None
        return "cancuoc_back", (not top), text, None
    for rot in (False, True):
        g = gray_card[::-1, ::-1] if rot else gray_card
        # all Tesseract calls run on the pool's threads: the engines live there only
        t = pool().submit(_title, g).result()
        if t:
            return t, rot, None, None
        m = pool().submit(read_mrz, g).result()
        if m is not None and (m["checks"]["id_number"] or m["checks"]["composite"]):
            return "cccd_back", rot, None, m
    return "other", False, None, None


def read_card(rgb: np.ndarray, quad, problems: list[str]) -> tuple[dict, dict]:
    t0 = time.perf_counter()
    gray = cv2.cvtColor(
        cardmod.warp(rgb, np.asarray(quad, np.float32), (int(CARD_W * S), int(CARD_H * S))),
        cv2.COLOR_RGB2GRAY,
    )
    kind, rot, qr_text, mrz_res = classify(gray)
    if rot:
        gray = np.ascontiguousarray(gray[::-1, ::-1])
    t_cls = time.perf_counter()
    doc = {"type": kind, "fields": {}, "sources": {}, "confidence": {}, "checks": {}}
    if kind == "other":
        return doc, {"classify": round((t_cls - t0) * 1000, 1), "read": round((t_cls - t0) * 1000, 1)}
    mrz_fut = None
    if kind in ("cccd_back", "cancuoc_back") and mrz_res is None:
        mrz_fut = pool().submit(read_mrz, gray)
    futs = {f: pool().submit(_field_ocr, gray, kind, f) for f in FIELDS[kind]}
    if mrz_fut is not None:
        mrz_res = mrz_fut.result()
    ocr_raw = {f: fu.result() for f, fu in futs.items()}
    t_ocr = time.perf_counter()

    cand: dict[str, list[tuple[str, str, float]]] = {}  # field -> [(value, source, conf)]

    def add(f, v, src, c):
        if v:
            cand.setdefault(f, []).append((v, src, round(float(c), 3)))

    checks = doc["checks"]
    if qr_text is not None:
        qf, qc = parse_qr(qr_text)
        checks["qr"] = qc.get("format", "unknown")
        for f, v in qf.items():
            add(f, v, "qr", 1.0)
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
            add("sex", mf["sex"], "mrz", 0.99 if ok.get("composite") else 0.6)
    elif kind in ("cccd_back", "cancuoc_back"):
        checks["mrz"] = "unreadable"
    for f, (text, conf) in ocr_raw.items():
        if f == "id_number":
            v = re.sub(r"\D", "", text)
            good_len = 9 if kind == "cmnd_front" else 12
            add(f, v, "ocr", conf if len(v) == good_len else conf * 0.3)
        elif f in DIGIT_FIELDS:
            v = parse_date(text)
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
                "Việt Nam"
                if difflib.SequenceMatcher(None, _fold(text).lower(), "viet nam").ratio() > 0.6
                else text
            )
            add(f, v, "ocr", conf)
        else:
            v, lx = fix_place(text)
            add(f, v, "ocr", conf * (0.6 + 0.4 * lx))
    # MRZ name (no diacritics) agrees with the OCR'd name?
    if mrz_res is not None and mrz_res["fields"].get("name_ascii"):
        na = mrz_res["fields"]["name_ascii"]
        if "full_name" in cand:
            o = cand["full_name"][0][0]
            checks["full_name_mrz"] = "ok" if _fold(o).upper() == na else "mismatch"
        elif kind == "cccd_back":
            doc["name_ascii"] = na
    rank = {"qr": 0, "mrz": 1, "ocr": 2}
    agree = {}
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
        doc["fields"][f] = v
        doc["sources"][f] = src
        doc["confidence"][f] = round(c, 3)
    if agree:
        checks["sources_agree"] = agree
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
    if num:
        checks["id_number"] = idnum.check_number(num, F.get("date_of_birth"), F.get("sex"))
    exp = idnum.check_expiry(F.get("date_of_birth"), F.get("date_of_issue"), F.get("date_of_expiry"))
    if exp:
        checks["expiry_rule"] = exp
    if F.get("date_of_expiry", "")[:1].isdigit():
        checks["expired"] = F["date_of_expiry"] < dt.date.today().isoformat()
    t1 = time.perf_counter()
    return doc, {
        "classify": round((t_cls - t0) * 1000, 1),
        "ocr": round((t_ocr - t_cls) * 1000, 1),
        "read": round((t1 - t0) * 1000, 1),
    }
