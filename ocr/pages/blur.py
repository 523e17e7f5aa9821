"""Blur of a page judged on its print's edges, at the scale of a form's print.

A page's blur used to be the sharpness ratio of the whole perspective-corrected page at 640 px
across (the card rule). The blank paper, most of a sparse page, diluted it, and a page
photographed close and softened a little at the pixel level (the lens, the JPEG, a chat app's
resizing) was called blurry though its print was crisp: on the development sets, 3-7 % of the
good photos. Here only the print's edges count, and each edge against its own contrast:

1. the print is found (black-hat strokes, long ruled lines dropped), and its edges: pixels near a
   stroke with a strong local contrast whose gradient is a local maximum (half-way up the step);
2. on a step blurred by a Gaussian of sigma s, the steepest gradient is contrast / (s·√(2π)):
   gradient / local contrast (max - min in a 9 px window) is 1/s up to a constant, whatever the
   ink's darkness, the paper's colour or the light;
3. per gradient direction (a shake smears the edges across its direction only), the 80th
   percentile (the crisp edges of that direction); the weakest direction is the page's.

It is taken on the page warped to at most 640 px across: the print of a form is set at a size
fixed against the page (12-13 pt body text, about 6-8 px high there), so the page's scale is its
print's. Bringing the page to a fixed line pitch measured on it was tried first and dropped:
blur merges the lines, the measured pitch grows, and a blurred page was shrunk into looking sharp.
"""

from __future__ import annotations

import cv2
import numpy as np


def print_mask(gray: np.ndarray) -> np.ndarray:
    """Strokes of print (bool): dark, thin marks against the paper, long ruled lines dropped."""
    h, w = gray.shape
    k = max(7, round(min(h, w) / 50)) | 1
    bh = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    p5, p95 = np.percentile(gray[::3, ::3], (5, 95))
    thr = max(12.0, 0.18 * float(p95 - p5))
    m = (bh > thr).astype(np.uint8)
    long_k = max(15, round(min(h, w) / 8))
    lines = cv2.morphologyEx(m, cv2.MORPH_OPEN, np.ones((1, long_k), np.uint8))
    lines |= cv2.morphologyEx(m, cv2.MORPH_OPEN, np.ones((long_k, 1), np.uint8))
    return (m & (1 - lines)).astype(bool)


def edge_sharpness(gray: np.ndarray, presmooth: float = 0.6) -> dict:
    """How steep the print's edges are against their own contrast, in the weakest direction.

    On a step blurred by a Gaussian of sigma s, the steepest gradient is contrast / (s·√(2π)):
    gradient / local contrast (max - min around the edge) is 1/s up to a constant, whatever the
    print's darkness or the light. It is taken on the print's edges only (blank paper does not
    dilute it), per gradient direction (a shake smears the edges across its direction only), as
    the 80th percentile (the crisp edges of each direction), the weakest direction kept."""
    g = gray.astype(np.float32)
    if presmooth > 0:
        g = cv2.GaussianBlur(g, (0, 0), presmooth)
    mask = print_mask(gray)
    near = cv2.dilate(mask.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    k = np.ones((9, 9), np.uint8)
    contrast = cv2.dilate(g, k) - cv2.erode(g, k)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3) / 8
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3) / 8
    mag = np.hypot(gx, gy)
    c_ref = float(np.percentile(contrast[near], 90)) if near.any() else 0.0
    strong = near & (contrast >= max(15.0, 0.4 * c_ref))
    # the edge's own pixels: its gradient a local maximum across it (half-way up the step)
    ridge = mag >= cv2.dilate(mag, np.ones((3, 3), np.uint8)) - 1e-3
    edge = strong & ridge & (mag >= 0.05 * contrast)
    out: dict = {"edges": int(edge.sum())}
    if edge.sum() < 200:
        out["edge_sharpness"] = None
        return out
    ang = (np.degrees(np.arctan2(gy, gx)) + 180.0) % 180.0
    r = mag / np.maximum(contrast, 1.0)
    per = []
    for a0 in (0, 45, 90, 135):
        d = np.abs(((ang - a0) + 90.0) % 180.0 - 90.0)
        sel = edge & (d < 22.5)
        if sel.sum() >= 30:
            per.append(float(np.percentile(r[sel], 80)))
    out["edge_sharpness"] = round(min(per), 4) if per else None
    out["edge_dirs"] = [round(x, 3) for x in per]
    return out


def page_blurred(sharp: float, ratio: float, T: dict, page: np.ndarray | None = None, m=None) -> bool:
    """A page is judged on its print's edges (edge_sharpness: their steepness against their own
    contrast, whatever the amount of print). With too few edges for that, the whole-page
    sharpness ratio (quality.sharpness) carries the decision, the energy counting only with a
    middling ratio. T: the thresholds (thresholds.yml); m: metrics, given edge_sharpness."""
    if page is not None:
        es = edge_sharpness(page)["edge_sharpness"]
        if m is not None:
            m["edge_sharpness"] = es
        if es is not None:
            return es < T["blur_edge_page"]
    return (
        ratio < T["blur_ratio"]
        or sharp < T["blur_sharpness_page"]
        or (sharp < T["blur_sharpness"] and ratio < T["blur_ratio_sparse_page"])
    )
