"""Photos that are not documents: street, landscape, face drawing, object on a table, room."""

from __future__ import annotations

import math
import random

import cv2
import numpy as np
from PIL import Image, ImageDraw

from .drawing import portrait
from .scene import _lowfreq, surface


def _sky(h, w, rng):
    top = np.array(rng.choice([(90, 140, 210), (150, 180, 220), (200, 200, 205), (60, 90, 160)]), np.float32)
    bot = np.array(rng.choice([(200, 215, 235), (230, 220, 200), (220, 225, 230)]), np.float32)
    t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    return np.broadcast_to(top * (1 - t) + bot * t, (h, w, 3)).copy()


def street(rng, W, H):
    img = Image.fromarray(_sky(H, W, rng).astype(np.uint8))
    d = ImageDraw.Draw(img)
    horizon = int(H * rng.uniform(0.45, 0.62))
    x = -rng.randint(0, 60)
    while x < W:  # buildings with windows
        bw = rng.randint(W // 12, W // 5)
        bh = rng.randint(H // 6, int(H * 0.45))
        col = tuple(rng.randint(90, 220) for _ in range(3))
        d.rectangle([x, horizon - bh, x + bw, horizon], fill=col)
        wc = tuple(max(0, v - 60) for v in col)
        for wy in range(horizon - bh + 12, horizon - 20, rng.randint(22, 34)):
            for wx in range(x + 8, x + bw - 14, rng.randint(18, 30)):
                d.rectangle([wx, wy, wx + 9, wy + 13], fill=wc)
        x += bw + rng.randint(0, 12)
    d.polygon([(0, H), (W, H), (W * 0.62, horizon), (W * 0.38, horizon)], fill=(70, 72, 76))
    d.polygon([(0, horizon), (W * 0.38, horizon), (0, H)], fill=(150, 145, 135))
    d.polygon([(W, horizon), (W * 0.62, horizon), (W, H)], fill=(150, 145, 135))
    for k in range(6):  # lane dashes
        t0, t1 = k / 6, k / 6 + 0.08
        y0, y1 = horizon + (H - horizon) * t0**1.5, horizon + (H - horizon) * t1**1.5
        d.polygon(
            [
                (W / 2 - 2 - 10 * t0, y0),
                (W / 2 + 2 + 10 * t0, y0),
                (W / 2 + 2 + 10 * t1, y1),
                (W / 2 - 2 - 10 * t1, y1),
            ],
            fill=(230, 230, 220),
        )
    for _ in range(rng.randint(2, 6)):  # trees
        tx, ty = rng.uniform(0, W), horizon + rng.uniform(-0.05, 0.1) * H
        r = rng.uniform(0.04, 0.09) * W
        d.rectangle([tx - r * 0.1, ty - r * 0.3, tx + r * 0.1, ty + r], fill=(80, 60, 40))
        d.ellipse([tx - r, ty - 1.8 * r, tx + r, ty], fill=(40 + rng.randint(0, 40), 110, 50))
    for _ in range(rng.randint(0, 3)):  # motorbikes as blobs
        bx, by = rng.uniform(0.3, 0.7) * W, rng.uniform(horizon + 40, H - 40)
        s = (by - horizon) / (H - horizon) * 0.08 * W
        d.ellipse([bx - s, by - s * 0.6, bx + s, by], fill=tuple(rng.randint(10, 200) for _ in range(3)))
    return np.asarray(img, np.float32)


def landscape(rng, W, H):
    img = Image.fromarray(_sky(H, W, rng).astype(np.uint8))
    d = ImageDraw.Draw(img)
    for layer in range(3):
        base = H * (0.35 + 0.12 * layer)
        pts = [(0, H)]
        for x in range(0, W + 40, 40):
            pts.append(
                (x, base - H * 0.12 * abs(math.sin(x / W * rng.uniform(2, 6) + layer)) * rng.uniform(0.7, 1))
            )
        pts.append((W, H))
        g = 60 + layer * 35
        d.polygon(pts, fill=(g // 2, g + 20, g // 2 + 10 * layer))
    d.rectangle([0, int(H * 0.75), W, H], fill=(90, 150, 70))
    arr = np.asarray(img, np.float32)
    return arr + _lowfreq(rng, W, H, 8, 8.0)[..., None]


def face(rng, W, H):
    bg = surface(rng, W, H, "laminate")
    fh = int(H * rng.uniform(0.55, 0.85))
    fw = int(fh * 0.78)
    p = np.asarray(portrait(fw, fh, rng, rng.random() < 0.5), np.float32)
    x = rng.randint(0, max(0, W - fw))
    y = rng.randint(0, max(0, H - fh))
    bg[y : y + fh, x : x + fw] = p[: H - y, : W - x]
    return bg


def table_object(rng, W, H):
    img = surface(rng, W, H, rng.choice(["wood", "fabric", "stone"]))
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(pil)
    what = rng.choice(["mug", "fruit", "phone", "keys"])
    cx, cy, s = W * rng.uniform(0.3, 0.7), H * rng.uniform(0.35, 0.65), min(W, H) * rng.uniform(0.18, 0.32)
    col = tuple(rng.randint(30, 230) for _ in range(3))
    if what == "mug":
        d.ellipse([cx - s * 1.2, cy + s * 0.7, cx + s * 1.3, cy + s * 1.2], fill=(40, 35, 30))
        d.rectangle([cx - s, cy - s, cx + s, cy + s], fill=col)
        d.ellipse([cx - s, cy + s * 0.8, cx + s, cy + s * 1.2], fill=col)
        d.ellipse([cx - s, cy - s * 1.2, cx + s, cy - s * 0.8], fill=tuple(max(0, v - 50) for v in col))
        d.arc(
            [cx + s * 0.7, cy - s * 0.6, cx + s * 1.6, cy + s * 0.5], -90, 90, fill=col, width=int(s * 0.15)
        )
    elif what == "fruit":
        for _k in range(rng.randint(2, 5)):
            r = s * rng.uniform(0.4, 0.6)
            fx, fy = cx + rng.uniform(-s, s), cy + rng.uniform(-s * 0.6, s * 0.6)
            fc = rng.choice([(230, 140, 30), (200, 30, 30), (240, 210, 60), (120, 180, 60)])
            d.ellipse([fx - r, fy - r, fx + r, fy + r], fill=fc)
            d.ellipse([fx - r * 0.5, fy - r * 0.6, fx - r * 0.1, fy - r * 0.3], fill=(255, 240, 210))
    elif what == "phone":  # dark slab, a screen showing a gradient, no text
        d.rounded_rectangle([cx - s * 0.5, cy - s, cx + s * 0.5, cy + s], radius=s * 0.1, fill=(20, 20, 25))
        d.rounded_rectangle(
            [cx - s * 0.44, cy - s * 0.9, cx + s * 0.44, cy + s * 0.9], radius=s * 0.06, fill=(40, 60, 120)
        )
    else:
        d.ellipse(
            [cx - s * 0.5, cy - s * 0.5, cx + s * 0.5, cy + s * 0.5],
            outline=(190, 190, 195),
            width=int(s * 0.08),
        )
        for _k in range(3):
            a = rng.uniform(0, 6.28)
            x2, y2 = cx + math.cos(a) * s * 1.3, cy + math.sin(a) * s * 1.3
            d.line(
                [(cx + math.cos(a) * s * 0.5, cy + math.sin(a) * s * 0.5), (x2, y2)],
                fill=(200, 180, 90),
                width=int(s * 0.12),
            )
    return np.asarray(pil, np.float32)


def room(rng, W, H):
    img = Image.new("RGB", (W, H), tuple(rng.randint(170, 235) for _ in range(3)))
    d = ImageDraw.Draw(img)
    fy = int(H * rng.uniform(0.55, 0.75))
    d.rectangle([0, fy, W, H], fill=tuple(rng.randint(80, 160) for _ in range(3)))
    sx = rng.uniform(0.05, 0.45) * W
    sc = tuple(rng.randint(40, 200) for _ in range(3))
    d.rounded_rectangle([sx, fy - H * 0.25, sx + W * 0.45, fy + H * 0.05], radius=30, fill=sc)
    d.rounded_rectangle([sx - 20, fy - H * 0.15, sx + 40, fy + H * 0.07], radius=20, fill=sc)
    px = rng.uniform(0.6, 0.9) * W  # potted plant
    d.rectangle([px - 30, fy - 80, px + 30, fy], fill=(150, 80, 50))
    for _k in range(9):
        a = -math.pi / 2 + rng.uniform(-1.1, 1.1)
        d.line(
            [(px, fy - 80), (px + math.cos(a) * 150, fy - 80 + math.sin(a) * 150)],
            fill=(40, 120, 50),
            width=12,
        )
    arr = np.asarray(img, np.float32)
    return cv2.GaussianBlur(arr, (0, 0), 1.0) + _lowfreq(rng, W, H, 4, 15.0)[..., None]


SCENES = {"street": street, "landscape": landscape, "face": face, "object": table_object, "room": room}


def render(rng: random.Random, W: int, H: int) -> tuple[np.ndarray, str]:
    name = rng.choice(list(SCENES))
    return np.clip(SCENES[name](rng, W, H), 0, 255).astype(np.float32), name
