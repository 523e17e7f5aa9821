"""A seal's ring stamped over the fields (an old CMND's red seal reaches from the photo over the
values: "8 HANH VÂN" for THANH VÂN, the ring read as a letter) found by its colour and shape and
painted over before reading. Red print that is no ring stays: a card number, a title or an
emblem is red too, but each of its marks is a letter high or filled, not a wide thin outline."""

from __future__ import annotations

import cv2
import numpy as np

from .tuning import thresholds


def ring_mask(rgb: np.ndarray, line_h: float) -> np.ndarray:
    """Mask (uint8 0/1) of the thin, wide red outlines in `rgb` (a seal's rings)."""
    t = thresholds()
    c = rgb.astype(np.int16)
    r, g, b = c[..., 0], c[..., 1], c[..., 2]
    red = ((r - np.maximum(g, b)) >= t["seal_red_excess"]).astype(np.uint8)
    if not red.any():
        return red
    red = cv2.dilate(red, np.ones((3, 3), np.uint8))  # a ring broken up by the JPEG's colour
    n, lab, st, _ = cv2.connectedComponentsWithStats(red, connectivity=8)
    out = np.zeros(red.shape, np.uint8)
    lo, hi = t["seal_radius_lines"][0] * line_h, t["seal_radius_lines"][1] * line_h
    for i in range(1, n):
        x, y, w, h, a = st[i]
        # a ring (or an arc of one) spans lines both ways and fills little of its box
        if min(w, h) < t["seal_min_span_lines"] * line_h or a > t["seal_max_fill"] * w * h:
            continue
        ys, xs = np.nonzero(lab[y : y + h, x : x + w] == i)
        pts = np.column_stack([xs + x, ys + y]).astype(np.float64)
        for _ in range(2):  # a second ring joined to the first
            ring = _circle(pts, lo, hi, t["seal_min_on_circle"])
            if ring is None:
                break
            on = pts[ring].astype(int)
            out[on[:, 1], on[:, 0]] = 1  # only the ring: red print it touches (a number) stays
            pts = pts[~ring]
    return out


def _circle(pts: np.ndarray, lo: float, hi: float, min_cover: float) -> np.ndarray | None:
    """Which of `pts` lie on the circle (radius lo..hi) that most of them fit, found by trying
    circles through three of them (RANSAC, a fixed seed: the same photo reads the same), when
    that circle is covered along at least `min_cover` of its length; else None."""
    if len(pts) < 30:
        return None
    rng = np.random.default_rng(0)
    sub = pts[rng.choice(len(pts), min(len(pts), 3000), replace=False)]
    best, best_n = None, 0
    for _ in range(250):
        p = sub[rng.choice(len(sub), 3, replace=False)]
        c = _through(p)
        if c is None or not lo <= c[2] <= hi:
            continue
        k = int((np.abs(np.hypot(sub[:, 0] - c[0], sub[:, 1] - c[1]) - c[2]) <= 2.5).sum())
        if k > best_n:
            best, best_n = c, k
    if best is None:
        return None
    cx, cy, r = best
    d = np.abs(np.hypot(pts[:, 0] - cx, pts[:, 1] - cy) - r)
    near = d <= 4.0
    ang = np.arctan2(pts[near, 1] - cy, pts[near, 0] - cx)
    cover = len(np.unique(np.floor((ang + np.pi) / (2 * np.pi) * 180))) / 180
    if cover < min_cover:
        return None
    band = float(np.percentile(d[near], 95)) + 1.5
    return d <= band


def _through(p: np.ndarray) -> tuple[float, float, float] | None:
    """The circle through three points (cx, cy, r), or None when they are in a line."""
    (x1, y1), (x2, y2), (x3, y3) = p
    dd = 2 * (x1 * (y2 - y3) + x2 * (y3 - y1) + x3 * (y1 - y2))
    if abs(dd) < 1e-6:
        return None
    s1, s2, s3 = x1 * x1 + y1 * y1, x2 * x2 + y2 * y2, x3 * x3 + y3 * y3
    cx = (s1 * (y2 - y3) + s2 * (y3 - y1) + s3 * (y1 - y2)) / dd
    cy = (s1 * (x3 - x2) + s2 * (x1 - x3) + s3 * (x2 - x1)) / dd
    return cx, cy, float(np.hypot(x1 - cx, y1 - cy))


def erase(rgb: np.ndarray, gray: np.ndarray, line_h: float) -> np.ndarray:
    """`gray` with the seal rings of `rgb` painted over with the paper around them."""
    m = ring_mask(rgb, line_h)
    if not m.any():
        return gray
    m = cv2.dilate(m, np.ones((5, 5), np.uint8))  # the ring's soft edges, less red than its middle
    k = max(3, int(0.3 * line_h)) | 1
    paper = cv2.dilate(gray, np.ones((k, k), np.uint8))
    out = gray.copy()
    out[m > 0] = paper[m > 0]
    return out
