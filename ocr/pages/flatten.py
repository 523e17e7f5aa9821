"""From a photo and the page's outline to a flat, upright-agnostic scan-like page.

The outline (4 corners, from ocr.card.find_quad) is warped to a rectangle with the page's own
proportions (A4 when close to it), at a scan resolution (about DPI dots per inch of an A4 side,
never upsampled much beyond the photo's own pixels). Uneven light and shadows are divided out
against a background estimated from the page itself (a large closing removes the print), so
white paper becomes white and the print keeps its colour (blue ink stays blue).
"""

from __future__ import annotations

import cv2
import numpy as np

A4 = 297 / 210
A4_LONG_IN = 297 / 25.4
DPI = 170  # output resolution of a page (150–200 dpi: readable, and small)


def page_size(quad: np.ndarray, dpi: int = DPI) -> tuple[int, int]:
    """(width, height) of the warped page: its measured aspect (snapped to A4 when within 6 %),
    its long side at `dpi` for an A4 page, at most 1.3 × the pixels the photo has."""
    q = np.asarray(quad, np.float32)
    top = (np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
    side = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    long_px, short_px = max(top, side), max(1.0, min(top, side))
    aspect = long_px / short_px
    if abs(aspect / A4 - 1) < 0.06:
        aspect = A4
    long_out = int(min(A4_LONG_IN * dpi, long_px * 1.3))
    short_out = int(round(long_out / aspect))
    return (long_out, short_out) if top >= side else (short_out, long_out)


def warp_page(rgb: np.ndarray, quad, dpi: int = DPI) -> np.ndarray:
    """The page inside `quad` (tl, tr, br, bl in rgb's pixels) as a rectangle."""
    q = np.asarray(quad, np.float32)
    w, h = page_size(q, dpi)
    M = cv2.getPerspectiveTransform(q, np.float32([[0, 0], [w, 0], [w, h], [0, h]]))
    return cv2.warpPerspective(
        rgb,
        M,
        (w, h),
        flags=cv2.INTER_AREA if w < 1500 else cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )


def trim_edges(img: np.ndarray, frac: float = 0.008) -> np.ndarray:
    """Drop a thin band at the edges (table pixels a slightly wide outline lets in)."""
    h, w = img.shape[:2]
    dy, dx = max(1, int(h * frac)), max(1, int(w * frac))
    return img[dy : h - dy, dx : w - dx]


def background(gray: np.ndarray) -> np.ndarray:
    """The paper's brightness without the print, at gray's size (float32, >= 1)."""
    h, w = gray.shape
    k = 4 if max(h, w) > 1000 else 2
    small = cv2.resize(gray, (w // k, h // k), interpolation=cv2.INTER_AREA)
    r = max(3, int(max(small.shape) / 80)) | 1  # wider than a stroke, narrower than a shadow edge
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (r, r)))
    bg = cv2.medianBlur(bg, r if r <= 255 else 255)
    bg = cv2.GaussianBlur(bg, (0, 0), r / 2)
    return np.maximum(cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32), 1.0)


def even_out(rgb: np.ndarray) -> np.ndarray:
    """Divide out uneven light and shadows; paper to white, the print darkened a little."""
    gray = rgb if rgb.ndim == 2 else cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    bg = background(gray)
    scale = 245.0 / bg
    out = rgb.astype(np.float32) * (scale if rgb.ndim == 2 else scale[..., None])
    # a gentle curve: paper (about 245) to 255, print darker, faint noise on the paper gone
    out = np.clip((out - 25.0) * (255.0 / 215.0), 0, 255)
    return out.astype(np.uint8)
