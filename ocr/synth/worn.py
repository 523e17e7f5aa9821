"""Round cmnd23: an old 9-digit CMND front as worn and as filled in by hand (public facts: a
printed form with dotted lines on a patterned background, values typed or written on them, a
red seal over the photo's corner, the officer's signature): leader dots printed faint (lighter
than the print, so a global threshold misses them), a seal's ring crossing a value's line (the
name's second line first), a signature stroke across the end of an address (its province), the
values in faint or coloured ink and in more faces, a denser guilloche behind the fields.
Drawn from a stream of its own (`worn|id`), so that a seed's other draws stay as they were."""

from __future__ import annotations

import math
import random

from PIL import Image, ImageChops, ImageDraw

_D = "/usr/share/fonts/truetype/"
FACES = [  # more faces for the typed or printed values (Debian's font packages)
    (_D + "noto/NotoSerif-Regular.ttf", _D + "noto/NotoSerif-Bold.ttf"),
    (_D + "liberation/LiberationSansNarrow-Regular.ttf", _D + "liberation/LiberationSansNarrow-Bold.ttf"),
    (_D + "roboto/unhinted/RobotoTTF/Roboto-Light.ttf", _D + "roboto/unhinted/RobotoTTF/Roboto-Regular.ttf"),
    (_D + "dejavu/DejaVuSans-ExtraLight.ttf", _D + "dejavu/DejaVuSans.ttf"),
    (_D + "noto/NotoSerif-Italic.ttf", _D + "noto/NotoSerif-BoldItalic.ttf"),
]
SHARE = 0.6  # flowing 9-digit CMND fronts drawn worn
MIN_SEED = 24000000  # ... among the cards of these seeds on (every older seed's photo as before)


class Worn:
    def __init__(self, rng: random.Random, bg) -> None:
        self.rng, self.bg = rng, bg
        self.faint = rng.random() < 0.6  # leader dots a little darker than the card only
        self.dot_r = rng.uniform(0.55, 0.9)
        self.dot_fill = tuple(max(0, c - rng.randint(22, 48)) for c in bg)
        self.seal = rng.random() < 0.5
        self.sign = rng.random() < 0.45
        self.fill = (
            rng.choice([(95, 95, 110), (110, 105, 120), (30, 45, 120), (70, 40, 110), (25, 70, 110)])
            if rng.random() < 0.4
            else None
        )
        self.vfam = rng.choice(FACES) if rng.random() < 0.35 else None
        self.pattern = rng.random() < 0.5
        self.off = rng.uniform(0.0, 0.12) if rng.random() < 0.5 else 0.0  # further off the line

    def dots(self) -> tuple:
        return (self.dot_fill, self.dot_r) if self.faint else ()

    def face(self, fam):
        return self.vfam or fam

    def rise(self, lh: float) -> float:
        return self.rng.uniform(-self.off, self.off) * lh

    def guilloche(self, fl, top: float, bottom: float) -> None:
        """Fine waves behind the fields, tinted."""
        if not self.pattern:
            return
        rng = self.rng
        col = tuple(max(0, c - rng.randint(25, 45) + d) for c, d in zip(self.bg, rng.choice([(0, 0, 0), (20, -10, 0), (-10, 10, 15)])))  # fmt: skip
        w = fl.img.size[0]
        for _ in range(rng.randint(18, 34)):
            a, ph = rng.uniform(0.01, 0.05), rng.uniform(0, 6.28)
            amp, y0 = rng.uniform(4, 16), rng.uniform(top, bottom)
            pts = [
                (x, (y0 + amp * math.sin(a * x / fl.s + ph)) * fl.s) for x in range(0, w, max(2, w // 300))
            ]
            fl.d.line(pts, fill=col, width=1)

    def marks(self, fl, spans: list[tuple], size: float) -> None:
        """`spans`: (label, line index, x0, x1, baseline y) of each value line written."""
        rng = self.rng
        if self.seal and spans:
            named = [s for s in spans if s[0] == "Họ tên" and s[1] == 1]
            t = (
                named[0]
                if named
                else rng.choice([s for s in spans if s[0] != "Nơi ĐKHK thường trú"] or spans)
            )
            _, _, x0, x1, y = t
            r = rng.uniform(55, 85)
            px = rng.uniform(x0, min(x1, x0 + 120))
            py = y - size * rng.uniform(0.2, 0.6)
            th = rng.uniform(0, 2 * math.pi)
            cx, cy = px - r * math.cos(th), py - r * math.sin(th)
            red = (rng.randint(170, 215), rng.randint(40, 80), rng.randint(50, 90))
            # stamped ink over the print: multiplied, so the print under the ring stays dark
            layer = Image.new("RGB", fl.img.size, (255, 255, 255))
            d, s = ImageDraw.Draw(layer), fl.s
            for k, wd in ((1.0, rng.uniform(2.0, 3.5)), (0.72, 1.2)):
                box = [(cx - r * k) * s, (cy - r * k) * s, (cx + r * k) * s, (cy + r * k) * s]
                d.ellipse(box, outline=red, width=max(1, int(wd * s)))
            fl.img.paste(ImageChops.multiply(fl.img, layer))
        if self.sign and spans:
            addr = [s for s in spans if s[0] == "Nơi ĐKHK thường trú"] or [
                s for s in spans if s[0] == "Nguyên quán"
            ]
            if not addr:
                return
            _, _, x0, x1, y = addr[-1] if rng.random() < 0.7 else addr[0]
            xa = max(x0, x1 - rng.uniform(60, 160))
            ya = y - size * 0.5 + rng.uniform(-8, 8)
            pts, x = [], xa
            f = rng.uniform(0.7, 1.5)
            while x < x1 + rng.uniform(10, 50):
                x += rng.uniform(3, 7)
                pts.append((x * fl.s, (ya + rng.uniform(8, 16) * math.sin(len(pts) * f)) * fl.s))
            col = rng.choice([(30, 40, 140), (20, 20, 30), (40, 30, 90)])
            fl.d.line(pts, fill=col, width=max(1, int(rng.uniform(1.5, 2.6) * fl.s)))


def worn(ident: dict, bg, seed: int | None) -> Worn | None:
    """SHARE of the cards of seeds from MIN_SEED on drawn worn (a card drawn without a seed not)."""
    if seed is None or seed < MIN_SEED:
        return None
    r = random.Random(f"worn|{ident['id_number']}")
    return Worn(r, bg) if r.random() < SHARE else None
