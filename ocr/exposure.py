"""Verdict helpers on how a card looks: (notdoc23, issue 12) a card under a veil of light, a frame
washed out with no card told in it, a card-shaped thing in colours no ID card has; a card filling
the frame."""

from __future__ import annotations

import cv2
import numpy as np

from . import card as cardmod


def clipped_blob(gray: np.ndarray, T: dict) -> float:
    """The largest blob of clipped pixels, as a share of the frame."""
    clipped = (gray >= T["glare_level"]).astype(np.uint8)
    if not clipped.any():
        return 0.0
    n, _lab, stats, _ = cv2.connectedComponentsWithStats(clipped, connectivity=8)
    return float(stats[1:, cv2.CC_STAT_AREA].max()) / clipped.size if n > 1 else 0.0


def faint_print(gray: np.ndarray, region: np.ndarray, T: dict) -> float:
    """The density of print however faint (strokes a little darker than their ground, after a
    light blur that keeps sensor noise out): a washed-out card still shows some, a blank sheet none."""
    return cardmod.text_density(cv2.GaussianBlur(gray, (0, 0), 1.0), region, T["bright_haze_print_level"])


def hazy_card(gray: np.ndarray, region: np.ndarray, lum: float, p1: float, clip: float, T: dict) -> bool:
    """A card under a veil of light: bright all over and its print lifted to a light grey, clipped
    or not; some print must still show (a blank sheet is no document)."""
    return (
        lum >= T["bright_haze_mean"]
        and p1 >= T["bright_haze_ink_p1"]
        and (clip >= T["bright_haze_clip"] or faint_print(gray, region, T) >= T["bright_haze_min_print"])
    )


def legible_card(doc: dict) -> bool:
    """(mendn23) A card read under haze holds: its QR or MRZ checks out, or its ID number passes its
    format and province checks (the old CMND: its nine digits). A citizen is never told to retake a photo an officer could read."""
    checks = doc.get("checks", {})
    mrz = checks.get("mrz") or {}
    idn = checks.get("id_number") or {}
    return (
        checks.get("qr") == "ok"
        or bool(mrz.get("id_number") and mrz.get("composite"))
        or idn.get("format") == "cmnd9"  # the old CMND's nine digits carry no province code
        or (idn.get("format") == "ok" and idn.get("province_code") == "ok")
    )


def washed_frame(gray: np.ndarray, p1: float, p5: float, clip: float, T: dict) -> bool:
    """No card told from a frame washed out all over (a light card on a light table, its print
    lifted or the frame clipped: a readable one, its print dark, is never refused for light), or a
    card lost in a lamp's light (one clipped blob over much of the frame)."""
    return (
        p5 >= T["bright_frame_p5"] and (clip >= T["bright_clip_card"] or p1 >= T["bright_haze_ink_p1"])
    ) or clipped_blob(gray, T) >= T["bright_frame_blob"]


def not_an_id_card(small: np.ndarray, region: np.ndarray, ratio: float, td: float, T: dict, m: dict) -> bool:
    """A card-shaped thing judged blurry that is no ID card: crisp (`ratio`, the blur ratio, high)
    with its few edges and next to no print (`td`: a screen's plain window), or in colours no ID
    card has: much of it saturated (a loyalty card, a picture on a screen) or dark (a screen's
    bezel, a bank card). ID cards are light and pale, and carry print all over. On a grey decode the colours are left to `colour_unseen` (taken from a small colour decode)."""
    if ratio >= T["object_crisp_ratio"] and td < T["object_sparse_print"]:
        return True
    if small.ndim != 3:
        m["object_colour_unseen"] = True
        return False
    return odd_colours(small, region, T, m)


def odd_colours(rgb: np.ndarray, region: np.ndarray, T: dict, m: dict) -> bool:
    """Much of the region saturated or dark, measured after a grey-world white balance (mendn23: a
    card under a warm lamp is not a coloured card)."""
    px = rgb[::2, ::2][region[::2, ::2]].astype(np.float32)
    if not px.size:
        return False
    raw = px.copy()
    px *= px.mean() / np.maximum(px.mean(axis=0), 1.0)
    hsv = _hsv(px)
    m["object_sat_p75"] = round(float(np.percentile(hsv[:, 1], 75)) / 255, 3)
    m["object_dark_share"] = round(float((hsv[:, 2] < 0.3 * 255).mean()), 3)
    r, g, b = np.maximum(raw.mean(axis=0), 1.0)
    m["object_tint"] = round(float(np.log(g / np.sqrt(r * b))), 3)  # green (+) or magenta (-) of its mean
    if (
        m["object_sat_p75"] < T["object_sat_p75"]
        and region.mean() < T["object_frame_share"]
        and abs(m["object_tint"]) >= T["object_off_light"]
    ):
        # (verdict24) an object of mostly one colour is balanced to grey by its own mean. A lamp's
        # cast lies on the line from blue to orange (green about the mean of red and blue); an
        # object's own colour off it (green, magenta, red, yellow, violet) is no cast: coloured
        # when it stays so both as seen and balanced by the whole frame
        whole = rgb[::4, ::4].reshape(-1, 3).astype(np.float32)
        gain = whole.mean() / np.maximum(whole.mean(axis=0), 1.0)
        sat_raw = float(np.percentile(_hsv(raw)[:, 1], 75)) / 255
        sat_frame = float(np.percentile(_hsv(raw * gain)[:, 1], 75)) / 255
        m["object_sat_frame"] = round(min(sat_raw, sat_frame), 3)
        if m["object_sat_frame"] >= T["object_sat_p75"]:
            return True
    return m["object_sat_p75"] >= T["object_sat_p75"] or m["object_dark_share"] >= T["object_dark_share"]


def _hsv(px: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.clip(px, 0, 255).astype(np.uint8).reshape(-1, 1, 3), cv2.COLOR_RGB2HSV).reshape(
        -1, 3
    )


def odd_colours_at(rgb: np.ndarray, quad: np.ndarray, T: dict, m: dict) -> bool:
    """`odd_colours` of the card `quad` (in `rgb`'s pixels) of a small colour decode."""
    region = np.zeros(rgb.shape[:2], np.uint8)
    cv2.fillConvexPoly(region, np.round(quad).astype(np.int32), 1)
    return odd_colours(rgb, region.astype(bool), T, m)


def card_fills_frame(gray: np.ndarray, T: dict) -> bool:
    """No outline, a light frame full of print: a card held too close (its edges out of frame)."""
    return float(gray.mean()) > 0.45 * 255 and cardmod.text_density(gray, None) >= T["card_print_min_density"]
