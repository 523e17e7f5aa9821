"""Back sides: 2021 chip CCCD and 2024 căn cước, both with a TD1 MRZ."""

from __future__ import annotations

import random

from PIL import ImageDraw

from . import drawing as dr
from .cardbase import Card
from .cards_front import _sex, _tint
from .codes import ascii_upper, mrz_td1, qr_image, qr_payload
from .drawing import mm
from .identity import dmy, iso

MARKS = [
    "Nốt ruồi C:1cm trên sau đầu mày trái",
    "Sẹo chấm C:2cm dưới trước cánh mũi phải",
    "Nốt ruồi C:1,5cm dưới sau mép phải",
    "Sẹo chấm C:3cm trên trước đuôi mắt trái",
    "Nốt ruồi cách 2cm trên đầu mày phải",
]
OFFICERS = ["Nguyễn Văn Thành", "Trần Quốc Bảo", "Lê Minh Đức", "Phạm Hữu Nghĩa"]


def _mrz(c: Card, ident: dict, rng: random.Random, top_mm: float):
    """Three OCR-B-like monospaced lines across the lower band."""
    lines = mrz_td1(ident)
    d = ImageDraw.Draw(c.img)
    band = (mm(0), mm(top_mm - 1.2 + c.oy), dr.CARD_PX[0], dr.CARD_PX[1])
    d.rectangle(band, fill=_tint(rng, (244, 244, 240), 6))
    path = rng.choice(dr.pick_existing(dr.MONO))
    f = dr.font_path(path, mm(3.15))
    pitch = mm(rng.uniform(2.58, 2.7))
    x0 = mm(rng.uniform(2.6, 4.0) + c.ox)
    for i, ln in enumerate(lines):
        y = mm(top_mm + 3.4 + i * 3.9 + c.oy + rng.uniform(-0.15, 0.15))
        for j, ch in enumerate(ln):
            c.put(x0 + j * pitch, y, ch, f, (15, 15, 20), record=False)
        c.text_boxes.append((x0, y - mm(2.6), x0 + 30 * pitch, y + mm(0.4)))
    return lines


def _fingerprint(c: Card, x: int, y: int, w: int, h: int, rng):
    d = ImageDraw.Draw(c.img)
    d.rectangle([x, y, x + w, y + h], outline=(120, 120, 130), width=2)
    cx, cy = x + w / 2 + rng.uniform(-5, 5), y + h * 0.55
    for k in range(3, 22):
        rx, ry = w * 0.022 * k, h * 0.019 * k
        d.arc(
            [cx - rx, cy - ry, cx + rx, cy + ry],
            200 + rng.randint(-20, 10),
            520 + rng.randint(-10, 20),
            fill=(70, 70, 80),
            width=3,
        )


def cccd_back(ident: dict, rng: random.Random):
    c = Card(rng, _tint(rng, (238, 240, 242)), _tint(rng, (200, 212, 222), 10), 0.7, 1)
    x, y = c.px(3.5, 4.5, jitter=False)
    dr.chip(c.img, x, y, mm(11.5), mm(9.5))
    # personal identification text (right of the chip, above the issue date)
    x, y = c.px(3.0, 18.0)
    lab = "Đặc điểm nhân dạng / Personal identification:"
    c.put(x, y, lab, dr.fit_font(lambda z: c.st.label(z), 1.5, lab, mm(44)))
    f = c.st.font(c.st.label_fam, "r", 1.7)
    mark = rng.choice(MARKS)
    for i, ln in enumerate(dr.wrap_first(f, mark.split(), mm(44), mm(44))):
        x, y = c.px(3.0, 20.8 + i * 2.6)
        c.put(x, y, ln, f)
    # fingerprints on the right
    for k, (vn, en) in enumerate(
        [("Ngón trỏ trái", "Left index finger"), ("Ngón trỏ phải", "Right index finger")]
    ):
        x0 = mm(52.0 + k * 16.5 + c.ox)
        fx, fy = x0, mm(2.0 + c.oy)
        _fingerprint(c, fx, fy + mm(5.2), mm(15), mm(19), rng)
        fl = dr.fit_font(lambda z: c.st.label(z), 1.35, vn, mm(15))
        c.put_center(fx + mm(7.5), fy + mm(1.6), vn, fl)
        fe = dr.fit_font(lambda z: c.st.label(z, "i" if c.st.en_italic else "r"), 1.25, en, mm(15))
        c.put_center(fx + mm(7.5), fy + mm(4.0), en, fe)
    # issue date and issuer
    x, y = c.px(3.0, 27.8)
    xe = c.label(x, y, "Ngày, tháng, năm", "Date, month, year", size=1.6)
    c.value(xe + c.gap(), y, dmy(ident["issue"]), size=2.05)
    rows = [
        "CỤC TRƯỞNG CỤC CẢNH SÁT",
        "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI",
        "DIRECTOR GENERAL OF THE POLICE DEPARTMENT",
        "FOR ADMINISTRATIVE MANAGEMENT OF SOCIAL ORDER",
    ]
    for i, t in enumerate(rows):
        cx, y = c.px(27.0, 30.6 + i * 1.9)
        fw = "b" if i < 2 else "r"
        c.put_center(
            cx, y, t, dr.fit_font(lambda z, fw=fw: c.st.font(c.st.label_fam, fw, z), 1.45, t, mm(48))
        )
    sx, sy = c.px(rng.uniform(16, 22), 37.0, jitter=False)
    dr.seal(c.img, sx, sy, mm(3.0), rng)
    dr.signature(c.img, sx + mm(4), sy - mm(2.8), mm(14), mm(3.5), rng)
    lines = _mrz(c, ident, rng, 41.3)
    fields = {
        "id_number": ident["id12"],
        "date_of_birth": iso(ident["dob"]),
        "sex": _sex(ident),
        "date_of_expiry": iso(ident["expiry"]),
        "date_of_issue": iso(ident["issue"]),
    }
    extra = {"mrz": lines, "full_name_mrz": ascii_upper(ident["full_name"])}
    return c, fields, extra


def cancuoc_back(ident: dict, rng: random.Random):
    c = Card(rng, _tint(rng, (240, 238, 244)), _tint(rng, (210, 205, 230), 10), 0.7, 1)
    dr.drum(c.img, (mm(40), mm(22)), mm(15), _tint(rng, (228, 214, 222)), rng)
    addr = ident["residence"]
    qr_mm = rng.uniform(15.0, 17.0)
    c.paste(qr_image(qr_payload(ident, addr), mm(qr_mm)), 84.0 - qr_mm, 1.6, protect=True)
    L, R = mm(3.0 + c.ox), mm(66.0 + c.ox)
    x, y = c.px(3.0, 4.6)
    xe = c.label(x, y, "Nơi cư trú", "Place of residence")
    y = c.wrapped_value(xe, y, L, R, addr, 2.0, 2.9, force_next=rng.random() < 0.5)
    y += mm(3.4)
    xe = c.label(L, y, "Nơi đăng ký khai sinh", "Place of birth")
    y = c.wrapped_value(xe, y, L, R, ident["origin"], 2.0, 2.9, force_next=rng.random() < 0.4)
    y0 = max(y + mm(3.6), mm(19.5))
    xe = c.label(L + mm(rng.uniform(-0.2, 0.3)), y0, "Ngày, tháng, năm cấp", "Date of issue")
    c.value(xe + c.gap(), y0, dmy(ident["issue"]))
    y0 += mm(3.3)
    xe = c.label(L + mm(rng.uniform(-0.2, 0.3)), y0, "Ngày, tháng, năm hết hạn", "Date of expiry")
    c.value(xe + c.gap(), y0, "Không thời hạn" if ident["expiry"] is None else dmy(ident["expiry"]))
    # issuer block, right half, above the MRZ
    for i, (t, w, s) in enumerate([("BỘ CÔNG AN", "b", 1.9), ("MINISTRY OF PUBLIC SECURITY", "b", 1.5)]):
        cx, yy = c.px(64.0, 29.6 + i * 2.3)
        c.put_center(cx, yy, t, c.st.font(c.st.label_fam, w, s))
    sx, sy = c.px(56.0, 36.5, jitter=False)
    dr.seal(c.img, sx, sy, mm(3.8), rng)
    dr.signature(c.img, sx + mm(4), sy - mm(2.2), mm(13), mm(3), rng)
    lines = _mrz(c, ident, rng, 41.3)
    name = ident["full_name"].upper()
    fields = {
        "id_number": ident["id12"],
        "full_name": name,
        "date_of_birth": iso(ident["dob"]),
        "sex": _sex(ident),
        "place_of_residence": addr,
        "place_of_origin": ident["origin"],
        "date_of_issue": iso(ident["issue"]),
        "date_of_expiry": iso(ident["expiry"]),
    }
    if ident["old9"]:
        fields["old_id_number"] = ident["old9"]
    return c, fields, {"mrz": lines}


RENDERERS = {}


def _register():
    from .cards_front import cancuoc_front, cccd_front, cmnd_front

    RENDERERS.update(
        {
            "cccd_front": cccd_front,
            "cccd_back": cccd_back,
            "cancuoc_front": cancuoc_front,
            "cancuoc_back": cancuoc_back,
            "cmnd_front": cmnd_front,
        }
    )


_register()
