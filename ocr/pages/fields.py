"""Fields printed or written on a paper, read by their labels (paper_types.yml `fields`): the
child's name and date of birth on a giấy chứng sinh, the deceased's name and date of death on a
giấy báo tử. The values are offered to the citizen to confirm (flows), never taken as read.

    read_fields(page_rgb, "giay_chung_sinh") -> ({"child_name": "NGUYỄN MINH AN", "child_dob": "05/03/2026"},
                                                 {"child_name": 0.7, "child_dob": 0.8})
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import cv2
import numpy as np
import yaml
from rapidfuzz import fuzz

from .. import address, runs, tess, values
from . import classify

LABEL_MIN = 80  # a run of words this close to a label (0..100, folded) is the label
DATE = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
DATE_WORDS = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})", re.I)
NAME_KNOWN = 0.75  # share of a read name's words found in the name lexicon for it to be offered
READ_WIDTH = 1240  # px: the page's words are found at about 150 dpi
CONFIDENCE = {"name": 0.7, "date": 0.8}  # OCR of a handwritten fill: always confirmed by the citizen


@lru_cache(maxsize=1)
def specs() -> dict[str, dict[str, dict]]:
    """{paper type: {field: {"labels": [folded word lists], "kind": "name"|"date"}}}."""
    raw = yaml.safe_load(classify.DATA.read_text(encoding="utf-8"))
    out: dict[str, dict[str, dict]] = {}
    for kind, spec in raw.items():
        if kind.startswith("_") or not spec.get("fields"):
            continue
        out[kind] = {
            name: {"labels": [classify.fold(x).split() for x in f["labels"]], "kind": f["kind"]}
            for name, f in spec["fields"].items()
        }
    return out


def _after_label(line: str, labels: list[list[str]]) -> tuple[float, str] | None:
    """(score, the raw text after the label) when the line carries one of the labels."""
    hit = _label_at(line.split(), labels)
    return None if hit is None else (hit[0], " ".join(line.split()[hit[1] :]))


def _label_at(raw: list[str], labels: list[list[str]]) -> tuple[float, int] | None:
    """(score, index of the first word after the label) in a line's words."""
    folded = [classify.fold(w) for w in raw]
    best = None
    for lab in labels:
        n = len(lab)
        target = " ".join(lab)
        for i in range(0, max(1, len(raw) - n + 1)):
            for m in (n - 1, n, n + 1):  # a word split or two run together by the OCR
                if m < 1 or i + m > len(raw):
                    continue
                win = [w for w in folded[i : i + m] if w]
                s = fuzz.ratio(" ".join(win), target)
                # the last word tells labels apart ("... người chết" / "... người đi khai")
                if win and fuzz.ratio(win[-1], lab[-1]) < 70 and not win[-1].endswith(lab[-1]):
                    continue
                if s >= LABEL_MIN and (best is None or s > best[0]):
                    best = (s, i + m)
    return best


def _name(text: str) -> str | None:
    text = re.split(r"[:;(]", text, maxsplit=1)[0]  # up to the next label on the line
    words = [re.sub(r"[^\w]", "", w) for w in text.split()]
    words = [w for w in words if w and w.isalpha()]
    if not 2 <= len(words) <= 6:
        return None
    fixed, known = values.fix_name(" ".join(words))
    if len(fixed.split()) == 2:  # a name of two words (often a word lost): both listed names
        lx = values.lexicon()
        if not all(address.canon(w) in lx["name_canon"] for w in fixed.split()):
            return None
    return fixed if known >= NAME_KNOWN and 2 <= len(fixed.split()) <= 6 else None


def _date(text: str) -> str | None:
    for pat in (DATE, DATE_WORDS):
        m = pat.search(classify.fold_case(text) if pat is DATE_WORDS else text)
        if m:
            d, mo, y = (int(x) for x in m.groups())
            if not 1900 <= y <= dt.date.today().year + 1:  # a misread year (1361 for 1961)
                continue
            try:
                return dt.date(y, mo, d).strftime("%d/%m/%Y")
            except ValueError:
                continue
    return None


def parse(text: str, doc_type: str) -> tuple[dict[str, str], dict[str, float]]:
    """The fields of `doc_type` found in OCR'd text (one line each: label, then value)."""
    fields: dict[str, str] = {}
    conf: dict[str, float] = {}
    wanted = specs().get(doc_type, {})
    lines = [x for x in text.splitlines() if x.strip()]
    for name, spec in wanted.items():
        best = None
        for i, line in enumerate(lines):
            hit = _after_label(line, spec["labels"])
            if not hit:
                continue
            rest = hit[1]
            value = _name(rest) if spec["kind"] == "name" else _date(rest)
            if value is None and i + 1 < len(lines) and len(re.sub(r"[\W_]", "", rest)) < 3:
                nxt = lines[i + 1]  # the value on the line under its label
                value = _name(nxt) if spec["kind"] == "name" else _date(nxt)
            if value and (best is None or hit[0] > best[0]):
                best = (hit[0], value)
        if best:
            fields[name] = best[1]
            conf[name] = CONFIDENCE[spec["kind"]]
    return fields, conf


def _undotted(crop: np.ndarray, h: float) -> np.ndarray:
    """The dotted leader under a handwritten value removed (small isolated dots)."""
    ink = (crop < 150).astype(np.uint8)
    n, lab, st, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = (st[:, cv2.CC_STAT_WIDTH] < 0.3 * h) & (st[:, cv2.CC_STAT_HEIGHT] < 0.3 * h)
    small[0] = False
    out = crop.copy()
    out[small[lab]] = 255
    return out


def read(page: np.ndarray, doc_type: str) -> tuple[dict[str, str], dict[str, float]]:
    """The fields of `doc_type` on an upright clean page (RGB or grey): each label found among
    the page's words (read at about 150 dpi), its value re-read alone on its line from the page
    at full resolution (the dotted leader removed, small print enlarged). A name is offered only
    when most of its words are known name syllables (ocr/lexicon: after correction)."""
    wanted = specs().get(doc_type, {})
    if not wanted:
        return {}, {}
    full = page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_RGB2GRAY)
    gray = _at_150dpi(full)
    k = full.shape[1] / gray.shape[1]
    lines = runs.rows_of(tess.words(gray, 4))
    fields: dict[str, str] = {}
    conf: dict[str, float] = {}
    H, W = full.shape
    for name, spec in wanted.items():
        best = None
        for ln in lines:
            hit = _label_at([w["text"] for w in ln], spec["labels"])
            if not hit or (best and hit[0] <= best[0]):
                continue
            h = float(np.median([w["y1"] - w["y0"] for w in ln])) * k
            x0 = int((ln[hit[1] - 1]["x1"] + 2) * k) if hit[1] > 0 else 0
            y0 = max(0, int(min(w["y0"] for w in ln) * k - 0.6 * h))
            y1 = min(H, int(max(w["y1"] for w in ln) * k + 0.6 * h))
            if y1 - y0 < 8 or W - x0 < 16:
                continue
            crop = _undotted(full[y0:y1, x0:W], h)
            if h < 30:  # enlarged: handwriting at this size loses its marks
                crop = cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
            text, _ = tess.ocr(cv2.copyMakeBorder(crop, 8, 8, 8, 8, cv2.BORDER_CONSTANT, value=255), 7)
            rest = " ".join(w["text"] for w in ln[hit[1] :])
            pick = _name if spec["kind"] == "name" else _date
            value = pick(text) or pick(rest)
            if value:
                best = (hit[0], value)
        if best:
            fields[name] = best[1]
            conf[name] = CONFIDENCE[spec["kind"]]
    return fields, conf


def _at_150dpi(gray: np.ndarray) -> np.ndarray:
    h, w = gray.shape
    k = READ_WIDTH / w if w < h else READ_WIDTH * 1.41 / w
    return cv2.resize(
        gray, (int(w * k), int(h * k)), interpolation=cv2.INTER_AREA if k < 1 else cv2.INTER_CUBIC
    )


def wants(doc_type: str) -> bool:
    return doc_type in specs()
