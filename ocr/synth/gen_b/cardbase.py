"""A card canvas with print-offset and per-line jitter, and bilingual label helpers."""

from __future__ import annotations

import random

from PIL import Image, ImageDraw

from . import drawing as dr
from .drawing import CARD_PX, mm

RED = (200, 28, 36)


class Card:
    def __init__(self, rng: random.Random, base, ink, density=1.0, rosettes=2):
        self.rng = rng
        self.st = dr.Style(rng)
        self.img = dr.guilloche(CARD_PX, base, ink, rng, density, rosettes)
        self.d = ImageDraw.Draw(self.img)
        # whole-print offset (a few % of the card) and per-line jitter
        self.ox = rng.uniform(-0.9, 0.9)
        self.oy = rng.uniform(-0.7, 0.7)
        self.text_boxes: list[tuple[int, int, int, int]] = []
        self.ink = self.st.ink

    # -- coordinates
    def px(self, x_mm: float, y_mm: float, jitter=True) -> tuple[int, int]:
        jx = self.rng.uniform(-0.3, 0.3) if jitter else 0
        jy = self.rng.uniform(-0.22, 0.22) if jitter else 0
        return mm(x_mm + self.ox + jx), mm(y_mm + self.oy + jy)

    # -- text at pixel baseline positions
    def put(self, x: int, y: int, s: str, font, fill=None, record=True) -> int:
        """Draw s with its left baseline at (x, y) px; returns the right edge."""
        if not s:
            return x
        fill = fill or self.ink
        self.d.text((x, y), s, font=font, fill=fill, anchor="ls")
        b = self.d.textbbox((x, y), s, font=font, anchor="ls")
        if record:
            self.text_boxes.append(b)
        return b[2]

    def put_center(self, cx: int, y: int, s: str, font, fill=None) -> int:
        w = dr.text_w(font, s)
        return self.put(cx - w // 2, y, s, font, fill)

    def label(self, x: int, y: int, vn: str, en: str | None, size=1.6, colon=True, fill=None) -> int:
        """'Vietnamese / English:' with the English part optionally italic."""
        f = self.st.label(size)
        x = self.put(x, y, vn, f, fill)
        if en:
            x = self.put(x, y, " / ", f, fill)
            fe = self.st.label(size, "i" if self.st.en_italic else "r")
            x = self.put(x, y, en, fe, fill)
        if colon:
            x = self.put(x, y, ":", f, fill)
        return x

    def value(self, x: int, y: int, s: str, size=2.2, fill=None, font=None) -> int:
        return self.put(x, y, s, font or self.st.value(size), fill)

    def gap(self) -> int:
        return mm(self.rng.uniform(0.8, 1.6))

    def wrapped_value(
        self,
        x_after: int,
        y: int,
        left: int,
        right: int,
        s: str,
        size: float,
        line_mm: float,
        force_next=False,
    ) -> int:
        """Value starting after a label (or on the next line), wrapped onto following lines.
        Returns the baseline y of the last line."""
        f = self.st.value(size)
        words = s.split(" ")
        full = right - left
        first_w = right - x_after - self.gap()
        start_same = not force_next and dr.text_w(f, words[0]) <= first_w
        lines = dr.wrap_first(f, words, first_w if start_same else full, full)
        for i, ln in enumerate(lines):
            if i == 0 and start_same:
                self.put(x_after + self.gap(), y, ln, f)
            else:
                y += mm(line_mm) + mm(self.rng.uniform(-0.15, 0.15))
                self.put(left + mm(self.rng.uniform(-0.2, 0.4)), y, ln, f)
        return y

    def header(self, cx_mm: float, y_mm: float, english_first=False, size=1.75, lines=None):
        """National header lines, centred on cx_mm."""
        rows = lines or [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "b", size),
            ("Độc lập - Tự do - Hạnh phúc", "b", size * 0.95),
            ("SOCIALIST REPUBLIC OF VIET NAM", "b", size * 0.9),
            ("Independence - Freedom - Happiness", "r", size * 0.85),
        ]
        y = y_mm
        for text, w, s in rows:
            f = self.st.font(self.st.label_fam, w, s)
            f = dr.fit_font(lambda z, w=w: self.st.font(self.st.label_fam, w, z), s, text, mm(52))
            cx, yy = self.px(cx_mm, y, jitter=False)
            self.put_center(cx, yy, text, f)
            y += s * 1.3

    def paste(self, im: Image.Image, x_mm: float, y_mm: float, protect=False):
        """Paste an image; protect=True keeps hands and glare placement off it (QR)."""
        x, y = self.px(x_mm, y_mm, jitter=False)
        self.img.paste(im, (x, y))
        if protect:
            self.text_boxes.append((x, y, x + im.width, y + im.height))
        return x, y

    def finish(self) -> Image.Image:
        """Rounded corners as alpha, slight print softness."""
        out = self.img.convert("RGBA")
        out.putalpha(dr.rounded_alpha(CARD_PX, mm(3.18)))
        return out
