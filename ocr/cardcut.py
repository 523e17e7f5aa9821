"""A found outline that is only part of a card cut by the frame (moved from card.py, verdict24)."""

from __future__ import annotations

import cv2
import numpy as np

from .card import ID1_ASPECT, _sides, order_quad


def _to_edge(p: np.ndarray, n: np.ndarray, w: int, h: int) -> np.ndarray:
    """The distance from each point along the direction n to the frame's edge."""
    out = np.full(len(p), np.inf, np.float32)
    for ax, size in ((0, w), (1, h)):
        if n[ax] > 1e-3:
            out = np.minimum(out, (size - 1 - p[:, ax]) / n[ax])
        elif n[ax] < -1e-3:
            out = np.minimum(out, -p[:, ax] / n[ax])
    return out


def runs_off_frame(gray: np.ndarray, quad: np.ndarray, tol: float = 18.0) -> bool:
    """A found outline that is only part of a card cut by the frame: beyond one of its sides, all
    the way to the frame's edge, lies more of the card. A card the frame cuts by a sliver, at a
    corner or along its length is often found by an inner line (the top of the MRZ band, the
    photo's edge) that does not touch the frame. With a card's proportions the band beyond the
    side must be both like the card inside it and unlike the surface around; with other
    proportions (a part of a card) either is enough."""
    q = order_quad(np.asarray(quad, np.float32))
    long, short = _sides(q)
    if short < 10:
        return False
    card_like = ID1_ASPECT[0] <= long / short <= ID1_ASPECT[1]
    h, w = gray.shape
    g = cv2.GaussianBlur(gray, (0, 0), 2.0).astype(np.float32)
    # the surface the card lies on: the frame away from the outline
    mask = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(mask, np.round(q).astype(np.int32), 1)
    rest = g[::2, ::2][cv2.dilate(mask, np.ones((15, 15), np.uint8))[::2, ::2] == 0]
    bg = float(np.median(rest)) if rest.size > 100 else None
    c = q.mean(0)
    reach = 0.3 * min(h, w)

    def at(p: np.ndarray) -> np.ndarray:
        return g[np.clip(p[:, 1], 0, h - 1).astype(int), np.clip(p[:, 0], 0, w - 1).astype(int)]

    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        d = b - a
        n = np.array([d[1], -d[0]], np.float32) / max(1e-6, float(np.linalg.norm(d)))
        if np.dot((a + b) / 2 - c, n) < 0:
            n = -n  # outwards
        pts = a[None, :] + np.linspace(0.15, 0.85, 15)[:, None] * d[None, :]
        lim = _to_edge(pts, n, w, h)
        if not np.all(np.isfinite(lim)) or not 3 <= float(np.median(lim)) <= reach:
            continue
        vin = at(pts - n * 0.04 * short)
        same = []
        for f in (0.3, 0.6, 0.9):
            vo = at(pts + n * (np.maximum(lim, 3) * f)[:, None])
            like = np.abs(vo - vin) < tol
            unlike = np.abs(vo - bg) > 2.5 * tol if bg is not None else np.zeros_like(like)
            same.append((like & unlike) if card_like else (like | unlike))
        if float(np.mean(same)) >= 0.7:
            return True
    return False
