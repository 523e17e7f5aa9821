"""The receipt image sent after filing: the dossier code as text and as a QR code, the lines of
the receipt (procedure, documents received, expected date, where to collect)."""

from __future__ import annotations

import io
import textwrap
from functools import lru_cache

import qrcode
from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)


@lru_cache(maxsize=8)
def _font(size: int, bold: bool = False) -> ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT_DIRS[1 if bold else 0], size)
    except OSError:  # no DejaVu: Pillow's own font (it has Vietnamese glyphs from Pillow 10.1)
        return ImageFont.load_default(size)


def render_receipt(code: str, lines: list[str], width: int = 900) -> bytes:
    qr = qrcode.QRCode(border=2, box_size=8, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(code)
    qr.make(fit=True)
    qr_img = qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    chars = max(20, (width - qr_img.width - 60) // 14)  # keep the text left of the QR code
    body = []
    for line in lines[1:]:
        body.extend(textwrap.wrap(line, width=chars) or [""])
    height = max(qr_img.height + 140, 180 + 38 * len(body))
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, width, 70], fill=(179, 38, 30))
    draw.text((24, 18), lines[0] if lines else code, font=_font(28, True), fill="white")
    draw.text((24, 90), code, font=_font(40, True), fill="black")
    y = 150
    for line in body:
        draw.text((24, y), line, font=_font(24), fill=(30, 30, 30))
        y += 38
    img.paste(qr_img, (width - qr_img.width - 20, 80))
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()
