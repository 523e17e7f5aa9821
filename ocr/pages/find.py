"""Find a paper page in a photo: the large, bright, solid, four-sided region.

The ID-card finder (ocr.card.find_quad) scores outlines from edge maps; on a tiled or ruled table
a tile joint running into the page can bend its outline. A page is simpler: it is the largest
bright region, nearly convex once its print is closed over, with four corners (a mild curl or a
fold rounds its sides but keeps the hull four-cornered). Candidates from several brightness
levels are scored by area × the share of the outline with a brightness step across it.
"""

from __future__ import annotations

import cv2
import numpy as np

from .. import card as cardmod
from .bent import LOOSE_BELOW, RIDGE_PRINT_KEPT, bent_region, edge_regions, is_ridge, quad_of, whole_region

ASPECT = (1.15, 1.75)  # long/short side of a page outline in a photo (A4 is 1.41; tilt skews it)
MIN_FRAC = 0.02  # a page far away is found (and judged too_small), not taken for the frame
CUT_PRINT_MIN = 0.012  # print density in a band along the frame from which the page's print is cut
GLARE_PRINT_KEPT = 0.2  # print density under a clipped blob / around it: at least this, the print survived (paper21: 0.3 → 0.2; flash photos 0.26, glare 0.0-0.02, a glossy fade 0.18)
GLARE_TEXT_SHARE = 0.05  # share of the page's text lines a washed-out blob covers: from this, glare
GLARE_FAINT = 12  # black-hat levels from which a mark on clipped (noise-free) paper is print still seen
CUT_GAP = 3  # px past a glare blob's dilated edge where a line's print shows it was cut by the blob
MAX_SAT = 80  # HSV saturation (0..255) above which a pixel is not white paper


def find_page(gray: np.ndarray, rgb: np.ndarray | None = None) -> tuple[np.ndarray | None, dict]:
    """(quad tl, tr, br, bl in gray's pixels, landscape-ordered as ocr.card; or None), notes
    {"area_frac", "touches_border"}. rgb (same size as gray), when given, keeps coloured things
    (a sticky note, a coloured folder) out of the page: paper is bright and nearly grey."""
    h, w = gray.shape
    grey_enough = None
    if rgb is not None and rgb.ndim == 3:
        sat = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)[..., 1]
        grey_enough = (cv2.GaussianBlur(sat, (5, 5), 0) < MAX_SAT).astype(np.uint8)
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    edges = cv2.GaussianBlur(gray, (0, 0), 1.5)
    levels = [cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[0]]
    levels += list(np.percentile(blur[::4, ::4], (40, 55, 70, 80)))
    r = max(9, int(max(h, w) / 50)) | 1
    close_k = cv2.getStructuringElement(cv2.MORPH_RECT, (r, r))
    open_k = np.ones((5, 5), np.uint8)
    m_px = 0.006 * max(w, h)

    def at_border(q: np.ndarray) -> bool:
        return bool(
            (q[:, 0] <= m_px).any()
            or (q[:, 1] <= m_px).any()
            or (q[:, 0] >= w - 1 - m_px).any()
            or (q[:, 1] >= h - 1 - m_px).any()
        )

    def score(q: np.ndarray) -> tuple[float, float]:
        """(score, area fraction): area × edge support³, a quad on the frame's edge discounted
        (a page merged with a tile that reaches the frame must not beat the page alone)."""
        support = cardmod._edge_support(edges, q)
        border = at_border(q)
        if support < (0.35 if border else 0.6):
            return 0.0, 0.0
        frac = cv2.contourArea(q) / (w * h)
        return frac * support**3 * (0.4 if border else 1.0), frac

    best, best_score, best_frac = None, 0.0, 0.0
    regions: list[tuple[np.ndarray, np.ndarray]] = []  # solid four-sided regions: (hull, loose quad)
    for lv in levels:
        mask = (blur > lv).astype(np.uint8) * 255
        if grey_enough is not None:
            mask *= grey_enough
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, open_k)  # cut thin bridges to the table
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, close_k)  # close over the print
        cnts, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for c in cnts:
            area = cv2.contourArea(c)
            if area < MIN_FRAC * w * h or area > 0.97 * w * h:
                continue
            hull = cv2.convexHull(c)
            if area < 0.88 * cv2.contourArea(hull):
                continue  # not solid: the page joined to something else
            if (r := bent_region(hull, at_border)) is not None:  # four sides, perhaps curves
                regions.append(r)
            q = quad_of(hull)
            if q is None or not (0.9 <= cv2.contourArea(hull) / max(1.0, cv2.contourArea(q)) <= 1.1):
                continue
            q = cardmod.order_quad(cardmod._refine(q, c))
            if not cardmod._card_like(q, ASPECT):
                continue
            sc, frac = score(q)
            if sc > best_score:
                best, best_score, best_frac = q, sc, frac
    # the edge-based outline too: a strong shadow over part of the page splits it at every
    # brightness level, while its outline still steps against the table all round
    q2, _notes = cardmod.find_quad(gray, ASPECT)
    if q2 is not None:
        sc, frac = score(q2)
        if sc > best_score * 1.1:
            best, best_score, best_frac = q2, sc, frac
    if best is None:
        return None, cardmod.no_outline()
    if best_frac < LOOSE_BELOW:
        regions += edge_regions(blur, at_border)
        best, best_frac = whole_region(best, best_frac, regions, edges)
    return best, {"area_frac": float(best_frac), "touches_border": at_border(best)}


def print_cut(
    gray: np.ndarray,
    region: np.ndarray,
    quad: np.ndarray | None = None,
    only: np.ndarray | None = None,
    rgb: np.ndarray | None = None,
) -> bool:
    """Whether a page that meets the frame has its print cut there (`cropped`), rather than only
    its blank margin (a page filling the frame, or over its edge by a hair: an officer reads it
    all). region: the page's pixels in gray (bool; the whole frame when no outline was found).

    Along each side of the frame, a band a little wider than a line gap is looked at where it is
    paper (its brightness without the print near the page's own) and on the page (its outline,
    give or take a few pixels): print there, at a density like the page's, is cut by the frame.
    only: where to look for it (bool; e.g. between an outline a little short of the frame and it).
    rgb (same size as gray), when given: coloured ground is not paper (a green table lit by the
    flash is as light as the page, and its grain is not print: paper20)."""
    h, w = gray.shape
    if not region.any():
        return False
    bw = max(4, round(0.025 * min(h, w)))  # wider than a line gap: a cut between lines is seen
    e = max(3, round(0.015 * min(h, w)))
    inner = cv2.erode(region.astype(np.uint8), np.ones((2 * e + 1, 2 * e + 1), np.uint8)).astype(bool)
    if not inner.any():
        return False
    page_td = cardmod.text_density(gray, inner)
    k = max(7, round(min(h, w) / 40)) | 1
    paper_bg = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    paper = paper_bg >= 0.88 * float(np.median(paper_bg[inner]))
    if rgb is not None and rgb.ndim == 3:
        sat = cv2.GaussianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)[..., 1], (5, 5), 0)
        paper &= sat < MAX_SAT
    d = max(2, bw // 2)  # the outline, give or take a few pixels (it is a guess where the page runs off)
    near = cv2.dilate(region.astype(np.uint8), np.ones((2 * d + 1, 2 * d + 1), np.uint8)).astype(bool)
    if quad is not None:  # the page's own edges where they cross a band are not print
        edges = np.zeros((h, w), np.uint8)
        q = np.asarray(quad, np.float32)
        lim = np.array([w - 1, h - 1], np.float32)
        for a, b in zip(q, np.roll(q, -1, axis=0), strict=True):
            on_frame = any(
                (a[i] <= 3 and b[i] <= 3) or (a[i] >= lim[i] - 3 and b[i] >= lim[i] - 3) for i in (0, 1)
            )
            # a corner well outside the frame: its sides there are a guess, not the page's edge
            guess = any(((c < -e) | (c > lim + e)).any() for c in (a, b))
            if not on_frame and not guess:
                cv2.line(edges, tuple(int(v) for v in a), tuple(int(v) for v in b), 1, 2 * e + 1)
        near &= edges == 0
    kb = max(7, round(min(h, w) / 60)) | 1
    strokes = (
        cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (kb, kb))) > 35
    )
    strokes &= ~_ruled(strokes, max(15, 2 * bw))
    for side in range(4):
        band = np.zeros((h, w), bool)
        if side == 0:
            band[:bw, :] = True
        elif side == 1:
            band[-bw:, :] = True
        elif side == 2:
            band[:, :bw] = True
        else:
            band[:, -bw:] = True
        meet = band & paper & near & (True if only is None else only)
        if meet.sum() < 0.1 * band.sum():
            continue  # the page does not run along this side of the frame
        # print is many short marks across the band; the page's own edge, a sliver of table or a
        # shadow's edge beside it is one long stroke along it: not print
        n, lab, st, _ = cv2.connectedComponentsWithStats((strokes & meet).astype(np.uint8), connectivity=8)
        along = st[1:, cv2.CC_STAT_WIDTH if side < 2 else cv2.CC_STAT_HEIGHT]
        short = along <= max(6 * bw, 0.2 * (w if side < 2 else h))
        for j in np.flatnonzero(short):  # a straight piece of an edge crossing the band, not a letter
            if st[j + 1, cv2.CC_STAT_AREA] >= 6:
                ys, xs = np.nonzero(lab == j + 1)
                (_c, (a, b), _t) = cv2.minAreaRect(np.stack([xs, ys], 1).astype(np.float32))
                if max(a, b) >= 0.8 * bw and max(a, b) >= 4 * max(1.0, min(a, b)):
                    short[j] = False

        if float(st[1:, cv2.CC_STAT_AREA][short].sum()) / meet.sum() >= max(CUT_PRINT_MIN, 0.3 * page_td):
            return True
    return False


def _ruled(strokes: np.ndarray, length: int) -> np.ndarray:
    """The straight lines among the strokes (bool): what survives an opening by a line `length`
    px long at some angle (every 10°), a little widened. A printed frame round a form, a table's
    rules or the page's edge near the frame are lines, and a corner of a frame (an L of two
    lines) is no letter (paper20: a page filling the frame, its printed border's corner in the
    band along the frame, was `cropped`); letters, even joined into words, are not that long
    and straight at the verdict's scale."""
    u8 = strokes.astype(np.uint8)
    out = np.zeros_like(u8)
    c = length // 2
    for deg in range(0, 180, 10):
        k = np.zeros((length, length), np.uint8)
        t = np.deg2rad(deg)
        dx, dy = c * np.cos(t), c * np.sin(t)
        cv2.line(k, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1, 1)
        out = np.maximum(out, cv2.morphologyEx(u8, cv2.MORPH_OPEN, k))
    return cv2.dilate(out, np.ones((3, 3), np.uint8)).astype(bool)


def glare_washes_print(
    gray: np.ndarray, clipped: np.ndarray, region: np.ndarray
) -> tuple[bool, float, float]:
    """Whether the largest clipped blob on a page washes out its print (glare on glossy paper:
    the reflection is added to the ink too) or leaves it dark (the flash's hot-spot on matte
    paper, light paper clipped around print that stays readable) or covers too little of the text
    to matter. Returns (washed, the print density inside the blob / around it, the share of the
    text lines it covers)."""
    n, lab, stats, _ = cv2.connectedComponentsWithStats(clipped.astype(np.uint8), connectivity=8)
    if n < 2:
        return False, 1.0, 0.0
    i = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    blob = (lab == i).astype(np.uint8)
    h, w = gray.shape
    k = max(5, round(0.02 * min(h, w))) | 1
    blob = cv2.morphologyEx(blob, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))  # print inside is in it
    cnts, _ = cv2.findContours(blob, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cv2.drawContours(blob, cnts, -1, 1, thickness=cv2.FILLED)
    inside = blob.astype(bool) & region
    r = max(k, round(0.5 * float(np.sqrt(inside.sum()))))
    ring = (
        cv2.dilate(blob, np.ones((2 * r + 1, 2 * r + 1), np.uint8)).astype(bool) & ~blob.astype(bool) & region
    )
    # its core (a glossy reflection washes the print out most at its centre; the edge of a large
    # clipped patch still shows print at lower contrast)
    dist = cv2.distanceTransform(blob, cv2.DIST_L2, 5)
    core = inside & (dist >= 0.4 * float(dist.max()))
    # print under the blob counts while it is seen at all: clipped paper is flat (no noise there),
    # so ink a flash's sheen lifted to a light grey still stands out; glare clips the ink too
    faint = _faint_print(gray)
    core = core if core.sum() >= 50 else inside
    td_in = float(faint[core].mean()) if core.any() else 0.0
    td_ring = cardmod.text_density(gray, ring) if ring.any() else 0.0
    ratio = td_in / td_ring if td_ring > 0 else 1.0
    share = lost_text_share(gray, inside, ring, region, faint)
    kept = (
        RIDGE_PRINT_KEPT if is_ridge(lab == i, region) else GLARE_PRINT_KEPT
    )  # a bend's lit ridge (curlq22)
    washed = td_ring >= 0.01 and ratio < kept and share >= GLARE_TEXT_SHARE
    return bool(washed), round(ratio, 3), round(share, 4)


def cut_beside(gray: np.ndarray, region: np.ndarray, rgb: np.ndarray | None, min_density: float) -> bool:
    """A page outline with next to no print is a blank sheet, unless it is the blank part of a page
    whose print the frame cuts beside it (paper21: a page cut at its top, its blank lower half closed
    by a tiled floor, was `not_document`): print on the frame, outside the outline, cut by its edge."""
    if cardmod.text_density(gray, None) < min_density:
        return False
    return print_cut(gray, np.ones(gray.shape, bool), None, ~region, rgb)


def _faint_print(gray: np.ndarray) -> np.ndarray:
    """Marks at least GLARE_FAINT levels darker than the paper around them (bool)."""
    k = max(7, round(min(gray.shape) / 60)) | 1
    bh = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    return bh > GLARE_FAINT


def lost_text_share(
    gray: np.ndarray, inside: np.ndarray, ring: np.ndarray, region: np.ndarray, seen: np.ndarray | None = None
) -> float:
    """The share of the page's text lines a washed-out blob covers. The lines are the print's
    strokes joined along the line direction (the one whose profile across is the peakier); under
    the blob, where the print is gone, each line row is taken as full as the same row beside the
    blob (text runs across the page; a blank signature space or margin beside the blob is blank
    under it too). A light spot over a word or two, or over blank paper, costs the officer
    nothing; one over a real share of the lines does (issue 19, fifth pass: a readability rule,
    not a brightness one). Since the sixth pass only the lines that *run into* the blob count
    (print on that row up to it: a spot over the blank end of short lines or between paragraphs
    hides nothing), less what is still seen under it (`seen`: faint print)."""
    from .blur import print_mask

    pm = print_mask(gray) & region
    if pm.sum() < 50:
        return 0.0
    seen = np.zeros_like(pm) if seen is None else seen & inside
    if np.var(pm.mean(1)) < np.var(pm.mean(0)):  # the lines run down the frame (a quarter turn)
        pm, inside, region, seen = pm.T, inside.T, region.T, seen.T
    h, w = pm.shape
    k = max(5, round(min(h, w) / 40)) | 1
    lines = cv2.morphologyEx(pm.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((1, k), np.uint8)).astype(bool)
    r = max(3, round(0.02 * min(h, w)))
    near = cv2.dilate(inside.astype(np.uint8), np.ones((1, 2 * r + 1), np.uint8)).astype(bool)
    beside = region & ~near
    n_beside = beside.sum(1)
    page_rate = float(lines[region & ~inside].mean()) if (region & ~inside).any() else 0.0
    rate = np.where(n_beside >= 5, (lines & beside).sum(1) / np.maximum(1, n_beside), page_rate)
    # a line runs through the blob when its print comes up to it on that row (or a row next to
    # it) on both sides: in a band just outside the blob's soft edge, where glare has faded the
    # print but not erased it. Since issue 19's seventh pass both sides: a line that only comes
    # from one side may simply end there (a flash's hot-spot over the blank space after short
    # lines, a signature space, the margin: nothing was printed under it)
    enters = _through(lines, inside, near, region, 8 * r, seen)
    still = cv2.morphologyEx(seen.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((1, k), np.uint8)).sum(1)
    lost = float(np.maximum(0.0, inside.sum(1) * rate * enters - still).sum())
    total = float((lines & region & ~inside).sum()) + lost
    return lost / total if total > 0 else 0.0


def _through(
    lines: np.ndarray, inside: np.ndarray, near: np.ndarray, region: np.ndarray, reach: int, seen: np.ndarray
) -> np.ndarray:
    """Per row (bool): the line runs on under the blob: print within `reach` outside it on its
    left and on its right, print still seen under its edge (fading in: glare washes the print
    out towards its centre), or print right up to its edge (cut by a sharp reflection); not a
    line that ended short of it."""
    rows = inside.any(1)
    cols = np.arange(inside.shape[1])[None, :]
    first = np.where(rows, np.argmax(inside, 1), 0)[:, None]
    last = np.where(rows, inside.shape[1] - 1 - np.argmax(inside[:, ::-1], 1), 0)[:, None]
    ok = lines & region & ~near
    left = (ok & (cols < first) & (cols >= first - reach)).any(1)
    right = (ok & (cols > last) & (cols <= last + reach)).any(1)
    edge = (cols <= first + reach // 2) | (cols >= last - reach // 2)
    fading = (seen & inside & edge).any(1)
    # or its print comes right up to the blob's edge (cut there by a sharp reflection): print in
    # the first columns past `near`, not a line that ended a word's gap or more short of it
    g, w8 = CUT_GAP, reach // 8
    cut = (
        ok
        & (((cols < first - w8) & (cols >= first - w8 - g)) | ((cols > last + w8) & (cols <= last + w8 + g)))
    ).any(1)
    has = rows & ((left & right) | fading | cut)
    return has | np.r_[has[1:], False] | np.r_[False, has[:-1]]


def washed_out(gray: np.ndarray, region: np.ndarray) -> tuple[float, float]:
    """(clip, level) of washed_print."""
    return washed_print(gray, region)[:2]


def washed_print(gray: np.ndarray, region: np.ndarray) -> tuple[float, float, float]:
    """(share of the paper around the print that is clipped, the print's level 0..1): an
    overexposed page has its paper clipped to white *where the text is* and its print lifted to
    grey. The print is thin dark strokes (a thumb, the table or a shadow's edge are not), its
    level their 10th percentile; the paper around it, the strokes' neighbourhood without them.
    A flash's hot-spot clips the paper too but leaves the print dark. Third: the print's share of
    the region (a blank sheet or a room has next to none; a washed-out page still has its lines)."""
    from .blur import print_mask

    m = print_mask(gray) & region
    if m.sum() < 50:
        return 0.0, 1.0, 0.0
    h, w = gray.shape
    r = max(3, round(min(h, w) / 60))
    zone = cv2.dilate(m.astype(np.uint8), np.ones((2 * r + 1, 2 * r + 1), np.uint8)).astype(bool)
    paper = zone & region & ~cv2.dilate(m.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    clip = float((gray[paper] >= 250).mean()) if paper.any() else 0.0
    ink = float(np.percentile(gray[m], 10)) / 255
    return round(clip, 4), round(ink, 4), round(float(m.sum()) / max(1, int(region.sum())), 4)


def dark_without_page(gray: np.ndarray) -> bool:
    """A photo too dark with no page found in it: stretched to full range, is there still none?
    A page photographed too dark stands out once stretched; a lap or a table at night does not
    (issue 19, paper20: such photos were `too_dark` rather than `not_document`)."""
    lo, hi = np.percentile(gray, (1, 99.5))
    st = np.clip((gray.astype(np.float32) - lo) * (255.0 / max(1.0, hi - lo)), 0, 255).astype(np.uint8)
    return find_page(st)[0] is None


def box_in_print(gray: np.ndarray, box: np.ndarray, box_td: float) -> bool:
    """Whether a small outline is a box printed on a page (a table's frame, a bordered block)
    rather than a page far away: print all around it, as dense as in it, on paper about as light
    as the box's. A page on a white table is not told from the table, and its boxes were judged
    far pages (`too_small`); a far page on a patterned table (a rug, wood grain) has "print"
    around it too, but on a darker ground (paper20: such pages were boxes, then `not_document`).
    A box at the frame's edge (a page filling the frame) has print on the sides the frame leaves."""
    r = max(4, round(0.04 * max(gray.shape)))
    ring = cv2.dilate(box.astype(np.uint8), np.ones((2 * r + 1, 2 * r + 1), np.uint8)).astype(bool) & ~box
    if ring.sum() < 100:
        return False
    h, w = gray.shape
    k = max(5, round(min(h, w) / 60)) | 1
    ground = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    paper = float(np.median(ground[box]))
    sides, parts = 0, 0  # print on each side of the box, not only on one (clutter next to a far page)
    ys, xs = np.nonzero(ring)
    cy, cx = np.nonzero(box)[0].mean(), np.nonzero(box)[1].mean()
    for part in (ys < cy, ys >= cy, xs < cx, xs >= cx):
        if part.sum() < max(30, 0.1 * ring.sum() / 4):
            continue  # the frame's edge: nothing on that side to judge
        parts += 1
        m = np.zeros((h, w), bool)
        m[ys[part], xs[part]] = True
        on_paper = float(np.median(ground[m])) >= 0.8 * paper
        sides += on_paper and cardmod.text_density(gray, m) >= max(0.01, 0.4 * min(box_td, 0.1))
    return sides >= (3 if parts == 4 else max(2, parts - 1))
