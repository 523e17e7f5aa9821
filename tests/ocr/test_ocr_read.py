"""Card reading: every card type, QR/MRZ/OCR sources, number and expiry rules, the CLI."""

from __future__ import annotations

import json

import pytest

import ocr
from ocr import idnum, mrz
from ocr.cli import main
from ocr.qr import assign_addresses, parse_qr
from ocr.synth import KINDS


def test_mrz_matches_public_sample():
    lines = mrz.build("001093047064", "1993-01-05", "Nam", "2033-01-05", "Ưng Hoàng Hiệp")
    assert lines == [
        "IDVNM0930470641001093047064<<2",
        "9301054M3301052VNM<<<<<<<<<<<8",
        "UNG<<HOANG<HIEP<<<<<<<<<<<<<<<",
    ]
    res = mrz.parse(lines)
    assert res["valid"]
    assert res["fields"]["id_number"] == "001093047064"
    assert res["fields"]["date_of_birth"] == "1993-01-05"
    # an OCR confusion (O for 0) in a digit position is repaired; a wrong digit fails the check
    bad = [lines[0].replace("IDVNM0930", "IDVNMO930"), lines[1], lines[2]]
    assert mrz.parse(bad)["valid"]
    wrong = [lines[0][:20] + "9" + lines[0][21:], lines[1], lines[2]]
    assert not mrz.parse(wrong)["checks"]["id_number"]


def test_id_number_rules():
    assert idnum.decode("079203001234") == {
        "province_code": "079",
        "province": "Hồ Chí Minh",
        "sex": "Nam",
        "birth_year": 2003,
    }
    c = idnum.check_number("001193012345", "1993-05-01", "Nữ")
    assert c == {"format": "ok", "province_code": "ok", "birth_year": "ok", "sex": "ok"}
    c = idnum.check_number("003093012345", "1994-05-01", "Nữ")
    assert c["province_code"] == "unknown" and c["birth_year"] == "mismatch" and c["sex"] == "mismatch"
    assert idnum.expected_expiry("2000-03-10", "2021-05-01") == ["2025-03-10", "2040-03-10"]
    assert idnum.expected_expiry("1950-03-10", "2021-05-01") == ["Không thời hạn"]
    assert idnum.check_expiry("1990-03-10", "2021-05-01", "2030-03-10") == "ok"
    assert idnum.check_expiry("1990-03-10", "2021-05-01", "2031-03-10") == "mismatch"


def test_qr_format():
    f, c = parse_qr("001093047064|123456789|Ưng Hoàng Hiệp|05011993|Nam|Số 1 Lê Lợi, Hà Nội|01022021")
    assert c["format"] == "ok"
    assert f == {
        "id_number": "001093047064",
        "old_id_number": "123456789",
        "full_name": "ƯNG HOÀNG HIỆP",
        "date_of_birth": "1993-01-05",
        "sex": "Nam",
        "place_of_residence": "Số 1 Lê Lợi, Hà Nội",
        "date_of_issue": "2021-02-01",
    }
    assert parse_qr("garbage")[1]["format"] == "unknown"


@pytest.mark.parametrize("kind", KINDS)
def test_read_each_card_type(sample, kind):
    p, truth = sample(400 + KINDS.index(kind), kind, "good")
    r = ocr.analyze(p, expect="id_card")
    doc = r["document"]
    assert doc["type"] == kind
    F = doc["fields"]
    assert F["id_number"] == truth["fields"]["id_number"]
    wrong = {k: (v, F.get(k)) for k, v in truth["fields"].items() if F.get(k) != v}
    assert len(wrong) <= 1, wrong
    for k in F:
        assert doc["sources"][k] in ("qr", "mrz", "ocr")
        assert 0 <= doc["confidence"][k] <= 1
    if kind == "cccd_front":
        assert doc["sources"]["full_name"] == "qr" and doc["checks"]["qr"] == "ok"
        assert doc["checks"]["id_number"]["birth_year"] == "ok"
    if kind.endswith("back"):
        assert doc["checks"]["mrz"]["composite"] is True
    assert "read" in r["timings_ms"] and "verdict" in r["timings_ms"]


def test_cli_json_and_text(sample, capsys):
    p, truth = sample(410, "cccd_front", "good")
    q, _ = sample(411, "cccd_front", "blurry")
    assert main([str(p), str(q), "--json"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(out) == 2
    assert out[0]["document"]["fields"]["full_name"] == truth["fields"]["full_name"]
    assert "blurry" in out[1]["quality"]["problems"]
    assert main([str(q)]) == 0
    text = capsys.readouterr().out
    assert "mờ" in text


@pytest.mark.parametrize("kind", ["cccd_front", "cmnd_front"])
def test_upside_down_card(tmp_path, sample, kind):
    from PIL import Image

    p, truth = sample(420 + KINDS.index(kind), kind, "good")
    q = tmp_path / "upside_down.jpg"
    Image.open(p).rotate(180).save(q, "JPEG", quality=92)
    r = ocr.analyze(q, expect="id_card")
    assert r["document"]["type"] == kind
    assert r["document"]["fields"]["id_number"] == truth["fields"]["id_number"]


def test_qr_and_printed_text_disagree(tmp_path, monkeypatch):
    """A card whose QR says another name: the QR wins and the disagreement is reported."""
    import random

    from ocr.synth import cards, chip, photo

    orig = cards.qr_payload
    # the card as drawn before chip23 (the point is the QR winning, not a harder print)
    monkeypatch.setattr(chip, "SHARE", 0.0)

    def forged(ident, kind):
        return orig(dict(ident, full_name="Lê Văn Khác"), kind)

    monkeypatch.setattr(cards, "qr_payload", forged)
    rng = random.Random(7)
    ident = cards.identity(rng, "cccd_front")
    flat = cards.render(ident, "cccd_front", rng, scale=1.12)
    img, _ = photo.photograph(flat, rng, "good", (1600, 1200))
    p = tmp_path / "forged.jpg"
    img.save(p, "JPEG", quality=92)
    r = ocr.analyze(p, expect="id_card")
    doc = r["document"]
    assert doc["fields"]["full_name"] == "LÊ VĂN KHÁC"
    assert doc["sources"]["full_name"] == "qr"
    agree = doc["checks"]["sources_agree"]["full_name"]
    # the point is the QR winning and the disagreement reported (the OCR may slip a mark)
    from core.vietnamese import strip_diacritics

    assert agree["qr"] == "LÊ VĂN KHÁC"
    assert strip_diacritics(agree["ocr"]) == strip_diacritics(ident["full_name"])
    assert doc["checks"]["sources_agree"]["id_number"] == "ok"


def test_expiry_rule_and_number_checks_are_reported(sample):
    p, truth = sample(430, "cancuoc_back", "good")
    doc = ocr.analyze(p, expect="id_card")["document"]
    assert doc["checks"]["expiry_rule"] == "ok"
    assert doc["checks"]["id_number"]["birth_year"] == "ok"
    assert doc["sources"]["id_number"] in ("qr", "mrz")


def test_qr_fields_told_by_shape_not_position():
    # a 2024-style payload in another order: the number, the dates and the name are found by shape
    payload = (
        "Số 1 Lê Lợi, Hà Nội|01022025|001093047064|Nam|Ưng Hoàng Hiệp|05011993|Phú Mỹ, Tiên Du, Bắc Ninh"
    )
    f, c = parse_qr(payload)
    assert c["format"] == "ok"
    assert f["id_number"] == "001093047064"
    assert f["date_of_birth"] == "1993-01-05" and f["date_of_issue"] == "2025-02-01"
    assert f["full_name"] == "ƯNG HOÀNG HIỆP" and f["sex"] == "Nam"
    # which address is which is settled by the printed text
    printed = {"place_of_residence": "Số 1 Le Loi Ha Noi", "place_of_origin": "Phu My, Tien Du"}
    got = assign_addresses(f["addresses"][::-1], printed)
    assert got["place_of_residence"].startswith("Số 1") and got["place_of_origin"].startswith("Phú Mỹ")
