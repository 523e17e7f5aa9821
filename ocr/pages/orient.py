"""Which way up is the page.

1. The text-line axis from projection profiles (lines left-right, or top-bottom: a quarter turn).
2. Up or down from the shape of the lines: Vietnamese print has far more ink above its x-height
   band (capitals, ascenders, and the tone and vowel marks: sắc, huyền, hỏi, ngã, mũ, móc) than
   below it (descenders, the dấu nặng). Measured on the generated pages: +0.2 … +0.7 upright,
   the same negated upside down.
3. When that is unsure (a page with little text), Tesseract's orientation detection (OSD, the
   `osd` model through the C API, pytesseract as the fallback). OSD alone was often wrong by
   180° on these pages, and took 0.2–1 s.
"""

from __future__ import annotations

import ctypes
import logging

import cv2
import numpy as np

from .. import tess

log = logging.getLogger(__name__)
OSD_SIDE = 1000  # the page is examined at this long side
_osd_ready = False


def lines_horizontal(gray: np.ndarray) -> tuple[bool, float]:
    """True when the text lines run left-right; with the strength of the evidence (ratio)."""
    h, w = gray.shape
    k = 500 / max(h, w)
    g = cv2.resize(gray, (max(1, int(w * k)), max(1, int(h * k))), interpolation=cv2.INTER_AREA)
    ink = cv2.adaptiveThreshold(g, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 12)
    # smear along each axis: text lines become bars along their own direction only
    hor = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, 9), np.uint8))
    ver = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((9, 1), np.uint8))
    rows = float(hor.mean(1).std())
    cols = float(ver.mean(0).std())
    return rows >= cols, (max(rows, cols) + 1e-6) / (min(rows, cols) + 1e-6)


def _osd_c(gray: np.ndarray) -> tuple[int, float] | None:
    global _osd_ready
    lib = tess._load()
    if lib is None:
        return None
    if not _osd_ready:
        lib.TessBaseAPIDetectOrientationScript.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_int),
            ctypes.POINTER(ctypes.c_float),
            ctypes.POINTER(ctypes.c_char_p),
            ctypes.POINTER(ctypes.c_float),
        ]
        lib.TessBaseAPIDetectOrientationScript.restype = ctypes.c_int
        _osd_ready = True
    h = tess._recognise(lib, np.ascontiguousarray(gray), 0, "", "osd")
    deg, conf, script, sconf = ctypes.c_int(), ctypes.c_float(), ctypes.c_char_p(), ctypes.c_float()
    ok = lib.TessBaseAPIDetectOrientationScript(
        h, ctypes.byref(deg), ctypes.byref(conf), ctypes.byref(script), ctypes.byref(sconf)
    )
    lib.TessBaseAPIClear(h)
    return (int(deg.value), float(conf.value)) if ok else None


def _osd_cli(gray: np.ndarray) -> tuple[int, float] | None:
    import pytesseract
    from PIL import Image

    try:
        d = pytesseract.image_to_osd(Image.fromarray(gray), output_type=pytesseract.Output.DICT)
    except Exception:
        return None
    return int(d.get("orientation", 0)), float(d.get("orientation_conf", 0.0))


def osd(gray: np.ndarray) -> tuple[int, float] | None:
    """(degrees the page is turned clockwise: 0/90/180/270, confidence) or None."""
    h, w = gray.shape
    k = min(1.0, OSD_SIDE / max(h, w))
    g = cv2.resize(gray, (int(w * k), int(h * k)), interpolation=cv2.INTER_AREA) if k < 1 else gray
    try:
        return _osd_c(g) if tess._load() is not None else _osd_cli(g)
    except Exception:  # pragma: no cover - an engine problem must not stop the scan
        log.exception("orientation detection failed")
        return None


UPDOWN_SURE = 0.08  # |ink above - ink below| / total beyond this decides up or down


def up_score(gray: np.ndarray) -> float:
    """(ink above the text lines' core - ink below) / both, over the page's text lines:
    > 0 upright, < 0 upside down (lines must run left-right)."""
    h, w = gray.shape
    k = min(1.0, 1000 / max(h, w))
    g = cv2.resize(gray, (int(w * k), int(h * k)), interpolation=cv2.INTER_AREA) if k < 1 else gray
    ink = cv2.adaptiveThreshold(g, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 21, 15)
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, 40), np.uint8)) | cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, np.ones((40, 1), np.uint8)
    )
    ink = ink & (1 - rules)
    smear = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, 15), np.uint8))
    n, _, st, _ = cv2.connectedComponentsWithStats(smear)
    above = below = 0.0
    for i in range(1, n):
        x, y, bw, bh, _a = st[i]
        if bw < 3 * bh or bh < 6 or bh > 60:  # not a piece of a text line
            continue
        p = ink[y : y + bh, x : x + bw].sum(1).astype(np.float32)
        core = np.flatnonzero(p >= 0.5 * p.max())
        above += float(p[: core[0]].sum())
        below += float(p[core[-1] + 1 :].sum())
    return (above - below) / max(1.0, above + below)


def upright(img: np.ndarray) -> tuple[np.ndarray, dict]:
    """The page turned so its text reads normally; notes {"turned": deg, "osd_conf", "sure"}.

    turned: counter-clockwise degrees applied (0, 90, 180, 270)."""
    gray = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    horizontal, strength = lines_horizontal(gray)
    k = 0 if horizontal else 1
    g = gray if horizontal else np.ascontiguousarray(np.rot90(gray, 1))
    score = up_score(g)
    conf, sure = None, abs(score) >= UPDOWN_SURE
    if sure:
        k += 0 if score > 0 else 2
    else:
        r = osd(g)
        if r is not None:
            deg, conf = r
            if deg == 180:
                k += 2
            elif deg in (90, 270) and strength < 1.3 and conf >= 2.0:
                k += deg // 90  # the profiles were unsure; OSD is sure of a quarter turn
            sure = conf >= 2.0
    k %= 4
    out = np.ascontiguousarray(np.rot90(img, k)) if k else img
    notes = {
        "turned": 90 * k,
        "up_score": round(score, 3),
        "osd_conf": None if conf is None else round(conf, 2),
    }
    return out, {**notes, "sure": sure}


SKEW_MIN = 2.5  # degrees: a page tilted less than this reads as it is


def skew(gray: np.ndarray) -> float:
    """The angle (degrees, counter-clockwise as cv2 turns, within ±45) that brings the page's
    text lines level, modulo a quarter turn: the rotation whose row or column profile of the
    print is the most peaked. A page Tesseract cannot read because it lies tilted in the photo
    (no outline found on a white table, or an outline found on part of it; paper21)."""
    h, w = gray.shape
    k = 600 / max(h, w)
    g = cv2.resize(gray, (max(1, int(w * k)), max(1, int(h * k))), interpolation=cv2.INTER_AREA)
    ink = cv2.adaptiveThreshold(g, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 12)
    ink = ink.astype(np.float32)
    c = (g.shape[1] / 2, g.shape[0] / 2)

    def peaked(a: float) -> float:
        r = cv2.warpAffine(ink, cv2.getRotationMatrix2D(c, a, 1.0), (g.shape[1], g.shape[0]))
        return max(float(r.sum(1).var()), float(r.sum(0).var()))

    best = max(np.arange(-44.0, 45.0, 2.0), key=peaked)
    best = max(np.arange(best - 1.5, best + 1.6, 0.5), key=peaked)
    return float(best)


def rotate(img: np.ndarray, deg: float) -> np.ndarray:
    """img turned by deg (counter-clockwise as cv2 turns), on a canvas grown to hold it all,
    the corners filled with white paper."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), deg, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    fill = (255,) * (1 if img.ndim == 2 else img.shape[2])
    return cv2.warpAffine(img, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=fill)
