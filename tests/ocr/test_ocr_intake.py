"""Intake: sniffing, formats (EXIF, HEIC, PDF, WebP, PNG), limits and broken files."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

import ocr
from ocr import intake


def test_sniff_magic():
    assert ocr.sniff(b"\xff\xd8\xff\xe0....") == "jpeg"
    assert ocr.sniff(b"\x89PNG\r\n\x1a\n....") == "png"
    assert ocr.sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert ocr.sniff(b"\x00\x00\x00\x18ftypheic\x00\x00") == "heif"
    assert ocr.sniff(b"\x00\x00\x00\x18ftypmif1\x00\x00") == "heif"
    assert ocr.sniff(b"%PDF-1.7\n") == "pdf"
    assert ocr.sniff(b"GIF89a") == "gif"
    assert ocr.sniff(b"hello world") is None
    assert ocr.sniff(b"") is None


def _problems(path, **kw):
    r = ocr.analyze(path, **kw)
    assert set(r) >= {"file", "quality", "document", "timings_ms"}
    return r["quality"]["problems"], r


def test_name_does_not_matter(tmp_path, sample):
    p, _ = sample(11, "cccd_front", "good")
    q = tmp_path / "photo.pdf"  # a JPEG with a misleading name
    q.write_bytes(p.read_bytes())
    probs, r = _problems(q)
    assert r["quality"]["metrics"]["format"] == "jpeg"
    assert probs == []


@pytest.mark.parametrize(
    "content,code",
    [
        (b"", "unreadable_file"),
        (b"not an image at all, just text", "unsupported_format"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "unsupported_format"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 50, "unreadable_file"),
        (b"%PDF-1.4\n garbage", "unreadable_file"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00garbage", "unreadable_file"),
    ],
)
def test_bad_bytes(tmp_path, content, code):
    p = tmp_path / "x.bin"
    p.write_bytes(content)
    probs, r = _problems(p)
    assert probs == [code]
    assert r["quality"]["ok"] is False and r["document"] is None


def test_missing_file(tmp_path):
    probs, _ = _problems(tmp_path / "nope.jpg")
    assert probs == ["unreadable_file"]


def test_truncated_jpeg(tmp_path, sample):
    p, _ = sample(12, "cccd_front", "good")
    data = p.read_bytes()
    q = tmp_path / "trunc.jpg"
    q.write_bytes(data[: len(data) // 3])
    probs, _ = _problems(q)
    assert probs == ["unreadable_file"]


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def test_png_bomb_is_refused_before_decoding(tmp_path):
    # 100000 x 100000 RGB declared in the header; the data would be 30 GB
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1000)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )
    p = tmp_path / "bomb.png"
    p.write_bytes(data)
    probs, _ = _problems(p)
    assert probs == ["too_large"]


def test_jpeg_pixel_bomb(tmp_path):
    # a real, tiny JPEG whose SOF header is patched to claim 60000 x 60000
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(buf, "JPEG")
    data = bytearray(buf.getvalue())
    i = data.find(b"\xff\xc0")
    data[i + 5 : i + 9] = struct.pack(">HH", 60000, 60000)
    p = tmp_path / "bomb.jpg"
    p.write_bytes(bytes(data))
    probs, _ = _problems(p)
    assert probs == ["too_large"]


def test_too_many_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(intake, "MAX_BYTES", 1000)
    p = tmp_path / "big.jpg"
    p.write_bytes(b"\xff\xd8\xff" + b"\x00" * 5000)
    probs, _ = _problems(p)
    assert probs == ["too_large"]


def test_exif_rotated_photo_is_turned_upright(tmp_path, sample):
    p, truth = sample(13, "cancuoc_front", "good")
    im = Image.open(p)
    # store the pixels rotated and say so in EXIF (orientation 6: rotate 90 CW to view)
    stored = im.transpose(Image.Transpose.ROTATE_90)
    ex = Image.Exif()
    ex[0x0112] = 6
    q = tmp_path / "rot.jpg"
    stored.save(q, "JPEG", quality=92, exif=ex.tobytes())
    img, info = intake.load(q)
    assert info["orientation"] == 6
    assert (info["width"], info["height"]) == (1600, 1200)
    assert img.size[0] > img.size[1]
    r = ocr.analyze(q, expect="id_card")
    assert r["quality"]["ok"], r["quality"]
    assert r["document"]["type"] == "cancuoc_front"
    assert r["document"]["fields"]["id_number"] == truth["fields"]["id_number"]


def test_heic(tmp_path, sample):
    import pillow_heif

    p, truth = sample(18, "cccd_front", "good")
    q = tmp_path / "photo.heic"
    pillow_heif.from_pillow(Image.open(p)).save(str(q), quality=85)
    assert ocr.sniff(q.read_bytes()[:32]) == "heif"
    r = ocr.analyze(q, expect="id_card")
    assert r["quality"]["metrics"]["format"] == "heif"
    assert r["quality"]["ok"], r["quality"]
    assert r["document"]["fields"]["id_number"] == truth["fields"]["id_number"]


def test_webp_and_png(sample):
    for fmt in ("webp", "png"):
        p, truth = sample(15, "cmnd_front", "good", fmt=fmt)
        r = ocr.analyze(p, expect="id_card")
        assert r["quality"]["metrics"]["format"] == fmt
        assert r["quality"]["ok"], (fmt, r["quality"])


def test_pdf_first_page_and_page_count(tmp_path, sample):
    p, truth = sample(16, "cccd_front", "good")
    im = Image.open(p).convert("RGB")
    q = tmp_path / "scan.pdf"
    im.save(q, "PDF", resolution=150, save_all=True, append_images=[Image.new("RGB", (800, 600), "white")])
    r = ocr.analyze(q)
    assert r["quality"]["metrics"]["format"] == "pdf"
    assert r["quality"]["metrics"]["pages"] == 2
    assert r["document"] is not None and r["document"]["pages"] == 2
    assert r["document"]["type"] == "cccd_front"


def test_rgba_png_and_grayscale(tmp_path, sample):
    p, _ = sample(17, "cccd_front", "good")
    im = Image.open(p)
    a = tmp_path / "rgba.png"
    im.convert("RGBA").save(a)
    g = tmp_path / "gray.png"
    im.convert("L").save(g)
    for f in (a, g):
        img, info = intake.load(f)
        assert img.mode == "RGB" and np.asarray(img).shape[2] == 3


def test_large_jpeg_is_decoded_reduced(tmp_path):
    p = tmp_path / "big.jpg"
    Image.new("RGB", (6000, 4000), (200, 200, 200)).save(p, "JPEG", quality=70)
    img, info = intake.load(p)
    assert (info["width"], info["height"]) == (6000, 4000)
    assert max(img.size) <= intake.WORK_MAX_SIDE * 1.5
    assert info["decoded"][0] < 6000  # Image.draft reduced the decode
