"""(verdict24) A card small in the frame: the card rather than the sheet, book or tile it lies on,
and a light card whose outline is too faint to be found on a light ground."""

from __future__ import annotations

import cv2
import numpy as np

from . import cardcut
from .card import ID1_ASPECT, _sides, find_quad, order_quad, text_density


def quad_mask(shape, quad: np.ndarray) -> np.ndarray:
    """The pixels inside `quad` (moved from quality.py)."""
    m = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(m, quad.astype(np.int32), 1)
    return m.astype(bool)


INNER_SUPPORT = 0.85  # an outline within the one found, taken as a card of its own: this clear ...
INNER_MAX_SHARE = 0.45  # ... and at most this share of the outer outline's area


def card_within(seen: list[tuple[np.ndarray, float, float]], outer: np.ndarray, outer_frac: float):
    """(verdict24) A clear outline of an ID card's proportions lying within the outline found and
    much smaller than it (a card on a sheet of paper, on a book, on a tile whose joints outline
    more than the card): returned as (quad, area share of the frame), the largest such; else None.
    Whether it is the card (its print) is the verdict's to judge."""
    best, best_score = None, 0.0
    for q, frac, support in seen:
        if frac > INNER_MAX_SHARE * outer_frac:
            continue
        cx, cy = q.mean(0)
        if (
            cv2.pointPolygonTest(outer.reshape(-1, 1, 2).astype(np.float32), (float(cx), float(cy)), False)
            < 0
        ):
            continue  # its centre within (an outline of tile joints or table edges may cut across it)
        if frac * support**2 > best_score:
            best, best_score = (order_quad(q), float(frac)), frac * support**2
    return best


def prefer_inner(
    gray: np.ndarray, quad: np.ndarray, notes: dict, min_print: float
) -> tuple[np.ndarray, dict]:
    """(verdict24) The card rather than what it lies on: an ID card's outline within the one found
    (`notes["inner"]`, see `_card_within`) is taken when it carries an ID card's print (`min_print`)
    and the outline around it is no card: it runs off the frame (a sheet, a book, a table's
    edge), or it is nearly bare beyond the inner one (a tile's joints, a tray)."""
    iq, ifrac = notes["inner"]  # from card_within
    inner = np.zeros(gray.shape, np.uint8)
    cv2.fillConvexPoly(inner, np.round(iq).astype(np.int32), 1)
    td_in = text_density(gray, inner.astype(bool))
    if td_in < min_print:
        return quad, notes
    # print all round: a card with a box of its own inside (its chip, a print block), also when the
    # card runs off the frame (review: a cut card's chip was taken for a far card, `too_small`)
    outer = np.zeros(gray.shape, np.uint8)
    cv2.fillConvexPoly(outer, np.round(quad).astype(np.int32), 1)
    ring = (outer > 0) & ~cv2.dilate(inner, np.ones((9, 9), np.uint8)).astype(bool)
    if text_density(gray, ring) >= 0.5 * td_in:
        return quad, notes
    h, w = gray.shape
    m = 0.006 * max(w, h)
    border = bool((iq.min() <= m) or (iq[:, 0].max() >= w - 1 - m) or (iq[:, 1].max() >= h - 1 - m))
    return iq, {"area_frac": ifrac, "touches_border": border, "outer_frac": notes["area_frac"]}


def faint_card(gray: np.ndarray, max_frac: float, min_print: float) -> tuple[np.ndarray, dict] | None:
    """(verdict24) A small card not told from what it lies on (a light card on a sheet of paper or
    a light cloth: its outline steps by a few grey levels only), looked for on the frame with its
    local contrast raised (CLAHE): an outline of an ID card's proportions, wholly inside the frame,
    under `max_frac` of it and carrying an ID card's print (`min_print`, on the plain frame)."""
    eq = cv2.createCLAHE(clipLimit=4.0, tileGridSize=(8, 8)).apply(gray)
    q, notes = find_quad(eq, ID1_ASPECT)
    if q is None or notes["touches_border"] or notes["area_frac"] >= max_frac:
        return None
    mask = np.zeros(gray.shape, np.uint8)
    cv2.fillConvexPoly(mask, np.round(q).astype(np.int32), 1)
    h, w = gray.shape
    gap = float(min(q[:, 0].min(), q[:, 1].min(), w - 1 - q[:, 0].max(), h - 1 - q[:, 1].max()))
    if notes["area_frac"] >= FAINT_NEAR_SIZE and gap < FAINT_MARGIN * min(h, w):
        return None  # a large one near the frame's edge: a part of a card the frame cuts
    td_in = text_density(gray, mask.astype(bool))
    if td_in < min_print:
        return None
    # bare round it (a quarter of its short side out): a box inside a card cut by the frame (its
    # QR, photo, print block) has the card's print round it (ring/inside 0.38-0.92 on A's cut
    # cards; a card on a plain sheet 0-0.14)
    r = max(3, round(0.25 * _sides(q)[1]))
    ring = cv2.dilate(mask, np.ones((2 * r + 1, 2 * r + 1), np.uint8)).astype(bool) & ~cv2.dilate(
        mask, np.ones((7, 7), np.uint8)
    ).astype(bool)
    if text_density(gray, ring) >= FAINT_RING_PRINT * td_in:
        return None
    # (review) nor print over the frame beyond it: a faint card lies on a plain light ground; a box
    # bare round it (a chip) inside a card filling or cut by the frame has the card's print beyond
    # (beyond/inside: faint cards on sheets and light grounds 0-0.015, boxes in cards 0.12-1.6), over
    # the frame as light as the ground round it (not a textured table beyond a sheet)
    ground = float(np.median(gray[ring]))
    smooth = cv2.blur(gray, (31, 31)).astype(np.float32)
    beyond = (np.abs(smooth - ground) < FAINT_GROUND_TOL) & ~cv2.dilate(
        mask, np.ones((15, 15), np.uint8)
    ).astype(bool)
    if beyond.mean() > 0.05 and text_density(gray, beyond) >= FAINT_BEYOND_PRINT * td_in:
        return None
    return q, {"area_frac": notes["area_frac"], "touches_border": False, "faint": True}


FAINT_RING_PRINT = 0.25
FAINT_GROUND_TOL = 30  # (review) grey levels: the frame beyond of the ground's tone (a sheet, a card) ...
FAINT_BEYOND_PRINT = 0.05  # (review) print over the rest of the frame, share of the faint card's own
FAINT_NEAR_SIZE = 0.12  # a faint outline this large (a card of a good size) ...
FAINT_MARGIN = 0.04  # ... is kept only this far (share of the frame's short side) from the frame's edge


def refine(gray: np.ndarray, quad, notes: dict, doc_kind, expect, problems: list, T: dict, m: dict):
    """The verdict's card after the finder: the card within a larger outline (`prefer_inner`), or,
    none found, a faint small card (`faint_card`). Returns (quad, notes, doc_kind)."""
    if expect == "paper" or min(gray.shape) < 32 or "too_small" in problems:
        return quad, notes, doc_kind
    if quad is not None and doc_kind == "card":
        inner = card_within(notes.get("seen", []), order_quad(quad), notes["area_frac"])
        if inner is None and text_density(gray, quad_mask(gray.shape, quad)) < T["card_print_min_density"]:
            inner = search_within(gray, quad)  # too little print for a card: a tile, a tray, a mat?
        if inner is not None:
            quad, notes = prefer_inner(gray, quad, notes | {"inner": inner}, T["card_print_min_density"])
    elif quad is None:
        faint = faint_card(gray, T["faint_card_max_area"], T["card_print_min_density"])
        if faint is not None:
            (quad, notes), doc_kind = faint, "card"
            m["card_faint"] = True
    return quad, notes, doc_kind


def search_within(gray: np.ndarray, outer: np.ndarray):
    """An ID card's outline inside `outer` looked for on its own (the finder stops at the first clear
    outline of a good size: a floor tile round a far card), as (quad in the frame, area share) or None."""
    x0, y0 = np.floor(outer.min(0)).astype(int).clip(0)
    x1, y1 = np.ceil(outer.max(0)).astype(int)
    crop = gray[y0 : y1 + 1, x0 : x1 + 1]
    if min(crop.shape) < 32:
        return None
    q, n = find_quad(crop, ID1_ASPECT)
    if q is None or n["touches_border"]:
        return None
    frac = n["area_frac"] * crop.size / gray.size
    return card_within(
        [(q + np.float32([x0, y0]), frac, 1.0)], order_quad(outer), cv2.contourArea(outer) / gray.size
    )


def runs_off_frame(gray: np.ndarray, quad: np.ndarray, notes: dict) -> bool:
    """`cardcut.runs_off_frame`, never for a faint card (its ground is as light as it, by definition)."""
    return not notes.get("faint") and cardcut.runs_off_frame(gray, quad)
