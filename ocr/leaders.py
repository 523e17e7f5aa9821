"""Dotted leader lines (the old CMND prints its values on rows of dots) found and erased before
reading: runs of small dots on one horizontal line at a regular spacing. The dots of "i" and the
tone dot below ("ị") are small too, but they are neither that many on one line nor evenly spaced."""

from __future__ import annotations

import cv2
import numpy as np

from .tuning import thresholds

MIN_DOTS = 8
FAR = 15  # steps between two dots of one dotted line with print over it between them
FAINT_DOT_CONTRAST = thresholds()["faint_dot_contrast"]
SOLID_LINES = thresholds()["faint_dot_solid_lines"]


def _on_beat(d: float, step: float, far: int = FAR) -> bool:
    """One, two or three steps of the run apart (a dot may be lost), or up to `far` steps, closer
    to the beat (the dots of a line a value is typed on, seen between its words: the ones under
    the letters are hidden, so two seen may be many steps apart)."""
    n = round(d / step)
    return 1 <= n <= far and abs(d - n * step) <= (0.3 if n <= 3 else 0.2 if n <= 8 else 0.1) * step


def _roofed(ink: np.ndarray, lab: np.ndarray, st: np.ndarray, i: int, reach: int) -> bool:
    """Print right above mark `i` (within `reach` rows, over its columns): the tone dot under a
    letter ("Ị", "Ọ", "ạ"), not a leader dot seen between two typed words."""
    x, y, w = st[i, 0], st[i, 1], st[i, 2]
    above = lab[max(0, y - reach) : y, max(0, x - 1) : x + w + 1]
    return bool(((above != i) & (ink[max(0, y - reach) : y, max(0, x - 1) : x + w + 1] > 0)).any())


def leader_mask(ink: np.ndarray, max_dot: int) -> np.ndarray:
    """Mask (uint8 0/1) of the components of `ink` (0/1) that are leader dots."""
    n, lab, st, cen = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    sel, tiny = _dot_sized(st, max_dot)
    keep = _dots_in_rows(st, cen, sel, tiny, max_dot, (ink, lab))
    if not keep.any():
        return np.zeros(ink.shape, np.uint8)
    return keep[lab]


def _dot_sized(st: np.ndarray, max_dot: int) -> tuple[np.ndarray, np.ndarray]:
    """Which components (stats of connectedComponentsWithStats) are round dots (a comma is taller
    than wide), and which are specks of one or two pixels (a faint dot that Otsu's cut or the JPEG
    left two pixels of has no shape to tell); never the background, 0."""
    w, h, a = st[:, 2], st[:, 3], st[:, 4]
    size = (w <= max_dot) & (h <= max_dot) & (a >= 1)
    sel = size & (w >= 0.6 * h) & (w <= 1.7 * h)
    tiny = size & ~sel & (np.maximum(w, h) <= 2)
    sel[0] = tiny[0] = False
    return sel, tiny


def _dots_in_rows(
    st: np.ndarray,
    cen: np.ndarray,
    sel: np.ndarray,
    tiny: np.ndarray,
    max_dot: int,
    roof: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """(n,) uint8: which of the components `sel` are dots evenly spaced along one row, and which
    specks `tiny` lie on such a row's beat (JPEG specks are everywhere: only on a row the round
    dots make). `roof` (the print and the components' labels) tells a tone dot under a letter,
    which is a leader dot only near the next one."""
    n = len(st)
    ink, lab = roof
    small = np.flatnonzero(sel)
    if len(small) < MIN_DOTS:
        return np.zeros(n, np.uint8)
    small = small[np.argsort(cen[small, 1])]
    keep = np.zeros(n, np.uint8)
    tol = max(1.5, 0.5 * max_dot)
    cy = cen[small, 1]
    cuts = np.flatnonzero(np.diff(cy) > tol) + 1  # rows of dots: breaks in the sorted heights
    groups = [g for g in np.split(small, cuts) if len(g) >= MIN_DOTS]
    for g in groups:
        xs = np.sort(cen[g, 0])
        gaps = np.diff(xs)
        gaps = gaps[gaps > 0.5]
        if len(gaps) < MIN_DOTS - 1:
            continue
        # the run's step: the common small gap (a dot hidden under a letter's foot makes a gap
        # of two or three steps, which is still on the beat)
        q = float(np.percentile(gaps, 25))
        med = float(np.median(gaps[gaps <= 1.5 * q]))
        regular = np.array([_on_beat(gp, med) for gp in gaps])
        if med > 6 * max_dot or regular.mean() < 0.7 or (np.abs(gaps - med) <= 0.35 * med).mean() < 0.4:
            continue
        # only the dots at the run's spacing from a neighbour (a tone dot under a letter is not)
        order = sorted(g, key=lambda i: cen[i, 0])
        x = [cen[i, 0] for i in order]
        for k, i in enumerate(order):
            far = 3 if _roofed(ink, lab, st, i, max_dot) else FAR  # far on the beat: between words
            left = k > 0 and _on_beat(x[k] - x[k - 1], med, far)
            right = k + 1 < len(order) and _on_beat(x[k + 1] - x[k], med, far)
            if left or right:
                keep[i] = 1
        kept = np.sort(cen[[i for i in order if keep[i]], 0])
        on_row = np.flatnonzero(tiny & (np.abs(cen[:, 1] - float(np.median(cen[g, 1]))) <= tol))
        if len(kept) and len(on_row):
            j = np.searchsorted(kept, cen[on_row, 0])
            near = np.minimum(
                np.abs(cen[on_row, 0] - kept[np.clip(j - 1, 0, len(kept) - 1)]),
                np.abs(kept[np.clip(j, 0, len(kept) - 1)] - cen[on_row, 0]),
            )
            far = [3 if _roofed(ink, lab, st, i, max_dot) else FAR for i in on_row]
            keep[on_row[[_on_beat(d, med, f) for d, f in zip(near, far)]]] = 1
    return keep


def _faint_dots(gray: np.ndarray, ink: np.ndarray, t: float, max_dot: int, line_h: float) -> np.ndarray:
    """Mask (uint8 0/1) of the faint leader dots: small marks FAINT_DOT_CONTRAST darker than the
    paper round them, lighter than Otsu's ink (cut at `t`) on the whole, with paper all round (no
    other ink within half a dot's size: a letter's foot, the portrait's dark edge, whose noise made
    a row of "dots" read as "0255210"), not in or next to a solid dark region (the portrait, the
    emblem), evenly spaced along a row (`leader_mask`'s test). The tests of paper round a mark are
    made on the dot-sized light marks only, each in its own small window (speed24: the same marks
    as whole-card dilations of every mark, ~4x quicker)."""
    k = (2 * max_dot + 1) | 1
    dark = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, np.ones((k, k), np.uint8))
    cand = (dark >= FAINT_DOT_CONTRAST).astype(np.uint8)
    n, lab, st, cen = cv2.connectedComponentsWithStats(cand, connectivity=8)
    none = np.zeros(gray.shape, np.uint8)
    sel, tiny = _dot_sized(st, max_dot)
    if sel.sum() < MIN_DOTS:  # too few to make a row whatever the rest says
        return none
    # per-mark sums over the candidates' pixels only (the whole card's pixels cost ~50 ms a card)
    ys, xs = np.nonzero(cand)
    labs = lab[ys, xs]
    area = np.maximum(1, np.bincount(labs, minlength=n))
    light = np.bincount(labs, weights=gray[ys, xs], minlength=n) / area > t
    sel &= light
    tiny &= light
    if sel.sum() < MIN_DOTS:
        return none
    r = max(2, max_dot // 2)  # other ink this near a mark (another mark's or none's): no paper all round
    mark = ((ink > 0) | (cand > 0)).astype(np.uint8)  # a faint line (a date's box) counts too
    s = max(3, int(SOLID_LINES * line_h)) | 1
    solid = cv2.morphologyEx(ink.astype(np.uint8), cv2.MORPH_OPEN, np.ones((s, s), np.uint8))
    near_ink, near_solid = np.ones((2 * r + 1,) * 2, np.uint8), np.ones((2 * s + 1,) * 2, np.uint8)
    has_solid = bool(solid.any())
    H, W = gray.shape
    for i in np.flatnonzero(sel | tiny):
        x, y, w, h = st[i, :4]
        for rad, img, kern, other in ((r, mark, near_ink, True), (s, solid, near_solid, False)):
            if not other and not has_solid:
                continue
            y0, y1, x0, x1 = max(0, y - rad), min(H, y + h + rad), max(0, x - rad), min(W, x + w + rad)
            own = (lab[y0:y1, x0:x1] == i).astype(np.uint8)
            hit = cv2.dilate(own, kern) & img[y0:y1, x0:x1]
            if (hit & (1 - own)).any() if other else hit.any():
                sel[i] = tiny[i] = False
                break
    keep = _dots_in_rows(st, cen, sel, tiny, max_dot, ((sel | tiny)[lab], lab))
    return keep[lab] if keep.any() else none


def erase(gray: np.ndarray, line_h: float, faint: bool = True) -> np.ndarray:
    """`gray` with its leader dots painted over with the paper around them (the faint ones too
    unless `faint` is False: a card that is no old CMND front has no dotted lines to print faint)."""
    if gray.size == 0 or min(gray.shape) < 40:
        return gray
    t, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    max_dot = max(2, int(0.16 * line_h))
    m = leader_mask(ink, max_dot)
    # dots printed faint, lighter than Otsu's ink (a date read with its dotted line:
    # "2021-12-10" for 21-12-1961): small marks darker than the paper right round them
    if faint:
        m |= _faint_dots(gray, ink, t, max_dot, line_h)
    if not m.any():
        return gray
    m = cv2.dilate(m, np.ones((5, 5), np.uint8))
    k = max(3, int(0.3 * line_h)) | 1
    paper = cv2.dilate(gray, np.ones((k, k), np.uint8))  # the paper around each dot
    out = gray.copy()
    out[m > 0] = paper[m > 0]
    return out


def _lines(ink: np.ndarray, length: int, thin: int, vertical: bool) -> np.ndarray:
    """Thin straight lines of `ink` at least `length` long (a dashed one closed first: a thin
    frame breaks up in a JPEG), without the parts thicker than `thin` (print, a QR's modules)."""
    along = (length, 1) if vertical else (1, length)
    gap = (9, 1) if vertical else (1, 9)
    across = (1, thin) if vertical else (thin, 1)
    m = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones(gap, np.uint8))
    m = cv2.morphologyEx(m, cv2.MORPH_OPEN, np.ones(along, np.uint8))
    thick = cv2.dilate(
        cv2.morphologyEx(m, cv2.MORPH_OPEN, np.ones(across, np.uint8)), np.ones((3, 3), np.uint8)
    )
    return m & (1 - thick)


def frame_mask(ink: np.ndarray, line_h: float) -> np.ndarray:
    """Mask (uint8 0/1) of thin rectangular frames in `ink` (0/1): boxes a date is typed in (a
    form's "Sinh ngày [12] [03] [1975]"), about a line high, drawn on all four sides."""
    ink = ink.astype(np.uint8)
    thin = max(4, int(0.12 * line_h))
    hl = _lines(ink, max(8, int(0.6 * line_h)), thin, False)
    vl = _lines(ink, max(8, int(0.55 * line_h)), thin, True)
    both = hl | vl
    n, lab, st, _ = cv2.connectedComponentsWithStats(both, connectivity=8)
    out = np.zeros(ink.shape, np.uint8)
    t = thin
    for i in range(1, n):
        x, y, w, h, _a = st[i]
        if not (0.8 * line_h <= h <= 2.5 * line_h and 0.8 * line_h <= w <= 12 * line_h):
            continue
        m = lab[y : y + h, x : x + w] == i
        mh, mv = m & (hl[y : y + h, x : x + w] > 0), m & (vl[y : y + h, x : x + w] > 0)
        # straight lines on all four sides (a letter's curves and strokes are not)
        rows = mh[:t].any(axis=0).mean(), mh[-t:].any(axis=0).mean()
        cols = mv[:, :t].any(axis=1).mean(), mv[:, -t:].any(axis=1).mean()
        if min(rows) >= 0.6 and min(cols) >= 0.6:
            edge = np.ones_like(m)
            edge[t:-t, t:-t] = False  # the outline only: a digit's stroke touching it stays
            out[y : y + h, x : x + w][m & edge] = 1
    return out


def erase_frames(gray: np.ndarray, line_h: float) -> np.ndarray:
    """`gray` with the thin boxes around typed values painted over with the paper around them
    (a box's sides read as "|", "I" or "1" and joined its digits into one unreadable run)."""
    if gray.size == 0 or min(gray.shape) < 40:
        return gray
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    m = frame_mask(ink, line_h)
    if not m.any():
        return gray
    m = cv2.dilate(m, np.ones((3, 3), np.uint8))
    k = max(3, int(0.3 * line_h)) | 1
    paper = cv2.dilate(gray, np.ones((k, k), np.uint8))
    out = gray.copy()
    out[m > 0] = paper[m > 0]
    return out


def undot(crop: np.ndarray) -> np.ndarray:
    """A value's crop without the dots of the line it is typed on: the small marks in its lower
    part painted white, and the crop cut after its last print (a run of print joined to its dotted
    line reads as "10101.103.222..." for "10 - 01 - 1975")."""
    if crop.size == 0 or min(crop.shape) < 8:
        return crop
    _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    h = crop.shape[0]
    n, lab, st, cen = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    dots = (st[:, 3] <= 0.2 * h) & (st[:, 2] <= 0.25 * h) & (cen[:, 1] > 0.6 * h)
    dots[0] = False
    out = crop.copy()
    out[dots[lab]] = 255
    keep = np.ones(n, bool)
    keep[0] = False
    keep &= ~dots
    cols = np.flatnonzero(keep[lab].any(axis=0))
    return out[:, : cols.max() + h // 2] if len(cols) else out


def typed_band(gray: np.ndarray, ws: list[dict], gap: float = 4.0, close: float = 0.4) -> np.ndarray:
    """A typed value's line from its first word read to the end of its print (the words `ws`
    read of it may be a part: a typewriter's wide spacing split "2 5 . 0 9 . 1 9 5 1" into runs,
    some unread), its dotted line taken out (`undot`), ending at the first blank `gap` line
    heights wide, and every blank wider than `close` of a line closed up to that: the characters
    set together as Tesseract reads them best."""
    x0, y0 = min(w["x0"] for w in ws), min(w["y0"] for w in ws)
    y1 = max(w["y1"] for w in ws)
    h = max(1, y1 - y0)
    H, W = gray.shape
    band = gray[max(0, y0 - h // 3) : min(H, y1 + h // 4), max(0, x0 - h // 2) :]
    if band.size == 0 or min(band.shape) < 8:
        return band
    band = undot(band)
    _, ink = cv2.threshold(band, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    cols = ink.sum(axis=0) > 0
    keep, blank, seen = [], 0, False
    for x, c in enumerate(cols):
        if c:
            seen, blank = True, 0
        else:
            blank += 1
            if seen and blank > gap * h:
                break
            if blank > close * h:
                continue  # closed up
        keep.append(x)
    return band[:, keep] if keep else band
