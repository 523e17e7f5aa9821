"""The independent photo generator (ocr/synth/gen_b) is usable: every card side and class, the
truth in the contract's formats, deterministic by seed. It is not scored here (bench/ocr.py
--generator b reports the reader's figures on it)."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from ocr.synth import gen_b

SIDE_FIELDS = {
    "cccd_front": {
        "id_number",
        "full_name",
        "date_of_birth",
        "sex",
        "nationality",
        "place_of_origin",
        "place_of_residence",
        "date_of_expiry",
    },
    "cccd_back": {"id_number", "date_of_birth", "sex", "date_of_expiry", "date_of_issue"},
    "cancuoc_front": {"id_number", "full_name", "date_of_birth", "sex", "nationality"},
    "cancuoc_back": {
        "id_number",
        "full_name",
        "date_of_birth",
        "sex",
        "place_of_residence",
        "place_of_origin",
        "date_of_issue",
        "date_of_expiry",
    },
    "cmnd_front": {"id_number", "full_name", "date_of_birth", "place_of_origin", "place_of_residence"},
}


@pytest.mark.parametrize("kind", gen_b.KINDS)
def test_every_side_with_its_fields_in_contract_formats(kind):
    data, truth = gen_b.make_sample(3, kind, "good")
    assert Image.open(io.BytesIO(data)).format == "JPEG"
    assert truth["kind"] == kind and truth["expect_problems"] == []
    assert set(truth["fields"]) - {"old_id_number"} == SIDE_FIELDS[kind]
    for name, value in truth["fields"].items():
        if name.startswith("date_") and value != "Không thời hạn":
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), (name, value)
    assert re.fullmatch(r"\d{9}|\d{12}", truth["fields"]["id_number"])
    assert gen_b.make_sample(3, kind, "good")[0] == data


@pytest.mark.parametrize("cls", gen_b.BAD_CLASSES)
def test_every_bad_class_says_what_a_verdict_should_find(cls):
    data, truth = gen_b.make_sample(5, "cccd_front", cls)
    assert Image.open(io.BytesIO(data)).size
    assert truth["expect_problems"] == sorted(gen_b.EXPECTED[cls])
