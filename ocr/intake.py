"""Photo intake: sniff the content, enforce limits, decode (reduced for big JPEGs), orient."""

from __future__ import annotations

import os
from pathlib import Path

from PIL import Image, ImageOps

from core.sniff import sniff

MAX_BYTES = 30_000_000  # bigger files are refused unread
MAX_PIXELS = 60_000_000  # declared width*height above this is refused before decoding
MAX_PDF_PAGES = 200
WORK_MAX_SIDE = 2048  # decode/render to about this size for reading the card
CHECK_MAX_SIDE = 1000  # big JPEGs are decoded at 1/2, 1/4 or 1/8 scale to about this for the verdict


class IntakeError(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


_heif_registered = False


def _register_heif() -> None:
    global _heif_registered
    if not _heif_registered:
        import pillow_heif

        pillow_heif.register_heif_opener()
        _heif_registered = True


def _to_rgb(im: Image.Image) -> Image.Image:
    if im.mode == "RGB":
        return im
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        im = im.convert("RGBA")
        bg = Image.new("RGB", im.size, (255, 255, 255))
        bg.paste(im, mask=im.getchannel("A"))
        return bg
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        im = im.point(lambda v: v / 256).convert("L")
    return im.convert("RGB")


def load(
    path: str | Path,
    max_side: int = WORK_MAX_SIDE,
    draft_min: int | None = None,
    gray_if_reduced: bool = False,
) -> tuple[Image.Image, dict]:
    """Decode `path` into an RGB image whose longer side is about `max_side` or less.

    A JPEG is decoded at the smallest 1/2, 1/4, 1/8 scale whose longer side stays >= draft_min
    (default: max_side); with gray_if_reduced such a reduced JPEG is decoded as luminance only
    (mode "L": no chroma work, for the quality verdict). Returns (image, info) where info has format, width/height of the full oriented image and,
    for a PDF, pages. Raises IntakeError(code) with a contract problem code.
    """
    p = Path(path)
    try:
        size = os.stat(p).st_size
        if size > MAX_BYTES:
            raise IntakeError("too_large", f"{size} bytes")
        with open(p, "rb") as f:
            head = f.read(1024)
    except IntakeError:
        raise
    except OSError as e:
        raise IntakeError("unreadable_file", str(e)) from None
    if not head:
        raise IntakeError("unreadable_file", "empty file")
    kind = sniff(head)
    if kind is None or kind == "gif":
        raise IntakeError("unsupported_format", kind or "unknown")
    if kind == "pdf":
        return _load_pdf(p, max_side)
    if kind == "heif":
        try:
            _register_heif()
        except Exception as e:  # pragma: no cover - pillow-heif missing
            raise IntakeError("unsupported_format", f"heif: {e}") from None
    formats = {"jpeg": ["JPEG"], "png": ["PNG"], "webp": ["WEBP"], "heif": ["HEIF", "AVIF"]}[kind]
    try:
        im = Image.open(p, formats=formats)
    except Image.DecompressionBombError as e:
        raise IntakeError("too_large", str(e)) from None
    except Exception as e:
        raise IntakeError("unreadable_file", f"{type(e).__name__}: {e}") from None
    try:
        w, h = im.size
        if w <= 0 or h <= 0:
            raise IntakeError("unreadable_file", "zero size")
        if w * h > MAX_PIXELS:
            raise IntakeError("too_large", f"{w}x{h} pixels")
        if getattr(im, "n_frames", 1) > 1:
            im.seek(0)
        if kind == "jpeg" and max(w, h) > (draft_min or max_side):
            k = (draft_min or max_side) / max(w, h)
            if gray_if_reduced and k <= 0.5:
                im.draft("L", (max(1, int(w * k)), max(1, int(h * k))))
            else:
                im.draft("RGB", (max(1, int(w * k)), max(1, int(h * k))))
        try:
            orientation = im.getexif().get(0x0112, 1)
        except Exception:
            orientation = 1
        im.load()
        drafted = im.size
        im = ImageOps.exif_transpose(im) if orientation not in (1, None) else im
        if im.mode != "L" or not gray_if_reduced:
            im = _to_rgb(im)
    except IntakeError:
        im.close()
        raise
    except Image.DecompressionBombError as e:
        im.close()
        raise IntakeError("too_large", str(e)) from None
    except Exception as e:
        im.close()
        raise IntakeError("unreadable_file", f"{type(e).__name__}: {e}") from None
    if orientation in (5, 6, 7, 8):
        w, h = h, w
    if max(im.size) > max(max_side * 1.5, WORK_MAX_SIDE):
        k = max_side / max(im.size)
        im = im.resize((max(1, round(im.width * k)), max(1, round(im.height * k))), Image.BILINEAR)
    info = {"format": kind, "width": w, "height": h, "decoded": list(drafted), "orientation": orientation}
    return im, info


def _load_pdf(p: Path, max_side: int) -> tuple[Image.Image, dict]:
    try:
        import pypdfium2 as pdfium
    except Exception as e:  # pragma: no cover
        raise IntakeError("unsupported_format", f"pdf: {e}") from None
    try:
        pdf = pdfium.PdfDocument(str(p))
    except Exception as e:
        raise IntakeError("unreadable_file", f"pdf: {e}") from None
    try:
        n = len(pdf)
        if n < 1:
            raise IntakeError("unreadable_file", "pdf without pages")
        if n > MAX_PDF_PAGES:
            raise IntakeError("too_large", f"{n} pages")
        page = pdf[0]
        pw, ph = page.get_size()
        if pw <= 0 or ph <= 0:
            raise IntakeError("unreadable_file", "empty page")
        scale = min(max_side / max(pw, ph), 300 / 72)  # never more than 300 dpi
        if pw * ph * scale * scale > MAX_PIXELS:
            raise IntakeError("too_large", "page")
        im = page.render(scale=scale).to_pil()
        im = _to_rgb(im)
        page.close()
    except IntakeError:
        raise
    except Exception as e:
        raise IntakeError("unreadable_file", f"pdf: {type(e).__name__}: {e}") from None
    finally:
        pdf.close()
    w, h = im.size
    return im, {"format": "pdf", "width": w, "height": h, "pages": n, "page_points": [round(pw), round(ph)]}
