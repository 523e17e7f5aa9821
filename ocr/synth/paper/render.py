"""Flat pages of the paper documents (forms.yml), filled in print or in a handwriting-like hand.

Test and benchmark code only: the run-time reader never imports ocr.synth.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from functools import lru_cache
from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFont

from .. import names as N

HERE = Path(__file__).parent
TYPES = [
    "giay_chung_sinh",
    "giay_bao_tu",
    "giay_uy_quyen",
    "to_khai_khai_sinh",
    "to_khai_khai_tu",
    "to_khai_ket_hon",
    "to_khai_cu_tru",
    "hop_dong_thue_nha",
    "giay_khai_sinh",
    "giay_chung_nhan_ket_hon",
    "giay_de_nghi_ho_kinh_doanh",
]
T = "/usr/share/fonts/truetype/"
# (regular, bold, italic) of the print: forms are mostly set in a Times-like serif
PRINT_FONTS = [
    (T + "liberation2/LiberationSerif-Regular.ttf", T + "liberation2/LiberationSerif-Bold.ttf"),
    (T + "dejavu/DejaVuSerif.ttf", T + "dejavu/DejaVuSerif-Bold.ttf"),
    (T + "noto/NotoSerif-Regular.ttf", T + "noto/NotoSerif-Bold.ttf"),
    (T + "liberation2/LiberationSans-Regular.ttf", T + "liberation2/LiberationSans-Bold.ttf"),
    # wider (2026-12-07): sans families typed on office PCs and phones
    (T + "dejavu/DejaVuSans.ttf", T + "dejavu/DejaVuSans-Bold.ttf"),
    (T + "noto/NotoSans-Regular.ttf", T + "noto/NotoSans-Bold.ttf"),
    (T + "open-sans/OpenSans-Regular.ttf", T + "open-sans/OpenSans-Bold.ttf"),
    (T + "roboto/unhinted/RobotoCondensed-Regular.ttf", T + "roboto/unhinted/RobotoCondensed-Bold.ttf"),
]
HAND_FONTS = [
    T + "dejavu/DejaVuSerifCondensed-Italic.ttf",
    T + "liberation2/LiberationSans-Italic.ttf",
    T + "roboto/unhinted/RobotoCondensed-Italic.ttf",
    T + "liberation/LiberationSansNarrow-Italic.ttf",
]
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DIGITS = "không một hai ba bốn năm sáu bảy tám chín".split()


@lru_cache(maxsize=1)
def forms() -> dict:
    return yaml.safe_load((HERE / "forms.yml").read_text(encoding="utf-8"))


@lru_cache(maxsize=256)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    import os

    if not os.path.exists(path):
        path = T + "dejavu/DejaVuSerif.ttf"
    return ImageFont.truetype(path, max(6, int(size)))


def _name(rng: random.Random) -> str:
    male = rng.random() < 0.5
    mid = N.MIDDLE_M if male else N.MIDDLE_F
    giv = N.GIVEN_M if male else N.GIVEN_F
    return f"{rng.choice(N.SURNAMES)} {rng.choice(mid)} {rng.choice(giv)}"


def value(kind: str, rng: random.Random) -> str:
    """A generated value for a blank of the given kind."""
    d, p = rng.choice(N.DISTRICTS)
    date = dt.date(rng.randint(1950, 2025), rng.randint(1, 12), rng.randint(1, 28))
    table = {
        "name": lambda: _name(rng),
        "name_upper": lambda: _name(rng).upper(),
        "year": lambda: str(rng.randint(1950, 2005)),
        "date": lambda: date.strftime("%d/%m/%Y"),
        "date_words": lambda: (
            " ".join(DIGITS[int(c)] for c in f"{date.day:02d}") + " tháng " + str(date.month)
        ),
        "time": lambda: f"{rng.randint(0, 23):02d} giờ {rng.randint(0, 59):02d} phút",
        "sex": lambda: rng.choice(["Nam", "Nữ"]),
        "ethnic": lambda: rng.choice(["Kinh", "Kinh", "Tày", "Mường", "Thái", "Khmer"]),
        "province": lambda: p,
        "commune": lambda: f"xã {rng.choice(N.COMMUNES)}, {p}",
        "commune_upper": lambda: f"XÃ {rng.choice(N.COMMUNES).upper()}",
        "address": lambda: f"Số {rng.randint(1, 199)} {rng.choice(N.STREETS)}, {d}, {p}",
        "hospital": lambda: f"ĐA KHOA {d.upper()}",
        "hospital_full": lambda: f"Bệnh viện Đa khoa {d}, {p}",
        "id": lambda: (
            f"0{rng.randint(1, 96):02d}{rng.randint(0, 3)}{rng.randint(0, 99):02d}{rng.randint(0, 999999):06d}"
        ),
        "num": lambda: str(rng.randint(1, 999)),
        "small": lambda: str(rng.randint(1, 3)),
        "weight": lambda: str(rng.randint(2500, 4000)),
        "relation": lambda: rng.choice(["Mẹ", "Cha", "Con", "Vợ", "Chồng", "Ông nội"]),
        "cause": lambda: rng.choice(["Bệnh tim", "Tuổi già", "Ung thư phổi", "Tai biến"]),
        "phone": lambda: "09" + "".join(str(rng.randint(0, 9)) for _ in range(8)),
        "request": lambda: rng.choice(["Đăng ký thường trú", "Đăng ký tạm trú", "Tách hộ"]),
        "procedure": lambda: rng.choice(["đăng ký khai sinh", "đăng ký khai tử", "đăng ký thường trú"]),
        "money": lambda: f"{rng.randint(2, 90)}.000.000",
        "shop": lambda: (
            rng.choice(["TẠP HÓA", "PHỞ", "SỬA XE", "MAY MẶC"]) + " " + _name(rng).split()[-1].upper()
        ),
        "trade": lambda: rng.choice(["Bán lẻ hàng tạp hóa", "Dịch vụ ăn uống", "Sửa chữa xe máy"]),
    }
    return table.get(kind, lambda: "")()


# forms set with narrow margins (3.5-6 % of the width; paper20's sets 307000 and 308000 were made
# with 0.25). Off by default: on such pages the field reader missed a date at the line's end and
# the orientation step was unsure (tests/ocr/test_pages.py, seeds 811, 803, 31002): to be fixed in
# the reader before they join the benchmark (ocr/README.md, eighth pass)
NARROW_SHARE = 0.0


class Pen:
    """Draws a page: print in one font family, fill in print or in a handwriting-like hand."""

    def __init__(self, rng: random.Random, W: int, H: int, scale: float, hand: bool):
        self.rng, self.W, self.H, self.s = rng, W, H, scale
        reg, bold = rng.choice(PRINT_FONTS)
        self.reg, self.bold = reg, bold
        self.size = rng.uniform(25, 29) * scale  # about 13 pt at 150 dpi
        self.hand = hand
        self.hand_font = rng.choice(HAND_FONTS)
        self.ink = rng.choices(  # blue or black ballpoint, a faint (drying) blue pen, a pencil
            [
                (rng.randint(10, 40), rng.randint(30, 60), rng.randint(120, 170)),
                (rng.randint(20, 45),) * 3,
                (rng.randint(80, 110), rng.randint(100, 130), rng.randint(170, 200)),
                (rng.randint(105, 135),) * 3,
            ],
            (0.5, 0.2, 0.15, 0.15),
        )[0]
        self.margin_l = int(rng.uniform(0.085, 0.11) * W)
        self.margin_r = W - int(rng.uniform(0.06, 0.09) * W)
        side = _side(rng)
        if side.random() < NARROW_SHARE:  # a form set with narrow margins: its tables run close to the edge
            self.margin_l = int(side.uniform(0.035, 0.06) * W)
            self.margin_r = W - int(side.uniform(0.03, 0.05) * W)
        self.line_h = self.size * rng.uniform(1.55, 1.85)
        self.pages: list[Image.Image] = []
        self.new_page()

    def new_page(self) -> None:
        tone = self.rng.randint(238, 252)
        self.pg = Image.new("RGB", (self.W, self.H), (tone, tone, max(225, tone - self.rng.randint(0, 8))))
        self.d = ImageDraw.Draw(self.pg)
        self.pages.append(self.pg)
        self.y = self.H * 0.07

    def f(self, bold=False, k=1.0) -> ImageFont.FreeTypeFont:
        return _font(self.bold if bold else self.reg, self.size * k)

    def text(self, x, y, s, font, fill=(15, 15, 15), anchor="la") -> None:
        self.d.text((x, y), s, font=font, fill=fill, anchor=anchor)

    def centered(self, s: str, bold=False, k=1.0, cx=None) -> None:
        self.text(cx or self.W / 2, self.y, s, self.f(bold, k), anchor="ma")
        self.y += self.line_h * k

    def fill_value(self, x: float, y: float, s: str) -> float:
        """Write a filled-in value at (x, y) (baseline-ish top); returns the x after it."""
        if not self.hand:
            fnt = self.f()
            self.text(x, y, s, fnt)
            return x + fnt.getlength(s)
        fnt = _font(self.hand_font, self.size * self.rng.uniform(1.0, 1.15))
        for word in s.split(" "):
            wl = fnt.getlength(word + " ")
            tile = Image.new("L", (int(wl + self.size), int(self.size * 2)), 0)
            ImageDraw.Draw(tile).text((self.size / 2, self.size / 3), word, font=fnt, fill=255)
            tile = tile.rotate(self.rng.uniform(-4, 4), resample=Image.BILINEAR, expand=False)
            yy = y + self.rng.uniform(-0.12, 0.12) * self.size - self.size / 3
            self.pg.paste(self.ink, (int(x - self.size / 2), int(yy)), tile)
            x += wl * self.rng.uniform(0.95, 1.1)
        return x

    def line(self, s: str, bold=False) -> None:
        """A printed line whose [kind] blanks are dotted leaders with a value written over them."""
        if self.y > self.H * 0.9:
            self.new_page()
        x = float(self.margin_l)
        fnt = self.f(bold)
        vals: list[str] = []
        for part in re.split(r"(\[[a-z_]+\])", s):
            if not part:
                continue
            if part.startswith("["):
                val = value(part[1:-1], self.rng)
                vals.append(val)
                dots = "." * max(8, int(len(val) * 1.6))
                dl = fnt.getlength(dots)
                if x + dl > self.margin_r:
                    dots = "." * max(3, int((self.margin_r - x) / max(1.0, fnt.getlength("."))))
                    dl = fnt.getlength(dots)
                self.text(x, self.y + self.size * 0.1, dots, fnt, fill=(70, 70, 70))
                end = self.fill_value(x + fnt.getlength(".."), self.y - self.size * 0.15, val)
                x = max(x + dl, end) + fnt.getlength(" ")
            else:
                self.text(x, self.y, part, fnt)
                x += fnt.getlength(part)
        if vals:  # the truth of the filled blanks: {line template: [values]}
            self.pg.info.setdefault("fills", {}).setdefault(s, vals)
        self.y += self.line_h

    def para(self, s: str) -> None:
        fnt = self.f()
        s = re.sub(r"\[([a-z_]+)\]", lambda m: value(m.group(1), self.rng), s)
        words, cur = s.split(), ""
        indent = self.size * 1.5
        for w in words:
            trial = (cur + " " + w).strip()
            if fnt.getlength(trial) + indent > self.margin_r - self.margin_l:
                self.line_plain(cur, indent)
                cur, indent = w, 0
            else:
                cur = trial
        if cur:
            self.line_plain(cur, indent)

    def line_plain(self, s: str, indent: float = 0) -> None:
        if self.y > self.H * 0.9:
            self.new_page()
        self.text(self.margin_l + indent, self.y, s, self.f())
        self.y += self.line_h

    def table(self, cols: list[str], rows: int, row_labels: list[str] | None = None) -> None:
        """A ruled table: header row, then rows (left labels for a grid, else empty/filled rows)."""
        fnt = self.f(k=0.85)
        n = len(cols)
        width = self.margin_r - self.margin_l
        if row_labels:
            xs = [self.margin_l, self.margin_l + width * 0.32, self.margin_l + width * 0.66, self.margin_r]
        else:
            w0 = [0.07] + [(0.93 / (n - 1))] * (n - 1)
            xs = [self.margin_l]
            for w in w0:
                xs.append(xs[-1] + w * width)
        rh = self.line_h * 1.15
        nrows = 1 + (len(row_labels) if row_labels else rows)
        top = self.y
        for i in range(nrows + 1):
            self.d.line(
                (xs[0], top + i * rh, xs[-1], top + i * rh), fill=(30, 30, 30), width=max(1, int(self.s * 2))
            )
        for x in xs:
            self.d.line((x, top, x, top + nrows * rh), fill=(30, 30, 30), width=max(1, int(self.s * 2)))
        for j, c in enumerate(cols):
            label = c if fnt.getlength(c) < xs[j + 1] - xs[j] - 6 else c.split(",")[0]
            self.text((xs[j] + xs[j + 1]) / 2, top + rh * 0.2, label, self.f(True, 0.8), anchor="ma")
        kinds = ["name", "date", "ethnic", "ethnic", "address", "id", "small"]
        for i in range(1, nrows):
            y = top + i * rh + rh * 0.2
            if row_labels:
                self.text(xs[0] + 6, y, row_labels[i - 1], fnt)
                k = kinds[min(i - 1, len(kinds) - 1)]
                for j in (1, 2):
                    v = value(k, self.rng)
                    while fnt.getlength(v) > xs[j + 1] - xs[j] - 16 and " " in v:
                        v = v.rsplit(" ", 1)[0]
                    self.fill_value(xs[j] + 8, y, v)
            elif i <= self.rng.randint(0, rows):
                self.text((xs[0] + xs[1]) / 2, y, str(i), fnt, anchor="ma")
                self.fill_value(xs[1] + 6, y, value("name", self.rng))
        self.y = top + nrows * rh + self.line_h * 0.6

    def signatures(self, blocks: list[list[str]]) -> None:
        if self.y > self.H * 0.8:
            self.new_page()
        n = len(blocks)
        width = self.margin_r - self.margin_l
        for i, blk in enumerate(blocks):
            cx = self.margin_l + width * (i + 0.5) / n
            y = self.y
            for j, t in enumerate(blk):
                if t:
                    self.text(
                        cx, y + j * self.line_h * 0.8, t, self.f(j == 0, 0.8 if j else 0.85), anchor="ma"
                    )
            if self.hand:  # a scribbled signature
                x0, y0 = cx - self.size * 2, y + self.line_h * 2.2
                pts = [
                    (x0 + k * self.size * 0.35, y0 + self.rng.uniform(-0.6, 0.6) * self.size)
                    for k in range(12)
                ]
                self.d.line(pts, fill=self.ink, width=max(1, int(self.s * 2)))
        self.y += self.line_h * 4


# Title faces a real form may use beyond the body's families (paper21): condensed, narrow, heavy,
# light (Debian's fonts-dejavu, fonts-liberation, fonts-open-sans, fonts-roboto, fonts-noto)
TITLE_FONTS = [
    T + "dejavu/DejaVuSansCondensed-Bold.ttf",
    T + "dejavu/DejaVuSerifCondensed-Bold.ttf",
    T + "liberation/LiberationSansNarrow-Bold.ttf",
    T + "open-sans/OpenSans-CondBold.ttf",
    T + "open-sans/OpenSans-ExtraBold.ttf",
    T + "roboto/unhinted/RobotoTTF/Roboto-Black.ttf",
    T + "roboto/unhinted/RobotoTTF/Roboto-Medium.ttf",
    T + "noto/NotoSansDisplay-Bold.ttf",
    T + "roboto/unhinted/RobotoCondensed-Light.ttf",
    T + "open-sans/OpenSans-Light.ttf",
]
# the share of titles set in one of the ways below (a focused development set raises it)
TITLE_VARY = 0.35


def _title(pen: Pen, title: str, rng: random.Random) -> None:
    """The title as forms print it, and as they vary: bold or not, in the body's font or
    another, larger or smaller, centred or set a little off centre, a long one over two lines.
    Since paper21 (a stream of its own, `_side`: the other draws of a seed are as before), in
    `TITLE_VARY` of the pages also: another face (condensed, narrow, heavy, light), the body's
    size or less, spaced letters, red or dark-blue or grey ink, a title of three words or more
    broken over two lines anywhere, a long one over three."""
    side = _side(rng)
    k = rng.uniform(1.25, 1.5) if rng.random() < 0.6 else rng.uniform(1.05, 1.8)
    bold = rng.random() < 0.85
    font_path = (pen.bold if bold else pen.reg) if rng.random() < 0.7 else rng.choice(PRINT_FONTS)[int(bold)]
    cx = pen.W / 2 + (rng.uniform(-0.06, 0.06) * pen.W if rng.random() < 0.25 else 0.0)
    words = title.split()
    vary = side.random() < TITLE_VARY
    ink, track, parts = (15, 15, 15), 0.0, 0
    if vary:
        if side.random() < 0.5:
            font_path = side.choice(TITLE_FONTS)
        if side.random() < 0.3:
            k = side.uniform(0.9, 1.1)  # no bigger than the body
        if side.random() < 0.25:
            track = side.uniform(0.12, 0.45)  # spaced letters, in ems
        if side.random() < 0.35:  # the red of certificates, a dark blue, a grey
            ink = side.choice([(185, 30, 35), (25, 45, 120), (95, 95, 95)])
        if len(words) >= 3 and side.random() < 0.4:
            parts = 3 if len(words) >= 5 and side.random() < 0.3 else 2
    fnt = _font(font_path, pen.size * k)
    lines = [title]
    if len(words) >= 4 and (rng.random() < 0.2 or fnt.getlength(title) > pen.margin_r - pen.margin_l):
        cut = len(words) // 2 + (len(words) % 2)
        lines = [" ".join(words[:cut]), " ".join(words[cut:])]
    if parts == 2:
        cut = side.randint(1, len(words) - 1)
        lines = [" ".join(words[:cut]), " ".join(words[cut:])]
    elif parts == 3:
        a = side.randint(1, len(words) - 2)
        b = side.randint(a + 1, len(words) - 1)
        lines = [" ".join(words[:a]), " ".join(words[a:b]), " ".join(words[b:])]
    for t in lines:
        if track:
            _spaced(pen, cx, t, fnt, track, ink)
        else:
            pen.text(cx, pen.y, t, fnt, fill=ink, anchor="ma")
        pen.y += pen.line_h * max(k, 1.0)


def _spaced(pen: Pen, cx: float, t: str, fnt: ImageFont.FreeTypeFont, track: float, ink) -> None:
    """A line centred at cx with `track` ems added between its letters."""
    plain = sum(fnt.getlength(c) for c in t)
    room = (pen.margin_r - pen.margin_l - plain) / max(1, len(t) - 1)  # kept within the margins
    gap = max(0.0, min(track * fnt.size, room))
    width = plain + gap * (len(t) - 1)
    x = cx - width / 2
    for c in t:
        pen.text(x, pen.y, c, fnt, fill=ink)
        x += fnt.getlength(c) + gap


def _side(rng: random.Random) -> random.Random:
    """A stream of its own for what was added later (paper20: narrow margins, a printed frame),
    seeded from rng's state without drawing from it: every other draw of a seed stays as it was,
    so the photos the tests and earlier measurements name keep their content."""
    return random.Random(hash(rng.getstate()[1]))  # its ints: hash(None) differs between runs


def _border(pen: Pen, pg: Image.Image, rng: random.Random) -> None:
    """A printed frame round the page (a certificate's, a form's), between its edge and its print:
    a page filling the frame has long printed lines close to the frame's edges (issue 19, paper20)."""
    W, H = pg.size
    room = min(pen.margin_l, W - pen.margin_r, H * 0.022)  # clear of a form number at the top
    inset = rng.uniform(0.35, 0.75) * room
    wd = max(1, int(pen.s * rng.uniform(1.5, 4)))
    d = ImageDraw.Draw(pg)
    d.rectangle((inset, inset, W - 1 - inset, H - 1 - inset), outline=(25, 25, 25), width=wd)
    if rng.random() < 0.4:  # a double rule
        g = wd + rng.uniform(3, 7) * pen.s
        d.rectangle(
            (inset + g, inset + g, W - 1 - inset - g, H - 1 - inset - g), outline=(25, 25, 25), width=1
        )


def render(
    doc_type: str, rng: random.Random, scale: float = 1.0, hand: bool | None = None
) -> list[Image.Image]:
    """The pages of one filled document, each about A4 at 150 dpi times `scale`."""
    spec = forms()[doc_type]
    land = spec.get("landscape")  # true, or the share printed landscape (a wide table turned)
    land = rng.random() < land if isinstance(land, float) else bool(land)
    W, H = (int(1754 * scale), int(1240 * scale)) if land else (int(1240 * scale), int(1754 * scale))
    pen = Pen(rng, W, H, scale, rng.random() < 0.5 if hand is None else hand)
    top = pen.y
    left = spec.get("left")
    nat_cx = W / 2
    if left:  # agency block top left, the national header top right
        lx = pen.margin_l + (W * 0.42 - pen.margin_l) / 2
        for i, t in enumerate(left):
            t = re.sub(r"\[([a-z_]+)\]", lambda m: value(m.group(1), rng).upper(), t)
            pen.text(lx, top + i * pen.line_h * 0.85, t, pen.f(i == 1, 0.82), anchor="ma")
        nat_cx = W * 0.68
    if spec.get("corner"):
        pen.text(
            pen.margin_r,
            H * 0.025,
            spec["corner"],
            _font(pen.reg.replace("Regular", "Italic"), pen.size * 0.7),
            anchor="ra",
        )
    pen.text(nat_cx, top, NATION, pen.f(True, 0.85 if left else 0.95), anchor="ma")
    pen.text(nat_cx, top + pen.line_h * 0.85, MOTTO, pen.f(True, 0.9), anchor="ma")
    wl = pen.f(True, 0.9).getlength(MOTTO)
    pen.d.line(
        (nat_cx - wl / 2, top + pen.line_h * 1.6, nat_cx + wl / 2, top + pen.line_h * 1.6),
        fill=(20, 20, 20),
        width=max(1, int(scale * 2)),
    )
    pen.y = top + pen.line_h * (2.6 if not left else 3.0)
    if spec.get("number"):
        pen.line(spec["number"])
    pen.y += pen.line_h * (0.3 if rng.random() < 0.7 else rng.uniform(0.8, 2.5))  # the title lower
    _title(pen, spec["title"], rng)
    if spec.get("subtitle"):
        sub = re.sub(r"\[([a-z_]+)\]", lambda m: value(m.group(1), rng), spec["subtitle"])
        pen.centered(sub, k=0.9)
    pen.y += pen.line_h * 0.4
    for item in spec["body"]:
        if isinstance(item, str):
            pen.line(item)
        elif "para" in item:
            pen.para(item["para"])
        elif "bold" in item:
            pen.line(item["bold"], bold=True)
        elif "table" in item:
            pen.table(item["table"]["cols"], item["table"]["rows"])
        elif "grid" in item:
            pen.table(item["grid"]["cols"], 0, item["grid"]["rows"])
        elif "sign" in item:
            pen.signatures([item["sign"]])
        elif "sign2" in item:
            pen.signatures(item["sign2"])
        elif "sign4" in item:
            pen.signatures([[t] for t in item["sign4"][:2]])
            pen.signatures([[t] for t in item["sign4"][2:]])
        elif item.get("page"):
            pen.new_page()
    side = _side(rng)
    border = side.random() < (0.6 if spec.get("left") and land else 0.2)
    for i, pg in enumerate(pen.pages):
        pg.info["doc_type"] = doc_type
        if border:
            _border(pen, pg, side)
        if len(pen.pages) > 1:  # page numbers at the foot
            pen.d = ImageDraw.Draw(pg)
            pen.text(W / 2, H * 0.95, f"{i + 1}/{len(pen.pages)}", pen.f(k=0.8), anchor="ma")
    return pen.pages
