"""(verdict24) Wider scenes for two classes, for seeds from MIN_SEED on (older seeds as before).

`too_small_card`: a card at 5-11.5 % of the frame's area (under the verdict's bound of 12 %) on a
patterned tablecloth, on a sheet of paper with print, held in a hand, among other things (a book, a
phone, a bank card, a pen) or turned at a steep angle. `not_document`: a till receipt, a phone
showing an app, a plastic card of an ID card's size in one colour with little or no print (a
driving-licence-sized card, a key card), a blank wall (a switch, a socket), a printed photo of a
face. Drawn procedurally, no photos, no real data. About NEW_SHARE of the seeds of each class take
one, chosen from a copy of the random state."""

from __future__ import annotations

import random

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

MIN_SEED = 30700000
NEW_SHARE = 0.5
SMALL = ("cloth", "sheet", "hand", "clutter", "angle")
NOT_DOCUMENT = ("receipt", "phone", "onecolour", "wall", "photo")
_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
_MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"


def pick(rng: random.Random, kinds: tuple[str, ...], seed: int | None) -> str | None:
    """One of `kinds` for NEW_SHARE of the seeds from MIN_SEED on, else None; `rng` not advanced."""
    if seed is None or seed < MIN_SEED:
        return None
    side = random.Random("verdict24" + repr(rng.getstate()[1]))
    return side.choice(kinds) if side.random() < NEW_SHARE else None


def _rgb(rng: random.Random, lo: int, hi: int) -> tuple[int, int, int]:
    return (rng.randint(lo, hi), rng.randint(lo, hi), rng.randint(lo, hi))


def card_width(rng: random.Random, w: int, h: int, aspect: float) -> float:
    """The card's width as a share of the frame's, for an area of 5-11.5 % of the frame."""
    return float(np.sqrt(rng.uniform(0.05, 0.115) * h * aspect / w))


def steep(rng: random.Random, quad: np.ndarray, w: int, h: int) -> np.ndarray:
    """The card turned further (20-40 degrees) and foreshortened (one end narrower), kept in the frame."""
    c = quad.mean(0)
    ang = np.deg2rad(rng.choice([-1, 1]) * rng.uniform(20, 40))
    rot = np.array([[np.cos(ang), -np.sin(ang)], [np.sin(ang), np.cos(ang)]])
    q = (quad - c) @ rot.T
    far = rng.choice([(0, 1), (2, 3), (1, 2), (3, 0)])
    k = rng.uniform(0.75, 0.9)
    for i in far:
        q[i] *= k
    q = q + c
    m = 0.03 * min(w, h)
    q += np.maximum(0, m - q.min(0)) - np.maximum(0, q.max(0) - np.array([w - m, h - m]))
    return q.astype(np.float32)


def _cloth(rng: random.Random, w: int, h: int) -> np.ndarray:
    a, b = np.array(_rgb(rng, 120, 250), np.float32), np.array(_rgb(rng, 20, 200), np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    step = w * rng.uniform(0.02, 0.06)
    how = rng.choice(["gingham", "stripes", "flowers", "lace"])
    if how == "gingham":
        t = ((np.floor(xx / step) % 2) + (np.floor(yy / step) % 2))[..., None] / 2
        img = a * (1 - t) + b * t
    elif how == "stripes":
        ang = rng.uniform(0, np.pi)
        t = ((np.cos(ang) * xx + np.sin(ang) * yy) / step % 2 < 1).astype(np.float32)[..., None]
        img = a * (1 - t) + b * t
    else:
        img = np.ones((h, w, 3), np.float32) * a
        pil = Image.fromarray(img.astype(np.uint8))
        d = ImageDraw.Draw(pil)
        for _ in range(int(w * h / step**2 / 2)):
            x, y, r = rng.uniform(0, w), rng.uniform(0, h), step * rng.uniform(0.2, 0.6)
            if how == "flowers":
                d.ellipse((x - r, y - r, x + r, y + r), fill=tuple(int(v) for v in b))
                d.ellipse((x - r / 3, y - r / 3, x + r / 3, y + r / 3), fill=_rgb(rng, 180, 250))
            else:
                d.ellipse((x - r, y - r, x + r, y + r), outline=tuple(int(v) for v in b), width=2)
        img = np.asarray(pil, np.float32)
    return img


def _sheet_under(rng: random.Random, img: np.ndarray, quad: np.ndarray) -> None:
    """A sheet of paper (A4, perhaps with print) under the card, larger than it."""
    h, w = img.shape[:2]
    cw = float(np.linalg.norm(quad[1] - quad[0]))
    sw = cw * rng.uniform(2.0, 3.2)
    sh = sw * (1.414 if rng.random() < 0.6 else 1 / 1.414)
    c = quad.mean(0) + np.array([rng.uniform(-0.2, 0.2) * sw, rng.uniform(-0.2, 0.2) * sh])
    ang = np.deg2rad(rng.uniform(-10, 10))
    rot = np.array([[np.cos(ang), -np.sin(ang)], [np.sin(ang), np.cos(ang)]])
    pts = np.array([[-sw / 2, -sh / 2], [sw / 2, -sh / 2], [sw / 2, sh / 2], [-sw / 2, sh / 2]]) @ rot.T + c
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(pil)
    paper = _rgb(rng, 225, 250)
    d.polygon([tuple(p) for p in pts], fill=paper)
    if rng.random() < 0.7:  # printed lines of text on it
        lh = max(4, int(sh * 0.016))
        font = ImageFont.truetype(_FONT, lh)
        words = ["Cộng hòa", "xã hội", "chủ nghĩa", "Việt Nam", "đơn", "đề nghị", "ngày", "tháng", "năm"]
        ink = _rgb(rng, 30, 80)
        for i in range(int(sh * 0.8 / (lh * 1.8))):
            t0 = np.array([-sw * 0.4, -sh * 0.4 + i * lh * 1.8]) @ rot.T + c
            d.text(
                tuple(t0), " ".join(rng.choice(words) for _ in range(rng.randint(3, 9))), font=font, fill=ink
            )
    img[:] = np.asarray(pil, np.float32)


def _clutter(rng: random.Random, img: np.ndarray, quad: np.ndarray) -> None:
    """Other things on the table, away from the card: a book, a phone, a bank card, a pen."""
    h, w = img.shape[:2]
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(pil)
    lo, hi = quad.min(0), quad.max(0)
    for _ in range(rng.randint(2, 4)):
        what = rng.choice(["book", "phone", "bankcard", "pen"])
        ow = w * {"book": 0.3, "phone": 0.1, "bankcard": 0.14, "pen": 0.25}[what] * rng.uniform(0.8, 1.2)
        oh = ow * {"book": 1.35, "phone": 2.0, "bankcard": 0.63, "pen": 0.04}[what]
        for _try in range(10):
            x, y = rng.uniform(0, w - ow * 0.5), rng.uniform(0, h - oh * 0.5)
            if x > hi[0] + 10 or x + ow < lo[0] - 10 or y > hi[1] + 10 or y + oh < lo[1] - 10:
                break
        else:
            continue
        col = {"book": _rgb(rng, 30, 220), "phone": _rgb(rng, 10, 40), "bankcard": _rgb(rng, 20, 160)}
        d.rounded_rectangle((x, y, x + ow, y + oh), radius=max(2, int(min(ow, oh) * 0.1)),
                            fill=col.get(what, _rgb(rng, 0, 255)))  # fmt: skip
        if what == "book":
            d.rectangle((x + ow * 0.1, y + oh * 0.15, x + ow * 0.9, y + oh * 0.3), fill=_rgb(rng, 180, 250))
    img[:] = np.asarray(pil, np.float32)


def ground(kind: str, rng: random.Random, img: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The scene under and around a small card (`img`: the table, float RGB), before the card is laid."""
    h, w = img.shape[:2]
    if kind == "cloth":
        return _cloth(rng, w, h)
    if kind == "sheet":
        _sheet_under(rng, img, quad)
    elif kind == "clutter":
        _clutter(rng, img, quad)
    return img


def over(kind: str, rng: random.Random, img: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """What lies over the card once it is laid: a hand holding it (a thumb over one edge, the palm
    and fingers beyond the other)."""
    if kind != "hand":
        return img
    h, w = img.shape[:2]
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(pil)
    skin = (rng.randint(175, 230), rng.randint(130, 180), rng.randint(100, 150))
    q = quad
    cw = float(np.linalg.norm(q[1] - q[0]))
    bl, br = q[3], q[2]
    mid = (bl + br) / 2
    down = (mid - q.mean(0)) / max(1e-6, float(np.linalg.norm(mid - q.mean(0))))
    palm = mid + down * cw * 0.35
    r = cw * 0.45
    d.ellipse((palm[0] - r, palm[1] - r * 0.7, palm[0] + r, palm[1] + r * 0.9), fill=skin)
    d.polygon([tuple(palm + [-r * 0.6, 0]), tuple(palm + [r * 0.6, 0]), (palm[0] + r, h + 5), (palm[0] - r, h + 5)],
              fill=skin)  # fmt: skip
    t = q[3] + (q[2] - q[3]) * rng.uniform(0.2, 0.7)  # the thumb over the card's lower edge
    tw = cw * 0.09
    d.rounded_rectangle((t[0] - tw, t[1] - cw * 0.1, t[0] + tw, t[1] + cw * 0.3), radius=int(tw), fill=skin)
    return np.asarray(pil, np.float32)


def not_document(kind: str, rng: random.Random, w: int, h: int, ground_img: np.ndarray) -> np.ndarray:
    """A scene of one of NOT_DOCUMENT on `ground_img` (float RGB)."""
    pil = Image.fromarray(np.clip(ground_img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(pil)
    if kind == "wall":
        base = np.array(_rgb(rng, 170, 240), np.float32)
        grad = np.linspace(rng.uniform(0.8, 1.0), rng.uniform(0.85, 1.05), w, dtype=np.float32)[None, :, None]
        pil = Image.fromarray(np.clip(np.ones((h, w, 3), np.float32) * base * grad, 0, 255).astype(np.uint8))
        d = ImageDraw.Draw(pil)
        if rng.random() < 0.7:  # a light switch or a socket
            sw = w * rng.uniform(0.05, 0.09)
            x, y = rng.uniform(0.2, 0.7) * w, rng.uniform(0.2, 0.7) * h
            d.rounded_rectangle(
                (x, y, x + sw, y + sw * 1.3), radius=4, fill=(245, 245, 240), outline=(200, 200, 195)
            )
            d.rectangle((x + sw * 0.35, y + sw * 0.35, x + sw * 0.65, y + sw * 0.95), fill=(225, 225, 220))
        return np.asarray(pil, np.float32)
    objs = {
        "receipt": (rng.uniform(0.25, 0.4), rng.uniform(0.35, 0.5)),  # (width share, aspect w/h)
        "phone": (rng.uniform(0.22, 0.32), rng.uniform(0.45, 0.5)),
        "onecolour": (rng.uniform(0.4, 0.7), 1.586),
        "photo": (rng.uniform(0.35, 0.6), rng.choice([0.75, 1.5])),
    }
    share, aspect = objs[kind]
    ow = int(w * share)
    oh = int(ow / aspect)
    if oh > 0.75 * h:  # whole in the frame, turned as it may be
        oh = int(0.75 * h)
        ow = int(oh * aspect)
    font = lambda k: ImageFont.truetype(_MONO if kind == "receipt" else _FONT, max(8, int(k)))  # noqa: E731
    if kind == "receipt":
        obj = Image.new("RGB", (ow, oh), _rgb(rng, 230, 250))
        od = ImageDraw.Draw(obj)
        lh = ow * 0.05
        lines = ["SIÊU THỊ CO.OP", "HÓA ĐƠN BÁN LẺ", "--------------", "Sữa tươi    32.000", "Bánh mì     15.000",
                 "Nước suối    8.000", "Trứng gà    28.000", "--------------", "TỔNG CỘNG   83.000",
                 "Tiền mặt   100.000", "Cảm ơn quý khách"]  # fmt: skip
        for i, t in enumerate(lines):
            if (i + 1) * lh * 1.5 > oh * 0.95:
                break
            od.text((ow * 0.06, lh * (0.8 + 1.5 * i)), t, font=font(lh), fill=_rgb(rng, 30, 80))
    elif kind == "phone":
        obj = Image.new("RGB", (ow, oh), _rgb(rng, 10, 30))
        od = ImageDraw.Draw(obj)
        b = ow * 0.05
        scr = _rgb(rng, 200, 250) if rng.random() < 0.5 else _rgb(rng, 20, 120)
        od.rectangle((b, b * 2, ow - b, oh - b * 2), fill=scr)
        for i in range(rng.randint(4, 8)):
            y = b * 3 + i * oh * 0.1
            od.rounded_rectangle((b * 2, y, ow - b * 2, y + oh * 0.07), radius=6, fill=_rgb(rng, 40, 250))
    elif kind == "onecolour":  # a card of an ID card's size in one colour: a key card, a licence-sized card
        obj = Image.new("RGB", (ow, oh), _rgb(rng, 30, 240) if rng.random() < 0.5 else (
            rng.randint(150, 250), rng.randint(60, 200), rng.randint(40, 160)))  # fmt: skip
        od = ImageDraw.Draw(obj)
        if rng.random() < 0.5:  # a small logo or a word
            od.text((ow * 0.08, oh * 0.1), rng.choice(["HOTEL", "KEY", "GYM", "PASS"]), font=font(oh * 0.1),
                    fill=_rgb(rng, 200, 255) if sum(obj.getpixel((1, 1))) < 380 else _rgb(rng, 0, 60))  # fmt: skip
    else:  # a printed photo of a face (a portrait print lying on the table)
        obj = Image.new("RGB", (ow, oh), _rgb(rng, 60, 200))
        od = ImageDraw.Draw(obj)
        skin = (rng.randint(175, 230), rng.randint(135, 185), rng.randint(105, 155))
        cx, cy, fw = ow / 2, oh * 0.45, min(ow, oh) * 0.4
        od.ellipse((cx - fw * 0.6, cy - fw * 0.8, cx + fw * 0.6, cy + fw * 0.3), fill=_rgb(rng, 10, 40))
        od.ellipse((cx - fw * 0.8, cy + fw * 0.6, cx + fw * 0.8, oh + fw), fill=_rgb(rng, 20, 220))
        od.ellipse((cx - fw / 2, cy - fw * 0.6, cx + fw / 2, cy + fw * 0.6), fill=skin)
        for sx in (-1, 1):
            od.ellipse((cx + sx * fw * 0.2 - 4, cy - 4, cx + sx * fw * 0.2 + 4, cy + 4), fill=(30, 20, 20))
        od.rectangle((0, 0, ow - 1, oh - 1), outline=(250, 250, 250), width=max(2, ow // 40))
    mask = Image.new("L", (ow, oh), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, ow - 1, oh - 1), radius=int(min(ow, oh) * 0.06), fill=255)
    obj.putalpha(mask)
    obj = obj.rotate(rng.uniform(-12, 12), expand=True, resample=Image.BICUBIC)
    pil.paste(obj, (rng.randint(0, max(0, w - obj.width)), rng.randint(0, max(0, h - obj.height))), obj)
    arr = np.asarray(pil, np.float32)
    return cv2.GaussianBlur(arr, (0, 0), max(0.6, w / rng.choice([1600, 2400])))
