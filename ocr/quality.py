"""Photo quality verdict: metrics on the located card (or page) and the contract's problem codes."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from . import card as cardmod
from . import exposure as _ex
from . import smallcard as _small
from .pages import find as _find
from .pages import side as _side
from .smallcard import quad_mask as _quad_mask
from .texts import TEXTS
from .tuning import thresholds

HERE = Path(__file__).parent
# most important first: the order of hints in a verdict message
PRIORITY = [
    "unreadable_file",
    "unsupported_format",
    "too_large",
    "not_document",
    "too_small",
    "cropped",
    "too_dark",
    "too_bright",
    "blurry",
    "glare",
]
CHECK_SIDE = 720  # the frame is examined at this size


@lru_cache(maxsize=1)
def hints() -> dict:
    return TEXTS.get("problems")


def _lam_min(gx: np.ndarray, gy: np.ndarray) -> float:
    exx, eyy, exy = float((gx * gx).mean()), float((gy * gy).mean()), float((gx * gy).mean())
    return (exx + eyy) / 2 - ((((exx - eyy) / 2) ** 2 + exy * exy) ** 0.5)


def sharpness(gray: np.ndarray, ignore_clipped: bool = False, presmooth: float = 0.0) -> tuple[float, float]:
    """(energy, ratio) of the gradients in the weakest direction.

    The weakest direction is the smallest eigenvalue of the mean gradient structure tensor: it
    catches motion blur at any angle (sharp across the shake, smeared along it).
    energy: normalised by the squared contrast (robust to exposure), but it grows with the
    amount of print. ratio: energy / energy after a further Gaussian blur (sigma 1.5) — a
    sharp image loses much of it, an already blurred one little; independent of the content.
    presmooth: sigma of a light blur applied before the ratio (not the energy) is taken, so
    that pixel-level sensor noise — sharp even on a blurred photo — does not count as detail.
    """
    g = gray.astype(np.float32)
    gs = cv2.GaussianBlur(g, (0, 0), presmooth) if presmooth > 0 else g
    gb = cv2.GaussianBlur(gs, (0, 0), 1.5)
    grads = []
    for img in (g, gb) + ((gs,) if presmooth > 0 else ()):
        grads.append((cv2.Sobel(img, cv2.CV_32F, 1, 0, ksize=1), cv2.Sobel(img, cv2.CV_32F, 0, 1, ksize=1)))
    keep = None
    if ignore_clipped:
        keep = cv2.erode((g < 240).astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
        if keep.mean() < 0.3:
            keep = None
    if keep is not None:
        g = g[keep]
        grads = [(gx[keep], gy[keep]) for gx, gy in grads]
    p5, p95 = np.percentile(g[::3], (5, 95)) if g.ndim == 1 else np.percentile(g[::3, ::3], (5, 95))
    c = max(20.0, float(p95 - p5)) / 255.0
    lam, lam_b = _lam_min(*grads[0]), _lam_min(*grads[1])
    lam_s = lam if presmooth <= 0 else _lam_min(*grads[2])
    return lam / (c * c) / 4.0, lam_s / max(1e-6, lam_b)


def _paper_print_cut(
    gray: np.ndarray,
    region: np.ndarray,
    quad: np.ndarray | None = None,
    only: np.ndarray | None = None,
    rgb: np.ndarray | None = None,
) -> bool:
    from .pages.find import print_cut

    return print_cut(gray, region, quad, only, rgb)


def _paper_cut_beyond(
    gray: np.ndarray, region: np.ndarray, quad: np.ndarray, T: dict, rgb: np.ndarray | None = None
) -> bool:
    """A page outline with a side a little inside the frame (issue 19, sixth pass: on cut-off
    pages the finder often closes the page a few pixels short of the frame's edge, so the page
    did not "touch" it): the page is taken on to the frame there, and its print cut by it is
    looked for as for a page meeting the frame, but only between the outline and the frame."""
    h, w = gray.shape
    e = max(3, round(T["page_near_frame"] * min(h, w)))
    q = np.asarray(quad, np.float32)
    if not ((q.min(0) <= e).any() or (q.max(0) >= np.array([w - 1 - e, h - 1 - e])).any()):
        return False
    # taken on to the frame: twice as far as a vertex may stand from it (a side slanting away
    # from the frame's edge leaves a wedge of page wider than that at its far end)
    ext = cv2.dilate(region.astype(np.uint8), np.ones((4 * e + 1, 4 * e + 1), np.uint8)).astype(bool)
    # print between the outline and the frame, a few pixels off the outline (its own blur and a
    # side laid along the frame's edge are not the page running on)
    off = max(2, round(0.008 * min(h, w)))
    away = ~cv2.dilate(region.astype(np.uint8), np.ones((2 * off + 1, 2 * off + 1), np.uint8)).astype(bool)
    return _paper_print_cut(gray, ext, None, away, rgb)


def _paper_glare_washes(gray: np.ndarray, clipped: np.ndarray, region: np.ndarray, m: dict) -> bool:
    from .pages.find import glare_washes_print

    washed, m["glare_print_kept"], m["glare_text_share"] = glare_washes_print(gray, clipped, region)
    return washed


def _paper_without_outline(
    gray: np.ndarray, g2: np.ndarray, clipped: np.ndarray, T: dict, m: dict
) -> list[str]:
    """The verdict on a page with no outline found (it fills the frame, or lies on a table as
    light as itself): cut if its print runs off the frame, blurry, glare washing its print."""
    out = []
    whole = np.ones(gray.shape, bool)
    if _paper_print_cut(gray, whole):
        out.append("cropped")
    sharp, ratio = sharpness(g2, presmooth=T["blur_presmooth"])
    m["blur_ratio"] = round(ratio, 3)
    from .pages.blur import page_blurred

    if page_blurred(sharp, ratio, T, g2, m):
        out.append("blurry")
    n, _lab, stats, _ = cv2.connectedComponentsWithStats(clipped.astype(np.uint8), connectivity=8)
    if n > 1 and stats[1:, cv2.CC_STAT_AREA].max() / clipped.size >= T["glare_blob_frac"]:
        washed = _paper_glare_washes(gray, clipped, whole, m)
        if washed:
            out.append("glare")
    return out


def assess(rgb: np.ndarray, info: dict, expect: str | None = None) -> dict:
    """Quality of one decoded photo. rgb: HxWx3 (or HxW grey) uint8. info: from intake.load.

    Returns {"ok", "problems", "metrics", "quad" (in rgb pixel coords or None), "doc_kind"}.
    """
    T = thresholds()
    H, W = rgb.shape[:2]
    k = min(1.0, CHECK_SIDE / max(H, W))
    small = (
        cv2.resize(rgb, (max(1, round(W * k)), max(1, round(H * k))), interpolation=cv2.INTER_AREA)
        if k < 1
        else rgb
    )
    gray = small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    problems: list[str] = []
    m: dict = {"width": info.get("width", W), "height": info.get("height", H)}
    short, long = sorted((m["width"], m["height"]))
    if short < T["min_short_side"] or long < T["min_long_side"]:
        problems.append("too_small")
    quad, notes, doc_kind = None, cardmod.no_outline(), None
    # a PDF page is mostly the page itself (a scan, a born-digital page), sometimes a photo of one
    pdf_page = expect == "paper" and info.get("format") == "pdf"
    if min(gray.shape) >= 32 and expect == "paper":
        from .pages.find import find_page

        quad, notes = find_page(
            gray, small if small.ndim == 3 else None
        )  # the page finder first (bright, solid, four-cornered)
        doc_kind = "paper" if quad is not None else None
    if min(gray.shape) >= 32 and quad is None:
        order = [("card", (1.35, 1.9)), ("paper", (1.2, 1.6))]
        if expect == "paper":
            order = order[::-1]
        elif expect == "id_card":
            order = order[:1]
        for kind, asp in order:
            quad, notes = cardmod.find_quad(gray, asp)
            if quad is not None:
                doc_kind = kind
                break
    if (
        pdf_page
        and quad is not None
        and (doc_kind != "paper" or notes["area_frac"] < T["min_page_area_frac"] or notes["touches_border"])
    ):
        # a box on a scanned page (a table's, a card-shaped frame), not a page far away, or one
        # meeting the PDF page's edge (a frame printed to the margin): the page is the PDF page
        quad, doc_kind, notes = None, None, cardmod.no_outline()
    if quad is not None and notes["area_frac"] < T["min_card_area_frac"]:
        # a small quad: a card far away, or just a box inside a cut-off card (the chip, the
        # photo) or in a scene. Surrounded on all sides by a bright, printed region cut by the
        # frame, it is a box inside a cut-off card.
        qmask = _quad_mask(gray.shape, quad)
        td_q = cardmod.text_density(gray, qmask)
        inner = False
        if td_q >= T["min_text_density"]:
            br = cardmod.border_region(gray, T["max_partial_area_frac"])
            if br["mask"] is not None and br["text_density"] >= T["min_text_density"]:
                r = max(3, round(0.015 * max(gray.shape)))
                ring = (
                    cv2.dilate(qmask.astype(np.uint8), np.ones((2 * r + 1, 2 * r + 1), np.uint8)).astype(bool)
                    & ~qmask
                )
                inner = bool(ring.any()) and float(br["mask"][ring].mean()) >= 0.8
            elif expect == "id_card":
                inner = _ex.card_fills_frame(gray, T)  # the box is inside a card too close to the lens
        # a page far away (paper20: one held in a hand) shows little print at this scale
        least = T["page_far_min_density"] if doc_kind == "paper" else T["min_text_density"]
        if td_q < least or inner:
            quad, doc_kind, notes = None, None, cardmod.no_outline()
    if quad is not None and expect == "paper" and notes["area_frac"] < T["min_page_area_frac"]:
        from .pages.find import box_in_print

        qmask = _quad_mask(gray.shape, quad)
        # a box of a form (a page on a table as light as itself), not a page far away; nor a
        # small outline on the frame's edge (a sliver of table beside a page filling the frame,
        # paper20: `too_small`): a page far away lies wholly in the frame
        if notes["touches_border"] or box_in_print(gray, qmask, cardmod.text_density(gray, qmask)):
            quad, doc_kind, notes = None, None, cardmod.no_outline()
    quad, notes, doc_kind = _small.refine(gray, quad, notes, doc_kind, expect, problems, T, m)
    m["card_found"] = quad is not None
    m["card_area_frac"] = round(notes["area_frac"], 4)
    if quad is not None:
        region = _quad_mask(gray.shape, quad)
    else:
        region = np.ones(gray.shape, bool)
    vals = gray[::2, ::2][region[::2, ::2]]
    lum = float(vals.mean()) / 255 if vals.size else 0.0
    p1, p5, p95 = (np.percentile(vals, (1, 5, 95)) / 255) if vals.size else (0.0, 0.0, 0.0)
    clip = float((vals >= T["glare_level"]).mean()) if vals.size else 0.0
    m.update(
        lum_mean=round(lum, 3),
        lum_p1=round(float(p1), 3),
        lum_p5=round(float(p5), 3),
        lum_p95=round(float(p95), 3),
        clipped_frac=round(clip, 4),
    )
    too_dark = lum < T["dark_mean"] if quad is not None else float(p95) < T["dark_p95_frame"]
    if too_dark and (quad is None or (expect != "paper" and doc_kind == "card")):
        # a dark object with bright print (a bank card), or a dark scene with something well lit
        # in it (a phone screen, a sign), is not a dark photo: in a photo taken too dark even its
        # brightest things are dim; for the object, the reading then tells what it is
        lit = float(np.percentile(vals, 99.9)) / 255
        m["lum_p999"] = round(lit, 3)
        too_dark = lit < T["dark_frame_lit_p999" if quad is None else "dark_card_lit_p999"]
        if quad is not None:
            m["dark_object"] = not too_dark
    dark_empty = False
    if too_dark and quad is None and expect != "paper":
        # a photo taken too dark still holds its card: stretched to full range, the outline shows;
        # a dark scene with nothing card-like in it (an empty table at night) is no document
        lo, hi = np.percentile(gray, (1, 99.5))
        st = np.clip((gray.astype(np.float32) - lo) * (255.0 / max(1.0, hi - lo)), 0, 255).astype(np.uint8)
        dark_empty = cardmod.find_quad(st)[0] is None
        m["dark_without_card"] = dark_empty
    elif too_dark and quad is None and expect == "paper":  # the same for a paper (pages/find)
        from .pages.find import dark_without_page

        m["dark_without_card"] = dark_empty = dark_without_page(gray)
    # Too bright means blown out: much of the document clipped to white AND its print washed out
    # (even the darkest pixels are light). A bright mean alone is not a fault: white paper is bright.
    washed = clip >= T["bright_clip_frac"] and p1 >= T["bright_ink_p1"]
    # or most of a card blown to white, whatever is left of its print (a glare clips a patch); or (notdoc23)
    # a card under a veil of light (alone: a suspect, read first, mendn23); or, no card, a frame washed out
    card_view = quad is not None and doc_kind == "card" and expect != "paper"
    blown = card_view and clip >= T["bright_clip_card"]
    hazy = card_view and _ex.hazy_card(gray, region, lum, p1, clip, T)
    too_bright, m["haze_suspect"] = washed or blown or hazy, bool(hazy and not (washed or blown))
    if quad is None and expect != "paper" and not too_bright and vals.size:
        too_bright = _ex.washed_frame(gray, float(p1), float(p5), clip, T)  # not "no document"
    if expect == "paper" and not too_bright and vals.size:
        # a page: its paper clipped where the text is, and the print lifted to grey (pages/find)
        from .pages.find import washed_print

        m["clipped_over_text"], m["print_level"], m["print_share"] = washed_print(gray, region)
        too_bright = (
            m["clipped_over_text"] >= T["bright_text_clip"] and m["print_level"] >= T["bright_print_level"]
        ) or (  # or the print itself lifted to a light grey on a bright page, clipped or not
            m["print_level"] >= T["bright_lost_print_level"]
            and m["print_share"] >= T["bright_lost_print_share"]
            and lum >= T["bright_lost_lum"]
        )
    if expect == "paper" and quad is None and float(p5) >= T["bright_frame_p5"]:
        too_bright = True  # no page told from a frame washed out all over: too much light, not "no paper"
    pdf = info.get("format") == "pdf"
    if pdf:
        too_bright = False  # a PDF page is a scan or a born-digital page: white is its paper, not glare
    # glare: a blob of clipped pixels on the card (none on a paper's PDF page: no lamp over a scan)
    clipped = (gray >= T["glare_level"]) & region & (not pdf_page)
    gb = 0.0
    if clipped.any() and quad is not None:
        n, lab, stats, _ = cv2.connectedComponentsWithStats(clipped.astype(np.uint8), connectivity=8)
        if n > 1:
            gb = float(stats[1:, cv2.CC_STAT_AREA].max()) / max(1, int(region.sum()))
    m["glare_blob_frac"] = round(gb, 4)
    td = cardmod.text_density(gray, region if quad is not None else None)
    m["text_density"] = round(td, 4)
    # sharpness on the perspective-corrected card (from the work image, at most 640 px wide)
    if quad is not None:
        q_full = quad / k
        # not upsampled (interpolation would soften a sharp card that fills few pixels, as on a
        # 12 MP photo decoded at 1/4 for the verdict, and read as blur), except a tiny card
        # (under 160 px, which the size checks refuse anyway)
        native = float(max(np.linalg.norm(q_full[1] - q_full[0]), np.linalg.norm(q_full[2] - q_full[3])))
        cw = int(min(640, max(160, native)))
        crop = cardmod.warp(rgb, q_full, (cw, round(cw * (404 if doc_kind == "card" else 452) / 640)))
        crop = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
        sharp, ratio = sharpness(crop, ignore_clipped=gb > 0.002, presmooth=T["blur_presmooth"])
        # a page's energy grows with its amount of print (a sparse page 2 is low): the ratio
        # carries the decision for pages, the energy only catches the blurriest
        blur_t = T["blur_sharpness"] if doc_kind == "card" else T["blur_sharpness_page"]
        m["blur_ratio"] = round(ratio, 3)
    else:
        g2 = cv2.resize(rgb, (640, max(1, round(640 * H / W))), interpolation=cv2.INTER_AREA)
        g2 = g2 if g2.ndim == 2 else cv2.cvtColor(g2, cv2.COLOR_RGB2GRAY)
        sharp, ratio = sharpness(g2)
        blur_t = T["blur_sharpness_frame"]
        q_full = None
    m["sharpness"] = round(sharp, 1)
    if "too_small" in problems:
        pass  # too few pixels to judge the rest
    elif too_dark:
        problems.append("not_document" if dark_empty else "too_dark")
    elif quad is None:
        br = cardmod.border_region(gray, T["max_partial_area_frac"])
        m["partial_area_frac"] = round(br["area_frac"], 4)
        if too_bright:
            problems.append("too_bright")
        elif pdf_page and td >= T["min_text_density"]:
            doc_kind = "paper"  # only a blurry scan is refused
            problems += [p for p in _paper_without_outline(gray, g2, clipped, T, m) if p == "blurry"]
        elif (
            br["mask"] is not None
            and br["text_density"] >= T["min_text_density"]
            and (expect != "paper" or _paper_print_cut(gray, br["mask"]))
        ):
            problems.append("cropped")
        elif expect == "id_card" and _ex.card_fills_frame(gray, T):
            problems.append("cropped")  # a card too close: its print fills the frame
        elif expect == "paper" and td >= T["page_fill_min_density"] and float(p95) > T["page_fill_min_p95"]:
            doc_kind = "paper"  # a page filling the frame (or one not told from a table as light)
            problems += _paper_without_outline(gray, g2, clipped, T, m)
        else:
            problems.append("not_document")
    else:
        min_area = T["min_card_area_frac"] if doc_kind == "card" else T["min_page_area_frac"]
        colour = small if small.ndim == 3 else None
        paper = doc_kind == "paper" or expect == "paper"  # a paper's outline found as a card's too
        if notes["touches_border"] and (not paper or _paper_print_cut(gray, region, quad, None, colour)):
            problems.append("cropped")  # a page meeting the frame only with its blank margin is whole
        elif paper and _paper_cut_beyond(gray, region, quad, T, colour):
            problems.append("cropped")  # the outline stops short of the frame, the page runs on over it
        elif doc_kind == "card" and not paper and _small.runs_off_frame(gray, quad, notes):
            problems.append("cropped")  # found by an inner line: the card goes on past the frame
        elif notes["area_frac"] < min_area:
            problems.append("too_small")
        if too_bright:
            problems.append("too_bright")
        blurred = sharp < blur_t or ratio < T["blur_ratio"]
        if doc_kind != "card":  # a page: low energy counts only with a middling ratio too
            from .pages.blur import page_blurred

            blurred = page_blurred(sharp, ratio, T, crop, m)
        m["page_blurred"] = bool(blurred)
        look = doc_kind == "paper" and expect == "paper" and not pdf_page  # for a page's back (side22)
        blank = _side.blank(crop, td, blurred, look, T, m)  # a sheet with no print (paper20, side22)
        if (
            doc_kind == "card"
            and not too_bright  # a card blown out shows no print either (notdoc23)
            and td < T["blank_print_max"]
            and (not blurred or sharp >= T["blank_sharpness"])
        ):
            # a blank card or sheet: crisp noise, no print at all (cut by the frame or not: notdoc23)
            problems[:] = [p for p in problems if p != "cropped"] + ["not_document"]
        elif doc_kind == "paper" and not (too_bright or pdf_page) and blank:
            cut = _find.cut_beside(gray, region, colour, T["page_far_min_density"])  # a cut page's blank half
            problems.append("cropped" if cut else "not_document")  # or a crisp blank sheet (paper20)
        elif blurred and not too_bright and "too_small" not in problems:
            # a screen, a loyalty or bank card out of focus is no document (notdoc23)
            odd = card_view and _ex.not_an_id_card(small, region, ratio, td, T, m)
            problems.append("not_document" if odd else "blurry")
        if gb >= T["glare_blob_frac"] and not (too_bright and not blown):
            glare = True
            if doc_kind == "paper" or expect == "paper":  # dark print is readable (paper21: card-found too)
                glare = _paper_glare_washes(gray, clipped, region, m)
            if glare:
                problems.append("glare")
    problems = sorted(set(problems), key=PRIORITY.index)
    return {
        "ok": not problems,
        "problems": problems,
        "metrics": m,
        "quad": None if q_full is None else q_full.tolist(),
        "doc_kind": doc_kind,
    }
