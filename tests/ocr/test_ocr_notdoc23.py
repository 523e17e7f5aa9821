"""Issue 12, notdoc23: more of what citizens send instead of a card (ocr/synth/scenes.py) and more
ways a card is overexposed, each judged by the verdict (quality.assess) as the contract means:
`not_document` with no ID card in the photo, `too_bright` when the print's contrast is lost."""

from __future__ import annotations

import io
import random

import cv2
import numpy as np
import pytest
from PIL import Image

import ocr
from ocr import quality
from ocr.synth import KINDS, make_sample, scenes


def _verdict(tmp_path, seed: int, cls: str, variant: str | None, expect: str | None = "id_card") -> dict:
    data, _ = make_sample(seed, KINDS[seed % 5], cls, (1600, 1200), variant=variant)
    p = tmp_path / f"{cls}-{variant}-{seed}.jpg"
    p.write_bytes(data)
    return ocr.analyze(p, expect=expect, read=False)["quality"]


# seeds of the development set (26100000...) that the verdict before notdoc23 got wrong
@pytest.mark.parametrize(
    "seed,variant",
    [
        (26102000, "haze"),  # ... its print faint enough to read as none: was a blank card
        (26102005, "haze"),  # no card told from the washed-out frame: was not_document
        (26102000, "lamp"),  # a lamp's blob over the card, no card found: was not_document
        (26320210, "haze"),  # a haze whose faint print the card's stroke check did not see: was a blank card
    ],
)
def test_overexposed_card_is_too_bright(tmp_path, seed, variant):
    q = _verdict(tmp_path, seed, "too_bright", variant)
    assert "too_bright" in q["problems"], q["metrics"]
    assert "not_document" not in q["problems"]


def _read(tmp_path, name: str, a: np.ndarray) -> dict:
    p = tmp_path / f"{name}.jpg"
    Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).save(p, quality=90)
    return ocr.analyze(p, expect="id_card")


@pytest.mark.parametrize("seed", [26102002, 26102003])
def test_hazy_but_readable_card_passes(tmp_path, seed):
    # (mendn23) under haze, but its ID number checks out: an officer could read it, no retake
    data, truth = make_sample(seed, KINDS[seed % 5], "too_bright", (1600, 1200), variant="haze")
    r = _read(tmp_path, f"haze{seed}", np.asarray(Image.open(io.BytesIO(data)).convert("RGB")))
    assert r["quality"]["problems"] == [], r["quality"]["metrics"]
    assert r["document"] is not None


@pytest.mark.parametrize("seed", [27400007, 27400019])
def test_pale_good_card_is_read_not_refused(tmp_path, seed):
    # (mendn23) a good card lightened toward white (print at ~0.64 of white, nothing clipped) was
    # too_bright by the haze rule though its fields read right
    data, truth = make_sample(seed, KINDS[seed % 5], "good")
    a = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(np.float32)
    r = _read(tmp_path, "pale", 255 - (255 - a) * 0.42)
    assert r["quality"]["problems"] == [], r["quality"]["metrics"]
    got = r["document"]["fields"]["id_number"]
    assert (got.get("value") if isinstance(got, dict) else got) == truth["fields"]["id_number"]


@pytest.mark.parametrize(
    "seed,variant",
    [
        (26100000, "monitor"),  # a screen (its dark bezel, a picture) out of focus: was blurry
        (26100003, "monitor"),
        (26320700, "monitor"),  # a chat's plain white window, crisp but with few edges: was blurry
        (26100002, "plastic"),  # a loyalty card in saturated colours, soft: was blurry
        (26100005, "plastic"),
    ],
)
def test_card_shaped_thing_in_no_id_colours_is_not_document(tmp_path, seed, variant):
    q = _verdict(tmp_path, seed, "not_document", variant)
    assert "not_document" in q["problems"], q["metrics"]
    assert "blurry" not in q["problems"]


@pytest.mark.parametrize("seed,variant", [(26100000, "monitor"), (26100002, "plastic")])
def test_card_shaped_thing_in_colours_at_12mp_is_not_document(tmp_path, seed, variant):
    # (mendn23) a 12 MP JPEG is decoded grey for the verdict: its colours were not seen (blurry)
    data, _ = make_sample(seed, KINDS[seed % 5], "not_document", (4000, 3000), variant=variant)
    p = tmp_path / "big.jpg"
    p.write_bytes(data)
    q = ocr.analyze(p, expect="id_card", read=False)["quality"]
    assert q["problems"] == ["not_document"], q["metrics"]


@pytest.mark.parametrize("seed", [27400010, 27400011, 27400012, 27400013, 27400014])
def test_soft_card_under_warm_light_stays_blurry(tmp_path, seed):
    # (mendn23) a blurred real card under a warm lamp was not_document by its colours
    data, _ = make_sample(seed, KINDS[seed % 5], "good")
    a = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(np.float32)
    a = cv2.GaussianBlur(a, (0, 0), 2.5) * [1.08, 0.93, 0.68]
    p = tmp_path / "warm.jpg"
    Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).save(p, quality=90)
    q = ocr.analyze(p, expect="id_card", read=False)["quality"]
    assert q["problems"] == ["blurry"], q["metrics"]


@pytest.mark.parametrize("variant", scenes.NOT_DOCUMENT)
def test_every_new_scene_is_not_document(tmp_path, variant):
    q = _verdict(tmp_path, 26100001, "not_document", variant)
    assert "not_document" in q["problems"], q["metrics"]


@pytest.mark.parametrize("seed", [26206805, 26206811, 26206826])
def test_blurry_id_card_stays_blurry(tmp_path, seed):
    q = _verdict(tmp_path, seed, "blurry", None)
    assert q["problems"] == ["blurry"], q["metrics"]


def test_a_blank_sheet_is_not_document_not_too_bright(tmp_path):
    q = _verdict(tmp_path, 26100004, "not_document", "sheet")
    assert "not_document" in q["problems"] and "too_bright" not in q["problems"]


def test_a_clean_white_page_is_not_too_bright():
    """White paper is bright: the new rules are for cards (and frames without one), not pages."""
    rng = random.Random(5)
    from ocr.synth import photo

    img, _ = photo.photograph(photo.paper_page(rng, 0.8), rng, "good", (1600, 1200), doc="paper")
    rgb = np.asarray(img)
    for expect in ("paper", None):
        q = quality.assess(rgb, {"width": 1600, "height": 1200, "format": "jpeg"}, expect)
        assert "too_bright" not in q["problems"], (expect, q["metrics"])


def test_a_light_card_on_a_light_table_is_not_too_bright():
    """Bright but with its print dark: readable, so never refused for light."""
    data, _ = make_sample(26205001, "cccd_front", "good", (1600, 1200))
    rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(np.float32)
    lifted = np.clip(rgb * 1.15 + 20, 0, 255).astype(np.uint8)  # lighter all over, print still dark
    q = quality.assess(lifted, {"width": 1600, "height": 1200, "format": "jpeg"}, "id_card")
    assert "too_bright" not in q["problems"], q["metrics"]


def test_older_kinds_keep_their_photos():
    """A seed whose photo takes an older kind is drawn exactly as before notdoc23 (the choice of
    a new kind does not advance the seed's random state)."""
    kept = 0
    for seed in range(26000100, 26000106):
        for cls in ("not_document", "too_bright"):
            a, ta = make_sample(seed, "cccd_front", cls, (800, 600))
            if ta["variant"] is None:
                b, _ = make_sample(seed, "cccd_front", cls, (800, 600), variant="old")
                assert a == b
                kept += 1
    assert 2 <= kept <= 10  # about half keep an older kind
