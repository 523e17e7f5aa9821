"""Issue 19, curl: the text lines of a curled page are straightened (ocr/pages/curl.py), a flat page
is left as it is, and the Tesseract reads spent on a page without a title are bounded
(ocr.pages.Reads, thresholds.yml `identify`)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

import ocr
from ocr import pages
from ocr.pages import curl
from ocr.synth.paper import TYPES, make_document, render
from ocr.synth.paper.scene import bend


def _page(doc_type: str, seed: int, index: int = 0) -> np.ndarray:
    return np.asarray(render(doc_type, random.Random(seed), 1.0)[index].convert("RGB"))


def _bend_lines(img: np.ndarray) -> float:
    f, _ = curl.measure(img)
    assert f is not None
    return f["bend"] / f["line_h"]


@pytest.mark.parametrize("shape,amount", [("bow", 0.06), ("edge", 0.08)])
def test_a_curled_page_comes_out_with_straight_lines(shape, amount):
    flat = _page("giay_uy_quyen", 4)
    bent = np.clip(bend(flat.astype(np.float32), amount, shape), 0, 255).astype(np.uint8)
    before = _bend_lines(bent)
    out, notes = curl.flatten(bent)
    after = _bend_lines(out)
    assert before >= 0.4 and notes["curl"] > 0, (before, notes)
    assert after <= 0.2 and after <= before / 3, (before, after)
    assert out.shape == bent.shape


def test_a_flat_page_is_left_as_it_is():
    for i, t in enumerate(TYPES[:5]):
        page = _page(t, 40 + i)
        out, notes = curl.flatten(page)
        assert out is page and notes["curl"] == 0.0, (t, notes)


def test_a_curled_photo_is_flattened_and_its_twin_is_not(tmp_path: Path):
    """Generator A's forced bend (6.6 % of the page's height, a bow) and the same photo without it."""
    amount = round(random.Random(330002).uniform(0.06, 0.08), 4)
    got = {}
    for name, curled in (("curled", (amount, "bow")), ("own", None)):
        data, truth = make_document(330002, "giay_uy_quyen", curled=curled)[0]
        p = tmp_path / f"{name}.jpg"
        p.write_bytes(data)
        r = ocr.analyze(p, expect="paper", keep_page=True)
        assert r["document"]["type"] == "giay_uy_quyen"
        got[name] = (r["document"]["checks"]["curl"], _bend_lines(r["_page"]))
    assert got["curled"][0] > 0 and got["curled"][1] <= 0.25, got
    assert got["own"][0] == 0.0, got


def test_the_generator_bend_leaves_the_seed_s_other_draws_alone():
    a = make_document(330001, "giay_bao_tu")[0][1]
    b = make_document(330001, "giay_bao_tu", curled=(0.03, "edge"))[0][1]
    assert b["curl"] == 0.03 and b["curl_shape"] == "edge"
    assert {k: v for k, v in a.items() if not k.startswith("curl")} == {
        k: v for k, v in b.items() if not k.startswith("curl")
    }


def test_a_page_without_title_stops_once_it_reads_upright():
    """A contract's page 2 (no title): its top band reads as confident plain text, so it is not
    read three more ways round nor upside down (up to 17 reads before the bound)."""
    page2 = _page("hop_dong_thue_nha", 6, 1)
    kind = pages.identify(page2)
    assert kind["type"] == "hop_dong_thue_nha" and kind["by"] == "phrases", kind
    assert kind["reads"] <= 3, kind["reads"]


def test_the_reads_of_an_upside_down_page_without_title_are_bounded():
    page2 = np.ascontiguousarray(_page("hop_dong_thue_nha", 6, 1)[::-1, ::-1])
    kind = pages.identify(page2)
    assert kind["reads"] <= pages.identify_limits()["max_reads"], kind["reads"]
    assert kind["type"] == "hop_dong_thue_nha" and kind["turn"] == 180, kind


def test_a_page_with_no_text_at_all_is_read_at_most_the_budget():
    rng = np.random.default_rng(3)
    blank = np.full((1754, 1240, 3), 250, np.uint8)
    for _ in range(40):  # marks, no words
        x, y = rng.integers(100, 1100), rng.integers(100, 1600)
        blank[y : y + rng.integers(3, 30), x : x + rng.integers(3, 30)] = 30
    kind = pages.identify(blank)
    assert kind["type"] == "other"
    assert kind["reads"] <= pages.identify_limits()["max_reads"]
