"""Find the card (or page) in a photo and correct its perspective."""

from __future__ import annotations

import cv2
import numpy as np

from .layout import CARD_H, CARD_W


def order_quad(pts: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left (landscape: long side on top)."""
    pts = np.asarray(pts, np.float32).reshape(4, 2)
    c = pts.mean(0)
    ang = np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0])
    pts = pts[np.argsort(ang)]  # clockwise in image coords starting near -pi (left)
    # start from the corner with the smallest x+y
    i = int(np.argmin(pts.sum(1)))
    pts = np.roll(pts, -i, 0)
    top = np.linalg.norm(pts[1] - pts[0]) + np.linalg.norm(pts[2] - pts[3])
    side = np.linalg.norm(pts[3] - pts[0]) + np.linalg.norm(pts[2] - pts[1])
    if side > top * 1.05:  # portrait in the photo: rotate so the long side is on top
        pts = np.roll(pts, -1, 0)
    return pts


def _sides(q: np.ndarray) -> tuple[float, float]:
    a = (np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
    b = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    return max(a, b), min(a, b)


def _refine(q: np.ndarray, contour: np.ndarray) -> np.ndarray:
    """Fit a line to each side's contour points (skipping rounded corners) and intersect."""
    q = order_quad(q)
    pts = contour.reshape(-1, 2).astype(np.float32)
    lines = []
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        d = b - a
        L = float(np.linalg.norm(d))
        if L < 5:
            return q
        u = d / L
        n = np.array([-u[1], u[0]])
        rel = pts - a
        t = rel @ u
        dist = np.abs(rel @ n)
        sel = (t > 0.12 * L) & (t < 0.88 * L) & (dist < 0.04 * L + 3)
        if sel.sum() < 5:
            return q
        vx, vy, x0, y0 = cv2.fitLine(pts[sel], cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0]), np.array([vx, vy])))
    out = _intersect(lines)
    if out is None or np.abs(out - q).max() > 0.15 * _sides(q)[0]:
        return q
    return out


def _intersect(lines):
    out = []
    for i in range(4):
        (p1, d1), (p2, d2) = lines[i - 1], lines[i]
        A = np.array([d1, -d2]).T
        if abs(np.linalg.det(A)) < 1e-6:
            return None
        s_, _ = np.linalg.solve(A, p2 - p1)
        out.append(p1 + s_ * d1)
    return np.array(out, np.float32)


def snap(smooth: np.ndarray, q: np.ndarray, radius: float, one_polarity: bool = False) -> np.ndarray:
    """Move each side of `q` onto the strongest edge within `radius` px along its normal.

    one_polarity: per side, keep only the edges that step the same way across it (darker to
    lighter going inward, or the reverse) — whichever way is stronger along the side. A card's
    outline steps the same way all along; the print inside it (a QR code, a title) mostly steps
    the other way at its near edge and covers only part of the side."""
    h, w = smooth.shape
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3)
    c = q.mean(0)
    offs = np.arange(-radius, radius + 1, 1.0, dtype=np.float32)
    lines = []
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        d = b - a
        L = float(np.linalg.norm(d))
        if L < 8:
            return q
        u = d / L
        n = np.array([-u[1], u[0]], np.float32)
        if np.dot(c - a, n) < 0:
            n = -n
        t = np.linspace(0.08, 0.92, max(12, int(L / 6)), dtype=np.float32)
        base = a[None, :] + t[:, None] * d[None, :]  # (T, 2)
        pts = base[:, None, :] + offs[None, :, None] * n[None, None, :]  # (T, O, 2)
        xs = np.clip(pts[..., 0], 0, w - 1).astype(np.float32)
        ys = np.clip(pts[..., 1], 0, h - 1).astype(np.float32)
        gn = cv2.remap(gx, xs, ys, cv2.INTER_LINEAR) * n[0] + cv2.remap(gy, xs, ys, cv2.INTER_LINEAR) * n[1]
        inside = (pts[..., 0] >= 0) & (pts[..., 0] < w) & (pts[..., 1] >= 0) & (pts[..., 1] < h)
        gn = np.where(inside, gn, 0)
        if one_polarity:
            pos, neg = np.maximum(gn, 0), np.maximum(-gn, 0)
            gn = pos if pos.max(1).sum() >= neg.max(1).sum() else neg
        else:
            gn = np.abs(gn)
        k = gn.argmax(1)
        strong = gn[np.arange(len(k)), k] > 8
        if strong.sum() < 6:
            lines.append((a.astype(np.float64), u.astype(np.float64)))
            continue
        sel = pts[np.arange(len(k)), k][strong]
        vx, vy, x0, y0 = cv2.fitLine(sel, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0]), np.array([vx, vy])))
    out = _intersect(lines)
    if out is None or np.abs(out - q).max() > 2.5 * radius:
        return q
    return out


def _edge_support(smooth: np.ndarray, q: np.ndarray) -> float:
    """Share of the quad's outline with a clear brightness step across it."""
    h, w = smooth.shape
    c = q.mean(0)
    k = max(2.0, 0.008 * max(w, h))
    ins, outs = [], []
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        d = b - a
        L = float(np.linalg.norm(d))
        if L < 4:
            return 0.0
        n = np.array([-d[1], d[0]]) / L
        if np.dot(c - a, n) < 0:
            n = -n  # pointing inside
        t = np.linspace(0.1, 0.9, max(4, int(L / 4)))[:, None]
        p = a + d * t
        ins.append(p + n * k)
        outs.append(p - n * k)
    pi = np.concatenate(ins).astype(int)
    po = np.concatenate(outs).astype(int)
    valid = (
        (pi[:, 0] >= 0)
        & (pi[:, 0] < w)
        & (pi[:, 1] >= 0)
        & (pi[:, 1] < h)
        & (po[:, 0] >= 0)
        & (po[:, 0] < w)
        & (po[:, 1] >= 0)
        & (po[:, 1] < h)
    )
    if not len(pi):
        return 0.0
    vi = smooth[pi[valid, 1], pi[valid, 0]].astype(int)
    vo = smooth[po[valid, 1], po[valid, 0]].astype(int)
    return float((np.abs(vi - vo) > 14).sum()) / len(pi)  # points off the frame count as misses


def _masks(gray: np.ndarray):
    """Binary images whose contours may outline the card, cheapest and most telling first."""
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    med = float(np.median(blur[::2, ::2]))
    for lo, hi in ((0.4 * med, 1.0 * med), (20, 60)):
        e = cv2.Canny(blur, max(5, lo), max(15, hi))
        yield cv2.dilate(e, np.ones((3, 3), np.uint8), iterations=1), cv2.RETR_LIST
    _, th = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    yield cv2.morphologyEx(th, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8)), cv2.RETR_EXTERNAL
    # bright-object masks at several levels: a light card on a textured/tiled light surface
    k5 = np.ones((5, 5), np.uint8)
    for lv in np.percentile(blur[::4, ::4], (45, 60, 75, 88)):
        m = cv2.morphologyEx((blur > lv).astype(np.uint8) * 255, cv2.MORPH_OPEN, k5)
        yield cv2.morphologyEx(m, cv2.MORPH_CLOSE, k5), cv2.RETR_EXTERNAL


def _quads(mask: np.ndarray, mode: int, min_area: float):
    cnts, _ = cv2.findContours(mask, mode, cv2.CHAIN_APPROX_SIMPLE)
    for c in cnts:
        if len(c) < 4 or cv2.contourArea(c) < min_area:
            continue
        hull = cv2.convexHull(c)
        peri = cv2.arcLength(hull, True)
        for eps in (0.02, 0.035, 0.05):
            ap = cv2.approxPolyDP(hull, eps * peri, True)
            if len(ap) == 4:
                yield ap.reshape(4, 2).astype(np.float32), c
                break
        else:
            # rounded corners / noise: fall back to the min-area rectangle if it fits well
            rect = cv2.minAreaRect(hull)
            if cv2.contourArea(hull) > 0.9 * rect[1][0] * rect[1][1]:
                yield cv2.boxPoints(rect).astype(np.float32), c


def _card_like(q: np.ndarray, aspect: tuple[float, float]) -> bool:
    """Convex, with sides in the expected proportion."""
    if not cv2.isContourConvex(q.reshape(4, 1, 2).astype(np.int32)):
        return False
    long, short = _sides(q)
    return short >= 10 and aspect[0] <= long / short <= aspect[1]


def no_outline() -> dict:
    """The notes of a photo with no document outline found (or one dropped)."""
    return {"area_frac": 0.0, "touches_border": False}


def find_quad(gray: np.ndarray, aspect: tuple[float, float] = (1.35, 1.9)) -> tuple[np.ndarray | None, dict]:
    """The most card-like quadrilateral in a grey image (pixel coords), and notes.

    notes: {"touches_border": bool, "area_frac": float}
    """
    h, w = gray.shape
    best, best_score, best_frac, best_snapped = None, 0.0, 0.0, False
    seen: list[tuple[np.ndarray, float, float]] = []
    edges = cv2.GaussianBlur(gray, (0, 0), 1.5)
    m = 0.006 * max(w, h)
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])

    def at_border(q):
        return bool(
            (q[:, 0] <= m).any()
            or (q[:, 1] <= m).any()
            or (q[:, 0] >= w - 1 - m).any()
            or (q[:, 1] >= h - 1 - m).any()
        )

    for mask, mode in _masks(gray):
        for q, cnt in _quads(mask, mode, 0.008 * w * h):
            if not _card_like(q, aspect):
                continue
            frac = cv2.contourArea(q) / (w * h)
            if frac > 0.985:
                continue
            rq = order_quad(_refine(q, cnt))
            if np.abs(rq - corners).max() < 0.04 * max(w, h):  # the frame itself
                continue
            support = _edge_support(edges, rq)
            snapped = False
            if 0.25 <= support < 0.5 and frac >= 0.15:
                # a big outline whose corners the polygon fit cut off (rounded corners, tile
                # joints touching the card): let each side find the card's own edge. Only a
                # clear outline is taken (a textured background also has edges everywhere).
                q2 = order_quad(snap(edges, rq, 0.025 * max(w, h), one_polarity=True))
                s2 = _edge_support(edges, q2)
                if s2 >= 0.8 and _card_like(q2, aspect):
                    rq, support, frac, snapped = q2, s2, cv2.contourArea(q2) / (w * h), True
            if support < 0.5:
                continue
            if support >= 0.85 and not at_border(rq) and _card_like(rq, ID1_ASPECT):
                seen.append((rq, frac, support))  # clear ID-card outlines (smallcard.card_within)
            score = frac * support**2 * (0.3 if at_border(rq) else 1.0)
            if score > best_score:
                best, best_score, best_frac, best_support, best_snapped = rq, score, frac, support, snapped
        # a clear, whole card of a good size, outlined as found: the remaining (costlier) masks
        # cannot do better (a snapped outline is a guess: the other masks may find the real one)
        if (
            best is not None
            and best_support >= 0.9
            and best_frac >= 0.15
            and not at_border(best)
            and not best_snapped
        ):
            break
    if best is None:
        return None, no_outline()
    q = order_quad(best)
    if best_support < 0.97:  # snap the sides onto the strongest nearby edges
        r = 0.05 * max(w, h)
        for rad in (r, r / 3, r / 6):
            # a snapped outline keeps to one step direction per side (see above)
            q2 = order_quad(snap(edges, q, rad, one_polarity=best_snapped))
            s2 = _edge_support(edges, q2)
            if s2 >= best_support:
                q, best_support = q2, s2
        best_frac = cv2.contourArea(q) / (w * h)
    return q, {"area_frac": float(best_frac), "touches_border": at_border(q), "seen": seen}


def warp(img: np.ndarray, quad: np.ndarray, size: tuple[int, int] = (CARD_W, CARD_H)) -> np.ndarray:
    w, h = size
    M = cv2.getPerspectiveTransform(np.float32(quad), np.float32([[0, 0], [w, 0], [w, h], [0, h]]))
    return cv2.warpPerspective(img, M, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def border_region(gray: np.ndarray, max_frac: float = 0.8) -> dict:
    """For a photo with no whole card: the best bright, print-bearing region cut by the frame.

    Returns {"area_frac", "touches_border", "text_density", "mask"} (mask None if none found).
    """
    h, w = gray.shape
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    k = np.ones((5, 5), np.uint8)
    _, otsu = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    masks = [cv2.morphologyEx(otsu, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))]
    for lv in np.percentile(blur[::4, ::4], (45, 60, 75, 88)):
        m = cv2.morphologyEx((blur > lv).astype(np.uint8) * 255, cv2.MORPH_OPEN, k)
        masks.append(cv2.morphologyEx(m, cv2.MORPH_CLOSE, k))
    best = {"area_frac": 0.0, "touches_border": False, "text_density": 0.0, "mask": None}
    best_score = 0.0
    for m in masks:
        n, lab, stats, _ = cv2.connectedComponentsWithStats(m)
        for i in range(1, n):
            x, y, bw, bh, a = stats[i]
            frac = a / (w * h)
            if frac < 0.06 or frac > max_frac:
                continue
            touches = x <= 1 or y <= 1 or x + bw >= w - 1 or y + bh >= h - 1
            if not touches:
                continue
            comp = (lab[y : y + bh, x : x + bw] == i).astype(np.uint8)
            cnts, _ = cv2.findContours(comp, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
            cv2.drawContours(comp, cnts, -1, 1, thickness=cv2.FILLED)  # print inside is part of it
            mask = np.zeros((h, w), bool)
            mask[y : y + bh, x : x + bw] = comp > 0
            # medians: the print, photo and emblem inside a card darken its mean, not its median
            if float(np.median(blur[mask][::4])) - float(np.median(blur[~mask][::4])) < 25:
                continue  # not clearly brighter than its surroundings: background, not a card
            td = text_density(gray, mask)
            score = frac * min(td, 0.08)
            if score > best_score:
                best_score = score
                best = {"area_frac": float(frac), "touches_border": True, "text_density": td, "mask": mask}
    return best


def text_density(gray: np.ndarray, mask: np.ndarray | None = None, level: int = 35) -> float:
    """Share of pixels in thin dark strokes on a lighter ground (print-like texture); `level`: how
    much darker than their surroundings the strokes are (a lower one finds faint print)."""
    k = max(7, int(round(min(gray.shape) / 60)) | 1)
    bh = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    strokes = (bh > level).astype(np.uint8)
    # long straight lines (tile joints, table edges, ruled lines) are not print
    L = max(25, max(gray.shape) // 20)
    lines = cv2.morphologyEx(strokes, cv2.MORPH_OPEN, np.ones((1, L), np.uint8)) | cv2.morphologyEx(
        strokes, cv2.MORPH_OPEN, np.ones((L, 1), np.uint8)
    )
    lines = cv2.dilate(lines, np.ones((3, 3), np.uint8))
    strokes = (strokes > 0) & (lines == 0)
    if mask is not None:
        return float(strokes[mask].mean()) if mask.any() else 0.0
    return float(strokes.mean())


ID1_ASPECT = (1.40, 1.80)  # an ID-1 card (1.586) seen at a phone's tilt; good photos: 1.45-1.67
