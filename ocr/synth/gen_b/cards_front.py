"""Front sides: 2021 chip CCCD, 2024 căn cước, old CMND."""

from __future__ import annotations

import random

from PIL import ImageDraw

from . import drawing as dr
from .cardbase import RED, Card
from .codes import qr_image, qr_payload
from .drawing import mm
from .identity import dmy, iso


def _sex(ident):
    return "Nam" if ident["male"] else "Nữ"


def _tint(rng, c, k=8):
    return tuple(max(0, min(255, v + rng.randint(-k, k))) for v in c)


def cccd_front(ident: dict, rng: random.Random):
    c = Card(rng, _tint(rng, (234, 241, 236)), _tint(rng, (175, 205, 215), 12), 1.0, 2)
    dr.drum(c.img, (mm(52), mm(33)), mm(rng.uniform(15, 20)), _tint(rng, (214, 196, 178)), rng)
    ex, ey = c.px(10, 10.5, jitter=False)
    dr.emblem(c.img, ex, ey, mm(7.2))
    c.header(44.5, 4.2)
    # QR top right, payload per the 7-field chip-card format
    qr_mm = rng.uniform(13.0, 14.2)
    addr = ident["residence"]
    c.paste(qr_image(qr_payload(ident, addr), mm(qr_mm)), 84.0 - qr_mm, 1.8, protect=True)
    # title
    cx, y = c.px(47, 17.6)
    ft = dr.fit_font(lambda z: c.st.font(c.st.value_fam, "b", z), 3.3, "CĂN CƯỚC CÔNG DÂN", mm(46))
    c.put_center(cx, y, "CĂN CƯỚC CÔNG DÂN", ft, RED)
    cx, y = c.px(47, 20.6)
    c.put_center(cx, y, "Citizen Identity Card", c.st.font(c.st.label_fam, "b", 1.9))
    # portrait + expiry under it
    c.paste(dr.portrait(mm(19), mm(25), rng, ident["male"]), 3.0, 20.5)
    x, y = c.px(2.2, 48.6)
    fl = dr.fit_font(lambda z: c.st.label(z), 1.45, "Có giá trị đến: 00/00/0000", mm(23.5))
    xe = c.put(x, y, "Có giá trị đến:", fl)
    exp_txt = "Không thời hạn" if ident["expiry"] is None else dmy(ident["expiry"])
    fv = dr.fit_font(lambda z: c.st.value(z), 1.75, exp_txt, mm(24.0 + c.ox) - xe - mm(0.6))
    c.put(xe + mm(0.6), y, exp_txt, fv)
    x, y = c.px(2.2, 50.9)
    c.put(x, y, "Date of expiry", c.st.label(1.4, "i" if c.st.en_italic else "r"))
    # field column
    L, R = mm(25.0 + c.ox), mm(84.2 + c.ox)
    x, y = c.px(25.0, 25.2)
    xe = c.label(x, y, "Số", "No.")
    f_id = c.st.font(c.st.value_fam, "b", rng.uniform(2.8, 3.2))
    c.put(xe + c.gap(), y + mm(0.1), ident["id12"], f_id, _tint(rng, (10, 10, 10)))
    x, y = c.px(25.0, 29.0)
    c.label(x, y, "Họ và tên", "Full name")
    x, y = c.px(rng.uniform(28, 32), 32.6)
    name = ident["full_name"].upper()
    fn = dr.fit_font(lambda z: c.st.value(z), 2.6, name, R - x)
    c.put(x, y, name, fn)
    x, y = c.px(25.0, 36.0)
    xe = c.label(x, y, "Ngày sinh", "Date of birth")
    c.value(xe + c.gap(), y, dmy(ident["dob"]))
    x, y = c.px(25.0, 39.1)
    xe = c.label(x, y, "Giới tính", "Sex")
    xe = c.value(xe + c.gap(), y, _sex(ident))
    xn = max(xe + mm(3), mm(rng.uniform(51, 56) + c.ox))
    xe = c.label(xn, y, "Quốc tịch", "Nationality")
    c.value(xe + c.gap(), y, "Việt Nam")
    x, y = c.px(25.0, 42.1)
    xe = c.label(x, y, "Quê quán", "Place of origin")
    y = c.wrapped_value(xe, y, L, R, ident["origin"], 2.0, 2.75, force_next=rng.random() < 0.35)
    x, _ = c.px(25.0, 0)
    y += mm(3.0)
    xe = c.label(x, y, "Nơi thường trú", "Place of residence")
    c.wrapped_value(xe, y, L, R, addr, 2.0, 2.75)
    fields = {
        "id_number": ident["id12"],
        "full_name": name,
        "date_of_birth": iso(ident["dob"]),
        "sex": _sex(ident),
        "nationality": "Việt Nam",
        "place_of_origin": ident["origin"],
        "place_of_residence": addr,
        "date_of_expiry": iso(ident["expiry"]),
    }
    if ident["old9"]:
        fields["old_id_number"] = ident["old9"]
    extra = {"date_of_issue": iso(ident["issue"])}  # only inside the QR
    return c, fields, extra


def cancuoc_front(ident: dict, rng: random.Random):
    c = Card(rng, _tint(rng, (236, 236, 246)), _tint(rng, (205, 200, 232), 12), 0.8, 1)
    dr.drum(
        c.img, (mm(rng.uniform(55, 65)), mm(34)), mm(rng.uniform(16, 22)), _tint(rng, (230, 205, 215)), rng
    )
    ex, ey = c.px(9.5, 9.5, jitter=False)
    dr.emblem(c.img, ex, ey, mm(6.6))
    c.header(
        44,
        4.0,
        lines=[
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "b", 1.75),
            ("SOCIALIST REPUBLIC OF VIET NAM", "b", 1.55),
            ("Độc lập - Tự do - Hạnh phúc", "b", 1.6),
            ("Independence - Freedom - Happiness", "r", 1.45),
        ],
    )
    cx_, cy_ = c.px(72, 4.5, jitter=False)
    dr.chip(c.img, cx_, cy_, mm(11), mm(9))
    cx, y = c.px(47, 17.3)
    c.put_center(cx, y, "CĂN CƯỚC", c.st.font(c.st.value_fam, "b", 3.6), RED)
    cx, y = c.px(47, 20.4)
    c.put_center(cx, y, "IDENTITY CARD", c.st.font(c.st.label_fam, "b", 1.9), RED)
    c.paste(dr.portrait(mm(19), mm(25), rng, ident["male"]), 3.0, 21.0)
    R = mm(84.0 + c.ox)
    x, y = c.px(24.5, 25.0)
    lab = "Số định danh cá nhân / Personal identification number:"
    fl = dr.fit_font(lambda z: c.st.label(z), 1.6, lab, R - x)
    c.put(x, y, lab, fl)
    x, y = c.px(rng.uniform(30, 36), 28.9)
    c.put(
        x, y, ident["id12"], c.st.font(c.st.value_fam, "b", rng.uniform(2.8, 3.2)), _tint(rng, (10, 10, 10))
    )
    x, y = c.px(24.5, 32.6)
    lab = "Họ, chữ đệm và tên khai sinh / Surname, middle name and given name:"
    c.put(x, y, lab, dr.fit_font(lambda z: c.st.label(z), 1.6, lab, R - x))
    x, y = c.px(rng.uniform(26, 31), 36.4)
    name = ident["full_name"].upper()
    c.put(x, y, name, dr.fit_font(lambda z: c.st.value(z), 2.6, name, R - x))
    x, y = c.px(24.5, 40.3)
    xe = c.label(x, y, "Ngày, tháng, năm sinh", "Date of birth")
    c.value(xe + c.gap(), y, dmy(ident["dob"]))
    x, y = c.px(24.5, 43.9)
    xe = c.label(x, y, "Giới tính", "Sex")
    xe = c.value(xe + c.gap(), y, _sex(ident))
    xn = max(xe + mm(3), mm(rng.uniform(48, 54) + c.ox))
    xe = c.label(xn, y, "Quốc tịch", "Nationality")
    c.value(xe + c.gap(), y, "Việt Nam")
    fields = {
        "id_number": ident["id12"],
        "full_name": name,
        "date_of_birth": iso(ident["dob"]),
        "sex": _sex(ident),
        "nationality": "Việt Nam",
    }
    return c, fields, {}


def _dots(c: Card, x0: int, x1: int, y: int):
    d = ImageDraw.Draw(c.img)
    for x in range(x0, x1, 7):
        d.ellipse([x, y + 2, x + 2, y + 4], fill=(90, 110, 130))


def cmnd_front(ident: dict, rng: random.Random):
    """Old CMND: 9 digits (classic) or 12 digits (2012 model)."""
    twelve = rng.random() < 0.3
    c = Card(rng, _tint(rng, (214, 232, 236)), _tint(rng, (150, 195, 210), 12), 1.5, 3)
    ex, ey = c.px(12, 11, jitter=False)
    dr.emblem(c.img, ex, ey, mm(8))
    c.paste(dr.portrait(mm(18), mm(24), rng, ident["male"]), 3.0, 23.5)
    number = ident["id12"] if twelve else (ident["old9"] or f"{rng.randint(10000000, 389999999):09d}")
    hand = rng.random() < 0.35  # values look hand-written (serif italic)
    serif = rng.choice([p for p in dr.SERIF_ITALIC if dr._covers_vi(p)])
    vfont = (lambda z: dr.font_path(serif, mm(z * c.st.scale))) if hand else (lambda z: c.st.value(z))
    ink_v = (25, 35, 110) if hand else c.ink
    c.header(
        54,
        4.0,
        lines=[("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "b", 1.8), ("Độc lập - Tự do - Hạnh phúc", "b", 1.7)],
    )
    title = "CHỨNG MINH NHÂN DÂN" if twelve else "GIẤY CHỨNG MINH NHÂN DÂN"
    cx, y = c.px(54, 12.6)
    c.put_center(
        cx, y, title, dr.fit_font(lambda z: c.st.font(c.st.value_fam, "b", z), 3.0, title, mm(56)), RED
    )
    cx, y = c.px(54, 17.4)
    fnum = c.st.font(c.st.value_fam, "b", 3.2)
    pre = "Số: " if twelve else "SỐ "
    w = dr.text_w(fnum, pre + number)
    x = c.put(cx - w // 2, y, pre, fnum, RED)
    c.put(x, y, number, fnum, RED)
    L, R = mm(24.5 + c.ox), mm(84.0 + c.ox)
    place_style = "abbr" if rng.random() < 0.5 else ident["style"]
    from .identity import place

    origin = place(rng, ident["birth_prov"], street=False, style=place_style)
    resid = place(rng, ident["res_prov"], street=True, style=place_style)

    def row(y_mm, lab, val, lines_mm=3.4):
        x, y = c.px(24.5, y_mm)
        xe = c.put(x, y, lab, c.st.label(1.85))
        f = vfont(2.15)
        words = val.split(" ")
        ls = dr.wrap_first(f, words, R - xe - mm(2), R - L)
        _dots(c, xe + mm(0.5), R, y)
        c.put(xe + mm(1.5), y - mm(0.4), ls[0], f, ink_v)
        for ln in ls[1:]:
            y += mm(lines_mm)
            _dots(c, L, R, y)
            c.put(L + mm(1), y - mm(0.4), ln, f, ink_v)
        return y

    name = ident["full_name"].upper()
    dob = dmy(ident["dob"], "/" if twelve else "-")
    if twelve:
        row(22.6, "Họ và tên:", name)
        row(26.6, "Ngày, tháng, năm sinh:", dob)
        row(30.6, "Giới tính: " + _sex(ident) + "   Dân tộc:", ident["ethnic"])
        y = row(34.6, "Quê quán:", origin)
        row(y / dr.PX_PER_MM + 4.0 - c.oy, "Nơi thường trú:", resid)
    else:
        row(22.6, "Họ tên", name)
        row(27.0, "Sinh ngày", dob)
        y = row(31.4, "Nguyên quán", origin)
        row(y / dr.PX_PER_MM + 4.2 - c.oy, "Nơi ĐKHK thường trú", resid)
    fields = {
        "id_number": number,
        "full_name": name,
        "date_of_birth": iso(ident["dob"]),
        "place_of_origin": origin,
        "place_of_residence": resid,
    }
    extra = {"sex": _sex(ident)} if twelve else {}
    return c, fields, extra
