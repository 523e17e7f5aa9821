"""Hostile files for the attack suite and bench/security_login.py, generated (never downloaded):
decompression bombs that are small on the wire and expensive to decode or render."""

from __future__ import annotations

import io
import struct
import zlib


def png_bomb(side: int = 7000) -> bytes:
    """A uniform PNG of side x side pixels (~49 Mpx at 7000, under the decoder's pixel cap, so it
    is really decoded): about 50 kB on the wire, ~150 MB once decoded to RGB."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (side, side), 0).save(out, "PNG", compress_level=9)
    return out.getvalue()


def png_declared_huge(side: int = 100_000) -> bytes:
    """A PNG whose header declares side x side pixels (10 Gpx) with a few kB of data: refused from
    its header, never decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 2_000_000, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def pdf_bomb(strokes: int = 1_500_000, side_pt: int = 14_400) -> bytes:
    """A one-page PDF (200 x 200 inches) of `strokes` page-wide lines: a few kB on the wire and,
    rendered at 2048 px, about 0.7 ms of CPU per stroke (20,000: ~13 s; the default: ~15 min,
    stopped only by OCR_TIMEOUT_S)."""
    content = zlib.compress(b"0 0 m 14400 14400 l S\n" * strokes, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {side_pt} {side_pt}] /Contents 4 0 R >>".encode(),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    return _pdf(objects)


def pdf_many_pages(pages: int = 5000) -> bytes:
    """A PDF of `pages` empty pages (refused by its page count)."""
    kids = " ".join(f"{i + 3} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"] * pages
    return _pdf(objects)


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF file of these numbered objects (1 is the catalog), with its cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()
