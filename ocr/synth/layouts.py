"""Flowing card layouts for generator A: the public facts (cccd.md) only say which labels a side
carries, in which order, and that a value follows its label on the same line or the next. These
layouts draw every side that way with random choices, so that reading cannot lean on positions:
the label block's place and scale, the font family (Debian sans, regular and condensed), the label
style ("VN / EN" on one line, or the English under it), the value on the label's line or the next,
long addresses wrapped over two lines, the QR on either side of the top, dotted leaders and typed
values on the old CMND, the card's colour."""

from __future__ import annotations

import math
import os
import random

from PIL import Image, ImageDraw, ImageFont

from ..layout import CARD_H, CARD_W
from . import chip as chipmod
from . import wide as widemod
from . import worn

_D = "/usr/share/fonts/truetype/"
FONTS = {  # family: (regular, bold)
    "dejavu": (_D + "dejavu/DejaVuSans.ttf", _D + "dejavu/DejaVuSans-Bold.ttf"),
    "dejavu_cond": (_D + "dejavu/DejaVuSansCondensed.ttf", _D + "dejavu/DejaVuSansCondensed-Bold.ttf"),
    "liberation": (
        _D + "liberation2/LiberationSans-Regular.ttf",
        _D + "liberation2/LiberationSans-Bold.ttf",
    ),
    "noto": (_D + "noto/NotoSans-Regular.ttf", _D + "noto/NotoSans-Bold.ttf"),
    "roboto": (
        _D + "roboto/unhinted/RobotoTTF/Roboto-Regular.ttf",
        _D + "roboto/unhinted/RobotoTTF/Roboto-Bold.ttf",
    ),
    "opensans": (_D + "open-sans/OpenSans-Regular.ttf", _D + "open-sans/OpenSans-Bold.ttf"),
}
TYPED = {  # values typed on an old CMND (fonts with every Vietnamese letter)
    "serif": (_D + "liberation2/LiberationSerif-Regular.ttf", _D + "liberation2/LiberationSerif-Bold.ttf"),
    "dejavu_serif": (_D + "dejavu/DejaVuSerif.ttf", _D + "dejavu/DejaVuSerif-Bold.ttf"),
    "typewriter": (_D + "liberation2/LiberationMono-Regular.ttf", _D + "liberation2/LiberationMono-Bold.ttf"),
    "sans_mono": (_D + "dejavu/DejaVuSansMono.ttf", _D + "dejavu/DejaVuSansMono-Bold.ttf"),
    # a hand-filled look (the facts: typed or handwritten values)
    "serif_italic": (
        _D + "liberation2/LiberationSerif-Italic.ttf",
        _D + "liberation2/LiberationSerif-BoldItalic.ttf",
    ),
    "sans_oblique": (_D + "dejavu/DejaVuSans-Oblique.ttf", _D + "dejavu/DejaVuSans-BoldOblique.ttf"),
    # more typewriter-like monospace faces of Debian's font packages (a slanted typewriter, too)
    "typewriter_italic": (
        _D + "liberation2/LiberationMono-Italic.ttf",
        _D + "liberation2/LiberationMono-BoldItalic.ttf",
    ),
    "mono_oblique": (_D + "dejavu/DejaVuSansMono-Oblique.ttf", _D + "dejavu/DejaVuSansMono-BoldOblique.ttf"),
    "serif_cond_italic": (
        _D + "dejavu/DejaVuSerifCondensed-Italic.ttf",
        _D + "dejavu/DejaVuSerifCondensed-BoldItalic.ttf",
    ),
}
# how each typed face is inked on an old CMND: a typewriter's uneven strikes, or a hand's drift
INK = {
    "typewriter": "typed",
    "sans_mono": "typed",
    "typewriter_italic": "typed",
    "mono_oblique": "typed",
    "serif_italic": "hand",
    "sans_oblique": "hand",
    "serif_cond_italic": "hand",
}
# how a card that never expires fills the MRZ expiry field and its check digit: ICAO 9303 fills
# an empty field with "<"; its check digit is written "<" or computed over the fillers ("0").
# Public-fact variants, neither confirmed for Vietnam.
NO_EXPIRY_MRZ = ["<<<<<<<", "<<<<<<0"]
VARIED_SHARE = 0.6  # old 9-digit CMND fronts drawn with the varied form (Varied)
MONO = (_D + "dejavu/DejaVuSansMono.ttf", _D + "dejavu/DejaVuSansMono-Bold.ttf")  # the MRZ (ASCII)
_cache: dict = {}


def _font(path: str, px: float) -> ImageFont.FreeTypeFont:
    if not os.path.exists(path):
        path = FONTS["dejavu"][0]
    key = (path, max(6, int(px)))
    if key not in _cache:
        _cache[key] = ImageFont.truetype(path, key[1])
    return _cache[key]


class Flow:
    """A card drawn in card units (CARD_W x CARD_H) at scale `s`."""

    def __init__(self, s: float, bg, rng: random.Random, family: str) -> None:
        self.s, self.rng = s, rng
        self.img = Image.new("RGB", (round(CARD_W * s), round(CARD_H * s)), bg)
        self.d = ImageDraw.Draw(self.img)
        self.fam = FONTS[family]
        self.k = rng.uniform(0.94, 1.06)

    def font(self, size: float, bold: bool = False, fam=None):
        return _font((fam or self.fam)[bold], size * self.k * self.s)

    def width(self, t: str, size: float, bold: bool = False, fam=None) -> float:
        return self.font(size, bold, fam).getlength(t) / self.s

    def text(self, x, y, t, size, bold=False, fill=(25, 25, 30), fam=None, anchor="ls") -> float:
        """Draw `t` with its baseline at y; return the x where it ends."""
        self.d.text((x * self.s, y * self.s), t, font=self.font(size, bold, fam), fill=fill, anchor=anchor)
        return x + self.width(t, size, bold, fam)

    def uneven(self, x, y, t, size, bold, fill, fam, ink: str) -> float:
        """`t` a character at a time: a typewriter's strikes (each key a little high or low,
        lighter or heavier, a few doubled) or a hand's (a drifting baseline, letters of uneven
        size and spacing). Returns the x where it ends."""
        rng = self.rng
        cx, drift = x, rng.uniform(-0.12, 0.12) if ink == "hand" else 0.0
        for i, ch in enumerate(t):
            k = rng.uniform(0.93, 1.08) if ink == "hand" else 1.0
            f = self.font(size * k, bold, fam)
            dy = rng.gauss(0, 0.45 if ink == "typed" else 0.7) + drift * i
            light = rng.choice([0, 0, 0, 25, 50, 80]) if ink == "typed" else rng.randint(0, 35)
            col = tuple(min(200, c + light) for c in fill)
            self.d.text((cx * self.s, (y + dy) * self.s), ch, font=f, fill=col, anchor="ls")
            if ink == "typed" and rng.random() < 0.08:  # a heavy strike, the type doubled
                self.d.text((cx * self.s + 0.6, (y + dy) * self.s), ch, font=f, fill=col, anchor="ls")
            cx += f.getlength(ch) / self.s + (rng.uniform(-0.6, 1.2) if ink == "hand" else 0.0)
        return cx

    def dots(self, x0, x1, y, fill=(90, 90, 110), r: float = 0.9) -> None:
        step, r = 7, r * self.s
        for x in range(int(x0), int(x1), step):
            self.d.ellipse(
                [x * self.s - r, (y + 2) * self.s - r, x * self.s + r, (y + 2) * self.s + r], fill=fill
            )


def wrap(fl: Flow, text: str, size: float, bold: bool, first: float, rest: float, fam=None) -> list[str]:
    """Words into lines: the first line `first` wide, the others `rest`."""
    lines, cur = [], ""
    for w in text.split():
        cand = (cur + " " + w).strip()
        if cur and fl.width(cand, size, bold, fam) > (first if not lines else rest):
            lines.append(cur)
            cur = w
        else:
            cur = cand
    if cur:
        lines.append(cur)
    return lines


def label_text(vn: str, en: str | None, style: str, colon: bool = True) -> tuple[str, str | None]:
    """(the label line, an English line under it or None)."""
    if not en:
        return vn + (":" if colon else ""), None
    if style == "under":
        return vn + ":", en
    sep = {"spaced": " / ", "tight": "/", "left": " /"}[style]
    return f"{vn}{sep}{en}:", None


class Writer:
    """Writes label/value pairs down a column, each style drawn once per card."""

    def __init__(self, fl: Flow, x: float, y: float, xmax: float, lsize: float, vsize: float, rng):
        self.fl, self.x, self.y, self.xmax = fl, x, y, xmax
        self.lsize, self.vsize, self.rng = lsize, vsize, rng
        self.lh = max(lsize, vsize) * rng.uniform(1.4, 1.7)
        self.style = rng.choice(["spaced", "spaced", "tight", "left", "under"])
        self.lab = rng.choice([(60, 60, 70), (40, 40, 40), (70, 50, 50), (30, 40, 90)])
        self.val = rng.choice([(10, 10, 10), (20, 20, 25), (15, 15, 40)])
        self.vbold = rng.random() < 0.5
        self.ink: str | None = None  # "typed" or "hand": values drawn unevenly (old CMND)
        # an old CMND's form and its typed values (see Varied): None keeps the plain flow
        self.var: Varied | None = None
        self.extra: Extra | None = None  # round cards21's further variation (see Extra)
        self.chip = None  # round chip23's variation of the chip front (chip.Chip)
        self.worn = None  # round cmnd23's worn old CMND (worn.Worn)
        self.wide = None  # round cmnd24's wider typing of an old CMND's values (wide.Wide)
        self.spans: list[tuple] = []  # (label, line, x0, x1, baseline) of each value line written

    def field(
        self,
        vn,
        en,
        value,
        mode="same",
        lines=1,
        size=None,
        bold=None,
        fill=None,
        leader=False,
        fam=None,
        narrow: float = 0.0,
    ):
        fl, rng, v = self.fl, self.rng, self.var
        size = size or self.vsize
        bold = self.vbold if bold is None else bold
        lab, en_line = label_text(vn, en, self.style, v.colon if v else True)
        self.y += self.lh
        xe = fl.text(
            self.x, self.y, lab, self.lsize * (v.lscale if v else 1), False, self.lab, v.lfam if v else None
        )
        if en_line:
            fl.text(self.x, self.y + self.lsize * 1.05, en_line, self.lsize * 0.85, False, self.lab)
            if mode == "same" or lines > 1:
                pass
            self.y += self.lsize * 1.05
        if not value:
            return
        if v and v.next_line(vn):
            mode = "next"
        wd = self.wide
        if wd and wd.next_line(vn):
            mode = "next"
        if mode == "same":
            vx, vy = xe + rng.uniform(8, 18), self.y - (self.lsize * 1.05 if en_line else 0)
        else:
            vx = self.x + rng.uniform(0, 30)
            self.y += self.lh * 0.95
            vy = self.y
        rest_x = self.x + rng.choice([0, 0, 20])
        xmax = self.xmax - narrow
        if v:  # a typed value: off its dotted line, set further right, wrapped shorter
            vx += v.gap()
            xmax -= v.short()
            lines = max(lines, v.lines(vn, lines))
        ex = self.extra
        if ex:
            vx += min(ex.gap(mode), (xmax - vx) * 0.4)
            fam = ex.face(fam)
        split = ex.split_name(vn, value) if ex else None
        ch = self.chip
        if ch:
            rest_x = ch.rest_x(self.x, vx, rest_x)
            if ch.right and mode == "same" and "," not in value and vn != "Số":  # the line's right end
                vx = max(vx, xmax - fl.width(value, size, bold, fam) - rng.uniform(0, 12))
        wn = self.worn
        if wn:
            fam, fill = wn.face(fam), fill or wn.fill
        while True:
            parts = wrap(fl, value, size, bold, xmax - vx, xmax - rest_x, fam)
            if len(parts) <= lines or size < 12:
                break
            size -= 1
        if len(parts) > lines:  # squeeze onto the lines there are
            parts = parts[: lines - 1] + [" ".join(parts[lines - 1 :])]
        if wd and lines == 2 and len(parts) <= 2:  # the address broken at another place
            alt = wd.split(vn, value, lambda t: fl.width(t, size, bold, fam) <= xmax - vx)
            if alt and fl.width(alt[1], size, bold, fam) <= xmax - rest_x:
                parts = alt
        if split:
            parts = split
        if ex and ex.boxes and vn == "Sinh ngày" and value[:1].isdigit():
            dy = v.rise(self.lh) if v else 0.0
            if leader:
                fl.dots(vx - 4, self.xmax, vy, *(wn.dots() if wn else ()))
            boxed_date(fl, vx, vy + dy, "-".join(reversed(value.replace(" ", "").replace(".", "-").replace("/", "-").split("-"))), size, bold, fill or self.val, fam)  # fmt: skip
            return
        for i, p in enumerate(parts):
            px = vx if i == 0 else rest_x
            if i:
                self.y += self.lh * 0.95
                vy = self.y
            if leader:
                fl.dots(px - 4, self.xmax, vy, *(wn.dots() if wn else ()))
            dy = (v.rise(self.lh) if v else 0.0) + (wn.rise(self.lh) if wn else 0.0)
            if ch:
                dy += ch.rise(self.lsize)
            if wd and wd.track and vn == "Sinh ngày":
                end = wd.spaced(fl, px, vy + dy, p, size, bold, fill or self.val, fam)
            elif self.ink:
                end = fl.uneven(px, vy + dy, p, size, bold, fill or self.val, fam, self.ink)
            else:
                end = fl.text(px, vy + dy, p, size, bold, fill or self.val, fam)
            self.spans.append((vn, i, px, end, vy + dy))
        if v and leader and v.blank_line(vn, len(parts), lines):  # the form's empty dotted line
            self.y += self.lh * 0.95
            fl.dots(rest_x - 4, self.xmax, self.y, *(wn.dots() if wn else ()))

    def pair(self, a: tuple, b: tuple, split: float) -> None:
        """Two fields on one line (Giới tính ... Quốc tịch)."""
        fl, rng = self.fl, self.rng
        self.y += self.lh
        x = self.x
        for (vn, en, value), x0 in ((a, self.x), (b, split)):
            lab, en_line = label_text(vn, en, "spaced" if self.style == "under" else self.style)
            xe = fl.text(max(x, x0), self.y, lab, self.lsize, False, self.lab)
            x = fl.text(xe + rng.uniform(8, 16), self.y, value, self.vsize, self.vbold, self.val) + 20


SERIF_LABELS = [
    (_D + "liberation2/LiberationSerif-Regular.ttf", _D + "liberation2/LiberationSerif-Bold.ttf"),
    (_D + "dejavu/DejaVuSerif.ttf", _D + "dejavu/DejaVuSerif-Bold.ttf"),
    (_D + "dejavu/DejaVuSerifCondensed.ttf", _D + "dejavu/DejaVuSerifCondensed-Bold.ttf"),
]


class Varied:
    """How an old 9-digit CMND's form and the values typed or written on it vary (public facts: a
    printed form with dotted lines, "Họ tên" with a second line, two lines for each address; the
    values typed or hand-filled, so neither on the dotted line nor at a fixed place). Drawn from
    a stream of its own, so a seed's other draws stay as they were."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.colon = rng.random() < 0.5  # the form prints "Sinh ngày ......" without a colon
        faces: list[tuple[str, str] | None] = [None, None, *SERIF_LABELS]
        self.lfam = rng.choice(faces)  # the form's own face
        self.lscale = rng.uniform(0.95, 1.05)
        self.sep = rng.choice(["/", "-", ".", " - ", "-", "/"])  # a date as typed
        self.off = rng.uniform(0.0, 0.22)  # how far a value sits off its line (share of a line)
        self.far = rng.uniform(0, 60)  # a value typed further along the dotted line
        self.narrow = rng.uniform(0, 160)  # a value wrapped before the card's edge
        # values typed on the line under their label
        self.next = {f for f in ("Sinh ngày", "Nguyên quán", "Nơi ĐKHK thường trú") if rng.random() < 0.12}
        self.three = rng.random() < 0.3  # a long residence over three lines
        self.blank = rng.random() < 0.7  # the name's second dotted line printed empty

    def line_height(self, lh: float, top: float, size: float) -> float:
        """The form's line pitch, so that every line fits above the card's bottom edge."""
        n = 1 + self.blank + 1 + 2 + (3 if self.three else 2) + len(self.next) + 0.5
        return max(1.25 * size, min(lh, (CARD_H - 18 - top) / n))

    def gap(self) -> float:
        return self.rng.uniform(0, self.far)

    def short(self) -> float:
        return self.rng.uniform(0, self.narrow)

    def rise(self, lh: float) -> float:
        return self.rng.uniform(-self.off, self.off) * lh

    def next_line(self, vn: str) -> bool:
        return vn in self.next

    def lines(self, vn: str, lines: int) -> int:
        return 3 if self.three and vn == "Nơi ĐKHK thường trú" else lines

    def blank_line(self, vn: str, used: int, lines: int) -> bool:
        return vn == "Họ tên" and self.blank and used == 1


VALUE_FACES = [  # another face for the values than the card's labels (sans, condensed, serif, mono)
    (_D + "roboto/unhinted/RobotoCondensed-Regular.ttf", _D + "roboto/unhinted/RobotoCondensed-Bold.ttf"),
    *(FONTS[k] for k in ("opensans", "liberation", "dejavu_cond")),
    *(TYPED[k] for k in ("serif", "typewriter")),
]
EXTRA_SHARE = {"cmnd_front": 0.7, "cccd_front": 0.4, "cancuoc_front": 0.4}


class Extra:
    """Round cards21: more of what a real front may look like (public facts: "Họ tên" typed on
    dotted lines, the name going on to the second line; "Sinh ngày" typed with separators or in
    boxes): the family name alone on the label's line and the rest on the next line, a large gap
    between a label and its value, the values in another face than the form, the birth date typed
    in boxes, a seal's ring or a signature near the fields. Drawn from a stream of its own
    (`extra|id|kind`), so that a seed's other draws stay as they were."""

    def __init__(self, rng: random.Random, kind: str) -> None:
        self.rng, self.kind = rng, kind
        cmnd = kind == "cmnd_front"
        self.split = cmnd and rng.random() < 0.45  # "Họ tên: NGUYỄN" / ".... VĂN AN"
        self.split_words = rng.choice([1, 1, 2])  # the family name alone, or with a middle name
        self.wide = rng.uniform(80, 230) if rng.random() < 0.35 else 0.0  # a large gap after the label
        self.indent = rng.uniform(40, 160) if rng.random() < 0.3 else 0.0  # a next-line value set in
        self.vfam = rng.choice(VALUE_FACES) if rng.random() < 0.4 else None
        self.boxes = cmnd and rng.random() < 0.25  # day, month and year each typed in a box
        self.seal = rng.random() < (0.35 if cmnd else 0.2)  # a red seal's ring near the fields
        self.sign = rng.random() < (0.25 if cmnd else 0.0)  # a signature stroke near a value

    def gap(self, mode: str) -> float:
        return self.rng.uniform(0.5, 1.0) * (self.wide if mode == "same" else self.indent)

    def face(self, fam):
        return self.vfam or fam

    def split_name(self, vn: str, value: str) -> list[str] | None:
        words = value.split()
        if not self.split or vn != "Họ tên" or len(words) < 2:
            return None
        k = min(self.split_words, len(words) - 1)
        return [" ".join(words[:k]), " ".join(words[k:])]

    def marks(self, fl: Flow, col: float, top: float, bottom: float) -> None:
        """The seal's ring (stamped over the photo's edge, reaching the start of the labels) and a
        signature's stroke (under the last value)."""
        rng = self.rng
        if self.seal:
            r = rng.uniform(55, 85)
            cx, cy = col - r * rng.uniform(0.5, 1.0), rng.uniform(top + 60, bottom - 40)  # the photo's seal
            red = (rng.randint(170, 215), rng.randint(40, 80), rng.randint(50, 90))
            fl.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=rng.uniform(2.0, 3.5))
            fl.ellipse((cx - r * 0.72, cy - r * 0.72, cx + r * 0.72, cy + r * 0.72), outline=red, width=1.2)
            fl.text(cx, cy + 6, "★", r * 0.5, False, fill=red, fam=FONTS["dejavu"], anchor="ms")
        if self.sign:
            x0, y0 = col + rng.uniform(120, 420), bottom + rng.uniform(28, 45)
            pts, x = [], x0
            for i in range(24):
                x += rng.uniform(4, 9)
                pts.append(((x) * fl.s, (y0 + 14 * math.sin(i * rng.uniform(0.8, 1.6))) * fl.s))
            fl.d.line(pts, fill=rng.choice([(30, 40, 140), (20, 20, 30)]), width=max(1, int(2 * fl.s)))


def extra(ident: dict, kind: str) -> Extra | None:
    """Round cards21's variation for this card, or None (its own stream: see Extra)."""
    r = random.Random(f"extra|{ident['id_number']}|{kind}")
    return Extra(r, kind) if r.random() < EXTRA_SHARE.get(kind, 0.0) else None


def boxed_date(fl: Flow, x: float, y: float, iso: str, size: float, bold: bool, fill, fam) -> float:
    """A date typed in three boxes (day, month, year), no separators. Returns the x where it ends."""
    for part in (iso[8:10], iso[5:7], iso[0:4]):
        w = fl.width(part, size, bold, fam)
        fl.rect((x - 4, y - size * 1.0, x + w + 4, y + size * 0.3), outline=(90, 90, 110), width=1.2)
        fl.text(x, y, part, size, bold, fill, fam)
        x += w + 8 + size * 0.6
    return x


def long_residence(ident: dict) -> float:
    """A residence set in a narrower column, over up to three lines (a long address; drawn from
    a stream of its own): how much narrower, in card units (0: the usual two lines)."""
    r = random.Random(f"long|{ident['id_number']}")
    return r.uniform(60, 240) if r.random() < 0.3 else 0.0


def long_address(ident: dict, addr: str) -> str:
    """A residence made long for `long_residence`: a residents' group and a quarter or a village
    before it, as people's registered addresses often begin."""
    r = random.Random(f"longaddr|{ident['id_number']}")
    head = r.choice(
        [
            f"Tổ {r.randint(1, 30)}, Khu phố {r.randint(1, 12)}",
            f"Tổ dân phố {r.randint(1, 20)}, Khu phố {r.randint(1, 9)}",
            f"Thôn {r.choice(['Đông', 'Tây', 'Trung', 'Thượng', 'Hạ'])} {r.randint(1, 5)}, Tổ {r.randint(1, 15)}",
        ]
    )
    return f"{head}, {addr}"


def background(rng: random.Random, kind: str) -> tuple[int, int, int]:
    palettes = {
        "cmnd_front": [(205, 230, 236), (214, 236, 222), (226, 232, 244), (236, 240, 230)],
        "cccd": [(240, 242, 238), (232, 238, 246), (244, 236, 236), (236, 244, 236), (246, 242, 228)],
        "cancuoc": [(234, 240, 248), (242, 238, 228), (238, 244, 246), (246, 238, 240)],
    }
    key = kind if kind == "cmnd_front" else kind.split("_")[0]
    base = rng.choice(palettes[key])
    return tuple(max(0, min(255, c + rng.randint(-8, 8))) for c in base)


def guilloche(fl: Flow, rng: random.Random, bg) -> None:
    w, h = fl.img.size
    color = tuple(max(0, v - rng.randint(14, 30)) for v in bg)
    for _ in range(rng.randint(8, 18)):
        a, ph = rng.uniform(0.004, 0.02), rng.uniform(0, 6.28)
        amp, y0 = rng.uniform(10, 40) * fl.s, rng.uniform(0, h)
        pts = [(x, y0 + amp * math.sin(a * x / fl.s + ph)) for x in range(0, w, max(2, w // 200))]
        fl.d.line(pts, fill=color, width=max(1, int(fl.s)))


# ---------------------------------------------------------------- helpers shared with cards.py
def _ellipse(self, box, fill=None, outline=None, width=1):
    self.d.ellipse([v * self.s for v in box], fill=fill, outline=outline, width=max(1, int(width * self.s)))


def _rect(self, box, fill=None, outline=None, width=1):
    self.d.rectangle([v * self.s for v in box], fill=fill, outline=outline, width=max(1, int(width * self.s)))


def _paste(self, im: Image.Image, box):
    x0, y0, x1, y1 = [round(v * self.s) for v in box]
    self.img.paste(im.resize((x1 - x0, y1 - y0), Image.NEAREST), (x0, y0))


Flow.ellipse, Flow.rect, Flow.paste = _ellipse, _rect, _paste  # the drawing calls of cards.py's helpers

CITIES = {"Hà Nội", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ", "Huế"}


def restyle_address(addr: str, rng: random.Random, style: str) -> str:
    """The same address written another common way: unit words in full, abbreviated, or the
    2025 way (commune and province only), sometimes with a village or group first."""
    parts = [p.strip() for p in addr.split(",")]
    if len(parts) != 3 or style == "bare":
        return addr
    first, district, province = parts
    city = province in CITIES
    street = first.startswith("Số ")
    if street and rng.random() < 0.4:  # an alley's house number ("Số 38/2", "101/34 Lê Lợi")
        num, rest = first[3:].split(" ", 1)
        first = f"{'Số ' if rng.random() < 0.5 else ''}{num}/{rng.randint(1, 60)} {rest}"
    if style == "abbr":
        c = first if street else f"{rng.choice(['X.', 'P.'])} {first}"
        d = f"{'Q.' if city and rng.random() < 0.6 else 'H.'} {district}"
        p = f"{'TP.' if city else 'T.'} {province}"
        out = [c, d, p]
    else:
        c = (
            first
            if street
            else f"{rng.choice(['Xã', 'Phường', 'Thị trấn'] if not city else ['Phường', 'Xã'])} {first}"
        )
        d = f"{rng.choice(['Quận', 'Huyện']) if city else rng.choice(['Huyện', 'Huyện', 'Thị xã'])} {district}"
        p = f"{rng.choice(['Thành phố', 'TP.']) if city else 'Tỉnh'} {province}"
        out = [c, p] if style == "2025" else [c, d, p]
    if not street and rng.random() < 0.35:
        out.insert(0, f"{rng.choice(['Thôn', 'Tổ', 'Ấp', 'Xóm', 'Khu phố'])} {rng.randint(1, 12)}")
    return ", ".join(out)


MRZ_FONTS = [
    MONO,
    MONO,
    (_D + "liberation2/LiberationMono-Regular.ttf", _D + "liberation2/LiberationMono-Bold.ttf"),
]


def mrz_block(fl: Flow, rng: random.Random, lines: list[str], mtop: float) -> None:
    """The three MRZ lines in one of several OCR-B-like monospaced looks: font and weight, size,
    character pitch (drawn a character at a time), line pitch, left margin, and the block turned by
    up to a degree (printed a little askew)."""
    fam, bold = rng.choice(MRZ_FONTS), rng.random() < 0.3
    pitch = rng.uniform(24.5, 31.5)  # card units per character: 30 characters fill 74-95 % of the width
    msize = pitch * rng.uniform(1.35, 1.6)
    lead = msize * rng.uniform(1.2, 1.45)
    x0 = rng.uniform(20, 50)
    ink = rng.choice([(10, 10, 10), (30, 30, 35), (45, 40, 50)])
    layer = Image.new("L", fl.img.size, 0)
    d = ImageDraw.Draw(layer)
    font = _font(fam[bold], msize * fl.s)
    for i, ln in enumerate(lines):
        y = mtop + 48 + i * lead
        for k, ch in enumerate(ln):
            d.text(((x0 + k * pitch) * fl.s, y * fl.s), ch, font=font, fill=255, anchor="ls")
    angle = rng.uniform(-1.5, 1.5) if rng.random() < 0.5 else 0.0
    if angle:
        layer = layer.rotate(angle, resample=Image.BILINEAR, center=(CARD_W * fl.s / 2, (mtop + 110) * fl.s))
    fl.img.paste(Image.new("RGB", fl.img.size, ink), (0, 0), layer)


def _header(fl: Flow, cx: float, y: float, title: str, sub: str | None, tsize: float, tcolor) -> float:
    fl.text(cx, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 19, True, anchor="ms")
    fl.text(cx, y + 26, "Độc lập - Tự do - Hạnh phúc", 17, True, anchor="ms")
    fl.text(cx, y + 26 + tsize * 1.25, title, tsize, True, fill=tcolor, anchor="ms")
    end = y + 26 + tsize * 1.25
    if sub:
        fl.text(cx, end + 22, sub, 16, False, anchor="ms")
        end += 22
    return end


def _fmt(iso: str, sep: str = "/") -> str:
    return iso if not iso[:1].isdigit() else f"{iso[8:10]}{sep}{iso[5:7]}{sep}{iso[0:4]}"


def render_flow(
    ident: dict, kind: str, rng: random.Random, scale: float, parts, seed: int | None = None
) -> Image.Image:
    """One side of a card, laid out freely (see the module's doc). `parts` is cards.py (emblem,
    photo, QR, MRZ). `ident`'s addresses (and an old CMND's number) are rewritten as printed."""
    from .. import mrz as mrzmod

    bg = background(rng, kind)
    fl = Flow(scale, bg, rng, rng.choice(sorted(FONTS)))
    guilloche(fl, rng, bg)
    ch = chipmod.chip(ident, kind)
    if ch:
        ch.background(fl.img, scale)
    astyle = rng.choice(["bare", "full", "full", "abbr", "2025"])
    for f in ("place_of_origin", "place_of_residence"):
        ident[f] = restyle_address(
            ident[f], rng, astyle if kind != "cmnd_front" or astyle != "2025" else "abbr"
        )
    if kind in ("cccd_front", "cancuoc_back") and long_residence(ident):
        ident["place_of_residence"] = long_address(ident, ident["place_of_residence"])
    if ch:
        ident["place_of_origin"] = ch.origin(ident["place_of_origin"])
    dx, dy = rng.uniform(-12, 12), rng.uniform(-8, 8)
    col = 255 + rng.uniform(-15, 25) + dx
    top = 150 + rng.uniform(-10, 15) + dy
    lsize, vsize = rng.uniform(15, 18), rng.uniform(19, 23)
    red = (rng.randint(170, 215), rng.randint(10, 40), rng.randint(20, 45))
    if kind in ("cccd_front", "cancuoc_front"):
        parts._emblem(fl, 120 + dx, 95 + dy, rng.uniform(55, 66))
        new = kind == "cancuoc_front"
        _header(fl, 540 + dx, 40 + dy, "CĂN CƯỚC" if new else "CĂN CƯỚC CÔNG DÂN",
                rng.choice(["IDENTITY CARD", None]) if new else rng.choice(["Citizen Identity Card", None]), 30, red)  # fmt: skip
        parts._photo(fl, (28 + dx, 190 + dy, 225 + dx, 440 + dy), rng)
        if new:
            fl.rect((850, 40, 965, 128), fill=(212, 175, 80), outline=(150, 120, 50), width=3)
        else:
            q = rng.uniform(125, 175)
            parts._qr(fl, parts.qr_payload(ident, kind), (975 - q, 20, 975, 20 + q))
            top = max(top, 20 + q - 25)
            fl.text(28 + dx, 478 + dy, "Có giá trị đến:", 15, False, (60, 60, 70))
            fl.text(28 + dx, 498 + dy, "Date of expiry", 14, False, (60, 60, 70))
            fl.text(28 + dx, 530 + dy, _fmt(ident["date_of_expiry"]), 19, False, (15, 15, 15))
        w = Writer(fl, col, top, 985, lsize, vsize, rng)
        w.extra = extra(ident, kind)
        w.chip = ch
        if ch and ch.pitch:
            w.lh = max(lsize, vsize) * ch.pitch
        if new:
            w.field("Số định danh cá nhân", "Personal identification number", ident["id_number"],
                    rng.choice(["same", "next"]), size=vsize + 6, bold=True)  # fmt: skip
            w.field("Họ, chữ đệm và tên khai sinh", "Surname, middle name and given name", ident["full_name"],
                    "next", bold=True)  # fmt: skip
            w.field("Ngày, tháng, năm sinh", "Date of birth", _fmt(ident["date_of_birth"]))
        else:
            w.field("Số", "No.", ident["id_number"], "same", size=vsize + 7, bold=True)
            w.field("Họ và tên", "Full name", ident["full_name"], "next", bold=True)
            w.field("Ngày sinh", "Date of birth", _fmt(ident["date_of_birth"]))
        w.pair(
            ("Giới tính", "Sex", ident["sex"]), ("Quốc tịch", "Nationality", ident["nationality"]), 560 + dx
        )
        if new:
            w.field("Nơi đăng ký khai sinh", "Place of birth", ident["place_of_origin"],
                    rng.choice(["same", "next"]), lines=2)  # fmt: skip
        else:
            mode = rng.choice(["same", "next"])
            w.field("Quê quán", "Place of origin", ident["place_of_origin"],
                    "same" if ch and ch.origin_same else mode, lines=2)  # fmt: skip
            w.field(
                "Nơi thường trú", "Place of residence", ident["place_of_residence"], "same",
                lines=2 if not long_residence(ident) else 3, narrow=long_residence(ident),
            )  # fmt: skip
        if w.extra:
            w.extra.marks(fl, col, top, w.y)
        return ch.finish(fl.img) if ch else fl.img
    if kind == "cmnd_front":
        twelve = rng.random() < 0.35
        if twelve:
            from .. import idnum

            year = int(ident["date_of_birth"][:4])
            code = rng.choice(sorted(idnum.PROVINCES))
            ident["id_number"] = (
                code
                + idnum.century_sex_digit(year, ident["sex"])
                + f"{year % 100:02d}"
                + f"{rng.randint(0, 999999):06d}"
            )
        parts._emblem(fl, 140 + dx, 105 + dy, rng.uniform(65, 82))
        parts._photo(fl, (45 + dx, 225 + dy, 235 + dx, 470 + dy), rng)
        title = "CHỨNG MINH NHÂN DÂN" if twelve else "GIẤY CHỨNG MINH NHÂN DÂN"
        end = _header(fl, 640 + dx, 34 + dy, title, None, 28, rng.choice([(30, 40, 120), red]))
        face = rng.choice(sorted(TYPED)) if rng.random() < 0.7 else None
        typed = TYPED[face] if face else None
        # typed values are often set larger than the printed labels
        w = Writer(fl, col + 15, end + 10, 985, lsize + 2, (vsize + 1) * rng.uniform(1.0, 1.3), rng)
        w.style = "spaced"
        w.ink = INK.get(face or "") if rng.random() < 0.8 else None
        w.lh = rng.uniform(44, 54)  # the old card's fields spread down the whole card
        leader = rng.random() < 0.6 and not twelve
        if not twelve and random.Random(f"varied|{ident['id_number']}").random() < VARIED_SHARE:
            w.var = Varied(random.Random(f"cmnd|{ident['id_number']}|{ident['full_name']}"))
            w.lh = w.var.line_height(w.lh, end + 50, max(w.lsize, w.vsize))
        w.extra = extra(ident, "cmnd_front") if not twelve else None
        w.worn = worn.worn(ident, bg, seed) if not twelve else None
        w.wide = widemod.wide(ident, seed) if not twelve else None
        if w.wide and w.wide.extra_lines():  # values moved to their next dotted line: all fit
            n = 8.5 + w.wide.extra_lines() + (len(w.var.next) + w.var.three + w.var.blank if w.var else 0)
            w.lh = min(w.lh, max(1.25 * max(w.lsize, w.vsize), (CARD_H - 18 - end - 50) / n))
        if w.worn:
            w.worn.guilloche(fl, end + 50, CARD_H - 10)
        if w.extra and w.extra.split and not (w.var and w.var.blank):  # the name takes a second line
            w.lh = min(
                w.lh, (CARD_H - 18 - end - 50) / (8.5 + (len(w.var.next) + w.var.three if w.var else 0))
            )
        if twelve:
            w.field("Số", None, ident["id_number"], "same", size=vsize + 8, bold=True, fill=red)
            w.field("Họ và tên", None, ident["full_name"], "same", bold=True, leader=leader)
            w.field("Ngày, tháng, năm sinh", None, _fmt(ident["date_of_birth"]))
            w.pair(("Giới tính", None, ident["sex"]), ("Dân tộc", None, "Kinh"), 620 + dx)
            w.field("Quê quán", None, ident["place_of_origin"], "same", lines=2)
            w.field("Nơi thường trú", None, ident["place_of_residence"], "same", lines=2)
        else:
            fl.text(col + 70, end + 48, "SỐ", 28, True, fill=red)
            if w.ink:
                fl.uneven(col + 130, end + 50, ident["id_number"], 34, True, red, typed, w.ink)
            else:
                fl.text(col + 130, end + 50, ident["id_number"], 34, True, fill=red, fam=typed)
            w.y = end + 50
            w.field("Họ tên", None, ident["full_name"], "same", bold=True, leader=leader, fam=typed)
            sep = rng.choice(["/", "-"])
            w.field(
                "Sinh ngày",
                None,
                w.wide.date(ident["date_of_birth"])
                if w.wide
                else _fmt(ident["date_of_birth"], w.var.sep if w.var else sep),
                leader=leader,
                fam=typed,
            )
            w.field("Nguyên quán", None, ident["place_of_origin"], "same", lines=2, leader=leader, fam=typed)
            w.field(
                "Nơi ĐKHK thường trú",
                None,
                ident["place_of_residence"],
                "same",
                lines=2,
                leader=leader,
                fam=typed,
            )
            if w.extra:
                w.extra.marks(fl, col + 15, end + 50, w.y)
            if w.worn:
                w.worn.marks(fl, w.spans, w.vsize)
        return fl.img
    # backs: the MRZ at the bottom, in OCR-B-like monospace
    # the no-expiry spelling is drawn from its own stream (the photo's other draws stay as they were)
    spelling = random.Random(ident["id_number"]).choice(NO_EXPIRY_MRZ)
    lines = mrzmod.build(
        ident["id_number"],
        ident["date_of_birth"],
        ident["sex"],
        ident["date_of_expiry"],
        ident["full_name"],
        spelling,
    )
    mtop = rng.uniform(385, 428)
    fl.rect((0, mtop - 8, CARD_W, CARD_H), fill=tuple(min(255, c + 8) for c in bg))
    mrz_block(fl, rng, lines, mtop)
    if kind == "cccd_back":
        w = Writer(fl, 28 + dx, 0 + dy, 600, lsize, vsize - 2, rng)
        w.field("Đặc điểm nhân dạng", "Personal identification", None)
        fl.text(28 + dx, w.y + w.lh, rng.choice(["Sẹo chấm C:1cm trên trước mày phải", "Nốt ruồi C:2cm dưới sau mép trái"]),
                lsize + 1, False)  # fmt: skip
        w.y += w.lh
        w.field(
            "Ngày, tháng, năm",
            "Date, month, year",
            _fmt(ident["date_of_issue"]),
            rng.choice(["same", "next"]),
        )
        fl.text(40 + dx, w.y + 40, "CỤC TRƯỞNG CỤC CẢNH SÁT", 16, True)
        fl.text(20 + dx, w.y + 62, "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", 16, True)
        parts.fingerprints(fl, 165, 390)
        fl.text(650, 150, "Ngón trỏ trái", 14, False, (60, 60, 70))
        fl.text(840, 150, "Ngón trỏ phải", 14, False, (60, 60, 70))
        fl.rect((400, 250, 510, 330), fill=(212, 175, 80), outline=(150, 120, 50), width=3)
        return fl.img
    # cancuoc_back: the QR at the top right (the facts), sometimes left, small or large
    q = rng.uniform(115, 175)
    right = rng.random() < 0.7
    qbox = (975 - q, 22, 975, 22 + q) if right else (22, 22, 22 + q, 22 + q)
    parts._qr(fl, parts.qr_payload(ident, kind), qbox)
    x0, x1 = (28 + dx, 975 - q - 15) if right else (22 + q + 20, 985)
    w = Writer(fl, x0, 10 + dy, x1, lsize, vsize - 1, rng)
    w.field(
        "Nơi cư trú", "Place of residence", ident["place_of_residence"], rng.choice(["same", "next"]),
        lines=2 if not long_residence(ident) else 3, narrow=long_residence(ident),
    )  # fmt: skip
    w.field("Ngày, tháng, năm cấp", "Date of issue", _fmt(ident["date_of_issue"]))
    w.field("Ngày, tháng, năm hết hạn", "Date of expiry", _fmt(ident["date_of_expiry"]))
    fl.text(560 + dx, 320, "BỘ CÔNG AN", 19, True, anchor="ms")
    fl.text(560 + dx, 342, "MINISTRY OF PUBLIC SECURITY", 14, False, anchor="ms")
    return fl.img
