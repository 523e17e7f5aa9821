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
    return _rings(rgb, line_h)[0]


def _rings(rgb: np.ndarray, line_h: float) -> tuple[np.ndarray, np.ndarray | None]:
    """(`ring_mask`, `redness(rgb)` or None when a quick look found too little red to compute it)."""
    t = thresholds()
    lo, hi = t["seal_radius_lines"][0] * line_h, t["seal_radius_lines"][1] * line_h
    least = t["seal_min_on_circle"] * 2 * np.pi * lo  # red points a ring's arcs have at the least
    if (redness(rgb[::4, ::4]) >= t["seal_red_excess"]).sum() * 16 < least:  # every 16th pixel first
        return np.zeros(rgb.shape[:2], np.uint8), None
    excess = redness(rgb)
    red = (excess >= t["seal_red_excess"]).astype(np.uint8)
    if red.sum() < least:
        return np.zeros(red.shape, np.uint8), excess
    # without the filled red (an emblem's disc, which a ring touching it would join)
    k = max(5, int(0.25 * line_h)) | 1
    filled = cv2.morphologyEx(red, cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    red &= 1 - cv2.dilate(filled, np.ones((5, 5), np.uint8))
    if red.sum() < least:
        return np.zeros(red.shape, np.uint8), excess
    joined = cv2.dilate(red, np.ones((7, 7), np.uint8))  # a ring broken up by the JPEG's colour
    n, lab, st, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    # arcs (a ring is broken where it crosses print): longer than a line either way, thin
    span, fill = st[:, 2:4].max(axis=1), st[:, 4] / np.maximum(1, st[:, 2] * st[:, 3])
    arcs = (span >= t["seal_min_span_lines"] * line_h) & (fill <= t["seal_max_fill"])
    arcs[0] = False
    out = np.zeros(red.shape, np.uint8)
    if not arcs.any():
        return out, excess
    ys, xs = np.nonzero(arcs[lab] & (red > 0))  # the arcs' own points, together
    pts = np.column_stack([xs, ys]).astype(np.float64)
    for _ in range(3):  # a seal or two, each a ring
        ring = _circle(pts, lo, hi, t["seal_min_on_circle"])
        if ring is None:
            break
        on = pts[ring[0]].astype(int)
        pts = pts[~ring[0]]
        c = rgb[on[:, 1], on[:, 0]].astype(np.float64)
        if np.percentile(c[:, 1] / np.maximum(1, c[:, 0]), 25) > t["seal_max_green_of_red"]:
            continue  # skin's red (a face's outline on a 2021 or 2024 front), not a stamp's
        out[on[:, 1], on[:, 0]] = 1  # only the ring: red print it touches (a number) stays
        _inner(out, rgb, ring[1], t["seal_min_on_circle"] / 2)
    return out, excess


def redness(rgb: np.ndarray) -> np.ndarray:
    """Red over green and blue, per pixel, 0 where red is not the highest (uint8: only red above
    the others is ever compared; OpenCV's saturating arithmetic, ~6x quicker than numpy's int16)."""
    r, g, b = cv2.split(np.ascontiguousarray(rgb))
    return cv2.subtract(r, cv2.max(g, b))


def _signed_redness(rgb: np.ndarray) -> np.ndarray:
    """Red over green and blue with its sign (int16), for a ring's box only: a ring stamped on a
    bluish card is less red than the card by itself, and told by its contrast with the card."""
    c = rgb.astype(np.int16)
    return c[..., 0] - np.maximum(c[..., 1], c[..., 2])


def _redder_than_round(box: np.ndarray) -> np.ndarray:
    """How much redder each pixel of a signed redness `box` is than the card right round it
    (a 9 px median)."""
    around = cv2.medianBlur(np.clip(box + 128, 0, 255).astype(np.uint8), 9).astype(np.int16) - 128
    return box - around


def _inner(out: np.ndarray, rgb: np.ndarray, circle: tuple, min_cover: float) -> None:
    """A seal's inner ring, thinner and fainter, concentric with the outer one (a Vietnamese seal:
    its legend between two circles): the radius inside the outer one that most faintly red
    points lie on, added to `out` when it is covered along `min_cover` of its length. Faintly red:
    half the red excess, or that much redder than the card right round it (a thin ring on a
    bluish card stays below the card's own red by itself)."""
    cx, cy, r = circle
    x0, y0 = max(0, int(cx - r)), max(0, int(cy - r))
    box = _signed_redness(rgb[y0 : int(cy + r) + 1, x0 : int(cx + r) + 1])  # within the ring's box
    if box.size == 0 or min(box.shape) < 9:
        return
    half = thresholds()["seal_red_excess"] // 2
    ys, xs = np.nonzero((box >= half) | (_redder_than_round(box) >= half))
    ys, xs = ys + y0, xs + x0
    d = np.hypot(xs - cx, ys - cy)
    sel = (d >= 0.45 * r) & (d <= 0.9 * r)
    if sel.sum() < 30:
        return
    xs, ys, d = xs[sel], ys[sel], d[sel]
    hist = np.bincount(np.round(d).astype(int))
    r2 = int(np.argmax(np.convolve(hist, np.ones(3), "same")))
    near = np.abs(d - r2) <= 2.5
    ang = np.arctan2(ys[near] - cy, xs[near] - cx)
    if len(np.unique(np.floor((ang + np.pi) / (2 * np.pi) * 180))) / 180 >= min_cover:
        out[ys[near], xs[near]] = 1


def _circle(pts: np.ndarray, lo: float, hi: float, min_cover: float) -> tuple | None:
    """(which of `pts` lie on the circle, the circle) (radius lo..hi) that most of them fit, found by trying
    circles through three of them (RANSAC, a fixed seed: the same photo reads the same), when
    that circle is covered along at least `min_cover` of its length; else None."""
    if len(pts) < 30:
        return None
    rng = np.random.default_rng(0)
    sub = pts[rng.choice(len(pts), min(len(pts), 3000), replace=False)]  # capped work
    trio = sub[np.stack([rng.choice(len(sub), 3, replace=False) for _ in range(250)])]
    cx, cy, r = _through_all(trio)
    ok = np.isfinite(r) & (lo <= r) & (r <= hi)
    best = None
    if ok.any():  # the points each tried circle passes within 2.5 px of; the first best wins
        at = np.flatnonzero(ok)
        near = np.abs(np.hypot(sub[:, 0] - cx[at, None], sub[:, 1] - cy[at, None]) - r[at, None]) <= 2.5
        k = near.sum(axis=1)
        if k.max() > 0:
            j = at[int(np.argmax(k))]
            best = (float(cx[j]), float(cy[j]), float(r[j]))
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
    return d <= band, (cx, cy, r)


def _through_all(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The circles (cx, cy, r) through each triple of points of `p` (n, 3, 2); r is NaN where the
    three are in a line."""
    x1, y1, x2, y2, x3, y3 = (p[:, i, j] for i in range(3) for j in range(2))
    dd = 2 * (x1 * (y2 - y3) + x2 * (y3 - y1) + x3 * (y1 - y2))
    line = np.abs(dd) < 1e-6
    dd = np.where(line, 1.0, dd)
    s1, s2, s3 = x1 * x1 + y1 * y1, x2 * x2 + y2 * y2, x3 * x3 + y3 * y3
    cx = (s1 * (y2 - y3) + s2 * (y3 - y1) + s3 * (y1 - y2)) / dd
    cy = (s1 * (x3 - x2) + s2 * (x1 - x3) + s3 * (x2 - x1)) / dd
    return cx, cy, np.where(line, np.nan, np.hypot(x1 - cx, y1 - cy))


def erase(rgb: np.ndarray, gray: np.ndarray, line_h: float) -> np.ndarray:
    """`gray` with the seal rings of `rgb` painted over: the ring's red over the paper with the
    paper around it; elsewhere along the ring (its soft edges, print it crosses) the red channel,
    in which red ink is light and print under it stays dark."""
    m, excess = _rings(rgb, line_h)
    if excess is None or not m.any():
        return gray
    m = cv2.dilate(m, np.ones((5, 5), np.uint8)) > 0  # the ring's soft edges, less red than its middle
    k = max(3, int(0.3 * line_h)) | 1
    paper = cv2.dilate(gray, np.ones((k, k), np.uint8))
    # red ink over the paper (light in the red channel, or redder than the card round it: a
    # stamp multiplied over a bluish card darkens its red channel too), not over print (dark in
    # every channel, no redder than the card)
    half = thresholds()["seal_red_excess"] // 2
    reddish = (excess >= half) & (rgb[..., 0] >= 128)
    ys, xs = np.nonzero(m)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    box = _signed_redness(rgb[y0:y1, x0:x1])
    if min(box.shape) >= 9:
        reddish[y0:y1, x0:x1] |= (_redder_than_round(box) >= half) & (
            rgb[y0:y1, x0:x1, 0] >= 0.55 * paper[y0:y1, x0:x1]
        )
    out = gray.copy()
    out[m] = np.maximum(gray, rgb[..., 0])[m]
    out[m & reddish] = paper[m & reddish]
    return out
