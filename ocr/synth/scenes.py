"""More of what citizens send instead of a card photo, and more ways a card is overexposed
(notdoc23). Drawn procedurally: no photos, no real personal data.

A photo of class `not_document` or `too_bright` takes one of the kinds here for about half of
the seeds (`pick`); the choice is made from a copy of the random state, so a seed whose photo
keeps an older kind is drawn exactly as before."""

from __future__ import annotations

import random

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

NOT_DOCUMENT = (
    "face",
    "room",
    "floor",
    "hand",
    "monitor",
    "plastic",
    "sheet",
    "pocket",
    "street",
    "ceiling",
    "finger",
)
TOO_BRIGHT = ("lamp", "bloom", "haze", "bright_table", "dark_ground")
NEW_SHARE = 0.5
_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def pick(rng: random.Random, kinds: tuple[str, ...]) -> str | None:
    """One of `kinds` for about NEW_SHARE of the seeds, else None; `rng` is not advanced."""
    side = random.Random(
        repr(rng.getstate()[1])
    )  # a str seed is hashed with SHA-512: the same in every process
    return side.choice(kinds) if side.random() < NEW_SHARE else None


def _rgb(rng: random.Random, lo: int, hi: int) -> tuple[int, int, int]:
    return (rng.randint(lo, hi), rng.randint(lo, hi), rng.randint(lo, hi))


def _noise(rng: random.Random, h: int, w: int, amp: float, cell: int = 8) -> np.ndarray:
    n = np.random.default_rng(rng.randrange(1 << 30)).normal(0, amp, (max(2, h // cell), max(2, w // cell)))
    return cv2.resize(n.astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)[..., None]


def _wall(rng: random.Random, w: int, h: int) -> np.ndarray:
    base = np.array(_rgb(rng, 150, 235), np.float32)
    grad = np.linspace(rng.uniform(0.75, 1.0), rng.uniform(0.8, 1.05), w, dtype=np.float32)[None, :, None]
    return np.ones((h, w, 3), np.float32) * base * grad + _noise(rng, h, w, 4)


def _face(rng, w, h, d, pil):
    skin = (rng.randint(175, 230), rng.randint(135, 185), rng.randint(105, 155))
    cx, cy = w * rng.uniform(0.4, 0.6), h * rng.uniform(0.45, 0.6)
    fw, fh = w * rng.uniform(0.3, 0.5), h * rng.uniform(0.6, 0.85)
    hair = _rgb(rng, 10, 45)
    d.ellipse((cx - fw * 0.62, cy - fh * 0.62, cx + fw * 0.62, cy + fh * 0.35), fill=hair)
    d.rectangle((cx - fw * 0.2, cy + fh * 0.3, cx + fw * 0.2, h), fill=skin)  # the neck
    d.ellipse((cx - fw * 1.3, cy + fh * 0.45, cx + fw * 1.3, cy + fh * 1.6), fill=_rgb(rng, 20, 220))
    d.ellipse((cx - fw / 2, cy - fh / 2, cx + fw / 2, cy + fh / 2), fill=skin)
    d.chord((cx - fw * 0.52, cy - fh * 0.58, cx + fw * 0.52, cy - fh * 0.05), 180, 360, fill=hair)
    for sx in (-1, 1):
        ex, ey = cx + sx * fw * 0.2, cy - fh * 0.05
        d.ellipse((ex - fw * 0.09, ey - fh * 0.035, ex + fw * 0.09, ey + fh * 0.035), fill=(240, 240, 235))
        d.ellipse((ex - fw * 0.04, ey - fh * 0.035, ex + fw * 0.04, ey + fh * 0.035), fill=(35, 25, 20))
        d.line(
            (ex - fw * 0.1, ey - fh * 0.09, ex + fw * 0.1, ey - fh * 0.1),
            fill=hair,
            width=max(2, int(w / 150)),
        )
    shade = tuple(max(0, c - 35) for c in skin)
    d.line((cx, cy, cx - fw * 0.04, cy + fh * 0.12), fill=shade, width=max(2, int(w / 200)))
    d.chord((cx - fw * 0.15, cy + fh * 0.16, cx + fw * 0.15, cy + fh * 0.28), 0, 180, fill=(170, 70, 70))


def _room(rng, w, h, d, pil):
    fy = int(h * rng.uniform(0.55, 0.75))
    d.polygon([(0, h), (w, h), (w * 0.8, fy), (w * 0.2, fy)], fill=_rgb(rng, 60, 150))
    d.polygon([(0, 0), (w * 0.2, h * 0.1), (w * 0.2, fy), (0, h)], fill=_rgb(rng, 120, 200))
    # a window (light, crossed by its frame) and a door, a shelf or a picture
    wx, wy = w * rng.uniform(0.3, 0.5), h * rng.uniform(0.12, 0.25)
    ww, wh = w * rng.uniform(0.18, 0.3), h * rng.uniform(0.22, 0.35)
    d.rectangle((wx, wy, wx + ww, wy + wh), fill=(rng.randint(200, 250), rng.randint(220, 250), 250))
    fr = max(3, int(w / 150))
    d.rectangle((wx, wy, wx + ww, wy + wh), outline=(240, 240, 235), width=fr)
    d.line((wx + ww / 2, wy, wx + ww / 2, wy + wh), fill=(240, 240, 235), width=fr)
    d.line((wx, wy + wh / 2, wx + ww, wy + wh / 2), fill=(240, 240, 235), width=fr)
    dx = w * rng.uniform(0.62, 0.72)
    d.rectangle((dx, h * 0.15, dx + w * 0.12, fy), fill=_rgb(rng, 70, 140))
    d.ellipse((dx + w * 0.095, h * 0.5, dx + w * 0.11, h * 0.52), fill=(200, 180, 80))
    sx = w * rng.uniform(0.25, 0.5)
    d.rounded_rectangle(
        (sx, fy - h * 0.2, sx + w * 0.3, fy + h * 0.08), radius=int(w / 60), fill=_rgb(rng, 40, 160)
    )


def _floor(rng, w, h, d, pil):
    col = np.array(_rgb(rng, 90, 210), np.float32)
    vy = -h * rng.uniform(0.5, 2.0)  # the vanishing point above the frame: tiles in perspective
    vx = w * rng.uniform(0.3, 0.7)
    arr = np.ones((h, w, 3), np.float32) * col
    pil.paste(Image.fromarray(arr.astype(np.uint8)))
    joint = tuple(int(c * 0.75) for c in col)
    for i in range(-12, 13):
        d.line((vx, vy, vx + i * w * rng.uniform(0.14, 0.16), h), fill=joint, width=max(2, int(w / 400)))
    y, step = h * 0.02, h * 0.08
    while y < h:
        d.line((0, y, w, y), fill=joint, width=max(2, int(w / 400)))
        step *= 1.25
        y += step


def _hand(rng, w, h, d, pil):
    skin = (rng.randint(175, 230), rng.randint(130, 180), rng.randint(100, 150))
    cx, cy = w * rng.uniform(0.35, 0.65), h * rng.uniform(0.55, 0.7)
    pw = w * rng.uniform(0.2, 0.3)
    d.rounded_rectangle((cx - pw / 2, cy - pw * 0.5, cx + pw / 2, h + 10), radius=int(pw * 0.25), fill=skin)
    for i in range(4):
        fx = cx - pw / 2 + pw * (0.12 + 0.25 * i)
        top = cy - pw * (0.5 + rng.uniform(0.6, 0.95))
        d.rounded_rectangle(
            (fx - pw * 0.1, top, fx + pw * 0.1, cy - pw * 0.3), radius=int(pw * 0.1), fill=skin
        )
    d.rounded_rectangle(
        (cx - pw * 1.05, cy - pw * 0.15, cx - pw * 0.4, cy + pw * 0.1), radius=int(pw * 0.1), fill=skin
    )


def _monitor(rng, w, h, d, pil):
    mw = w * rng.uniform(0.5, 0.8)
    mh = mw / rng.uniform(1.5, 1.8)
    x0, y0 = (w - mw) / 2 + rng.uniform(-0.08, 0.08) * w, (h - mh) / 2 + rng.uniform(-0.1, 0.05) * h
    b = mw * 0.03
    d.rectangle((x0 - b, y0 - b, x0 + mw + b, y0 + mh + b), fill=_rgb(rng, 10, 35))
    what = rng.choice(["video", "chat", "desktop"])
    if what == "video":  # a film or a call: a picture, a play bar
        hz = y0 + mh * rng.uniform(0.4, 0.6)
        d.rectangle((x0, y0, x0 + mw, hz), fill=(rng.randint(90, 140), rng.randint(140, 190), 230))
        d.rectangle((x0, hz, x0 + mw, y0 + mh), fill=_rgb(rng, 40, 120))
        d.ellipse((x0 + mw * 0.3, y0 + mh * 0.2, x0 + mw * 0.55, y0 + mh * 0.9), fill=_rgb(rng, 60, 200))
        d.rectangle((x0 + mw * 0.05, y0 + mh * 0.93, x0 + mw * 0.95, y0 + mh * 0.95), fill=(200, 200, 200))
    elif what == "chat":  # a few bubbles of a messaging app
        d.rectangle((x0, y0, x0 + mw, y0 + mh), fill=(rng.randint(225, 245),) * 3)
        font = ImageFont.truetype(_FONT, max(8, int(mh * 0.035)))
        for i in range(rng.randint(3, 5)):
            right = i % 2
            by = y0 + mh * (0.08 + 0.18 * i)
            bx = x0 + (mw * 0.45 if right else mw * 0.05)
            d.rounded_rectangle((bx, by, bx + mw * 0.45, by + mh * 0.1), radius=10,
                                fill=(0, 120, 255) if right else (255, 255, 255))  # fmt: skip
            d.text((bx + mw * 0.03, by + mh * 0.03), rng.choice(["Chào anh", "Vâng ạ", "Ok", "Cảm ơn"]),
                   font=font, fill=(255, 255, 255) if right else (30, 30, 30))  # fmt: skip
    else:  # a desktop: wallpaper and a few icons
        d.rectangle((x0, y0, x0 + mw, y0 + mh), fill=_rgb(rng, 30, 160))
        for i in range(rng.randint(3, 8)):
            ix, iy = x0 + mw * 0.03, y0 + mh * (0.04 + 0.11 * i)
            d.rounded_rectangle((ix, iy, ix + mw * 0.05, iy + mw * 0.05), radius=4, fill=_rgb(rng, 80, 250))
        d.rectangle((x0, y0 + mh * 0.94, x0 + mw, y0 + mh), fill=(30, 30, 40))


def _plastic(rng, w, h, d, pil):
    """A loyalty, membership, transport or SIM card: colours, a logo, a few short lines, perhaps
    a barcode; no Vietnamese ID text."""
    cw = int(w * rng.uniform(0.45, 0.75))
    ch = int(cw / 1.586)
    top, bot = np.array(_rgb(rng, 60, 250), np.float32), np.array(_rgb(rng, 60, 250), np.float32)
    card = np.linspace(top, bot, ch)[:, None, :] * np.ones((1, cw, 1), np.float32)
    obj = Image.fromarray(card.astype(np.uint8))
    od = ImageDraw.Draw(obj)
    ink = (20, 20, 30) if card.mean() > 140 else (250, 250, 250)
    od.ellipse((cw * 0.06, ch * 0.08, cw * 0.06 + ch * 0.25, ch * 0.33), fill=_rgb(rng, 0, 255))
    big = ImageFont.truetype(_BOLD, max(8, int(ch * 0.12)))
    small = ImageFont.truetype(_FONT, max(8, int(ch * 0.065)))
    od.text((cw * 0.08 + ch * 0.25, ch * 0.12),
            rng.choice(["MEMBER", "CO.OP", "GOLD CARD", "THẺ THÀNH VIÊN", "VIETTEL", "XE BUÝT"]),
            font=big, fill=ink)  # fmt: skip
    for i in range(rng.randint(1, 3)):
        od.text((cw * 0.08, ch * (0.55 + 0.12 * i)),
                rng.choice(["No. 8800 1234 5678", "Hạn: 12/29", "Điểm: 1.250", "www.example.vn"]),
                font=small, fill=ink)  # fmt: skip
    if rng.random() < 0.5:  # a barcode
        x = cw * 0.6
        while x < cw * 0.92:
            bw = rng.choice([1, 2, 3]) * max(1, cw // 300)
            od.rectangle((x, ch * 0.62, x + bw, ch * 0.88), fill=(15, 15, 15))
            x += bw + rng.choice([1, 2, 3]) * max(1, cw // 300)
    mask = Image.new("L", (cw, ch), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, cw - 1, ch - 1), radius=int(ch * 0.07), fill=255)
    obj.putalpha(mask)
    obj = obj.rotate(rng.uniform(-15, 15), expand=True, resample=Image.BICUBIC)
    pil.paste(obj, (rng.randint(0, max(0, w - obj.width)), rng.randint(0, max(0, h - obj.height))), obj)


def _sheet(rng, w, h, d, pil):
    """A blank sheet of paper, large in the frame, perhaps folded in three."""
    sh = h * rng.uniform(0.7, 0.95)
    sw = sh * rng.choice([1.414, 1 / 1.414, 1.29])
    sw = min(sw, w * 0.95)
    obj = Image.new("RGB", (int(sw), int(sh)), (rng.randint(225, 250),) * 3)
    od = ImageDraw.Draw(obj)
    if rng.random() < 0.5:
        for k in (1, 2):
            y = sh * k / 3
            od.line((0, y, sw, y), fill=(rng.randint(195, 215),) * 3, width=max(2, int(w / 500)))
    obj = obj.rotate(rng.uniform(-10, 10), expand=True, fillcolor=(0, 0, 0))
    mask = obj.convert("L").point(lambda v: 255 if v > 0 else 0)
    pil.paste(obj, ((w - obj.width) // 2 + rng.randint(-20, 20), (h - obj.height) // 2), mask)


def _pocket(rng, w, h, d, pil):
    """The inside of a pocket or a bag, or a lens covered: dark fabric, a little light at one edge."""
    base = np.array(_rgb(rng, 8, 40), np.float32)
    arr = np.ones((h, w, 3), np.float32) * base + _noise(rng, h, w, 6, 4)
    if rng.random() < 0.6:
        yy = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
        arr += rng.uniform(40, 120) * np.clip(1 - yy / rng.uniform(0.1, 0.3), 0, 1)
    pil.paste(Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)))


def _street(rng, w, h, d, pil):
    hz = int(h * rng.uniform(0.55, 0.7))
    d.rectangle((0, 0, w, hz), fill=(rng.randint(130, 190), rng.randint(170, 210), 240))
    x = 0.0
    while x < w:
        bw, bh = w * rng.uniform(0.1, 0.22), h * rng.uniform(0.25, 0.55)
        col = _rgb(rng, 90, 230)
        d.rectangle((x, hz - bh, x + bw, hz), fill=col)
        win = tuple(max(0, c - 70) for c in col)
        for r in range(int(bh / (h * 0.08))):
            for c in range(int(bw / (w * 0.05))):
                wx, wy = x + w * 0.012 + c * w * 0.05, hz - bh + h * 0.02 + r * h * 0.08
                d.rectangle((wx, wy, wx + w * 0.028, wy + h * 0.045), fill=win)
        x += bw + w * rng.uniform(0, 0.02)
    d.rectangle((0, hz, w, h), fill=_rgb(rng, 60, 110))
    for _ in range(rng.randint(2, 6)):  # motorbikes and people
        bx, by = rng.uniform(0, w), rng.uniform(hz, h * 0.95)
        d.ellipse((bx, by - h * 0.1, bx + w * 0.06, by), fill=_rgb(rng, 0, 255))


def _ceiling(rng, w, h, d, pil):
    d.rectangle((0, 0, w, h), fill=(rng.randint(200, 235),) * 3)
    lx, ly = w * rng.uniform(0.3, 0.7), h * rng.uniform(0.3, 0.7)
    if rng.random() < 0.5:  # a tube light
        d.rounded_rectangle(
            (lx - w * 0.25, ly - h * 0.025, lx + w * 0.25, ly + h * 0.025), radius=6, fill=(255,) * 3
        )
    else:  # a round lamp
        r = w * rng.uniform(0.05, 0.1)
        d.ellipse((lx - r, ly - r, lx + r, ly + r), fill=(255, 255, 250))
    fan = rng.random() < 0.4
    if fan:
        for a in (0, 120, 240):
            t = np.deg2rad(a + rng.uniform(0, 120))
            d.line((w / 2, h / 2, w / 2 + np.cos(t) * w * 0.3, h / 2 + np.sin(t) * w * 0.3),
                   fill=_rgb(rng, 60, 140), width=int(w * 0.04))  # fmt: skip


def _finger(rng, w, h, d, pil):
    """A finger over the lens: a large soft skin-coloured blob over a blurred scene."""
    skin = (rng.randint(170, 235), rng.randint(100, 170), rng.randint(80, 140))
    cx = rng.choice([0, w])
    d.ellipse((cx - w * 0.5, -h * 0.3, cx + w * 0.45, h * 1.3), fill=skin)


_DRAW = {
    "face": _face,
    "room": _room,
    "floor": _floor,
    "hand": _hand,
    "monitor": _monitor,
    "plastic": _plastic,
    "sheet": _sheet,
    "pocket": _pocket,
    "street": _street,
    "ceiling": _ceiling,
    "finger": _finger,
}


def not_document(kind: str, rng: random.Random, w: int, h: int, ground: np.ndarray) -> np.ndarray:
    """A scene of `kind` (float32 RGB), `ground` the table or wall behind it."""
    if kind in ("face", "room", "finger"):
        ground = _wall(rng, w, h)
    pil = Image.fromarray(np.clip(ground, 0, 255).astype(np.uint8))
    _DRAW[kind](rng, w, h, ImageDraw.Draw(pil), pil)
    arr = np.asarray(pil).astype(np.float32)
    blur = {"finger": w / 40, "pocket": w / 800}.get(kind, w / rng.choice([800, 1600, 2400]))
    arr = cv2.GaussianBlur(arr, (0, 0), max(0.6, blur))
    if kind in ("face", "hand", "room"):  # soft shading from one side
        arr *= np.linspace(rng.uniform(0.75, 1.0), rng.uniform(0.9, 1.1), w, dtype=np.float32)[None, :, None]
    return arr


def ground(style: str, rng: random.Random, w: int, h: int) -> np.ndarray | None:
    """The table under a card for an overexposure style that needs its own (None: any)."""
    if style == "bright_table":  # a white desk, a bed sheet, a light tile
        base = np.array([rng.uniform(215, 245)] * 3, np.float32) * np.array([1, 0.99, rng.uniform(0.93, 1)])
        return np.ones((h, w, 3), np.float32) * base + _noise(rng, h, w, 4)
    if style == "dark_ground":  # a dark desk or cloth: the camera's auto-exposure lifts everything
        return np.ones((h, w, 3), np.float32) * np.array(_rgb(rng, 8, 35), np.float32) + _noise(rng, h, w, 4)
    return None


def overexpose(style: str, img: np.ndarray, quad: np.ndarray, rng: random.Random) -> np.ndarray:
    """A card photographed under too much light (float32 RGB, before the optics and noise)."""
    h, w = img.shape[:2]
    cw = float(np.linalg.norm(quad[1] - quad[0]))
    if style == "lamp":  # a strong lamp close by: a broad wash of light over much of the card
        c = quad.mean(0) + (quad[rng.randrange(4)] - quad.mean(0)) * rng.uniform(0.0, 0.5)
        s = cw * rng.uniform(0.45, 0.8)
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        field = np.exp(-(((xx - c[0]) ** 2 + (yy - c[1]) ** 2) / (2 * s * s)))
        return (
            img * (1.2 + field[..., None] * rng.uniform(1.0, 2.0))
            + (field * rng.uniform(120, 220))[..., None]
        )
    if style == "bloom":  # overexposed, the highlights bleeding over the print around them
        img = img * rng.uniform(1.6, 2.2)
        over = np.maximum(0.0, img - 220)
        return img + cv2.GaussianBlur(over, (0, 0), cw * rng.uniform(0.02, 0.06)) * rng.uniform(1.5, 3.0)
    if style == "haze":  # a veil of light (sun on the lens): low contrast, not all clipped
        a = rng.uniform(0.12, 0.25)
        return img * a + (rng.uniform(215, 240) - 240 * a) + rng.uniform(10, 25)
    if style == "bright_table":  # a light card on a light table, both blown out
        return img * rng.uniform(1.5, 2.1) + rng.uniform(60, 110)
    # dark_ground: the card blown to white, its print lifted by the tone curve
    img = img * rng.uniform(3.0, 4.5)
    knee = rng.uniform(150, 190)
    return np.minimum(img, knee + np.maximum(0.0, img - knee) * rng.uniform(0.3, 0.6)) + rng.uniform(30, 60)
