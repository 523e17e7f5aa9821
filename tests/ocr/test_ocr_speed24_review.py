"""Issue 12, round speed24, review: the reading decode started ahead only where it has a core of its
own, never waited for while still queued behind other reads' work, and called off when unused;
guards on what the round's cheaper paths must keep (the friendly result when the decode ahead
fails, the faint-dot pass where no QR is read, the ring colour's threshold)."""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future

import pytest
from test_ocr_speed24 import _read  # tests/ocr is on the path under pytest

import ocr
import ocr.read
from ocr import intake

# generator A, seeds of this review's tests: 31350000-31350003


def _photo(tmp_path, seed: int, kind: str, cls: str, size=(2400, 1800)):
    from ocr.synth import make_sample

    data, _ = make_sample(seed, kind, cls, size)  # 2400x1800: decoded at 1/2, grey, for the verdict
    p = tmp_path / f"{kind}-{cls}-{seed}.jpg"
    p.write_bytes(data)
    return p


def _cpus(monkeypatch, n: int) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(n)), raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: n)


def _reading_decode_threads(monkeypatch) -> list[str]:
    """Names of the threads the reading-resolution decodes run on."""
    names: list[str] = []
    load0 = intake.load

    def spy(*a, **k):
        if k.get("max_side") == intake.WORK_MAX_SIDE:
            names.append(threading.current_thread().name)
        return load0(*a, **k)

    monkeypatch.setattr(intake, "load", spy)
    return names


def test_no_decode_ahead_on_two_cpus(tmp_path, monkeypatch):
    """On two CPUs the decode ahead only shared the verdict's cores (12 MP verdict p50 31 -> 40 ms,
    total unchanged): the card is decoded at reading resolution on the calling thread, after the
    verdict. With a core to spare it is still started on the reading pool."""
    p = _photo(tmp_path, 31350000, "cccd_front", "good")
    ocr.read.pool()  # made before the CPU count is faked
    names = _reading_decode_threads(monkeypatch)
    _cpus(monkeypatch, 2)
    assert ocr.analyze(p, expect="id_card")["document"]["type"] == "cccd_front"
    assert names == [threading.current_thread().name]
    names.clear()
    _cpus(monkeypatch, 4)
    assert ocr.analyze(p, expect="id_card")["document"]["type"] == "cccd_front"
    assert len(names) == 1 and names[0].startswith("ocr")


def test_a_decode_ahead_still_queued_is_done_at_once():
    """A decode ahead not yet started (the pool busy with another read's Tesseract work) is called
    off and done on the calling thread, not waited for behind that work."""
    fut: Future = Future()  # pending: never started
    got: list = []
    import unittest.mock as mock

    with mock.patch.object(intake, "load", lambda *a, **k: ("now", {})):
        t = threading.Thread(target=lambda: got.append(ocr._reading_decode("x.jpg", fut)), daemon=True)
        t.start()
        t.join(5)
    if t.is_alive():
        fut.set_result(("ahead", {}))  # let the waiting thread go
        t.join(5)
        pytest.fail("waited for a decode still queued")
    assert got[0][0] == "now" and fut.cancelled()


def test_a_decode_ahead_left_unused_is_called_off(tmp_path, monkeypatch):
    """A photo the verdict refuses leaves no decode of its queued on the reading pool (with the pool
    busy, it would run after the photo was answered, for nothing)."""
    p = _photo(tmp_path, 31350001, "cccd_front", "blurry")
    pool = ocr.read.pool()
    _cpus(monkeypatch, 4)
    gate = threading.Event()
    busy = [pool.submit(gate.wait, 30) for _ in range(pool._max_workers)]
    subs: list[Future] = []
    submit0 = pool.submit
    monkeypatch.setattr(pool, "submit", lambda *a, **k: subs.append(submit0(*a, **k)) or subs[-1])
    try:
        r = ocr.analyze(p, expect="id_card")
    finally:
        gate.set()
        for f in busy:
            f.result()
    assert r["quality"]["ok"] is False and r["document"] is None
    assert len(subs) == 1 and subs[0].cancelled()


@pytest.mark.parametrize(
    ("error", "code"),
    [(intake.IntakeError("unreadable_file", "cut"), "unreadable_file"), (MemoryError(), "too_large")],
)
def test_a_reading_decode_failing_on_the_pool_gives_the_friendly_result(tmp_path, monkeypatch, error, code):
    """(guard) The second decode raising inside the pool comes back as the verdict `main` gave for
    it, never as an exception."""
    p = _photo(tmp_path, 31350002, "cccd_front", "good")
    ocr.read.pool()
    _cpus(monkeypatch, 4)
    load0 = intake.load
    names: list[str] = []

    def load(*a, **k):
        if k.get("max_side") == intake.WORK_MAX_SIDE:
            names.append(threading.current_thread().name)
            raise error
        return load0(*a, **k)

    monkeypatch.setattr(intake, "load", load)
    r = ocr.analyze(p, expect="id_card")
    assert names and names[0].startswith("ocr")  # it did fail on the pool
    assert r["quality"]["problems"] == [code] and r["document"] is None


def test_a_card_whose_qr_is_not_read_keeps_the_faint_dots_and_date_boxes(tmp_path, monkeypatch):
    """(guard) The faint-dot pass and the date-box eraser are skipped on a QR read, not on a kind:
    a chip front whose QR gives nothing is cleaned as before."""
    monkeypatch.setattr(ocr.read, "read_qr", lambda gray: None)
    monkeypatch.setattr(ocr.read, "read_qr_corners", lambda gray, left_first=False: None)
    seen = _read(tmp_path, monkeypatch, 31350003, "cccd_front")
    assert seen["faint"] == [True] and seen["frames"] == 1


def test_the_ring_colour_threshold_stays_above_what_saturation_hides():
    """(guard) `seals.redness` is 0 wherever red is not the highest (uint8); the int16 form gave
    negatives there. Both thresholds it is compared with must stay >= 1 for the two to agree."""
    from ocr.tuning import thresholds

    assert thresholds()["seal_red_excess"] // 2 >= 1
