"""The label-based reader on hand-made word boxes (no image, no Tesseract), and the data it uses."""

from __future__ import annotations

import ast
from pathlib import Path

from ocr import labels, runs
from ocr.values import fix_name, fix_place, lexicon

H = 30  # word height in px


def _line(y: int, *phrases: tuple[int, str]) -> list[dict]:
    """Words of one printed line: phrases as (x, text), words 14 px per letter + a space."""
    out = []
    for x, text in phrases:
        for w in text.split():
            out.append(
                {"text": w, "conf": 0.95, "x0": x, "x1": x + 14 * len(w), "y0": y, "y1": y + H, "h": H}
            )
            x += 14 * len(w) + 12
    return out


def _read(*lines: list[dict]) -> dict[str, str]:
    rows = runs.rows_of([w for ln in lines for w in ln])
    return {f: v["text"] for f, v in labels.values(rows, labels.find_labels(rows)).items()}


def test_values_on_the_label_line_below_it_and_sharing_a_line():
    got = _read(
        _line(100, (260, "Số / No.:"), (420, "001093047064")),
        _line(150, (260, "Họ và tên / Full name:")),
        _line(190, (262, "ƯNG HOÀNG HIỆP")),
        _line(240, (260, "Ngày sinh / Date of birth:"), (640, "05/01/1993")),
        _line(
            290,
            (260, "Giới tính / Sex:"),
            (500, "Nam"),
            (700, "Quốc tịch / Nationality:"),
            (1060, "Việt Nam"),
        ),
        _line(340, (260, "Quê quán / Place of origin:")),
        _line(380, (262, "Phú Mỹ, Tiên Du, Bắc Ninh")),
        _line(430, (260, "Nơi thường trú / Place of residence:"), (780, "Số 12 Lê Lợi,")),
        _line(470, (262, "Phường Bến Nghé, Hồ Chí Minh")),
    )
    assert got["id_number"] == "001093047064"
    assert got["full_name"] == "ƯNG HOÀNG HIỆP"
    assert got["date_of_birth"] == "05/01/1993"
    assert got["sex"] == "Nam" and got["nationality"] == "Việt Nam"
    assert got["place_of_origin"] == "Phú Mỹ, Tiên Du, Bắc Ninh"
    assert got["place_of_residence"] == "Số 12 Lê Lợi, Phường Bến Nghé, Hồ Chí Minh"


def test_labels_found_without_diacritics_and_with_slips_and_shifted():
    got = _read(
        _line(57, (300, "So dinh danh ca nhan / Personal identifcation number:")),
        _line(95, (310, "079301000123")),
        _line(148, (290, "Ho, chu dem va ten khai sinh / Surname, middle name and given name:")),
        _line(190, (305, "TRẦN THỊ MAI")),
        _line(236, (300, "Ngay, thang, nam sinh / Date of birth:"), (850, "31/12/2001")),
    )
    assert got == {"id_number": "079301000123", "full_name": "TRẦN THỊ MAI", "date_of_birth": "31/12/2001"}


def test_english_half_on_its_own_line_is_skipped_and_a_street_number_is_no_label():
    got = _read(
        _line(470, (28, "Có giá trị đến:"), (262, "Nơi thường trú / Place of residence:")),
        _line(500, (28, "Date of expiry"), (262, "Số 41 Trần Phú, Phú Vang, Thừa Thiên Huế")),
        _line(550, (22, "17/11/2037")),
    )
    assert got["date_of_expiry"] == "17/11/2037"
    assert got["place_of_residence"] == "Số 41 Trần Phú, Phú Vang, Thừa Thiên Huế"
    assert "id_number" not in got


def test_back_of_the_2024_card():
    got = _read(
        _line(40, (212, "Nơi cư trú / Place of residence:")),
        _line(80, (214, "Xóm 3, Thôn Đông, Xã Hòa Bình, Nghệ An")),
        _line(206, (212, "Ngày, tháng, năm cấp / Date of issue:"), (760, "16/07/2025")),
        _line(248, (212, "Ngày, tháng, năm hết hạn / Date of expiry:"), (860, "Không thời hạn")),
    )
    assert got["place_of_residence"] == "Xóm 3, Thôn Đông, Xã Hòa Bình, Nghệ An"
    assert got["date_of_issue"] == "16/07/2025"
    assert got["date_of_expiry"] == "Không thời hạn"


def test_lexicons_are_data_and_correct_names():
    lx = lexicon()
    assert "NGUYỄN" in lx["surname"] and len(lx["surname"]) >= 80
    assert {"Hà Nội", "Huế", "Hồ Chí Minh"} <= lx["place"]
    assert fix_name("NGUYEN BÍCHTHANHTÂM")[0] == "NGUYỄN BÍCH THANH TÂM"
    assert fix_place("Đại Đồng, Tiên 1 Du, Bắc Ninh")[0] == "Đại Đồng, Tiên Du, Bắc Ninh"


def test_no_run_time_import_of_the_generators():
    root = Path(__file__).resolve().parents[2] / "ocr"
    for f in root.glob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                mod = ("." * node.level) + (node.module or "")
                names = [a.name for a in node.names]
                assert "synth" not in mod and "synth" not in names, f"{f.name} imports the generator"
            elif isinstance(node, ast.Import):
                assert not any("synth" in a.name for a in node.names), f"{f.name} imports the generator"
