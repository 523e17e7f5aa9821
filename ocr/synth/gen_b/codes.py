"""Machine-readable parts: ICAO 9303 TD1 MRZ and the QR payloads."""

from __future__ import annotations

import unicodedata

import numpy as np
import qrcode
from PIL import Image

from .identity import dmy


def check_digit(s: str) -> str:
    total = 0
    for i, ch in enumerate(s):
        if ch.isdigit():
            v = int(ch)
        elif ch.isalpha():
            v = ord(ch.upper()) - 55
        else:
            v = 0
        total += v * (7, 3, 1)[i % 3]
    return str(total % 10)


def ascii_upper(s: str) -> str:
    s = s.replace("Đ", "D").replace("đ", "d")
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return s.upper()


def _yymmdd(d) -> str:
    return "<<<<<<" if d is None else f"{d.year % 100:02d}{d.month:02d}{d.day:02d}"


def mrz_td1(ident: dict) -> list[str]:
    """Three 30-character lines as on the chip card backs."""
    num = ident["id12"]
    doc9 = num[3:]
    l1 = "IDVNM" + doc9 + check_digit(doc9) + num
    l1 = l1 + "<" * (29 - len(l1)) + check_digit(num)
    dob = _yymmdd(ident["dob"])
    exp = _yymmdd(ident["expiry"])
    l2a = dob + check_digit(dob) + ("M" if ident["male"] else "F") + exp + check_digit(exp) + "VNM"
    l2 = l2a + "<" * (29 - len(l2a))
    comp = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
    l2 += check_digit(comp)
    sur = ascii_upper(ident["family"]).replace(" ", "<")
    giv = ascii_upper(f"{ident['middle']} {ident['given']}").replace(" ", "<")
    l3 = (sur + "<<" + giv)[:30]
    l3 += "<" * (30 - len(l3))
    assert len(l1) == len(l2) == len(l3) == 30, (l1, l2, l3)
    return [l1, l2, l3]


def verify_mrz(lines: list[str]) -> bool:
    l1, l2, _ = lines
    ok = check_digit(l1[5:14]) == l1[14]
    ok &= check_digit(l1[15:27]) == l1[29]
    ok &= check_digit(l2[0:6]) == l2[6]
    ok &= check_digit(l2[8:14]) == l2[14]
    comp = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
    return bool(ok and check_digit(comp) == l2[29])


def qr_payload(ident: dict, address: str) -> str:
    """id12|old9|Full Name|ddmmyyyy|Nam/Nữ|address|issue ddmmyyyy."""
    return "|".join(
        [
            ident["id12"],
            ident["old9"],
            ident["full_name"],
            dmy(ident["dob"], ""),
            "Nam" if ident["male"] else "Nữ",
            address,
            dmy(ident["issue"], ""),
        ]
    )


def qr_image(payload: str, px: int, border: int = 2) -> Image.Image:
    """Black-on-white QR scaled (nearest) to px×px."""
    q = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_L, border=border, box_size=1)
    q.add_data(payload.encode("utf-8"))
    q.make(fit=True)
    m = np.array(q.get_matrix(), dtype=bool)
    img = Image.fromarray(np.where(m, 0, 255).astype(np.uint8), "L")
    return img.resize((px, px), Image.NEAREST).convert("RGB")
