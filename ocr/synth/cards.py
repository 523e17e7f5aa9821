"""Render synthetic Vietnamese ID cards (generated identities only, never real people)."""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import sys
from functools import lru_cache

import qrcode
from PIL import Image, ImageDraw, ImageFont

from .. import idnum, mrz
from ..layout import CARD_H, CARD_W, FIELDS, QR_BOX
from . import names as N
from . import qr24

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
KINDS = ["cccd_front", "cccd_back", "cancuoc_front", "cancuoc_back", "cmnd_front"]
# sans families of Debian's font packages (fonts-dejavu, fonts-liberation2, fonts-noto-core,
# fonts-roboto-unhinted, fonts-open-sans): regular and bold; a missing one falls back to DejaVu
FAMILIES = {
    "dejavu": (FONT_DIR + "DejaVuSans.ttf", FONT_DIR + "DejaVuSans-Bold.ttf"),
    "liberation": (
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    ),
    "noto": (
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    ),
    "roboto": (
        "/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf",
        "/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Bold.ttf",
    ),
    "opensans": (
        "/usr/share/fonts/truetype/open-sans/OpenSans-Regular.ttf",
        "/usr/share/fonts/truetype/open-sans/OpenSans-Bold.ttf",
    ),
}


@lru_cache(maxsize=512)
def font(size: int, style: str = "", family: str = "dejavu") -> ImageFont.FreeTypeFont:
    if family != "dejavu" and style in ("", "b"):
        path = FAMILIES[family][style == "b"]
        if os.path.exists(path):
            return ImageFont.truetype(path, max(6, int(size)))
    name = {
        "": "DejaVuSans.ttf",
        "b": "DejaVuSans-Bold.ttf",
        "c": "DejaVuSansCondensed.ttf",
        "cb": "DejaVuSansCondensed-Bold.ttf",
        "m": "DejaVuSansMono.ttf",
        "s": "DejaVuSerif.ttf",
        "sb": "DejaVuSerif-Bold.ttf",
    }[style]
    return ImageFont.truetype(FONT_DIR + name, max(6, int(size)))


def _fmt(iso: str) -> str:
    if not iso[:1].isdigit():
        return iso
    return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}"


def identity(rng: random.Random, kind: str = "cccd_front") -> dict:
    """A random, internally consistent identity (all fields as the contract spells them)."""
    sex = rng.choice(["Nam", "Nữ"])
    sur = rng.choice(N.SURNAMES)
    if sex == "Nam":
        mid, giv = rng.choice(N.MIDDLE_M), rng.choice(N.GIVEN_M)
    else:
        mid, giv = rng.choice(N.MIDDLE_F), rng.choice(N.GIVEN_F)
    parts = (
        [sur, mid]
        + ([rng.choice(N.MIDDLE_M if sex == "Nam" else N.MIDDLE_F)] if rng.random() < 0.25 else [])
        + [giv]
    )
    name = " ".join(parts).upper()
    year = rng.randint(1950, 2009)
    dob = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
    code = rng.choice(sorted(idnum.PROVINCES))
    num = code + idnum.century_sex_digit(year, sex) + f"{year % 100:02d}" + f"{rng.randint(0, 999999):06d}"
    d1, p1 = rng.choice(N.DISTRICTS)
    origin = f"{rng.choice(N.COMMUNES)}, {d1}, {p1}"
    d2, p2 = rng.choice(N.DISTRICTS)
    if rng.random() < 0.5:
        residence = f"Số {rng.randint(1, 199)} {rng.choice(N.STREETS)}, {d2}, {p2}"
    else:
        residence = f"{rng.choice(N.COMMUNES)}, {d2}, {p2}"
    # issue date: a card issued between 2021 and 2025 (2024 card: from 1 Jul 2024)
    lo = dt.date(2024, 7, 1) if kind.startswith("cancuoc") else dt.date(2021, 1, 1)
    hi = dt.date(2025, 12, 31) if kind.startswith("cancuoc") else dt.date(2024, 6, 30)
    lo = max(lo, dob + dt.timedelta(days=14 * 366))
    issue = lo + dt.timedelta(days=rng.randint(0, max(0, (hi - lo).days)))
    exp = idnum.expected_expiry(dob.isoformat(), issue.isoformat())[0]
    ident = {
        "id_number": num,
        "old_id_number": f"{rng.randint(10000000, 399999999):09d}" if rng.random() < 0.6 else "",
        "full_name": name,
        "date_of_birth": dob.isoformat(),
        "sex": sex,
        "nationality": "Việt Nam",
        "place_of_origin": origin,
        "place_of_residence": residence,
        "date_of_issue": issue.isoformat(),
        "date_of_expiry": exp,
    }
    if kind == "cmnd_front":
        ident["id_number"] = f"{rng.randint(10000000, 399999999):09d}"
        ident["old_id_number"] = ""
    return ident


def qr_payload(ident: dict, kind: str) -> str:
    if kind == "cancuoc_back" and ident.get("_qr24"):  # seeds from qr24.MIN_SEED on
        return ident["_qr24"].payload(ident)
    d = lambda iso: iso[8:10] + iso[5:7] + iso[0:4]  # noqa: E731
    fields = [
        ident["id_number"],
        ident["old_id_number"],
        ident["full_name"].title(),
        d(ident["date_of_birth"]),
        ident["sex"],
        ident["place_of_residence"],
        d(ident["date_of_issue"]),
    ]
    if kind == "cancuoc_back":  # the 2024 QR carries more fields (order unconfirmed)
        fields += [ident["place_of_origin"], ""]
    return "|".join(fields)


def truth_fields(ident: dict, kind: str) -> dict:
    """The fields a perfect reader returns for this side of the card."""
    keys = {
        "cccd_front": [
            "id_number",
            "full_name",
            "date_of_birth",
            "sex",
            "nationality",
            "place_of_origin",
            "place_of_residence",
            "date_of_expiry",
        ],
        "cccd_back": ["id_number", "date_of_birth", "sex", "date_of_expiry", "date_of_issue"],
        "cancuoc_front": ["id_number", "full_name", "date_of_birth", "sex", "nationality"],
        "cancuoc_back": [
            "id_number",
            "full_name",
            "date_of_birth",
            "sex",
            "place_of_residence",
            "place_of_origin",
            "date_of_issue",
            "date_of_expiry",
        ],
        "cmnd_front": ["id_number", "full_name", "date_of_birth", "place_of_origin", "place_of_residence"],
    }[kind]
    out = {k: ident[k] for k in keys}
    if kind in ("cccd_front", "cancuoc_back") and ident.get("old_id_number"):
        out["old_id_number"] = ident["old_id_number"]
    return out


class _Canvas:
    """The card at scale `s`. Text is drawn through a layout jitter: the whole print scaled by
    `k` (±5 %) and shifted, the values shifted a little against the labels, each line a little
    more; the font family is drawn per card."""

    def __init__(self, s: float, bg, rng: random.Random | None = None) -> None:
        self.s = s
        self.img = Image.new("RGB", (round(CARD_W * s), round(CARD_H * s)), bg)
        self.d = ImageDraw.Draw(self.img)
        r = rng or random.Random(0)
        jit = rng is not None
        self.rng = r
        self.family = r.choice(sorted(FAMILIES)) if jit else "dejavu"
        self.k = r.uniform(0.95, 1.05) if jit else 1.0
        self.dx, self.dy = (r.uniform(-14, 14), r.uniform(-10, 10)) if jit else (0.0, 0.0)
        self.vdx, self.vdy = (r.uniform(-6, 6), r.uniform(-4, 4)) if jit else (0.0, 0.0)
        self.line = 3.0 if jit else 0.0

    def _at(self, x, y, value: bool = False):
        ox, oy = CARD_W / 2, CARD_H / 2
        x = ox + (x - ox) * self.k + self.dx + (self.vdx if value else 0)
        y = oy + (y - oy) * self.k + self.dy + (self.vdy if value else 0)
        y += self.rng.uniform(-self.line, self.line)
        return max(x, 12.0) * self.s, y * self.s  # print stays on the card

    def _font(self, size, style):
        return font(size * self.s * self.k, style, self.family)

    def text(self, x, y, txt, size, style="", fill=(20, 20, 20), anchor="la"):
        self.d.text(self._at(x, y), txt, font=self._font(size, style), fill=fill, anchor=anchor)

    def value(self, box, txt, style="b", fill=(15, 15, 15), size=None):
        """Value text left-aligned in `box`, vertically centred, shrunk to fit the width."""
        x0, y0, x1, y1 = box
        size = size or (y1 - y0) * 0.62
        while size > 8 and self._font(size, style).getlength(txt) > (x1 - x0 - 8) * self.s * self.k:
            size -= 1
        self.d.text(
            self._at(x0 + 4, (y0 + y1) / 2, True), txt, font=self._font(size, style), fill=fill, anchor="lm"
        )

    def rect(self, box, fill=None, outline=None, width=1):
        self.d.rectangle(
            [v * self.s for v in box], fill=fill, outline=outline, width=max(1, int(width * self.s))
        )

    def ellipse(self, box, fill=None, outline=None, width=1):
        self.d.ellipse(
            [v * self.s for v in box], fill=fill, outline=outline, width=max(1, int(width * self.s))
        )

    def paste(self, im: Image.Image, box):
        x0, y0, x1, y1 = [round(v * self.s) for v in box]
        self.img.paste(im.resize((x1 - x0, y1 - y0), Image.NEAREST), (x0, y0))


def _guilloche(c: _Canvas, rng: random.Random, color) -> None:
    w, h = c.img.size
    for _k in range(14):
        a, ph = rng.uniform(0.004, 0.02), rng.uniform(0, 6.28)
        amp, y0 = rng.uniform(10, 40) * c.s, rng.uniform(0, h)
        pts = [(x, y0 + amp * math.sin(a * x / c.s + ph)) for x in range(0, w, max(2, w // 200))]
        c.d.line(pts, fill=color, width=max(1, int(c.s)))


def _emblem(c: _Canvas, cx, cy, r):
    c.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(200, 30, 30), outline=(220, 180, 40), width=5)
    pts = []
    for i in range(10):
        rr = r * (0.55 if i % 2 == 0 else 0.22)
        ang = -math.pi / 2 + i * math.pi / 5
        pts.append(((cx + rr * math.cos(ang)) * c.s, (cy + rr * math.sin(ang)) * c.s))
    c.d.polygon(pts, fill=(250, 210, 40))


def _photo(c: _Canvas, box, rng):
    x0, y0, x1, y1 = [round(v * c.s) for v in box]
    w, h = x1 - x0, y1 - y0
    im = Image.new("RGB", (w, h), (rng.randint(170, 215), rng.randint(190, 225), rng.randint(215, 240)))
    d = ImageDraw.Draw(im)
    d.ellipse((w * 0.28, h * 0.15, w * 0.72, h * 0.55), fill=(120, 95, 80))
    d.ellipse((w * 0.08, h * 0.6, w * 0.92, h * 1.3), fill=(40, 45, 60))
    c.img.paste(im, (x0, y0))


def _qr(c: _Canvas, payload: str, box):
    q = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=1)
    q.add_data(payload.encode("utf-8"))
    q.make(fit=True)
    im = q.make_image(fill_color="black", back_color="white").convert("RGB")
    c.paste(im, box)


def _header(c: _Canvas, x_center: float, title: str, subtitle: str):
    c.text(x_center, 22, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 21, "b", anchor="mt")
    c.text(x_center, 50, "Độc lập - Tự do - Hạnh phúc", 19, "b", anchor="mt")
    c.text(x_center, 84, title, 34, "b", fill=(200, 20, 30), anchor="mt")
    c.text(x_center, 124, subtitle, 17, "", anchor="mt")


FLOW_SHARE = 0.6  # share of cards drawn with the flowing layouts (layouts.py)


def render(
    ident: dict, kind: str, rng: random.Random, scale: float = 1.0, seed: int | None = None
) -> Image.Image:
    """Render one side of a card at CARD_W*scale pixels wide: the fixed template, or (FLOW_SHARE of
    the cards) a flowing layout, which rewrites `ident`'s addresses as printed. The template is
    drawn either way so that `rng` moves on as before (a seed's photo keeps its geometry). `seed`:
    the card's seed (some old fronts of seeds from worn.MIN_SEED on are drawn worn)."""
    plan = qr24.plan(ident, kind, seed)
    if plan:
        plan.widen(ident)
        ident["_qr24"] = plan
    img = _render_template(ident, kind, rng, scale, origin_on_back=not qr24.applies(seed))
    lr = random.Random(f"{kind}|{ident['id_number']}|{ident['full_name']}|{ident['date_of_birth']}")
    if lr.random() < FLOW_SHARE:
        from . import layouts

        return layouts.render_flow(ident, kind, lr, scale, sys.modules[__name__], seed)
    return img


def _render_template(
    ident: dict, kind: str, rng: random.Random, scale: float = 1.0, origin_on_back: bool = True
) -> Image.Image:
    F = FIELDS[kind]
    if kind == "cmnd_front":
        bg = (rng.randint(200, 215), rng.randint(225, 238), rng.randint(228, 240))
    elif kind.startswith("cancuoc"):
        bg = (rng.randint(232, 242), rng.randint(236, 244), rng.randint(240, 248))
    else:
        bg = (rng.randint(238, 246), rng.randint(240, 247), rng.randint(236, 244))
    c = _Canvas(scale, bg, rng)
    _guilloche(c, rng, tuple(max(0, v - 22) for v in bg))
    lab = (60, 60, 70)
    if kind == "cccd_front":
        _emblem(c, 125, 95, 62)
        _header(c, 525, "CĂN CƯỚC CÔNG DÂN", "Citizen Identity Card")
        _qr(c, qr_payload(ident, kind), QR_BOX["cccd_front"])
        _photo(c, (30, 200, 230, 460), rng)
        c.text(28, 476, "Có giá trị đến:", 16, "", lab)
        c.text(28, 500, "Date of expiry", 15, "", lab)
        c.text(262, 182, "Số / No.:", 20, "", lab)
        c.value(F["id_number"], ident["id_number"], "b", (20, 20, 20), size=32)
        c.text(262, 228, "Họ và tên / Full name:", 18, "", lab)
        c.value(F["full_name"], ident["full_name"], "b")
        c.text(262, 306, "Ngày sinh / Date of birth:", 18, "", lab)
        c.value(F["date_of_birth"], _fmt(ident["date_of_birth"]), "")
        c.text(262, 346, "Giới tính / Sex:", 18, "", lab)
        c.value(F["sex"], ident["sex"], "")
        c.text(560, 346, "Quốc tịch / Nationality:", 18, "", lab)
        c.value(F["nationality"], ident["nationality"], "")
        c.text(262, 386, "Quê quán / Place of origin:", 18, "", lab)
        c.value(F["place_of_origin"], ident["place_of_origin"], "")
        c.text(262, 462, "Nơi thường trú / Place of residence:", 18, "", lab)
        c.value(F["place_of_residence"], ident["place_of_residence"], "")
        c.value(F["date_of_expiry"], _fmt(ident["date_of_expiry"]), "")
    elif kind == "cancuoc_front":
        _emblem(c, 125, 95, 62)
        _header(c, 525, "CĂN CƯỚC", "IDENTITY CARD")
        c.rect((840, 40, 960, 130), fill=(212, 175, 80), outline=(150, 120, 50), width=3)
        c.d.line(
            [(870 * scale, 40 * scale), (870 * scale, 130 * scale)],
            fill=(150, 120, 50),
            width=max(1, int(2 * scale)),
        )
        _photo(c, (30, 200, 230, 460), rng)
        c.text(262, 176, "Số định danh cá nhân / Personal identification number:", 17, "", lab)
        c.value(F["id_number"], ident["id_number"], "b", size=32)
        c.text(262, 258, "Họ, chữ đệm và tên khai sinh / Surname, middle name and given name:", 15, "", lab)
        c.value(F["full_name"], ident["full_name"], "b")
        c.text(262, 342, "Ngày, tháng, năm sinh / Date of birth:", 17, "", lab)
        c.value(F["date_of_birth"], _fmt(ident["date_of_birth"]), "")
        c.text(262, 386, "Giới tính / Sex:", 17, "", lab)
        c.value(F["sex"], ident["sex"], "")
        c.text(560, 386, "Quốc tịch / Nationality:", 17, "", lab)
        c.value(F["nationality"], ident["nationality"], "")
    elif kind == "cmnd_front":
        _emblem(c, 150, 110, 80)
        _photo(c, (50, 230, 250, 480), rng)
        c.text(660, 20, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 19, "b", anchor="mt")
        c.text(660, 46, "Độc lập - Tự do - Hạnh phúc", 17, "b", anchor="mt")
        c.text(660, 84, "GIẤY CHỨNG MINH NHÂN DÂN", 32, "b", fill=(30, 40, 120), anchor="mt")
        c.text(380, 152, "SỐ", 30, "b", fill=(200, 20, 30))
        c.value(F["id_number"], ident["id_number"], "b", (200, 20, 30), size=38)
        c.text(280, 222, "Họ tên:", 20, "", lab)
        c.value(F["full_name"], ident["full_name"], "b")
        c.text(280, 282, "Sinh ngày:", 20, "", lab)
        c.value(F["date_of_birth"], _fmt(ident["date_of_birth"]), "")
        c.text(280, 342, "Nguyên quán:", 20, "", lab)
        c.value(F["place_of_origin"], ident["place_of_origin"], "")
        c.text(280, 422, "Nơi ĐKHK thường trú:", 20, "", lab)
        c.value(F["place_of_residence"], ident["place_of_residence"], "")
    else:  # backs
        lines = mrz.build(
            ident["id_number"],
            ident["date_of_birth"],
            ident["sex"],
            ident["date_of_expiry"],
            ident["full_name"],
        )
        c.rect((0, 410, CARD_W, CARD_H), fill=(250, 250, 250))
        for i, ln in enumerate(lines):
            c.text(38, 428 + i * 62, ln, 46, "m", (10, 10, 10))
        if kind == "cccd_back":
            c.text(28, 26, "Đặc điểm nhân dạng / Personal identification:", 17, "", lab)
            c.text(
                28,
                54,
                rng.choice(
                    [
                        "Sẹo chấm C:1cm trên trước mày phải",
                        "Nốt ruồi C:2cm dưới sau mép trái",
                        "Sẹo chấm C:3cm trên trước đuôi mắt trái",
                    ]
                ),
                17,
                "",
                (20, 20, 20),
            )
            c.text(28, 131, "Ngày, tháng, năm / Date, month, year:", 15, "", lab)
            c.value(F["date_of_issue"], _fmt(ident["date_of_issue"]), "")
            c.text(60, 180, "CỤC TRƯỞNG CỤC CẢNH SÁT", 17, "b")
            c.text(30, 204, "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", 17, "b")
            c.text(60, 330, "Tô Văn Huệ", 20, "b")
            c.d.line(
                [(80 * scale, 300 * scale), (220 * scale, 270 * scale), (260 * scale, 310 * scale)],
                fill=(30, 30, 140),
                width=max(1, int(3 * scale)),
            )
            c.rect((380, 230, 500, 320), fill=(212, 175, 80), outline=(150, 120, 50), width=3)
            fingerprints(c, 170, 395)
            c.text(650, 140, "Ngón trỏ trái", 15, "", lab)
            c.text(840, 140, "Ngón trỏ phải", 15, "", lab)
        else:
            _qr(c, qr_payload(ident, kind), QR_BOX["cancuoc_back"])
            c.text(212, 44, "Nơi cư trú / Place of residence:", 17, "", lab)
            c.value(F["place_of_residence"], ident["place_of_residence"], "")
            if origin_on_back:
                c.text(212, 124, "Nơi đăng ký khai sinh / Place of birth:", 17, "", lab)
                c.value(F["place_of_origin"], ident["place_of_origin"], "")
            else:  # printed on the front only (qr24): the draws of its two lines kept
                rng.uniform(-c.line, c.line), rng.uniform(-c.line, c.line)
            c.text(212, 206, "Ngày, tháng, năm cấp / Date of issue:", 17, "", lab)
            c.value(F["date_of_issue"], _fmt(ident["date_of_issue"]), "")
            c.text(212, 248, "Ngày, tháng, năm hết hạn / Date of expiry:", 17, "", lab)
            c.value(F["date_of_expiry"], _fmt(ident["date_of_expiry"]), "")
            c.text(560, 300, "BỘ CÔNG AN", 20, "b", anchor="mt")
            c.text(560, 326, "MINISTRY OF PUBLIC SECURITY", 15, "", anchor="mt")
            c.d.line(
                [(480 * scale, 385 * scale), (560 * scale, 355 * scale), (640 * scale, 390 * scale)],
                fill=(30, 30, 140),
                width=max(1, int(3 * scale)),
            )
    return c.img


def fingerprints(c, width: int, bottom: int) -> None:
    """The two fingerprint boxes of the 2021 back (c: a _Canvas or a layouts.Flow)."""
    for bx in (620, 810):
        c.rect((bx, 170, bx + width, bottom), outline=(90, 90, 90), width=2)
        for k in range(12):
            mid = bx + width // 2
            c.ellipse((mid - 6 * k, 290 - 8 * k, mid + 6 * k, 290 + 6 * k), outline=(110, 110, 110), width=2)


def rounded_mask(size: tuple[int, int], radius_frac: float = 0.045) -> Image.Image:
    w, h = size
    m = Image.new("L", size, 0)
    ImageDraw.Draw(m).rounded_rectangle([0, 0, w - 1, h - 1], radius=int(radius_frac * w), fill=255)
    return m
