"""Card drawing primitives: fonts, security backgrounds, emblem, portrait, chip, text."""

from __future__ import annotations

import math
import os
import random
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

# Card geometry: true ISO/IEC 7810 ID-1 proportions.
CARD_MM = (85.6, 53.98)
PX_PER_MM = 15.0
CARD_PX = (round(CARD_MM[0] * PX_PER_MM), round(CARD_MM[1] * PX_PER_MM))

_T = "/usr/share/fonts/truetype/"
# Sans families with Vietnamese coverage; (regular, bold, italic).
FAMILIES = {
    "dejavu": ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf", "dejavu/DejaVuSans-Oblique.ttf"),
    "dejavu_cond": (
        "dejavu/DejaVuSansCondensed.ttf",
        "dejavu/DejaVuSansCondensed-Bold.ttf",
        "dejavu/DejaVuSansCondensed-Oblique.ttf",
    ),
    "liberation": (
        "liberation2/LiberationSans-Regular.ttf",
        "liberation2/LiberationSans-Bold.ttf",
        "liberation2/LiberationSans-Italic.ttf",
    ),
    "noto": ("noto/NotoSans-Regular.ttf", "noto/NotoSans-Bold.ttf", "noto/NotoSans-Italic.ttf"),
    "noto_display": (
        "noto/NotoSansDisplay-Regular.ttf",
        "noto/NotoSansDisplay-Bold.ttf",
        "noto/NotoSansDisplay-Italic.ttf",
    ),
    "roboto": (
        "roboto/unhinted/RobotoTTF/Roboto-Regular.ttf",
        "roboto/unhinted/RobotoTTF/Roboto-Bold.ttf",
        "roboto/unhinted/RobotoTTF/Roboto-Italic.ttf",
    ),
    "roboto_cond": (
        "roboto/unhinted/RobotoCondensed-Regular.ttf",
        "roboto/unhinted/RobotoCondensed-Bold.ttf",
        "roboto/unhinted/RobotoCondensed-Italic.ttf",
    ),
    "opensans": (
        "open-sans/OpenSans-Regular.ttf",
        "open-sans/OpenSans-Bold.ttf",
        "open-sans/OpenSans-Italic.ttf",
    ),
}
MONO = [
    "dejavu/DejaVuSansMono.ttf",
    "liberation2/LiberationMono-Regular.ttf",
    "liberation/LiberationMono-Regular.ttf",
    "dejavu/DejaVuSansMono-Bold.ttf",
]
SERIF_ITALIC = [
    "liberation2/LiberationSerif-Italic.ttf",
    "dejavu/DejaVuSerif-Italic.ttf",
    "noto/NotoSerif-Italic.ttf",
]
_VI_TEST = "ĐƯưƠơẮằẳẵặẤầẩẫậẾềểễệỐồổỗộỚờởỡợỨừửữựỲỷỹỵẢạẺẽẹỈĩịỎọỦũụ"


def _covers_vi(path: str) -> bool:
    try:
        f = ImageFont.truetype(_T + path, 30)
    except OSError:
        return False
    nd = bytes(f.getmask("\ue000"))
    return all(bytes(f.getmask(ch)) != nd for ch in _VI_TEST)


@lru_cache(maxsize=1)
def available_families() -> list[str]:
    """Families whose three faces exist and render Vietnamese."""
    return [k for k, v in FAMILIES.items() if all(_covers_vi(p) for p in v)]


def pick_existing(paths: list[str]) -> list[str]:
    return [p for p in paths if os.path.exists(_T + p)]


@lru_cache(maxsize=512)
def font_path(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(_T + path, max(6, int(size)))


class Style:
    """Per-sample typography: label family, value family, scale jitter."""

    def __init__(self, rng: random.Random):
        fams = available_families()
        self.label_fam = rng.choice(fams)
        self.value_fam = rng.choice(fams)
        self.scale = rng.uniform(0.95, 1.05)
        self.value_bold = rng.random() < 0.8
        self.en_italic = rng.random() < 0.6
        self.ink = tuple(rng.randint(5, 40) for _ in range(3))
        self.rng = rng

    def font(self, fam: str, weight: str, size_mm: float) -> ImageFont.FreeTypeFont:
        idx = {"r": 0, "b": 1, "i": 2}[weight]
        return font_path(FAMILIES[fam][idx], round(size_mm * PX_PER_MM * self.scale))

    def label(self, size_mm=1.65, weight="r"):
        return self.font(self.label_fam, weight, size_mm)

    def value(self, size_mm=2.2):
        return self.font(self.value_fam, "b" if self.value_bold else "r", size_mm)


def mm(v: float) -> int:
    return round(v * PX_PER_MM)


def text_w(font, s: str) -> int:
    return int(font.getlength(s))


def fit_font(make, size_mm: float, s: str, max_w: int):
    """Shrink the font until s fits max_w."""
    f = make(size_mm)
    while text_w(f, s) > max_w and size_mm > 0.8:
        size_mm *= 0.95
        f = make(size_mm)
    return f


def wrap_first(font, words: list[str], first_w: int, rest_w: int) -> list[str]:
    """Greedy wrap: the first line has first_w, following lines rest_w."""
    lines, cur, limit = [], "", first_w
    for w in words:
        cand = (cur + " " + w).strip()
        if not cur or text_w(font, cand) <= limit:
            cur = cand
        else:
            lines.append(cur)
            cur, limit = w, rest_w
    lines.append(cur)
    return lines


# ---------------------------------------------------------------- backgrounds
def guilloche(size, base, ink, rng: random.Random, density=1.0, rosettes=2) -> Image.Image:
    """Pale gradient + interlaced sine bands + rosettes, a stand-in for security print."""
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = rng.uniform(0, math.pi)
    g = np.cos(a) * xx / w + np.sin(a) * yy / h
    arr = np.empty((h, w, 3), np.float32)
    for c in range(3):
        arr[..., c] = base[c] + (g - 0.5) * rng.uniform(-14, 14)
    # fine wave texture
    f1, f2 = rng.uniform(0.02, 0.05), rng.uniform(0.004, 0.012)
    wave = np.sin(xx * f1 + 9 * np.sin(yy * f2 + rng.uniform(0, 6))) * np.sin(yy * f1 * 0.8)
    for c in range(3):
        arr[..., c] += wave * 5 * density * (1 if c != 0 else 0.6)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    d = ImageDraw.Draw(img)
    n_bands = int(rng.randint(8, 14) * density)
    for _k in range(n_bands):
        amp = rng.uniform(8, 30)
        per = rng.uniform(80, 260)
        y0 = rng.uniform(0, h)
        ph = rng.uniform(0, 6.3)
        col = tuple(int(ink[i] + rng.randint(-12, 12)) for i in range(3))
        pts = [
            (x, y0 + amp * math.sin(x / per * 6.283 + ph) + 0.3 * amp * math.sin(x / per * 17 + ph))
            for x in range(0, w + 8, 6)
        ]
        d.line(pts, fill=col, width=1)
    for _ in range(rosettes):
        cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
        R, r_, p = rng.uniform(0.12, 0.3) * h, rng.uniform(0.03, 0.09) * h, rng.randint(7, 19)
        col = tuple(int(ink[i] * 0.9 + base[i] * 0.1) for i in range(3))
        for ring in range(3):
            pts = []
            for t in np.linspace(0, 2 * math.pi, 900):
                rr = R * (1 - 0.18 * ring) + r_ * math.cos(p * t)
                pts.append((cx + rr * math.cos(t), cy + rr * math.sin(t)))
            d.line(pts, fill=col, width=1)
    return img


def drum(img: Image.Image, center, radius, color, rng: random.Random):
    """Faint Dong Son drum motif: concentric rings and a rayed star."""
    d = ImageDraw.Draw(img)
    cx, cy = center
    for k in range(1, 9):
        r = radius * k / 8
        d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=color, width=1)
    rays = rng.choice([12, 14, 16])
    for i in range(rays):
        t = 2 * math.pi * i / rays
        t2 = t + math.pi / rays
        d.polygon(
            [
                (cx, cy),
                (cx + radius * 0.22 * math.cos(t - 0.12), cy + radius * 0.22 * math.sin(t - 0.12)),
                (cx + radius * 0.25 * math.cos(t2), cy + radius * 0.25 * math.sin(t2)),
            ],
            outline=color,
        )


def star(d: ImageDraw.ImageDraw, cx, cy, r, fill):
    pts = []
    for i in range(10):
        rr = r if i % 2 == 0 else r * 0.4
        t = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + rr * math.cos(t), cy + rr * math.sin(t)))
    d.polygon(pts, fill=fill)


def emblem(img: Image.Image, cx, cy, r):
    """Simplified national emblem: gold ring, red disc, yellow star, gold cog arc."""
    d = ImageDraw.Draw(img)
    gold, red = (222, 170, 40), (205, 30, 35)
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=gold)
    for i in range(24):  # rice ear ticks
        t = math.pi * 0.15 + i * math.pi * 1.7 / 24
        x, y = cx + r * 0.93 * math.cos(t), cy + r * 0.93 * math.sin(t)
        d.ellipse([x - r * 0.09, y - r * 0.05, x + r * 0.09, y + r * 0.05], fill=(190, 140, 30))
    d.ellipse([cx - r * 0.72, cy - r * 0.72, cx + r * 0.72, cy + r * 0.72], fill=red)
    star(d, cx, cy - r * 0.08, r * 0.48, (250, 220, 40))
    d.pieslice([cx - r * 0.34, cy + r * 0.3, cx + r * 0.34, cy + r * 0.9], 180, 360, fill=gold)
    d.rectangle([cx - r * 0.45, cy + r * 0.82, cx + r * 0.45, cy + r * 0.98], fill=red)


def seal(img: Image.Image, cx, cy, r, rng):
    d = ImageDraw.Draw(img, "RGBA")
    col = (210, 30, 40, rng.randint(120, 190))
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=col, width=max(2, int(r * 0.06)))
    d.ellipse([cx - r * 0.78, cy - r * 0.78, cx + r * 0.78, cy + r * 0.78], outline=col, width=2)
    star(d, cx, cy, r * 0.3, col)


def signature(img: Image.Image, x, y, w, h, rng):
    d = ImageDraw.Draw(img)
    pts, px = [], x
    for i in range(rng.randint(14, 26)):
        px += w / 22 * rng.uniform(0.5, 1.5)
        pts.append((min(px, x + w), y + h * (0.5 + 0.45 * math.sin(i * rng.uniform(0.8, 2.2)))))
    d.line(pts, fill=(20, 30, 90), width=3, joint="curve")


def chip(img: Image.Image, x, y, w, h):
    d = ImageDraw.Draw(img)
    d.rounded_rectangle(
        [x, y, x + w, y + h], radius=w * 0.15, fill=(214, 178, 96), outline=(150, 115, 50), width=2
    )
    for fx in (0.33, 0.67):
        d.line([(x + w * fx, y), (x + w * fx, y + h)], fill=(150, 115, 50), width=2)
    for fy in (0.33, 0.67):
        d.line([(x, y + h * fy), (x + w * 0.33, y + h * fy)], fill=(150, 115, 50), width=2)
        d.line([(x + w * 0.67, y + h * fy), (x + w, y + h * fy)], fill=(150, 115, 50), width=2)
    d.rounded_rectangle(
        [x + w * 0.33, y + h * 0.25, x + w * 0.67, y + h * 0.75], radius=6, outline=(150, 115, 50), width=2
    )


# ---------------------------------------------------------------- portrait
SKIN = [(241, 204, 170), (226, 184, 143), (205, 160, 120), (232, 195, 160), (190, 140, 100)]


def portrait(w: int, h: int, rng: random.Random, male: bool) -> Image.Image:
    """A face-like placeholder: plain backdrop, shoulders, head, hair, eyes. Never a real photo."""
    bgc = rng.choice([(235, 240, 246), (200, 220, 240), (245, 245, 245), (215, 228, 238)])
    img = Image.new("RGB", (w * 2, h * 2), bgc)
    d = ImageDraw.Draw(img)
    W, H = w * 2, h * 2
    skin = rng.choice(SKIN)
    shirt = rng.choice([(240, 240, 240), (30, 40, 60), (60, 60, 70), (250, 250, 250), (40, 70, 120)])
    hair = rng.choice([(20, 18, 16), (35, 28, 22), (50, 40, 30), (15, 15, 15)])
    cx = W / 2 + rng.uniform(-0.04, 0.04) * W
    d.ellipse([cx - W * 0.55, H * 0.78, cx + W * 0.55, H * 1.5], fill=shirt)
    d.rectangle([cx - W * 0.1, H * 0.6, cx + W * 0.1, H * 0.84], fill=skin)
    hw, hh = W * rng.uniform(0.27, 0.32), H * rng.uniform(0.25, 0.29)
    hy = H * 0.42
    if not male:
        d.ellipse([cx - hw * 1.25, hy - hh * 1.05, cx + hw * 1.25, hy + hh * 1.5], fill=hair)
    d.ellipse([cx - hw, hy - hh, cx + hw, hy + hh], fill=skin)
    d.chord([cx - hw * 1.05, hy - hh * 1.12, cx + hw * 1.05, hy + hh * 0.5], 180, 360, fill=hair)
    for s in (-1, 1):
        ex = cx + s * hw * 0.38
        d.ellipse([ex - hw * 0.13, hy - hh * 0.02, ex + hw * 0.13, hy + hh * 0.1], fill=(250, 250, 250))
        d.ellipse([ex - hw * 0.06, hy - hh * 0.0, ex + hw * 0.06, hy + hh * 0.09], fill=(30, 25, 20))
        d.line([(ex - hw * 0.16, hy - hh * 0.14), (ex + hw * 0.16, hy - hh * 0.16)], fill=hair, width=5)
    d.line(
        [(cx, hy + hh * 0.05), (cx - hw * 0.07, hy + hh * 0.35), (cx + hw * 0.05, hy + hh * 0.38)],
        fill=tuple(int(c * 0.8) for c in skin),
        width=4,
    )
    d.arc(
        [cx - hw * 0.3, hy + hh * 0.38, cx + hw * 0.3, hy + hh * 0.66], 20, 160, fill=(150, 70, 70), width=5
    )
    img = img.filter(ImageFilter.GaussianBlur(2.5)).resize((w, h), Image.LANCZOS)
    return img


def rounded_alpha(size, radius_px: int) -> Image.Image:
    a = Image.new("L", size, 0)
    ImageDraw.Draw(a).rounded_rectangle([0, 0, size[0] - 1, size[1] - 1], radius=radius_px, fill=255)
    return a
