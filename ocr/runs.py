"""Runs of print on a warped card: found (black-hat ink joined along a line), read by
Tesseract word by word, and grouped into rows. Used by the label reader (labels.py)."""

from __future__ import annotations

import re

import cv2
import numpy as np

from . import leaders, tess


def find_blobs(gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) of runs of print: words joined into phrases along a line."""
    H, W = gray.shape
    k = max(15, int(H / 30)) | 1
    bh = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    thr = max(30.0, 0.35 * float(np.percentile(bh, 99.5)))
    ink = (bh > thr).astype(np.uint8)
    # the warp's outermost rows and columns: a dark line there (the background, a rounded corner)
    # is no print, and joined to a line running to the edge it made a box too tall to keep
    ink[:2], ink[-2:], ink[:, :2], ink[:, -2:] = 0, 0, 0, 0
    n, lab, st, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    w, h, a = st[:, 2], st[:, 3], st[:, 4]
    keep = ((h <= H * 0.1) & (w <= W * 0.25) & (a >= 3) & ~((w > 12 * h) & (h < 5))).astype(np.uint8)
    keep[0] = 0
    ink = keep[lab]
    gap = max(9, int(H * 0.022))
    m = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, max(3, int(H * 0.006)))))
    n, lab, st, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, a = st[i]
        if H * 0.12 < h <= H * 0.3:
            # two lines or more joined by a mark between them (a seal's ring, a stray dot): the
            # lines cut apart where rows carry almost none of the print, else dropped as before
            out += _lines_of(ink[y : y + h, x : x + w] * (lab[y : y + h, x : x + w] == i), x, y, H)
            continue
        if h < H * 0.012 or h > H * 0.12 or w < max(12, 0.8 * h):
            continue
        out.append((int(x), int(y), int(x + w), int(y + h)))
    return _split_stacked(ink, _join_words(out))


def _lines_of(ink: np.ndarray, x: int, y: int, H: int) -> list[tuple[int, int, int, int]]:
    """The lines of print in a run too tall for one (`ink` 0/1, its box at x, y on a card H
    high): bands of rows holding a real share of the print, a band of marks set close over (or
    under) its letters joined to them; [] unless the lines of a line's height hold most of the
    print (not a QR code or a fingerprint, dense all the way down)."""
    prof = ink.sum(1).astype(np.float32)
    full = prof > 0.08 * float(prof.max())
    bands: list[list[int]] = []
    for r, f in enumerate(full):
        if f and bands and bands[-1][1] == r:
            bands[-1][1] = r + 1
        elif f:
            bands.append([r, r + 1])
    tall = max((b - a for a, b in bands), default=0)
    joined: list[list[int]] = []
    for a, b in bands:  # the marks over capitals ("Ễ", "Ồ") and under ("Ụ"): a gap of a few px
        if joined and a - joined[-1][1] <= 0.25 * tall:
            joined[-1][1] = b
        else:
            joined.append([a, b])
    out, held = [], 0.0
    for a, b in joined:
        if not H * 0.012 <= b - a <= H * 0.12:
            continue
        cols = np.flatnonzero(ink[a:b].any(0))
        if len(cols) and cols[-1] - cols[0] >= max(12, 0.8 * (b - a)):
            out.append((int(x + cols[0]), int(y + a), int(x + cols[-1] + 1), int(y + b)))
            held += float(prof[a:b].sum())
    return out if held >= 0.7 * float(prof.sum()) else []


def _join_words(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Runs on one line with a gap under half their height between them joined: the words of a
    value typed in a monospace face (a typewriter's wide spaces) read as one line, in context
    (a lone "H." is not read on its own)."""
    out = sorted(boxes)
    merged = True
    while merged:
        merged = False
        for i, a in enumerate(out):
            for j in range(i + 1, len(out)):
                b = out[j]
                ha, hb = a[3] - a[1], b[3] - b[1]
                ov = min(a[3], b[3]) - max(a[1], b[1])
                if (
                    b[0] - a[2] <= 0.5 * min(ha, hb)
                    and b[0] >= a[0]
                    and ov >= 0.7 * min(ha, hb)
                    and max(ha, hb) < 1.5 * min(ha, hb)
                ):
                    out[i] = (a[0], min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                    del out[j]
                    merged = True
                    break
            if merged:
                break
    return out


def _split_stacked(
    ink: np.ndarray, boxes: list[tuple[int, int, int, int]]
) -> list[tuple[int, int, int, int]]:
    """A box twice as tall as a line of print holds two lines set close together (a label with
    its English half under it): cut it at the emptiest row near its middle."""
    if len(boxes) < 3:
        return boxes
    med = float(np.median([b[3] - b[1] for b in boxes]))
    out = []
    for x0, y0, x1, y1 in boxes:
        h = y1 - y0
        if h < 1.45 * med:
            out.append((x0, y0, x1, y1))
            continue
        prof = ink[y0:y1, x0:x1].sum(1).astype(np.float32)
        lo, hi = int(0.3 * h), int(0.7 * h)
        cut = lo + int(np.argmin(prof[lo:hi]))
        if prof[cut] > 0.1 * float(prof.max()) or min(cut, h - cut) < 0.6 * med:
            # no gap: one tall line (big print); or a thin band cut off, the stacked marks over
            # capitals ("ĐỖ", "TRẦN"): read apart, both halves gave the whole line twice
            out.append((x0, y0, x1, y1))
            continue
        out += [(x0, y0, x1, y0 + cut), (x0, y0 + cut, x1, y1)]
    return out


def read_blob(gray: np.ndarray, box, others=()) -> list[dict]:
    """The words of one run of print. The margin around it is whitened where it holds another
    run (`others`): the foot of the label above must not be read into the value under it."""
    x0, y0, x1, y1 = box
    h = y1 - y0
    H, W = gray.shape
    a, b = max(0, y0 - h // 4), min(H, y1 + h // 4)
    c, d = max(0, x0 - h // 3), min(W, x1 + h // 3)
    g = gray[a:b, c:d].astype(np.float32)
    if g.size == 0:
        return []
    lo, hi = np.percentile(g, (2, 98))
    g = np.clip((g - lo) * (255.0 / max(16.0, hi - lo)), 0, 255).astype(np.uint8)
    mask = np.zeros(g.shape, bool)
    for ox0, oy0, ox1, oy1 in others:
        if (ox0, oy0, ox1, oy1) != tuple(box) and ox0 < d and ox1 > c and oy0 < b and oy1 > a:
            mask[max(0, oy0 - a) : max(0, oy1 - a), max(0, ox0 - c) : max(0, ox1 - c)] = True
    mask[y0 - a : y1 - a, x0 - c : x1 - c] = False
    g[mask] = 255
    inner = g
    g = cv2.copyMakeBorder(g, 10, 10, 10, 10, cv2.BORDER_CONSTANT, value=255)
    ws = tess.words(g, 7)
    if not ws and x1 - x0 > 3 * h:  # a tinted, patterned ground: its median lifted to white
        ws = tess.words(cv2.copyMakeBorder(whiter(inner), 10, 10, 10, 10, cv2.BORDER_CONSTANT, value=255), 7)
    if not ws and x1 - x0 > 6 * h:  # print run on into its dotted line: read without the dots
        ws = tess.words(leaders.undot(g), 7)
    if not ws and x1 - x0 < 2.5 * h:  # a short word alone ("H.", "X."): read as a single word
        ws = tess.words(g, 8)
    for w in ws:  # back to card coordinates
        w["x0"] += c - 10
        w["x1"] += c - 10
        w["y0"] += a - 10
        w["y1"] += a - 10
        w["h"] = h
        w["blob"] = tuple(box)
    return [p for w in ws for p in _split_colon(w)]


def whiter(g: np.ndarray) -> np.ndarray:
    """The crop scaled so that its median (the ground) is white. A line on a grey, patterned ground
    framed by a white border was read as nothing at all by Tesseract (chip23: a tinted chip front
    with orange guilloche lines, printed small); with the ground as white as the border it reads."""
    m = float(np.median(g))
    return np.clip(g.astype(np.float32) * (255.0 / max(m, 1.0)), 0, 255).astype(np.uint8)


def _split_colon(w: dict) -> list[dict]:
    """A label read glued to its value ("tên:TẠ", a label and a value joined in one run) as two
    words, the box cut in proportion; digits after the colon stay ("22:95")."""
    m = re.match(r"^(\w+:)([^\W\d].*)$", w["text"])
    if not m:
        return [w]
    k = len(m.group(1)) / len(w["text"])
    cut = int(w["x0"] + k * (w["x1"] - w["x0"]))
    return [{**w, "text": m.group(1), "x1": cut}, {**w, "text": m.group(2), "x0": cut}]


def rows_of(words: list[dict]) -> list[list[dict]]:
    """Words grouped into rows, each sorted left to right. The words of one run of print stay
    together (a label is never split between rows); runs join a row when their centres are close."""
    units: dict = {}
    for w in words:
        units.setdefault(w.get("blob") or id(w), []).append(w)
    groups = []
    for ws in units.values():
        y0, y1 = min(w["y0"] for w in ws), max(w["y1"] for w in ws)
        groups.append(((y0 + y1) / 2, max(1, y1 - y0), ws))
    groups.sort(key=lambda g: g[0])
    rows: list[list[dict]] = []
    meta: list[tuple[float, float]] = []
    for cy, h, ws in groups:
        if rows and abs(cy - meta[-1][0]) < 0.45 * min(h, meta[-1][1]):
            rows[-1].extend(ws)
            continue
        rows.append(list(ws))
        meta.append((cy, h))
    for r in rows:
        r.sort(key=lambda w: w["x0"])
    return rows
