"""Read an ID card: side and type, QR (exact), MRZ (check digits), OCR of each field, cross-checks."""

from __future__ import annotations

import os
import re
import time
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np

from . import bandread, idnum, labels, leaders, mrz, orphans, runs, seals, tess, twice
from . import card as cardmod
from . import kind as sides
from .layout import (
    CARD_H,
    CARD_W,
    DIGIT_FIELDS,
    FIELDS,
    MRZ_BOX,
)
from .merge import merge
from .qr import read_qr, read_qr_corners
from .values import numeric, parse_date

S = 1.6  # reading scale: the card is warped to CARD_W*S x CARD_H*S pixels
# the MRZ is read at this fraction of the reading scale: its OCR-B print is set at a standard
# size (ICAO 9303), some 43 px high at S and 26 px at 0.6, plenty for Tesseract, and a read of
# the zone costs ~70 ms instead of ~110 (the same check digits held on the development backs)
MRZ_SCALE = 0.6
WIDE_REACH = 20.0  # how far along its line a front's value may be typed, in label heights
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


# ---------------------------------------------------------------- MRZ
def read_mrz(gray_card: np.ndarray, rows: list | None = None) -> dict | None:
    """The MRZ: located from the text lines that look like one, else the ICAO zone at the bottom.
    Several readings are tried (the zone found, the whole bottom band, binarised, turned by a
    degree either way) until one has every check digit right; else the one with most right."""
    boxes = []
    zone = [r for r in (rows or []) if _mrz_like(r)]
    if len(zone) >= 2:
        y0 = min(w["y0"] for r in zone for w in r) / S
        y1 = max(w["y1"] for r in zone for w in r) / S
        hgt = (y1 - y0) / len(zone)
        boxes.append((MRZ_BOX[0], max(0, y0 - 0.3 * hgt), MRZ_BOX[2], min(CARD_H, y1 + 0.3 * hgt)))
    boxes.append(MRZ_BOX)
    wide = (0, MRZ_BOX[1] - 45, CARD_W, CARD_H)
    best, best_score = None, -1
    for box, how in [(b, "plain") for b in boxes] + [
        (wide, "plain"),
        (wide, "otsu"),
        (wide, 1.0),
        (wide, -1.0),
    ]:
        g = _crop(gray_card, box, pad=(10, 0))
        if g.size == 0 or min(g.shape) < 8:
            continue
        g = cv2.resize(g, None, fx=MRZ_SCALE, fy=MRZ_SCALE, interpolation=cv2.INTER_AREA)
        if how == "otsu":
            g = cv2.threshold(g, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
        elif how != "plain":
            h, w = g.shape
            m = cv2.getRotationMatrix2D((w / 2, h / 2), float(how), 1.0)
            g = cv2.warpAffine(g, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        text, conf = tess.ocr(_prep(g), 6, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<", lang="eng")
        res = mrz.parse([ln for ln in text.splitlines() if ln.strip()])
        if res is None:
            continue
        res["conf"] = conf
        score = sum(res["checks"].values()) + len(res["fields"])
        if score > best_score:
            best, best_score = res, score
        if res["valid"]:
            break
    return best


def _mrz_like(row: list[dict]) -> bool:
    t = "".join(w["text"] for w in row)
    return len(t) >= 20 and (t.count("<") >= 3 or "VNM" in t.upper())


# ---------------------------------------------------------------- the card
def read_lines(gray: np.ndarray) -> list[list[dict]]:
    """The card's text lines, read word by word (one Tesseract call per run of print, in parallel)."""
    H, W = gray.shape
    # print touching the card's edge is a warp artefact, not a field
    blobs = [b for b in runs.find_blobs(gray) if b[1] > 1 and b[3] < H - 1]
    # two or more full-width lines in the lower half: the MRZ, read apart (see read_mrz)
    zone = [b for b in blobs if b[2] - b[0] > 0.8 * W and b[1] > 0.5 * H]
    if len(zone) < 2:
        zone = []
    words = [
        w
        for ws in pool().map(lambda b: runs.read_blob(gray, b, blobs), [b for b in blobs if b not in zone])
        for w in ws
    ]
    words = twice.dedupe(words)
    words += [
        {"text": "<" * 30, "conf": 0.0, "x0": b[0], "y0": b[1], "x1": b[2], "y1": b[3], "h": b[3] - b[1]}
        for b in zone
    ]
    return runs.rows_of(words)


def classify(gray: np.ndarray, qr: tuple | None = None):
    """(type, rotated180, qr_text, rows, label hits, checks): the side from all the evidence on
    it (ocr/kind.py); the QR only tells which way up the card is (it is printed in the top half).
    `qr`: `read_qr`'s result when the caller has it already (else it is read here)."""
    H, W = gray.shape
    qr = qr if qr is not None else read_qr(gray)
    rot, text = False, None
    if qr is not None:
        text, (cx, cy) = qr
        rot = cy >= H / 2
    best = None
    for flip in (False, True) if qr is None else (rot,):
        g = np.ascontiguousarray(gray[::-1, ::-1]) if flip else gray
        rows = read_lines(g)
        hits = labels.find_labels(rows)
        k, score, checks = sides.decide(rows, qr is not None)
        if best is None or score > best[0]:
            best = (score, (k, flip, text, rows, hits, checks))
        if qr is not None or score >= 4:
            break
    return best[1]


def _digits_again(gray: np.ndarray, ws: list[dict], want: tuple[int, ...] | None) -> tuple[str, float] | None:
    crop = labels.value_crop(gray, ws)
    if crop.size == 0 or min(crop.shape) < 8:
        return None
    t, c = tess.ocr(_prep(crop), 7, "0123456789/")
    d = re.sub(r"\D", "", t)
    if (want and len(d) in want) or (not want and parse_date(t)):
        return t, c
    if not want:  # a date typed on its dotted line, the dots read into it: read without them
        t, c = tess.ocr(_prep(leaders.undot(crop)), 7, "0123456789/-.")
        if parse_date(t):
            return t, c
        # ... or typed wide apart, its runs read in part: its whole line, the gaps closed up
        return bandread.band_date(gray, ws)
    return None


def _number_voted(gray: np.ndarray, v: dict, want: tuple[int, ...]) -> tuple[str, float] | None:
    """The number read again from its crop, as it is and 1.5 times larger, with the digit
    whitelist, and each digit voted over the three reads (idnum.vote)."""
    crop = labels.value_crop(gray, v["words"])
    if crop.size == 0 or min(crop.shape) < 8:
        return None
    big = cv2.resize(crop, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)
    plain = re.sub(r"\D", "", v["text"])
    reads = [(plain if len(plain) in want else re.sub(r"\D", "", numeric(v["text"])), v["conf"])]
    reads += [
        (re.sub(r"\D", "", t), c) for t, c in (tess.ocr(_prep(g), 7, "0123456789") for g in (crop, big))
    ]
    return idnum.vote(reads, want)


_HOUSE = re.compile(r"^[A-Z0-9]*\d[A-Z0-9]*[,.]?$|^[A-Z]{1,2}[,.]?$")
_LOOKALIKES = set("ZSOILBGDQT")  # letters OCR reads for digits
_SUFFIXED = re.compile(r"^\d+[A-Z]\d*$")  # a printed letter suffix: "12A", "5B", "5B2"


def _misread_number(core: str) -> bool:
    """A house number whose letters are digits misread ("Z5", "S8"), not a printed suffix."""
    letters = [c for c in core if c.isalpha()]
    return bool(letters) and all(c in _LOOKALIKES for c in letters) and not _SUFFIXED.match(core)


def _house_number(gray: np.ndarray, v: dict) -> str:
    """An address's house number after "Số" read with digit look-alike letters in it ("Z5" for a
    slanted "75", "S8"; never a printed suffix, "12A"): its word read again with the digit
    whitelist, kept when it gives as many digits."""
    ws = v["words"]
    for i in range(len(ws) - 1):
        so, num = ws[i]["text"], ws[i + 1]["text"]
        if so.lower() not in ("số", "sô", "so") or not _HOUSE.match(num.upper()):
            continue
        core = num.rstrip(",.")
        if not _misread_number(core.upper()):
            return v["text"]
        crop = labels.value_crop(gray, [ws[i + 1]])
        if crop.size == 0 or min(crop.shape) < 8:
            return v["text"]
        t, _c = tess.ocr(_prep(crop), 7, "0123456789/")
        d = re.sub(r"[^\d/]", "", t)
        if d[:1].isdigit() and len(d) == len(core):
            words = [w["text"] for w in ws]
            words[i + 1] = d + num[len(core) :]
            return " ".join(words)
        return v["text"]
    return v["text"]


def _unglued(kind: str, field: str, v: dict) -> str:
    """The value without the digits split off its label's last word (`valuewords.glued_tail`) when
    it is whole without them: "ngày1 27 / 06 /2000" is the label's colon read as a 1, not a day
    (with it "1 27 06 /2000" parsed as 12-06-2000)."""
    ws = v.get("words") or []
    if len(ws) < 2 or not ws[0].get("glued"):
        return v["text"]
    rest = " ".join(w["text"] for w in ws[1:])
    whole = len(re.sub(r"\D", "", rest)) in _id_lengths(kind) if field == "id_number" else parse_date(rest)
    return rest if whole else v["text"]


def _id_lengths(kind: str) -> tuple[int, ...]:
    return (9, 12) if kind == "cmnd_front" else (12,)


def _value(gray: np.ndarray, kind: str, field: str, v: dict) -> tuple[str, float]:
    text, conf = _unglued(kind, field, v), v["conf"]
    if field in ("place_of_residence", "place_of_origin"):
        return _house_number(gray, v), conf
    if field == "id_number":
        want = _id_lengths(kind)
        if not {len(re.sub(r"\D", "", t)) for t in (text, numeric(text))} & set(want):
            return _digits_again(gray, v["words"], want) or (text, conf * 0.5)
        if kind in ("cancuoc_front", "cmnd_front"):  # printed only here: two more reads outvote a digit
            return _number_voted(gray, v, want) or (text, conf)
    elif field in DIGIT_FIELDS and not parse_date(text) and re.search(r"\d", text):
        if parse_date(numeric(text)):  # letters read for digits ("196Z": a slanted 7, or a 2?)
            return _digits_again(gray, v["words"], None) or (text, conf)
        return _digits_again(gray, v["words"], None) or (text, conf * 0.5)
    return text, conf


def read_card(rgb: np.ndarray, quad, problems: list[str]) -> tuple[dict, dict]:
    t0 = time.perf_counter()
    warped = cardmod.warp(rgb, np.asarray(quad, np.float32), (int(CARD_W * S), int(CARD_H * S)))
    gray = cv2.cvtColor(warped, cv2.COLOR_RGB2GRAY)
    if warped.ndim == 3:  # a seal's ring over the values (a grey decode has no colour to tell it)
        gray = seals.erase(warped, gray, 0.045 * gray.shape[0])
    # an old CMND's dotted lines, and the boxes a date is typed in; on a card with a QR (a chip
    # front or a 2024 back, never an old CMND front) the dotted lines printed faint and the boxes
    # are not looked for (speed24: ~30 and ~15 ms of a card's CPU)
    qr = read_qr(gray)
    old_form = qr is None
    gray = leaders.erase(gray, 0.045 * gray.shape[0], faint=old_form)
    if old_form:
        gray = leaders.erase_frames(gray, 0.045 * gray.shape[0])
    kind, rot, qr_text, rows, hits, kchecks = classify(gray, qr)  # a QR found is not read twice
    if rot:
        gray = np.ascontiguousarray(gray[::-1, ::-1])
    if qr_text is None and kind in ("cccd_front", "cancuoc_back"):
        # a small or soft QR: its corner alone, rescaled; the right one first on both sides (the
        # facts put the 2024 back's QR top right too; generator A's template draws it top left)
        qr_text = read_qr_corners(gray)
    t_cls = time.perf_counter()
    doc = {"type": kind, "fields": {}, "sources": {}, "confidence": {}, "checks": dict(kchecks)}
    if kind == "other":  # how much print it carries: a paper has many lines, a bank card few
        doc["checks"]["text_lines"] = sum(
            any(len(re.sub(r"[^\w]|\d", "", w["text"])) >= 3 for w in r) for r in rows
        )
        return doc, {"classify": round((t_cls - t0) * 1000, 1), "read": round((t_cls - t0) * 1000, 1)}
    mrz_fut = pool().submit(read_mrz, gray, rows) if kind in ("cccd_back", "cancuoc_back") else None
    # a front's value may be typed far along its line (not a back: a QR beside its labels)
    vals = labels.values(rows, hits, WIDE_REACH if kind in orphans.FRONTS else 6.0)
    wanted = sides.carries(kind)
    by_shape = orphans.fill(rows, vals, kind, wanted)
    futs = {f: pool().submit(_value, gray, kind, f, v) for f, v in vals.items() if f in wanted}
    # a field whose label was not found: the fixed position of the one known layout, trusted less
    # (not the 2024 back's place of birth registration: real cards print it on the front only)
    guess = set(FIELDS[kind]) - set(futs) - ({"place_of_origin"} if kind == "cancuoc_back" else set())
    fall = {f: pool().submit(_field_ocr, gray, kind, f) for f in guess}
    ocr_raw = {f: fu.result() for f, fu in futs.items()}
    for f, fu in fall.items():
        t, c = fu.result()
        ocr_raw[f] = (t, c * 0.5)
    if kind == "cmnd_front" and "date_of_birth" in fall:  # its label read, its value not
        got = bandread.date_after_label(gray, rows, hits, "date_of_birth")
        if got:
            ocr_raw["date_of_birth"] = got
            del fall["date_of_birth"]
    mrz_res = mrz_fut.result() if mrz_fut is not None else None
    t_ocr = time.perf_counter()
    merge(doc, kind, qr_text, mrz_res, ocr_raw)
    if fall:
        doc["checks"]["fixed_position"] = sorted(fall)
    if by_shape:
        doc["checks"]["found_by_shape"] = sorted(by_shape)
    t1 = time.perf_counter()
    return doc, {
        "classify": round((t_cls - t0) * 1000, 1),
        "ocr": round((t_ocr - t_cls) * 1000, 1),
        "read": round((t1 - t0) * 1000, 1),
    }
