"""Issue 12, round speed24: the full read's CPU cut with the same output. Each guard on the cheaper
paths: the seal eraser and the faint-dot pass still run where they matter (an old CMND front),
the faint pass is skipped on a card with a QR, the quicker ring colour and dot tests give what
the slower ones gave, the 2024 back's QR corner is tried first."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ocr import leaders, qr, seals


def _read(tmp_path, monkeypatch, seed: int, kind: str, worn: bool = False) -> dict:
    """Spies on one full read: whether the faint-dot pass ran and how many ring pixels were found."""
    import ocr
    import ocr.read
    from ocr.synth import cards, make_sample
    from ocr.synth import worn as wornmod

    if worn:
        monkeypatch.setattr(cards, "FLOW_SHARE", 1.0)
        monkeypatch.setattr(wornmod, "SHARE", 1.0)
    seen: dict = {"faint": [], "ring": [], "frames": 0}
    erase, seal_erase, frames = ocr.read.leaders.erase, ocr.read.seals.erase, ocr.read.leaders.erase_frames

    def spy(gray, line_h, faint=True):
        seen["faint"].append(faint)
        return erase(gray, line_h, faint)

    def seal_spy(rgb, gray, line_h):
        seen["ring"].append(int(seals.ring_mask(rgb, line_h).sum()))
        return seal_erase(rgb, gray, line_h)

    def frames_spy(gray, line_h):
        seen["frames"] += 1
        return frames(gray, line_h)

    monkeypatch.setattr(ocr.read.leaders, "erase", spy)
    monkeypatch.setattr(ocr.read.leaders, "erase_frames", frames_spy)
    monkeypatch.setattr(ocr.read.seals, "erase", seal_spy)
    data, _ = make_sample(seed, kind, "good", (1600, 1200))
    p = tmp_path / f"{kind}.jpg"
    p.write_bytes(data)
    seen["out"] = ocr.analyze(p, expect="id_card")
    return seen


def test_an_old_cmnd_front_with_a_ring_keeps_both_erasers(tmp_path, monkeypatch):
    """A worn CMND front (a seal's ring over a value, faint dotted lines) has no QR: its ring is
    still found and painted, and its faint dots still looked for."""
    seen = _read(tmp_path, monkeypatch, 30250003, "cmnd_front", worn=True)
    assert seen["faint"] == [True] and seen["frames"] == 1
    assert seen["ring"] and seen["ring"][0] > 0
    assert seen["out"]["document"]["type"] == "cmnd_front"


def test_a_chip_front_with_its_qr_skips_the_faint_dots_and_date_boxes(tmp_path, monkeypatch):
    seen = _read(tmp_path, monkeypatch, 30250001, "cccd_front")
    assert seen["faint"] == [False] and seen["frames"] == 0
    assert seen["out"]["document"]["type"] == "cccd_front"


def test_faint_dots_off_leaves_the_faint_row():
    """`faint=False` is what it says (and the default still erases them, test_ocr_cmnd23)."""
    g = np.full((200, 900), 205, np.uint8)
    cv2.putText(g, "21 - 12 - 1961", (40, 80), cv2.FONT_HERSHEY_SIMPLEX, 1.3, 20, 3)
    for x in range(30, 880, 11):
        cv2.circle(g, (x, 92), 2, 172, -1)
    assert leaders.erase(g, 45.0, faint=False)[88:97, 400:880].min() < 190
    assert leaders.erase(g, 45.0)[88:97, 400:880].min() > 190


def test_faint_dots_touching_print_or_by_a_solid_patch_stay():
    """The per-mark windows test what the whole-card dilations tested: a faint dot with other ink
    within half a dot's size, or next to a solid dark region, is no leader dot."""
    g = np.full((200, 900), 205, np.uint8)
    for x in range(30, 880, 11):
        cv2.circle(g, (x, 92), 2, 172, -1)
    cv2.rectangle(g, (300, 40), (420, 160), 10, -1)  # a portrait's dark edge over the row's middle
    for x in range(30, 300, 11):
        cv2.line(g, (x + 3, 92), (x + 4, 92), 30, 1)  # print a pixel off each dot on the left
    out = leaders.erase(g, 45.0)
    assert out[88:97, 30:290].min() < 190  # touched: kept
    assert out[88:97, 440:880].min() > 190  # free: erased
    assert out[88:97, 420:430].min() < 190  # by the solid patch: kept


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_redness_is_the_positive_part_of_red_over_green_and_blue(seed):
    rgb = np.random.default_rng(seed).integers(0, 256, (64, 48, 3), dtype=np.uint8)
    c = rgb.astype(np.int16)
    want = np.clip(c[..., 0] - np.maximum(c[..., 1], c[..., 2]), 0, 255)
    assert np.array_equal(seals.redness(rgb), want)
    assert np.array_equal(seals.redness(rgb[::4, ::4]), want[::4, ::4])  # a strided view too


def test_the_2024_backs_qr_corner_is_tried_first(monkeypatch):
    """A QR in the top left corner (the 2024 back's) is found with `left_first` before any try of
    the right corner; the order does not change what is found."""
    import qrcode

    code = qrcode.QRCode(border=2, box_size=3)
    code.add_data("079203001234|Nguyễn Văn A|01011990")
    img = np.array(code.make_image().convert("L"), np.uint8)
    card = np.full((500, 800), 255, np.uint8)
    card[20 : 20 + img.shape[0], 20 : 20 + img.shape[1]] = img
    calls = []
    read0 = qr.read_qr
    monkeypatch.setattr(qr, "read_qr", lambda g: calls.append(g.shape) or read0(g))
    assert qr.read_qr_corners(card, left_first=True) == qr.read_qr_corners(card) is not None
    calls.clear()
    qr.read_qr_corners(card, left_first=True)
    left_first = len(calls)
    calls.clear()
    qr.read_qr_corners(card)
    assert left_first == 1 < len(calls)


def test_the_reading_decode_started_ahead_is_the_one_read(tmp_path, monkeypatch):
    """A JPEG the verdict saw reduced is decoded at reading resolution on the pool while the verdict
    is computed; the card is read from that decode (the same call as before, not a second one), and
    none is started when nothing is to be read."""
    import ocr
    from ocr import intake
    from ocr.synth import make_sample

    data, _ = make_sample(
        30250001, "cccd_front", "good", (2400, 1800)
    )  # decoded at 1/2, grey, for the verdict
    p = tmp_path / "front.jpg"
    p.write_bytes(data)
    calls = []
    load0 = intake.load
    monkeypatch.setattr(intake, "load", lambda *a, **k: calls.append(k.get("max_side")) or load0(*a, **k))
    assert ocr.analyze(p, expect="id_card")["document"]["type"] == "cccd_front"
    assert sorted(calls) == [intake.CHECK_MAX_SIDE, intake.WORK_MAX_SIDE]
    calls.clear()
    ocr.analyze(p, expect="id_card", read=False)
    assert calls == [intake.CHECK_MAX_SIDE]


def test_a_decode_started_ahead_is_not_done_again(tmp_path, monkeypatch):
    """Every branch that reads at reading resolution (the card's, a paper's) takes the decode
    started ahead when there is one, and decodes itself only when there is none."""
    from concurrent.futures import Future

    import ocr
    from ocr import intake

    calls = []
    monkeypatch.setattr(intake, "load", lambda *a, **k: calls.append(k) or ("now", {}))
    fut: Future = Future()
    fut.set_result(("ahead", {}))
    assert ocr._reading_decode("x.jpg", fut)[0] == "ahead" and not calls
    assert ocr._reading_decode("x.jpg", None)[0] == "now"
    assert calls == [{"max_side": intake.WORK_MAX_SIDE, "draft_min": 1400}]
