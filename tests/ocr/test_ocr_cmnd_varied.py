"""Issue 12, round cards20: the old CMND's typed values wherever they sit (a date read badly with
its label, a value set larger than its label, the next label's value typed off its line), dates
typed with wide spacing or written out, and long addresses over three lines."""

from __future__ import annotations

import pytest
from test_ocr_labels import H, _line, _read  # tests/ocr is on the path under pytest

from ocr import address, kind, labels, orphans, runs
from ocr.values import parse_date


def _word(text: str, x: int, y: int, h: int) -> dict:
    return {"text": text, "conf": 0.95, "x0": x, "x1": x + 14 * len(text), "y0": y, "y1": y + h, "h": h}


def _words(x: int, y: int, h: int, text: str) -> list[dict]:
    out = []
    for t in text.split():
        out.append(_word(t, x, y, h))
        x += 14 * len(t) + 12
    return out


@pytest.mark.parametrize(
    "text, want",
    [
        ("1 2/03/1975", "1975-03-12"),  # a typewriter's wide spacing inside the day
        ("12/0 3/19 75", "1975-03-12"),
        ("12 - 03 - 1975", "1975-03-12"),
        ("12 tháng 3 năm 1975", "1975-03-12"),  # written out
        ("070111989", "1989-01-07"),  # one slash lost, the other read as 1
        ("5 12/03/1975", "1975-03-12"),  # a speck before the date
    ],
)
def test_dates_typed_with_wide_spacing_or_written_out(text, want):
    assert parse_date(text) == want


def test_a_long_residence_goes_on_over_three_lines_and_stops_at_the_next_label():
    got = _read(
        _line(40, (260, "Nơi cư trú / Place of residence:"), (820, "Tổ 5, Khu")),
        _line(80, (262, "phố Đông, Phường Tân Phong, Thành phố Biên")),
        _line(120, (262, "Hòa, Đồng Nai")),
        _line(170, (260, "Ngày, tháng, năm cấp / Date of issue:"), (780, "01/02/2025")),
    )
    assert got["place_of_residence"] == "Tổ 5, Khu phố Đông, Phường Tân Phong, Thành phố Biên Hòa, Đồng Nai"
    assert got["date_of_issue"] == "01/02/2025"


def test_a_short_second_line_ends_the_address():
    got = _read(
        _line(40, (260, "Nơi cư trú / Place of residence:"), (820, "Số 5 Lê")),
        _line(80, (262, "Lợi, Phường Tân Phong, Đồng Nai")),
        _line(120, (262, "Khu vực hai")),
    )
    assert got["place_of_residence"] == "Số 5 Lê Lợi, Phường Tân Phong, Đồng Nai"  # not "Khu vực hai"


def test_the_next_labels_value_typed_off_its_line_is_not_the_address_above():
    rise = int(0.6 * H)  # the residence typed well above its dotted line
    rows = runs.rows_of(
        _line(300, (260, "Nguyên quán:"), (460, "Xã Tân Hòa, Huyện Châu Thành"))
        + _line(360, (260, "Nơi ĐKHK thường trú:"))
        + _line(360 - rise, (600, "Số 84 Hai Bà Trưng, Tiền Giang"))
    )
    vals = labels.values(rows, labels.find_labels(rows))
    assert vals["place_of_origin"]["text"] == "Xã Tân Hòa, Huyện Châu Thành"


def test_a_typed_address_set_larger_than_its_label_keeps_its_second_line():
    lab, big = 26, 36  # a small printed label, the typed value half as tall again
    rows = runs.rows_of(
        _words(440, 553, lab, "Nơi ĐKHK thường trú")
        + _words(738, 546, big, "Số 186 Nguyễn Trãi, Thị xã Tuy Phước, Tỉnh")
        + _words(475, 546 + big + 46, big, "Bình Định")  # the form's wide line pitch
    )
    vals = labels.values(rows, labels.find_labels(rows))
    assert vals["place_of_residence"]["text"].endswith("Tỉnh Bình Định")


def test_a_birth_date_read_badly_with_its_label_is_offered_for_a_second_read():
    rows = runs.rows_of(
        _words(300, 100, H, "SỐ 025123456")
        + _words(300, 150, H, "Họ tên: NGUYỄN VĂN AN")
        + _words(300, 200, H, "QN này: 0O. 90082.......")  # neither label nor date readable
        + _words(300, 250, H, "Nguyên quán: Xã Tân Hòa")
    )
    vals = labels.values(rows, labels.find_labels(rows))
    assert "date_of_birth" not in vals
    added = orphans.fill(rows, vals, "cmnd_front", kind.carries("cmnd_front"))
    assert added == ["date_of_birth"]
    assert vals["date_of_birth"]["text"] == "0O. 90082......."  # read again with the digit whitelist
    assert vals["date_of_birth"]["conf"] < 0.9


def test_no_birth_date_taken_from_the_next_values_line():
    rows = runs.rows_of(
        _words(300, 100, H, "SỐ 025123456")
        + _words(300, 150, H, "Họ tên: NGUYỄN VĂN AN")
        + _words(300, 200, H, "Nguyên quán: Số 12 Tổ 3456, Xã Tân Hòa")
    )
    vals = labels.values(rows, labels.find_labels(rows))
    orphans.fill(rows, vals, "cmnd_front", kind.carries("cmnd_front"))
    assert "date_of_birth" not in vals


def test_a_fraction_slash_in_a_house_number_is_a_slash():
    assert address.fix_place("Số 45⁄45 Lê Lợi, Huyện Năm Căn, Tỉnh Cà Mau")[0].startswith("Số 45/45 Lê Lợi")


def test_a_birth_year_with_a_typed_0_misread_is_put_right_and_asked():
    from ocr.merge import merge

    doc = {"type": "cmnd_front", "fields": {}, "sources": {}, "confidence": {}, "checks": {}}
    merge(
        doc, "cmnd_front", None, None, {"id_number": ("012345678", 0.9), "date_of_birth": ("15/11/2094", 0.9)}
    )
    assert doc["fields"]["date_of_birth"] == "2004-11-15"  # born in 2094 is no date of birth
    assert doc["checks"]["year_corrected"] == {"date_of_birth": "15/11/2094"}
    assert doc["confidence"]["date_of_birth"] < 0.7


def test_a_value_set_close_under_its_own_label_is_still_its_value():
    rows = runs.rows_of(
        _words(420, 550, H, "Quê quán / Place of origin:")
        + _words(433, 570, H, "Thôn 2, Phường Trung Hòa, Huyện Bình Chánh,")  # overlaps the label a little
        + _words(432, 610, H, "Thành phố Hồ Chí Minh")
        + _words(433, 670, H, "Nơi thường trú / Place of residence:")
        + _words(960, 670, H, "Xã Tân Phú")
    )
    vals = labels.values(rows, labels.find_labels(rows))
    assert (
        vals["place_of_origin"]["text"] == "Thôn 2, Phường Trung Hòa, Huyện Bình Chánh, Thành phố Hồ Chí Minh"
    )
    assert vals["place_of_residence"]["text"] == "Xã Tân Phú"
