"""PDF in and out: a citizen's PDF split into page images; the cleaned pages joined into one
PDF for the officer (JPEG pages embedded as they are, through pdfium: no re-encoding)."""

from __future__ import annotations

import io

import cv2
import numpy as np

MAX_PAGE_BYTES = 300_000  # a page of the officer's PDF stays under this
RENDER_DPI = 170


def split(path, max_pages: int = 50, dpi: int = RENDER_DPI) -> tuple[list[np.ndarray], int]:
    """The pages of a PDF as RGB arrays (at most `max_pages`), and the page count."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        n = len(pdf)
        out = []
        for i in range(min(n, max_pages)):
            page = pdf[i]
            w, h = page.get_size()
            scale = min(dpi / 72, 2400 / max(w, h, 1))
            out.append(np.asarray(page.render(scale=scale).to_pil().convert("RGB")))
            page.close()
        return out, n
    finally:
        pdf.close()


def encode_page(rgb: np.ndarray, max_bytes: int = MAX_PAGE_BYTES) -> bytes:
    """JPEG of a cleaned page under `max_bytes`: quality stepped down, then the size if need be."""
    img = rgb
    for _ in range(4):
        bgr = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
        for q in (80, 70, 60, 50):
            ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, q])
            if ok and len(buf) <= max_bytes:
                return buf.tobytes()
        img = cv2.resize(img, None, fx=0.85, fy=0.85, interpolation=cv2.INTER_AREA)
    return buf.tobytes()


def build(jpegs: list[bytes], dpi: int = RENDER_DPI) -> bytes:
    """One PDF whose pages are the given JPEGs, each page sized from its pixels at `dpi`."""
    import pypdfium2 as pdfium
    from PIL import Image

    pdf = pdfium.PdfDocument.new()
    try:
        for data in jpegs:
            w, h = Image.open(io.BytesIO(data)).size
            pw, ph = w * 72 / dpi, h * 72 / dpi
            page = pdf.new_page(pw, ph)
            img = pdfium.PdfImage.new(pdf)
            img.load_jpeg(io.BytesIO(data), pages=[page], inline=False)
            img.set_matrix(pdfium.PdfMatrix().scale(pw, ph))
            page.insert_obj(img)
            page.gen_content()
            page.close()
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()
    finally:
        pdf.close()
