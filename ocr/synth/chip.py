"""Round chip23: more of what a 2021 chip card's front may look like (public facts, cccd.md: every
label bilingual, "Quê quán / Place of origin" with its value on the same line or the next,
"Nơi thường trú / Place of residence" with its value on the label's line and the next; a guilloche
background printed in red and orange tones). On a share of the flowing cccd_front layouts: the
addresses' second line starting at the label's margin or under the value's start, a long place of
origin wrapped onto a second line, tighter line spacing, values set a little above or below their
label's baseline, a short value at the right end of its label's line, a tinted background with
orange/red guilloche lines, and a card printed at a lower resolution. Drawn from a stream of its
own (`chip|id`), so that a seed's other draws stay as they were."""

from __future__ import annotations

import math
import random

from PIL import Image

SHARE = 0.75  # share of flowing cccd_front layouts drawn with this variation
TINTS = [(250, 232, 222), (250, 238, 212), (236, 244, 226), (228, 236, 250), (246, 236, 244)]
INKS = [(236, 160, 120), (232, 130, 120), (240, 190, 120), (220, 150, 170)]  # red/orange print
VILLAGES = ["Thôn", "Xóm", "Ấp", "Làng", "Khu phố", "Tổ dân phố"]
VILLAGE_NAMES = ["Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Phú Lộc", "An Bình", "Tân Thành"]


class Chip:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.rest = rng.choice(["margin", "under", "keep"])  # where an address's second line starts
        self.pitch = rng.uniform(1.18, 1.35) if rng.random() < 0.5 else 0.0  # line pitch (x value size)
        self.off = rng.uniform(0.1, 0.35) if rng.random() < 0.5 else 0.0  # value off its label's line
        self.long_origin = rng.random() < 0.45
        self.origin_same = rng.random() < 0.6  # the place of origin on its label's line, wrapping
        self.right = rng.random() < 0.25  # a short value (not the number) at the right end of its line
        self.tint = rng.random() < 0.5
        self.low = rng.uniform(0.5, 0.8) if rng.random() < 0.35 else 0.0  # printed/scanned smaller

    def origin(self, addr: str) -> str:
        if not self.long_origin:
            return addr
        r = self.rng
        return f"{r.choice(VILLAGES)} {r.choice(VILLAGE_NAMES + [str(r.randint(1, 15))])}, {addr}"

    def rest_x(self, margin: float, vx: float, default: float) -> float:
        return {"margin": margin, "under": vx, "keep": default}[self.rest]

    def rise(self, size: float) -> float:
        return self.rng.uniform(-self.off, self.off) * size

    def background(self, img: Image.Image, s: float) -> None:
        """A tint over the card and orange/red guilloche lines (before any print)."""
        if not self.tint:
            return
        r = self.rng
        tint = Image.new("RGB", img.size, r.choice(TINTS))
        img.paste(Image.blend(img, tint, r.uniform(0.4, 0.8)))
        from PIL import ImageDraw

        d = ImageDraw.Draw(img)
        w, h = img.size
        ink = r.choice(INKS)
        for _ in range(r.randint(10, 24)):
            a, ph = r.uniform(0.004, 0.03), r.uniform(0, 6.28)
            amp, y0 = r.uniform(8, 50) * s, r.uniform(0, h)
            pts = [(x, y0 + amp * math.sin(a * x / s + ph)) for x in range(0, w, max(2, w // 240))]
            d.line(pts, fill=ink, width=max(1, int(s * r.choice([1, 1, 2]))))

    def finish(self, img: Image.Image) -> Image.Image:
        if not self.low:
            return img
        w, h = img.size
        small = img.resize((max(1, int(w * self.low)), max(1, int(h * self.low))), Image.BILINEAR)
        return small.resize((w, h), Image.BILINEAR)


def chip(ident: dict, kind: str) -> Chip | None:
    r = random.Random(f"chip|{ident['id_number']}|{kind}")
    return Chip(r) if kind == "cccd_front" and r.random() < SHARE else None
