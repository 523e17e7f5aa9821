"""Whether the text of a page survived its light: read it, do not guess from its brightness.

A white A4 page in good light is bright (a mean of 0.85-1.0, its paper clipped to 255 over much
of it): that is no fault. An overexposed page is a fault only when its print is lost, and what
tells that is reading it. The verdict's brightness rule (quality.assess: the paper around the
print clipped and the print lifted) only makes a page a *suspect*; the page is then cleaned as for
reading and a band of its body is read (Tesseract `vie`, psm 4, word confidences): confident
words of two letters or more, at a share of the words read, mean the text is there.

The first independent paper generator (paper B, second run) showed the need: the brightness rule,
calibrated on this project's own overexposed pages, refused 7 of B's 91 good photos, bright but
readable.
"""

from __future__ import annotations

import re

import cv2
import numpy as np

from .. import tess

READ_WIDTH = 1240  # px: about 150 dpi for an A4 page
BAND = (0.25, 0.8)  # the body of an upright page (the title and the signatures left out)
MIN_WORDS = 8  # confident words read in the band for the text to be there ...
MIN_SHARE = 0.45  # ... and at least this share of the words read
WORD_CONF = 0.6
# the print's contrast ratio against its paper (WCAG 2's luminance ratio) from which it is kept
MIN_CONTRAST = 2.0
_LETTERS = re.compile(r"[^\W\d_]{2,}")


def body_words(img: np.ndarray) -> tuple[int, int]:
    """(confident words, words) read in the body band of an upright clean page (RGB or grey)."""
    confs = body_confidences(img)
    return sum(1 for c in confs if c >= WORD_CONF), len(confs)


def body_confidences(img: np.ndarray) -> list[float]:
    """Tesseract's confidence (0..1) of each word of two letters or more read in the body band of
    an upright clean page (RGB or grey)."""
    g = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    h, w = g.shape
    k = READ_WIDTH / min(w, h)
    g = cv2.resize(
        g, (round(w * k), round(h * k)), interpolation=cv2.INTER_AREA if k < 1 else cv2.INTER_CUBIC
    )
    H = g.shape[0]
    band = g[int(H * BAND[0]) : int(H * BAND[1])]
    band = cv2.copyMakeBorder(band, 12, 12, 12, 12, cv2.BORDER_CONSTANT, value=255)
    return [x["conf"] for x in tess.words(band, 4) if _LETTERS.search(x["text"])]


def _linear(v: np.ndarray) -> np.ndarray:
    c = v.astype(np.float32) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def print_contrast(gray: np.ndarray) -> float | None:
    """The print's contrast ratio against its own paper (WCAG 2's (L1 + 0.05) / (L2 + 0.05) on
    linear luminance), the median over the strokes: each stroke's darkest pixel against the paper
    around it. Faint strokes count (found at a low contrast), so a washed-out page is not judged on
    its few dark marks. None with too few strokes. Works where Tesseract cannot (a page of 500 px
    across after a chat app's resizing: its body text is 4-5 px high)."""
    h, w = gray.shape
    k = max(7, round(min(h, w) / 60)) | 1
    se = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    paper = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, se)
    marks = (paper.astype(np.int16) - gray) > 10
    n, lab, st, _ = cv2.connectedComponentsWithStats(marks.astype(np.uint8), connectivity=8)
    if n < 21:
        return None
    # letters, not edges
    small = (st[1:, cv2.CC_STAT_AREA] >= 3) & (np.maximum(st[1:, 2], st[1:, 3]) <= 4 * k)
    idx = np.flatnonzero(small) + 1
    if idx.size < 20:
        return None
    flat = lab.ravel()
    g = gray.ravel().astype(np.int32)
    order = np.argsort(flat, kind="stable")
    bounds = np.searchsorted(flat[order], idx)
    ends = np.searchsorted(flat[order], idx, side="right")
    ratios = []
    for a, b in zip(bounds, ends, strict=True):
        pix = order[a:b]
        j = pix[np.argmin(g[pix])]
        ratios.append((_linear(paper.ravel()[j]) + 0.05) / (_linear(gray.ravel()[j]) + 0.05))
    return float(np.percentile(ratios, 90))


def legible(img: np.ndarray) -> tuple[bool, dict]:
    """Whether an upright clean page's text can be read; notes {"words_read", "words_sure"}.
    Both ways up are tried when the first reads little (the orientation step may be unsure on
    a washed-out page)."""
    good, n = body_words(img)
    if good < MIN_WORDS:
        g2, n2 = body_words(np.ascontiguousarray(img[::-1, ::-1]))
        if g2 > good:
            good, n = g2, n2
    ok = good >= MIN_WORDS and good >= MIN_SHARE * max(1, n)
    return ok, {"words_read": n, "words_sure": good}
