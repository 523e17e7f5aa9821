"""Camera effects: optics, sensor noise, the bad-photo degradations, encoding."""

from __future__ import annotations

import io
import math
import random

import cv2
import numpy as np
from PIL import Image

LUMA = np.array([0.299, 0.587, 0.114], np.float32)


def luminance(img: np.ndarray) -> np.ndarray:
    return img @ LUMA


def optics(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """Slight lens softness followed by phone-style sharpening."""
    s = rng.uniform(0.3, 0.75)
    out = cv2.GaussianBlur(img, (0, 0), s)
    if rng.random() < 0.6:
        amt = rng.uniform(0.2, 0.6)
        out = out + amt * (out - cv2.GaussianBlur(out, (0, 0), 1.6))
    return out


def sensor_noise(img: np.ndarray, rng: random.Random, sigma: float) -> np.ndarray:
    nr = np.random.default_rng(rng.getrandbits(63))
    H, W = img.shape[:2]
    # shot-like noise: stronger in brighter areas, plus a little chroma noise
    lum = np.clip(luminance(img), 0, 255)[..., None]
    n = nr.normal(0, 1, (H, W, 1)).astype(np.float32) * sigma * (0.5 + lum / 255)
    c = nr.normal(0, sigma * 0.35, (H, W, 3)).astype(np.float32)
    return img + n + c


def defocus(img: np.ndarray, rng: random.Random, card_w: float) -> np.ndarray:
    """Strong blur: disc defocus or motion, scaled to the card size."""
    if rng.random() < 0.5:
        r = max(3, int(card_w * rng.uniform(0.007, 0.013)))
        k = np.zeros((2 * r + 1, 2 * r + 1), np.float32)
        cv2.circle(k, (r, r), r, 1.0, -1, cv2.LINE_AA)
        k /= k.sum()
        return cv2.filter2D(img, -1, k)
    L = max(7, int(card_w * rng.uniform(0.025, 0.05)))
    k = np.zeros((L, L), np.float32)
    a = rng.uniform(0, math.pi)
    c = (L - 1) / 2
    cv2.line(
        k,
        (int(c - math.cos(a) * c), int(c - math.sin(a) * c)),
        (int(c + math.cos(a) * c), int(c + math.sin(a) * c)),
        1.0,
        1,
        cv2.LINE_AA,
    )
    k /= k.sum()
    out = cv2.filter2D(img, -1, k)
    return cv2.GaussianBlur(out, (0, 0), 1.0)


def underexpose(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """Scale to a very low mean luminance, then heavy high-ISO noise."""
    target = rng.uniform(0.025, 0.065) * 255
    m = float(luminance(img).mean())
    out = img * (target / max(m, 1.0))
    out = sensor_noise(out, rng, rng.uniform(2.0, 4.0))
    return cv2.GaussianBlur(out, (0, 0), 0.6)  # noise reduction smear


def overexpose(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """Blown out: big gain, clipping, and a veil that washes out the text."""
    m = float(luminance(img).mean())
    gain = max(rng.uniform(1.9, 3.0), 0.9 * 255 / max(m, 1.0))
    out = np.clip(img * gain, 0, 255)
    veil = rng.uniform(0.2, 0.5)
    out = out * (1 - veil) + 255 * veil
    return out


def glare_mask(card_wh, boxes, rng: random.Random) -> np.ndarray:
    """A specular hotspot in card coordinates centred on a text line."""
    cw, ch = card_wh
    text = [b for b in boxes if (b[2] - b[0]) > cw * 0.08] or boxes
    b = rng.choice(text)
    cx = rng.uniform(b[0], b[2])
    cy = (b[1] + b[3]) / 2 + rng.uniform(-0.02, 0.02) * ch
    rx = cw * rng.uniform(0.1, 0.2)
    ry = rx * rng.uniform(0.45, 0.9)
    ang = rng.uniform(-0.7, 0.7)
    yy, xx = np.mgrid[0:ch, 0:cw].astype(np.float32)
    u = (xx - cx) * math.cos(ang) + (yy - cy) * math.sin(ang)
    v = -(xx - cx) * math.sin(ang) + (yy - cy) * math.cos(ang)
    d2 = (u / rx) ** 2 + (v / ry) ** 2
    core = np.clip(1.6 - d2, 0, 1)  # flat saturated core
    halo = np.exp(-d2 * 0.8) * 0.6
    return np.clip(core + halo, 0, 1.2)


def apply_glare(img: np.ndarray, warped_mask: np.ndarray, rng: random.Random) -> np.ndarray:
    s = rng.uniform(330, 420)
    m = warped_mask[..., None]
    warm = np.array([1.0, 0.99, rng.uniform(0.93, 1.0)], np.float32)
    return img + m * s * warm


def encode(img: np.ndarray, fmt: str, rng: random.Random) -> tuple[bytes, dict]:
    arr = np.clip(np.round(img), 0, 255).astype(np.uint8)
    im = Image.fromarray(arr, "RGB")
    buf = io.BytesIO()
    info = {"format": fmt}
    if fmt in ("jpeg", "jpg"):
        q = rng.randint(60, 95)
        im.save(buf, "JPEG", quality=q, subsampling=rng.choice([0, 2, 2]))
        info["quality"] = q
    elif fmt == "webp":
        q = rng.randint(70, 95)
        im.save(buf, "WEBP", quality=q)
        info["quality"] = q
    elif fmt == "png":
        im.save(buf, "PNG", compress_level=6)
    else:
        raise ValueError(f"unknown format {fmt}")
    return buf.getvalue(), info
