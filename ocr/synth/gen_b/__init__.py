"""gen_b: an independent synthetic photo generator of Vietnamese ID cards.

make_sample(seed, kind, cls, size, fmt) -> (encoded image bytes, truth dict)
"""

from __future__ import annotations

import random

import cv2
import numpy as np

from . import effects as fx
from . import notdoc
from . import scene as sc
from .cards_back import RENDERERS
from .drawing import CARD_PX
from .identity import make_identity

KINDS = ["cccd_front", "cccd_back", "cancuoc_front", "cancuoc_back", "cmnd_front"]
BAD_CLASSES = [
    "blurry",
    "too_dark",
    "too_bright",
    "glare",
    "cropped",
    "too_small_card",
    "too_small_image",
    "not_document",
]
EXPECTED = {
    "good": set(),
    "blurry": {"blurry"},
    "too_dark": {"too_dark"},
    "too_bright": {"too_bright"},
    "glare": {"glare"},
    "cropped": {"cropped"},
    "too_small_card": {"too_small"},
    "too_small_image": {"too_small"},
    "not_document": {"not_document"},
}
FORMATS = ("jpeg", "png", "webp")

__all__ = ["KINDS", "BAD_CLASSES", "EXPECTED", "make_sample", "render_card"]


def render_card(seed: int, kind: str = "cccd_front"):
    """The flat card alone: (PIL RGBA image, fields, extra). Handy for debugging."""
    rng = random.Random(f"gen_b-card:{seed}:{kind}")
    ident = make_identity(rng, kind)
    card, fields, extra = RENDERERS[kind](ident, rng)
    return card.finish(), fields, extra


def _card_frac(rng: random.Random, cls: str, W: int) -> float:
    if cls == "too_small_card":
        return rng.uniform(0.09, 0.17)
    if cls == "cropped":
        return rng.uniform(0.5, 0.9)
    lo = min(0.6, max(0.36, 620 / W))  # keep a good card at least ~620 px wide
    return rng.triangular(lo, 0.85, max(lo, 0.62))


def _crop_shift(rng: random.Random, quad: np.ndarray, W: int, H: int) -> tuple[np.ndarray, float]:
    """Slide the card towards one or two frame edges until 15-45 % of it is outside."""
    target = rng.uniform(0.15, 0.45)
    ang = rng.choice([0, 90, 180, 270]) + (rng.uniform(-35, 35) if rng.random() < 0.5 else 0)
    v = np.array([np.cos(np.radians(ang)), np.sin(np.radians(ang))]) * 0.01 * max(W, H)
    q = quad.copy()
    frac = sc.outside_fraction(q, W, H)
    for _ in range(400):
        if frac >= target:
            break
        q = q + v
        frac = sc.outside_fraction(q, W, H)
    return q, frac


def _not_document(rng, cls, W, H, fmt):
    img, name = notdoc.render(rng, W, H)
    img = sc.lighting(img, rng, rng.uniform(0.85, 1.05), spread=0.1)
    img = fx.optics(img, rng)
    img = fx.sensor_noise(img, rng, rng.uniform(1.5, 3.5))
    data, enc = fx.encode(img, fmt, rng)
    truth = {
        "kind": None,
        "cls": cls,
        "expect_problems": sorted(EXPECTED[cls]),
        "fields": {},
        "quad": None,
        "meta": {"scene": name, "size": [W, H], **enc},
    }
    return data, truth


def make_sample(
    seed: int,
    kind: str = "cccd_front",
    cls: str = "good",
    size: tuple[int, int] = (1600, 1200),
    fmt: str = "jpeg",
) -> tuple[bytes, dict]:
    if kind not in KINDS and cls != "not_document":
        raise ValueError(f"unknown kind {kind!r}")
    if cls not in EXPECTED:
        raise ValueError(f"unknown class {cls!r}")
    fmt = "jpeg" if fmt == "jpg" else fmt
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    W, H = int(size[0]), int(size[1])
    rng = random.Random(f"gen_b:{seed}:{kind}:{cls}:{W}x{H}:{fmt}")
    if cls == "not_document":
        return _not_document(rng, cls, W, H, fmt)

    ident = make_identity(rng, kind)
    card, fields, extra = RENDERERS[kind](ident, rng)
    rgba = np.asarray(card.finish(), np.float32)
    boxes = card.text_boxes

    frac = _card_frac(rng, cls, W)
    tilt = rng.uniform(0.0, 0.14)
    rot = 6 if rng.random() < 0.7 else 18
    quad = sc.place_quad(rng, W, H, frac, tilt, rot, inside=True)
    outside = 0.0
    if cls == "cropped":
        quad, outside = _crop_shift(rng, quad, W, H)

    bg_kind = rng.choice(["wood", "wood", "fabric", "paper", "laminate", "stone", "fabric"])
    img = sc.surface(rng, W, H, bg_kind)
    warped, Mc = sc.warp_card(rgba, quad, W, H)
    hand = cls != "too_small_card" and rng.random() < 0.35
    if hand:
        skin, under, over, nail = sc.hand_layers(rng, boxes, CARD_PX, Mc, W, H)
        img = sc.draw_skin(img, under, skin, rng)
    img = sc.composite(img, warped, rng, shadow=not hand or rng.random() < 0.5)
    if hand:
        img = sc.draw_skin(img, over, skin, rng)
        img = sc.draw_skin(img, nail, np.minimum(skin * 1.12 + 12, 255), rng, 0.1)

    img = sc.lighting(img, rng, rng.uniform(0.78, 0.94))
    card_w = float(np.linalg.norm(quad[1] - quad[0]))
    if cls == "glare":
        m = fx.glare_mask(CARD_PX, boxes, rng)
        Mc32 = Mc.astype(np.float64)
        wm = cv2.warpPerspective(m, Mc32, (W, H), flags=cv2.INTER_LINEAR)
        img = fx.apply_glare(img, wm, rng)
    if cls == "blurry":
        img = fx.defocus(img, rng, card_w)
    else:
        img = fx.optics(img, rng)
    if cls == "too_dark":
        img = fx.underexpose(img, rng)
    else:
        img = fx.sensor_noise(img, rng, rng.uniform(1.2, 3.5))
    if cls == "too_bright":
        img = fx.overexpose(img, rng)

    out_size = [W, H]
    if cls == "too_small_image":
        long_side = rng.randint(300, 600)
        s = long_side / max(W, H)
        nw, nh = max(8, round(W * s)), max(8, round(H * s))
        img = cv2.resize(np.clip(img, 0, 255), (nw, nh), interpolation=cv2.INTER_AREA)
        quad = quad * [nw / W, nh / H]
        out_size = [nw, nh]
    data, enc = fx.encode(img, fmt, rng)
    truth = {
        "kind": kind,
        "cls": cls,
        "expect_problems": sorted(EXPECTED[cls]),
        "fields": fields,
        "quad": [[round(float(x), 1), round(float(y), 1)] for x, y in quad],
        "extra": {k: v for k, v in extra.items()},
        "meta": {
            "size": out_size,
            "background": bg_kind,
            "hand": hand,
            "card_width_frac": round(card_w / W, 3),
            "outside_fraction": round(float(outside), 3),
            **enc,
        },
    }
    return data, truth
