"""A page bent in 3-D (curlq22): seen by a phone 33-48 cm away its outline bows and its corners
move, and the shading of the bend (a lit ridge, a darker slope) splits it at every brightness
level. A small four-cornered outline the finder takes may then be a part of it (its lit part, a
box of its form): the whole page is the largest solid four-sided region holding it, its sides
curves, whose outline steps against the ground; `too_small` is judged on that region's area."""

from __future__ import annotations

import cv2
import numpy as np

from .. import card as cardmod

LOOSE_BELOW = 0.15  # an outline found smaller than this share of the frame may be part of a bent page
LOOSE_SOLID = 0.85  # a bent page's region fills at least this share of its loose four-sided outline
LOOSE_ASPECT = 2.2  # long/short side of such a region's minimal area rectangle, at most
RIDGE_SPAN = 0.8  # a clipped band running this share of the page's extent along it or more ...
RIDGE_ASPECT = 5.0  # ... and this many times longer than wide is a bend's lit ridge, not a glare
RIDGE_PRINT_KEPT = 0.05  # under a ridge the print (density inside / around) is lost only below this
LOOSE_SUPPORT = 0.3  # share of such a region's curved outline stepping against the ground (a bend's shading, a light table)


def quad_of(hull: np.ndarray) -> np.ndarray | None:
    """The hull's four corners, approximated tightly (a flat page's outline), or None."""
    peri = cv2.arcLength(hull, True)
    for eps in (0.015, 0.025, 0.04, 0.06):
        ap = cv2.approxPolyDP(hull, eps * peri, True)
        if len(ap) == 4:
            return ap.reshape(4, 2).astype(np.float32)
    return None


def loose_quad(hull: np.ndarray) -> np.ndarray | None:
    """A four-sided region whose sides are curves (a page bent in 3-D, seen from 33-48 cm: its
    outline bows, its corners move; curlq22): the hull approximated loosely, else its minimal
    area rectangle, when the region fills it."""
    ha = cv2.contourArea(hull)
    peri = cv2.arcLength(hull, True)
    for eps in (0.08, 0.11):
        ap = cv2.approxPolyDP(hull, eps * peri, True)
        if len(ap) == 4 and LOOSE_SOLID * cv2.contourArea(ap) <= ha <= 1.2 * cv2.contourArea(ap):
            return ap.reshape(4, 2).astype(np.float32)
    box = cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float32)
    return box if ha >= LOOSE_SOLID * cv2.contourArea(box) else None


def page_shaped(hull: np.ndarray) -> bool:
    """A region in a page's proportions, loosely (its minimal area rectangle's sides within
    LOOSE_ASPECT: a bent page tilted away is foreshortened across its bend)."""
    (_c, (a, b), _t) = cv2.minAreaRect(hull)
    return min(a, b) >= 10 and max(a, b) / min(a, b) <= LOOSE_ASPECT


def _outline_support(smooth: np.ndarray, hull: np.ndarray) -> float:
    """Share of a convex outline (curved sides followed) with a clear brightness step across it,
    as card._edge_support for a quad's straight sides."""
    h, w = smooth.shape
    poly = cv2.approxPolyDP(hull, 0.004 * cv2.arcLength(hull, True), True).reshape(-1, 2).astype(np.float32)
    c = poly.mean(0)
    k = max(2.0, 0.008 * max(w, h))
    ins, outs = [], []
    for a, b in zip(poly, np.roll(poly, -1, axis=0), strict=True):
        d = b - a
        L = float(np.linalg.norm(d))
        if L < 1:
            continue
        n = np.array([-d[1], d[0]]) / L
        if np.dot(c - a, n) < 0:
            n = -n
        t = np.linspace(0.0, 1.0, max(2, int(L / 4)), endpoint=False)[:, None]
        p = a + d * t
        ins.append(p + n * k)
        outs.append(p - n * k)
    if not ins:
        return 0.0
    pi, po = np.concatenate(ins).astype(int), np.concatenate(outs).astype(int)
    lim = np.array([w, h])
    valid = ((pi >= 0) & (pi < lim) & (po >= 0) & (po < lim)).all(1)
    vi = smooth[pi[valid, 1], pi[valid, 0]].astype(int)
    vo = smooth[po[valid, 1], po[valid, 0]].astype(int)
    return float((np.abs(vi - vo) > 14).sum()) / len(pi)


def bent_region(hull: np.ndarray, at_border) -> tuple[np.ndarray, np.ndarray] | None:
    """(hull, its loose quad) of a page-shaped four-sided region off the frame's edge, or None."""
    lq = loose_quad(hull)
    if lq is None or at_border(lq) or not page_shaped(hull):
        return None
    return hull, cardmod.order_quad(lq)


def edge_regions(blur: np.ndarray, at_border) -> list[tuple[np.ndarray, np.ndarray]]:
    """(hull, loose quad) of the page-shaped outlines in two Canny edge maps (as card._masks): a
    bent page's outline where its shading splits it at every brightness level (a lit ridge, a
    darker slope on a table nearly as light)."""
    h, w = blur.shape
    med = float(np.median(blur[::2, ::2]))
    out = []
    for lo, hi in ((0.4 * med, 1.0 * med), (20, 60)):
        e = cv2.dilate(cv2.Canny(blur, max(5, lo), max(15, hi)), np.ones((3, 3), np.uint8))
        cnts, _ = cv2.findContours(e, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        for c in cnts:
            hull = cv2.convexHull(c)
            if not (LOOSE_BELOW * w * h <= cv2.contourArea(hull) <= 0.97 * w * h):
                continue
            if (r := bent_region(hull, at_border)) is not None:
                out.append(r)
    return out


def whole_region(
    best: np.ndarray, best_frac: float, regions: list[tuple[np.ndarray, np.ndarray]], smooth: np.ndarray
) -> tuple[np.ndarray, float]:
    """A small outline may be a part of a bent page (curlq22: its corners moved, so the quad fitted
    to it cuts a lifted corner off, or only its bright ridge or a box of its form is four-cornered):
    the largest solid region holding it whose curved outline steps against the table all round
    is the page, judged by its own area (too_small) and framed by its loose quad."""
    h, w = smooth.shape
    c = best.mean(0)
    for hull, lq in sorted(regions, key=lambda r: -cv2.contourArea(r[0])):
        frac = cv2.contourArea(hull) / (w * h)
        if frac < max(LOOSE_BELOW, best_frac):  # only a region that makes the page big enough counts
            break
        if cv2.pointPolygonTest(hull, (float(c[0]), float(c[1])), False) < 0:
            continue
        if _outline_support(smooth, hull) >= LOOSE_SUPPORT:
            return lq, frac
    return best, best_frac


def is_ridge(blob: np.ndarray, region: np.ndarray) -> bool:
    """Whether a clipped blob on a page is the lit ridge of a bend: a long thin band running
    (nearly) the page's whole extent along it (a lifted edge's fold, a raised middle), where
    the print is lifted but stays readable, rather than a compact glare washing it out."""
    ys, xs = np.nonzero(blob)
    if len(xs) < 20:
        return False
    (_c, (a, b), t) = cv2.minAreaRect(np.stack([xs, ys], 1).astype(np.float32))
    length, width = max(a, b), max(1.0, min(a, b))
    if length < RIDGE_ASPECT * width:
        return False
    ang = np.deg2rad(t if a >= b else t + 90)
    d = np.array([np.cos(ang), np.sin(ang)])
    py, px = np.nonzero(region)
    proj = px * d[0] + py * d[1]
    return bool(length >= RIDGE_SPAN * float(proj.max() - proj.min()))
