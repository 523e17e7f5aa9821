"""Flatten mild curl: a page lifted off the table or held in a hand bends its text lines into bows.

After the perspective of the page's outline is corrected, the print's text lines are found (the
ink smeared along the lines, the pieces of line kept), their centre curves sampled, and one smooth
vertical displacement field fitted to all of them at once: each line is its own height plus
dy(x, y) = sum over j, m of c[j, m] * P_j(x) * Q_m(y), P a polynomial of degree 1-4 across the page
(zero mean: the page is not shifted), Q of degree 0-2 down it (a curl bends the lines near the
lifted edge more). The page is remapped by it (cv2.remap) only when the lines are measurably bent
(the fitted bend, its straight part left out, reaches a share of the text's line height, and the
curves fit the lines clearly better than straight lines do); a flat page comes out unchanged.
"""

from __future__ import annotations

import time

import cv2
import numpy as np

from ..tuning import thresholds

WORK_WIDTH = 800  # px: the lines are found on the page at this width
DEG_X, DEG_Y = 3, 1
ENABLED = True  # the benchmark turns it off to compare (bench/curl.py)


def limits() -> dict:
    """The gate's thresholds (thresholds.yml `curl`)."""
    return thresholds()["curl"]


def samples(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(x, y, line index) of points on the centre curves of the text lines of a grey page at
    WORK_WIDTH, and the lines' median height (px)."""
    h, w = gray.shape
    ink = cv2.adaptiveThreshold(gray, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 12)
    ink[cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((25, 1), np.uint8)) > 0] = 0  # vertical rules
    smear = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, max(9, w // 50)), np.uint8))
    smear = cv2.morphologyEx(smear, cv2.MORPH_OPEN, np.ones((1, 5), np.uint8))
    n, lab, st, _ = cv2.connectedComponentsWithStats(smear, connectivity=8)
    bw, bh = st[:, cv2.CC_STAT_WIDTH], st[:, cv2.CC_STAT_HEIGHT]
    keep = (bw >= max(40, w * 0.08)) & (bh >= 3) & (bh <= h * 0.04) & (bw >= 5 * bh)
    keep[0] = False
    if keep.sum() < 3:
        return np.zeros(0), np.zeros(0), np.zeros(0, int), 0.0
    line_h = float(np.median(bh[keep]))
    ys, xs = np.nonzero(ink & keep[lab].astype(np.uint8))
    ls = lab[ys, xs]
    step = max(6, int(2 * line_h))
    nb = w // step + 1
    key = ls * nb + xs // step
    cnt = np.bincount(key, minlength=n * nb).astype(np.float64)
    sy = np.bincount(key, ys, minlength=n * nb)
    sx = np.bincount(key, xs, minlength=n * nb)
    ok = np.flatnonzero(cnt >= max(4.0, 0.2 * step * line_h * 0.3))
    return sx[ok] / cnt[ok], sy[ok] / cnt[ok], ok // nb, line_h


def _basis(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Columns P_j(u) * Q_m(v), u and v in [-1, 1]; P_j with zero mean over [-1, 1]."""
    cols = []
    for j in range(1, DEG_X + 1):
        p = u**j - (1.0 / (j + 1) if j % 2 == 0 else 0.0)
        for m in range(DEG_Y + 1):
            cols.append(p * v**m)
    return np.stack(cols, axis=-1)


def fit(x, y, line, w: int, h: int) -> dict | None:
    """The displacement field fitted to the line samples (x, y, line index) of a w x h page:
    {"coef", "bend" (px: how far the lines are from straight and parallel, the 90th percentile
    over the lines of the field's spread along each, a tilt common to the page left out),
    "rms_tilt" (residual with straight parallel lines), "rms_field" (with the field), "lines",
    "u_range", "v_range"}; None with too few lines."""
    lines, idx = np.unique(line, return_inverse=True)
    nl = len(lines)
    if nl < limits()["min_lines"]:
        return None
    u = 2 * x / w - 1
    vline = np.bincount(idx, y) / np.bincount(idx)
    v = 2 * vline[idx] / h - 1
    B = _basis(u, v)
    rows = np.arange(len(x))
    A = np.zeros((len(x), nl + B.shape[1]))
    A[rows, idx] = 1.0
    A[:, nl:] = B
    wts = np.ones(len(x))
    for _ in range(3):  # a few rounds dropping the samples far off (a stray mark joined to a line)
        sol = np.linalg.lstsq(A * wts[:, None], y * wts, rcond=None)[0]
        res = y - A @ sol
        mad = 1.4826 * float(np.median(np.abs(res[wts > 0]))) + 0.3
        wts = (np.abs(res) < 3 * mad).astype(np.float64)
    coef = sol[nl:]
    # straight parallel lines (a tilt common to the page): the gate's comparison
    T = np.zeros((len(x), nl + 1))
    T[rows, idx] = 1.0
    T[:, nl] = u
    tilt = np.linalg.lstsq(T * wts[:, None], y * wts, rcond=None)[0]
    rt = y - T @ tilt
    good = wts > 0
    d = B @ coef - tilt[nl] * u  # the field along each line, the common tilt left out
    lo = np.full(nl, np.inf)
    hi = np.full(nl, -np.inf)
    np.minimum.at(lo, idx[good], d[good])
    np.maximum.at(hi, idx[good], d[good])
    spread = (hi - lo)[np.isfinite(hi - lo)]
    return {
        "coef": coef,
        "bend": float(np.percentile(spread, 90)) if spread.size else 0.0,
        "rms_tilt": float(np.sqrt(np.mean(rt[good] ** 2))),
        "rms_field": float(np.sqrt(np.mean(res[good] ** 2))),
        "lines": nl,
        "u_range": (float(np.percentile(u, 1)), float(np.percentile(u, 99))),
        "v_range": (float(v.min()), float(v.max())),
    }


def field(f: dict, w: int, h: int, k: float, gw: int = 48, gh: int = 64) -> np.ndarray:
    """dy (full-size px) on a gh x gw grid over the page (u, v clamped to where lines were)."""
    u = np.clip(np.linspace(-1, 1, gw), *f["u_range"])
    v = np.clip(np.linspace(-1, 1, gh), *f["v_range"])
    U, V = np.meshgrid(u, v)
    return (_basis(U, V) @ f["coef"]).astype(np.float32) / k


def measure(img: np.ndarray) -> tuple[dict | None, float]:
    """(the fit on an upright page, RGB or grey; the working scale)."""
    g = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    h, w = g.shape
    k = WORK_WIDTH / w
    gs = cv2.resize(g, (WORK_WIDTH, max(1, round(h * k))), interpolation=cv2.INTER_LINEAR)
    x, y, line, line_h = samples(gs)
    if not len(x):
        return None, k
    f = fit(x, y, line, gs.shape[1], gs.shape[0])
    if f is not None:
        f["line_h"] = line_h
    return f, k


def flatten(img: np.ndarray) -> tuple[np.ndarray, dict]:
    """The page with its text lines straightened when they are measurably bent, else as it is;
    notes {"curl": bend in line heights (0 when not done), "curl_ms"}."""
    t0 = time.perf_counter()
    if not ENABLED:
        return img, {"curl": 0.0, "curl_ms": 0.0}
    f, k = measure(img)
    lim = limits()
    bent = (
        f is not None
        and f["bend"] >= lim["min_bend_lines"] * f["line_h"]
        and f["rms_field"] <= lim["max_fit_ratio"] * f["rms_tilt"]
    )
    if not bent or f is None:
        return img, {"curl": 0.0, "curl_ms": round((time.perf_counter() - t0) * 1000, 1)}
    h, w = img.shape[:2]
    dy = cv2.resize(field(f, w, h, k), (w, h), interpolation=cv2.INTER_LINEAR)
    mapy = dy + np.arange(h, dtype=np.float32)[:, None]
    mapx = np.broadcast_to(np.arange(w, dtype=np.float32)[None, :], (h, w))
    out = cv2.remap(img, np.ascontiguousarray(mapx), mapy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    notes = {
        "curl": round(f["bend"] / f["line_h"], 2),
        "curl_ms": round((time.perf_counter() - t0) * 1000, 1),
    }
    return out, notes
