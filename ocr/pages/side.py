"""Which side of the sheet: the back of a printed page, photographed where a paper is asked.

A citizen who turns the sheet over sends a photo of blank paper, often with the print of the
other side showing through it: faint (a 70-80 g/m² A4 sheet lets 3-14 % of the print's darkness
through), blurred by the paper's fibres, and mirrored (left-right when the sheet was turned about
its long side, top-bottom when about its short side). Such a page carries almost no print the
verdict counts (`card.text_density`), so it is only ever looked at on the verdict's blank-page path
(good pages cost nothing):

1. `ink_depth`: how dark the page's darkest marks are against their own paper (the paper's
   brightness divided out), in the page's inner part (its edges, a thumb over its margin and the
   table left out). A page with print has marks at 0.3-0.8 of its paper; a blank back, a few
   hundredths; show-through, up to about 0.15.
   A blurred page is judged at a coarser scale (`block_depth`: its smeared lines of print), so
   that a page blurred past its print's depth is not taken for a blank one.
2. `mirrored_print`: the faint marks stretched to full contrast and read by Tesseract (`vie`)
   mirrored back and as they are; a page whose mirrored reading gives clearly more confident
   words than the plain one is the back of a printed page, for sure.
"""

from __future__ import annotations

import re

import cv2
import numpy as np

from .. import tess
from . import flatten, orient

INNER = 0.08  # share of the page along each edge left out (its outline, thumbs, a curl's shade)
READ_LONG = 1400  # px: the page's long side when read (A4 at about 120 dpi)
WORD_CONF = 0.6  # a confident word ...
MIN_WORDS = 6  # ... this many, mirrored, to call the print mirrored ...
MARGIN = 2.0  # ... and this many times the words read unmirrored (plus one)
_LETTERS = re.compile(r"[^\W\d_]{2,}")


def _darkness(gray: np.ndarray) -> np.ndarray:
    """Each pixel's darkness against the paper around it (0 paper, 1 black), float32."""
    bg = flatten.background(gray)
    return np.clip(1.0 - gray.astype(np.float32) / bg, 0.0, 1.0)


def _inner(a: np.ndarray) -> np.ndarray:
    h, w = a.shape[:2]
    dy, dx = int(h * INNER), int(w * INNER)
    return a[dy : h - dy, dx : w - dx]


def ink_depth(gray: np.ndarray) -> float:
    """The darkness of the page's darkest marks against their own paper: the darkness exceeded by
    0.05 % of the page's inner part (a page 2 with a few lines of print has far more), lightly
    smoothed so sensor noise and a lone toner speck do not count."""
    g = cv2.GaussianBlur(gray, (0, 0), 1.0)
    d = _inner(_darkness(g))
    return float(np.percentile(d, 99.95)) if d.size else 0.0


def block_depth(gray: np.ndarray) -> float:
    """The darkness of the page's darkest blocks against their own paper, at the scale of a line
    of print smeared by blur (dark things narrower than 8 % of the page: a blurred page's text
    lines, not a shadow's broad edge): the 99th percentile in the page's inner part. A page blurred
    past its print's depth still has its lines here (side22: 0.068 and up); a blank sheet does
    not (0.04 and under, faint show-through included)."""
    h, w = gray.shape
    g = cv2.GaussianBlur(gray, (0, 0), 2.0)
    r = max(3, int(max(h, w) * 0.08)) | 1
    bg = cv2.morphologyEx(g, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (r, r)))
    d = _inner(np.clip(1.0 - g.astype(np.float32) / np.maximum(bg.astype(np.float32), 1.0), 0.0, 1.0))
    return float(np.percentile(d, 99.0)) if d.size else 0.0


def blank(crop: np.ndarray, td: float, blurred: bool, look: bool, T: dict, m: dict) -> bool:
    """Whether a page found (the verdict's crop, grey; `td` its print density) carries no print:
    a crisp page with less print than `blank_page_print_max` (paper20); and, where a paper is
    asked (`look`), a page with next to no print (under `back_print_max`) with no dark mark when
    sharp (`ink_depth`) or no smeared line when blurred (`block_depth`). The measures go to the
    metrics `m`."""
    crisp = not blurred and td < T["blank_page_print_max"]
    if not look or td >= T["back_print_max"]:
        return crisp
    m["ink_depth"] = round(ink_depth(crop), 3)
    if not blurred:
        return crisp or m["ink_depth"] < T["back_ink_depth"]
    m["block_depth"] = round(block_depth(crop), 3)
    return m["block_depth"] < T["back_block_depth"]


def _stretched(gray: np.ndarray) -> np.ndarray:
    """The faint marks of the page at full contrast, black on white, at READ_LONG px."""
    h, w = gray.shape
    k = READ_LONG / max(h, w)
    g = cv2.resize(
        gray, (round(w * k), round(h * k)), interpolation=cv2.INTER_AREA if k < 1 else cv2.INTER_CUBIC
    )
    d = _darkness(cv2.GaussianBlur(g, (0, 0), 1.0))
    hi = max(0.02, float(np.percentile(_inner(d), 99.5)))
    return (255 - np.clip(d / hi, 0.0, 1.0) * 255).astype(np.uint8)


def _words(gray: np.ndarray) -> int:
    ws = tess.words(cv2.copyMakeBorder(gray, 12, 12, 12, 12, cv2.BORDER_CONSTANT, value=255), 4)
    return sum(1 for x in ws if x["conf"] >= WORD_CONF and _LETTERS.search(x["text"]))


def mirrored_print(gray: np.ndarray) -> dict:
    """Whether the faint print of a page reads mirrored: {"mirrored": bool, "words_mirrored",
    "words_plain"}. The text lines' axis is found first; the page is then read mirrored both ways
    about it (the sheet turned about either side), and, only when that reads, as it is (both ways
    up) for the comparison."""
    st = _stretched(gray)
    horizontal, _ = orient.lines_horizontal(st)
    if not horizontal:
        st = np.ascontiguousarray(st.T)  # a reflection too: lines now run left-right, mirrored or not
        mirrors = [st, st[::-1, ::-1]]
        plain = [st[:, ::-1], st[::-1, :]]
    else:
        mirrors = [st[:, ::-1], st[::-1, :]]
        plain = [st, st[::-1, ::-1]]
    best = 0
    for img in mirrors:
        best = max(best, _words(np.ascontiguousarray(img)))
        if best >= 3 * MIN_WORDS:
            break
    out = {"mirrored": False, "words_mirrored": best, "words_plain": None}
    if best < MIN_WORDS:
        return out
    seen = 0
    for img in plain:
        seen = max(seen, _words(np.ascontiguousarray(img)))
    out["words_plain"] = seen
    out["mirrored"] = best >= MARGIN * seen + 1
    return out
