"""Reading that does not lean on one layout: the side told from all the evidence, values found by
shape when a label is unread, addresses checked against the real administrative units, names kept
when they are real syllables, and no run-time code importing the generators."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from test_ocr_labels import _line  # tests/ocr is on the path under pytest

from ocr import address, kind, orphans, runs
from ocr.values import fix_name, parse_date

ROOT = Path(__file__).resolve().parents[2]


def _rows(*lines):
    return runs.rows_of([w for ln in lines for w in ln])


def test_no_run_time_module_imports_a_generator():
    """Nothing the bot runs (every package but tests, bench and the generators themselves) imports
    ocr.synth, directly or lazily inside a function."""
    bad = []
    for pkg in ("core", "nlu", "ocr", "places", "flows", "services", "handlers", "bot"):
        for f in (ROOT / pkg).rglob("*.py"):
            rel = f.relative_to(ROOT)
            if rel.parts[:2] == ("ocr", "synth"):
                continue
            for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom):
                    mod = node.module or ""
                    names = [a.name for a in node.names]
                    inside_ocr = rel.parts[0] == "ocr" and node.level
                    if "synth" in mod.split(".") or (inside_ocr and "synth" in names):
                        bad.append(str(rel))
                elif isinstance(node, ast.Import) and any("ocr.synth" in a.name for a in node.names):
                    bad.append(str(rel))
    assert not bad, f"run-time modules import the generators: {sorted(set(bad))}"


@pytest.mark.parametrize(
    "want, qr, lines",
    [
        # the 2024 back with its QR at the top right (where the 2021 front has its QR)
        ("cancuoc_back", True, [(40, "Nơi cư trú / Place of residence:"), (90, "Ngày, tháng, năm cấp / Date of issue:"),
                                (140, "Ngày, tháng, năm hết hạn / Date of expiry:"), (200, "BỘ CÔNG AN")]),
        ("cccd_front", True, [(150, "Số / No.: 001093047064"), (200, "Họ và tên / Full name:"),
                              (300, "Quê quán / Place of origin:"), (350, "Nơi thường trú / Place of residence:")]),
        # no title read, no QR: the labels decide
        ("cancuoc_front", False, [(150, "Số định danh cá nhân / Personal identification number:"),
                                  (200, "Họ, chữ đệm và tên khai sinh / Surname, middle name and given name:"),
                                  (250, "Ngày, tháng, năm sinh / Date of birth: 05/01/1993")]),
        ("cmnd_front", False, [(150, "SỐ 025123456"), (200, "Họ tên: NGUYỄN VĂN AN"), (250, "Sinh ngày: 05-01-1963"),
                               (300, "Nguyên quán: Xã Tân Hòa"), (350, "Nơi ĐKHK thường trú: Huyện Châu Thành")]),
        ("cmnd_front", False, [(80, "CHỨNG MINH NHÂN DÂN"), (150, "Số: 079093001234"), (200, "Họ và tên: AN"),
                               (250, "Ngày, tháng, năm sinh: 01/01/1993"), (300, "Giới tính: Nam Dân tộc: Kinh")]),
        ("cccd_back", False, [(30, "Đặc điểm nhân dạng / Personal identification:"),
                              (120, "Ngày, tháng, năm / Date, month, year: 01/02/2022")]),
        ("other", False, [(30, "Thực đơn hôm nay"), (80, "Phở bò 45.000")]),
    ],
)  # fmt: skip
def test_side_from_all_the_evidence(want, qr, lines):
    rows = _rows(*[_line(y, (300, t)) for y, t in lines])
    assert kind.decide(rows, qr)[0] == want


def test_the_title_alone_tells_the_2024_front_from_the_2021_one():
    assert kind.decide(_rows(_line(80, (400, "CĂN CƯỚC"))), False)[0] == "cancuoc_front"
    assert kind.decide(_rows(_line(80, (400, "CĂN CƯỚC CÔNG DÂN"))), False)[0] == "cccd_front"


def test_values_found_by_shape_when_their_label_is_unread():
    rows = _rows(
        _line(100, (300, "SỐ 025123456")),
        _line(150, (300, "nọ seo."), (420, "NGUYỄN VĂN AN")),
        _line(200, (300, "Slnh ngy"), (420, "05-01-1963")),
    )
    vals = {"id_number": {"text": "025123456", "conf": 0.9, "words": [rows[0][1]], "lines": ["025123456"]}}
    added = orphans.fill(rows, vals, "cmnd_front", kind.carries("cmnd_front"))
    assert added == ["full_name", "date_of_birth"]
    assert vals["full_name"]["text"] == "NGUYỄN VĂN AN" and vals["date_of_birth"]["text"] == "05-01-1963"


def test_the_units_lexicon_is_the_real_list():
    names = address.names()["list"]
    assert len(names) > 9000
    assert {"Phường Xóm Chiếu", "Thành phố Hồ Chí Minh", "Huyện Hoài Đức", "Xóm Chiếu", "Hoài Đức"} <= set(
        names
    )


@pytest.mark.parametrize(
    "read, want",
    [
        ("X. Tân Hoà, H. Châu Thành, T. Tiền Giang", "X. Tân Hoà, H. Châu Thành, T. Tiền Giang"),  # kept
        ("TP. Hồ Chí Minh", "TP. Hồ Chí Minh"),
        ("Phường Xóm Chiêu, Thành phố Hồ Chí Minh", "Phường Xóm Chiếu, Thành phố Hồ Chí Minh"),  # a mark slipped
        ("Xa Yên Sỏ, Huyên Hoài Đửc, Tỉnh Hà Nôi", "Xã Yên Sở, Huyện Hoài Đức, Tỉnh Hà Nội"),
        ("P, Đại Đồng, H, Hậu Lộc, T, Thanh Hóa", "P. Đại Đồng, H. Hậu Lộc, T. Thanh Hóa"),  # stops read as commas
        ("Thôn 3, Xã Phú Mỹ, Huyện Tân Phước, Tỉnh Tiền Giang BỊ", "Thôn 3, Xã Phú Mỹ, Huyện Tân Phước, Tỉnh Tiền Giang"),
        ("Số 12 Tô Hiến Thành, Phường 5, Quận 10", "Số 12 Tô Hiến Thành, Phường 5, Quận 10"),
        ("Xóm Đình Vàng Zzyx, Xã Qwertyuiop", "Xóm Đình Vàng Zzyx, Xã Qwertyuiop"),  # unknown: never spoiled
        ("Phú Mỹ Hải Châu Đà Nẵng", "Phú Mỹ, Hải Châu, Đà Nẵng"),  # commas lost: the units put them back
        ("Xã Long Hải, Tỉnh Bà Rịa - Vũng Tàu", "Xã Long Hải, Tỉnh Bà Rịa - Vũng Tàu"),
        ("X Tân Hòa, H Châu Thành", "X. Tân Hòa, H. Châu Thành"),  # stops lost
        ("Tố 1, Xã Yên Sở", "Tổ 1, Xã Yên Sở"),  # a group's type word
        ("Số 132 Lê Lợi, 1 Tuy Phước, Bình Định", "Số 132 Lê Lợi, Tuy Phước, Bình Định"),  # a speck
        ("Phường.Thanh Xuân, Tỉnh .Hà.. Tĩnh", "Phường Thanh Xuân, Tỉnh Hà Tĩnh"),  # a leader's dots
        ("Số 94I50 Lê Lợi, P. Bến Nghé, TP. Hồ Chí Minh", "Số 94/50 Lê Lợi, P. Bến Nghé, TP. Hồ Chí Minh"),  # slash as I
        ("Thôn 3, X. Kỳ Anh, H. Kỳ Anh, T1 Hà Tĩnh", "Thôn 3, X. Kỳ Anh, H. Kỳ Anh, T. Hà Tĩnh"),  # stop as 1
        ("Tổ 1, Phường 1, Quận 1, TP. Hồ Chí Minh", "Tổ 1, Phường 1, Quận 1, TP. Hồ Chí Minh"),  # real numbers kept
        ("X. Đại Đồng, q. Thủy Nguyên, TP. Hải Phòng", "X. Đại Đồng, Q. Thủy Nguyên, TP. Hải Phòng"),  # lower case
        ("Sô 145 Lê Lợi, H. Đức Thọ, T. Hà Tĩnh", "Số 145 Lê Lợi, H. Đức Thọ, T. Hà Tĩnh"),  # the mark slipped
        ("Số 16 Hai Bà Trưng, Điện Bàn, Quảng Nan", "Số 16 Hai Bà Trưng, Điện Bàn, Quảng Nam"),  # the province
        ("Số 85 Trần Phú, Long Xuyên, An Giai", "Số 85 Trần Phú, Long Xuyên, An Giang"),
        ("Tổ 9, Xã Thạnh Lộc, Huyện Đông Anh, lv Hà Nội", "Tổ 9, Xã Thạnh Lộc, Huyện Đông Anh, TP. Hà Nội"),
        ("Xóm 6, X. Xuân Phương, H. Phú Vang, đề Thừa Thiên Huế", "Xóm 6, X. Xuân Phương, H. Phú Vang, T. Thừa Thiên Huế"),
        ("Xã Yên Sở, Huyện Hoài Đức", "Xã Yên Sở, Huyện Hoài Đức"),  # a district closing it stays
    ],
)  # fmt: skip
def test_addresses_against_the_real_units(read, want):
    assert address.fix_place(read)[0] == want


def test_names_keep_real_syllables_missing_from_the_short_lists():
    assert fix_name("TRẦN VĂN THUẬN")[0] == "TRẦN VĂN THUẬN"
    assert fix_name("HOÀNG THỦY OANH")[0] == "HOÀNG THỦY OANH"  # listed as it is
    assert fix_name("NGUYỄN VĂN HOÀ")[0] == "NGUYỄN VĂN HOÀ"  # old tone placement, as printed
    assert fix_name("NGUYẺN VĂN AN")[0] == "NGUYỄN VĂN AN"  # not a syllable: corrected
    assert fix_name("TA MỸ MAI")[0] == "TẠ MỸ MAI"  # family names: a closed list


def test_digit_fields_read_look_alike_letters_as_digits():
    from ocr.merge import merge
    from ocr.values import numeric

    assert numeric("0792O3OO1234") == "079203001234"
    assert numeric("Số: 07920300I2B4") == "Số: 079203001284"
    assert numeric("NGUYỄN VĂN BÌNH") == "NGUYỄN VĂN BÌNH"  # words stay words
    assert parse_date(numeric("O1/O5/199O")) == "1990-05-01"
    doc = {"type": "cccd_front", "fields": {}, "sources": {}, "confidence": {}, "checks": {}}
    merge(
        doc,
        "cccd_front",
        None,
        None,
        {"id_number": ("0792O3OOI234", 0.9), "date_of_birth": ("17/O5/2OO3", 0.9)},
    )
    assert doc["fields"]["id_number"] == "079203001234"
    assert doc["fields"]["date_of_birth"] == "2003-05-17"
    doc = {"type": "cmnd_front", "fields": {}, "sources": {}, "confidence": {}, "checks": {}}
    merge(doc, "cmnd_front", None, None, {"id_number": ("SO 18768928S", 0.9)})
    assert doc["fields"]["id_number"] == "187689285"


def test_dates_need_a_plausible_year():
    assert parse_date("17/10/7120") is None
    assert parse_date("11-10-1971") == "1971-10-11"
    assert parse_date("1707202 1") == "2021-07-17"


def test_a_field_is_confirmed_only_from_the_qr_the_mrz_or_ocr_agreeing_with_them():
    from ocr.merge import merge

    doc = {"type": "cccd_front", "fields": {}, "sources": {}, "confidence": {}, "checks": {}}
    qr = "001093047064||Ưng Hoàng Hiệp|05011993|Nam|Số 12 Lê Lợi, Phường Bến Thành, TP. Hồ Chí Minh|01022022"
    ocr_raw = {
        "full_name": ("ƯNG HOÀNG HIỆP", 0.95),  # agrees with the QR
        "place_of_origin": ("Xã Tân Hòa, Tỉnh Tiền Giang", 0.97),  # OCR alone
        "date_of_expiry": ("05/01/2033", 0.96),  # OCR alone
    }
    merge(doc, "cccd_front", qr, None, ocr_raw)
    confirmed = doc["checks"]["confirmed"]
    assert {"id_number", "full_name", "date_of_birth"} <= set(confirmed)
    for f in ("place_of_origin", "date_of_expiry", "nationality"):  # nationality: unread, inferred
        assert f not in confirmed and doc["confidence"][f] <= 0.85, f
    assert doc["fields"]["nationality"] == "Việt Nam" and doc["sources"]["nationality"] == "ocr"
