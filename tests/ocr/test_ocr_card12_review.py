"""Card12 review: MRZ line 2 never taken from a noise fragment, a date's failed check never
rescued by the fillers' composite, the age rule never hiding a printed expiry, and a house
number's letter suffix ("12A") kept as printed."""

from __future__ import annotations

import numpy as np
import pytest

from ocr import idnum, mrz, read
from ocr.merge import _mrz_sex_conf, merge

YOUNG = ("001090047064", "1990-01-05", "Nam", "2045-01-05", "Ưng Hoàng Hiệp")
OLD = ("001158047064", "1958-01-05", "Nữ", idnum.NO_EXPIRY, "Lê An")


def _merge(lines, ocr_raw: dict) -> dict:
    doc = {"type": "cccd_back", "fields": {}, "sources": {}, "confidence": {}, "checks": {}}
    merge(doc, "cccd_back", None, mrz.parse(lines), ocr_raw)
    return doc


@pytest.mark.parametrize("noise", [["<<"], ["K<"], ["X7Q"], ["<<", "K<"], ["X7Q", "<<"]])
def test_noise_lines_between_the_mrz_lines_are_not_line_two(noise):
    l1, l2, l3 = mrz.build(*YOUNG)
    r = mrz.parse([l1, *noise, l2, l3])
    assert r["fields"]["date_of_expiry"] == "2045-01-05" and r["checks"]["date_of_expiry"]
    assert r["fields"]["date_of_birth"] == "1990-01-05" and r["fields"]["sex"] == "Nam"
    assert r["fields"]["name_ascii"] == "UNG HOANG HIEP" and r["valid"]
    # noise between lines 2 and 3 as well
    r = mrz.parse([l1, *noise, l2, *noise, l3])
    assert r["fields"]["name_ascii"] == "UNG HOANG HIEP" and r["valid"]


@pytest.mark.parametrize("noise", [[], ["<<"], ["K<"], ["<<<<<<<<"]])
def test_line_two_missing_never_claims_no_expiry(noise):
    l1, _l2, l3 = mrz.build(*OLD)  # "LE<<AN<<<...": fillers where line 2 has its expiry
    r = mrz.parse([l1, *noise, l3])
    assert "date_of_expiry" not in r["fields"] and not r["checks"]["date_of_expiry"]
    assert "sex" not in r["fields"]
    doc = _merge([l1, *noise, l3], {"date_of_issue": ("05/03/2022", 0.9)})
    assert doc["confidence"].get("date_of_expiry", 0) < 0.9


def test_a_date_whose_check_failed_is_not_rescued_by_the_fillers_composite():
    l1, l2, l3 = mrz.build(*YOUNG)
    bad = l2[:14] + str((int(l2[14]) + 3) % 10) + l2[15:29]  # expiry check digit wrong
    # the composite digit that would hold with the expiry field counted as fillers
    chance = mrz.check_digit(l1[5:30] + bad[0:7] + "<" * 7 + bad[18:29])
    r = mrz.parse([l1, bad + chance, l3])
    assert not r["checks"]["date_of_expiry"] and not r["checks"]["composite"]
    assert _mrz_sex_conf(r) < 0.99


def test_fillers_composite_still_holds_for_an_empty_field():
    l1, l2, l3 = mrz.build(*OLD, no_expiry="<<<<<<0")
    r = mrz.parse([l1, l2, l3])
    assert r["checks"]["composite"] and r["fields"]["date_of_expiry"] == idnum.NO_EXPIRY


def test_the_age_rule_keeps_a_printed_expiry_that_disagrees_visible():
    l1, l2, l3 = mrz.build(*OLD)
    l2 = l2[:8] + "0000000" + l2[15:]  # the expiry field no date: the age rule would apply
    raw = {"date_of_issue": ("05/03/2022", 0.9), "date_of_expiry": ("05/03/2032", 0.8)}
    doc = _merge([l1, l2, l3], raw)
    assert doc["checks"]["sources_agree"]["date_of_expiry"] == {
        "ocr": "2032-03-05",
        "age_rule": idnum.NO_EXPIRY,
    }
    assert doc["confidence"]["date_of_expiry"] <= 0.8
    assert not doc["checks"]["confirmed"].get("date_of_expiry")
    # without a printed expiry the rule still decides
    doc = _merge([l1, l2, l3], {"date_of_issue": ("05/03/2022", 0.9)})
    assert doc["fields"]["date_of_expiry"] == idnum.NO_EXPIRY


@pytest.mark.parametrize(
    "num, reread",
    [
        ("12A", False),
        ("5B", False),
        ("5B2", False),
        ("12A/3", False),
        ("12A,", False),
        ("K5", False),
        ("Z5", True),
        ("S8", True),
    ],
)
def test_a_house_number_is_re_read_with_digits_only_for_digit_lookalikes(monkeypatch, num, reread):
    calls = []

    def fake_ocr(img, psm, whitelist):
        calls.append(whitelist)
        return "75" if num == "Z5" else "58" if num == "S8" else "124", 0.9

    monkeypatch.setattr(read.tess, "ocr", fake_ocr)
    monkeypatch.setattr(read.labels, "value_crop", lambda gray, ws: np.full((30, 60), 255, np.uint8))
    words = [
        {"text": t, "conf": 0.9, "x0": 10 + 70 * k, "y0": 10, "x1": 70 + 70 * k, "y1": 40}
        for k, t in enumerate(["Số", num, "Hàng", "Bông"])
    ]
    v = {"text": " ".join(w["text"] for w in words), "words": words}
    out = read._house_number(np.full((60, 400), 255, np.uint8), v)
    assert bool(calls) == reread
    if reread:
        assert out.split()[1] == ("75" if num == "Z5" else "58")
    else:
        assert out == v["text"]
