"""Issue 12, round cards21: a name typed on the label's line and going on over the next dotted line,
a value typed far along its line, a family name read with a look-alike letter, and dates typed in
boxes; generator A's new variation drawn from a stream of its own."""

from __future__ import annotations

import cv2
import numpy as np
from test_ocr_labels import _line  # tests/ocr is on the path under pytest

from ocr import labels, leaders, runs
from ocr.synth import layouts
from ocr.values import fix_name


def _vals(*lines: list[dict], reach: float = 6.0) -> dict[str, str]:
    rows = runs.rows_of([w for ln in lines for w in ln])
    return {f: v["text"] for f, v in labels.values(rows, labels.find_labels(rows), reach).items()}


def test_a_name_goes_on_over_the_next_dotted_line_and_keeps_its_family_name():
    got = _vals(
        _line(100, (260, "Họ tên:"), (400, "NGUYỄN")),
        _line(150, (262, "VĂN AN")),
        _line(200, (260, "Sinh ngày:"), (420, "12-03-1975")),
    )
    assert got["full_name"] == "NGUYỄN VĂN AN"
    assert got["date_of_birth"] == "12-03-1975"


def test_a_name_on_one_line_stops_before_the_next_label_and_before_lower_case_print():
    got = _vals(
        _line(100, (260, "Họ tên:"), (400, "NGUYỄN VĂN AN")),
        _line(150, (260, "Sinh ngày:"), (420, "12-03-1975")),
    )
    assert got["full_name"] == "NGUYỄN VĂN AN"
    got = _vals(
        _line(100, (260, "Họ tên:"), (400, "TRẦN THỊ MAI")),
        _line(150, (262, "Xã Tân Phong, Huyện Tân Uyên")),  # not a name: no capitals
    )
    assert got["full_name"] == "TRẦN THỊ MAI"


def test_a_front_value_typed_far_along_its_line_is_found_and_a_speck_before_it_skipped():
    lines = (
        _line(100, (260, "Họ tên:"), (900, "TẠ ĐỨC PHÚC")),  # 26 label heights after the label
        _line(150, (260, "Sinh ngày:"), (420, "07/08/2000")),
    )
    assert _vals(*lines).get("full_name") != "TẠ ĐỨC PHÚC"  # a back's reach: not found
    assert _vals(*lines, reach=30)["full_name"] == "TẠ ĐỨC PHÚC"
    speck = _line(100, (600, "'"))
    speck[0]["conf"] = 0.3
    assert _vals(lines[0] + speck, lines[1], reach=30)["full_name"] == "TẠ ĐỨC PHÚC"


def test_a_family_name_with_a_look_alike_letter_is_put_right_only_when_one_fits():
    assert fix_name("MAT NGỌC PHƯƠNG")[0] == "MAI NGỌC PHƯƠNG"  # I read as T (MẠC is no look-alike)
    assert fix_name("MẠC VĂN AN")[0] == "MẠC VĂN AN"  # a listed family name stays
    assert fix_name("NGUYỄN VĂN AN")[0] == "NGUYỄN VĂN AN"


def _boxed(text: str = "15  07  1953") -> np.ndarray:
    img = np.full((120, 700), 230, np.uint8)
    cv2.putText(img, "So 175", (20, 40), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 20, 3)
    x = 20
    for part in text.split():
        w = 28 * len(part)
        # a thin frame drawn dashed, as a JPEG breaks it up
        for xx in range(x - 6, x + w + 6, 6):
            cv2.line(img, (xx, 58), (min(xx + 4, x + w + 6), 58), 40, 1)
            cv2.line(img, (xx, 110), (min(xx + 4, x + w + 6), 110), 40, 1)
        for yy in range(58, 110, 6):
            cv2.line(img, (x - 6, yy), (x - 6, min(yy + 4, 110)), 40, 1)
            cv2.line(img, (x + w + 6, yy), (x + w + 6, min(yy + 4, 110)), 40, 1)
        cv2.putText(img, part, (x, 100), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 20, 3)
        x += w + 60
    return img


def test_the_boxes_a_date_is_typed_in_are_found_and_letters_are_not():
    img = _boxed()
    _, ink = cv2.threshold(img, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    m = leaders.frame_mask(ink, 45)
    assert m[58:112].sum() > 300  # the frames
    assert m[:50].sum() == 0  # "So 175" above them: print, not a frame
    out = leaders.erase_frames(img, 45)
    assert (out[58, :] < 128).sum() < (img[58, :] < 128).sum() / 4  # the top sides painted over
    assert (out[70:105] < 128).sum() > 0.8 * ((img[70:105] < 128) & (m[70:105] == 0)).sum()  # digits kept


def test_generator_a_draws_the_new_variation_from_a_stream_of_its_own():
    ident = {"id_number": "123456789", "full_name": "NGUYỄN VĂN AN"}
    a, b = layouts.extra(ident, "cmnd_front"), layouts.extra(ident, "cmnd_front")
    assert (a is None) == (b is None)
    if a is not None:
        assert vars(a).keys() == vars(b).keys() and a.split == b.split and a.wide == b.wide
    assert layouts.extra(ident, "cccd_back") is None  # backs are not varied this way
    split = [layouts.extra({"id_number": str(n)}, "cmnd_front") for n in range(100000000, 100000400)]
    ex = [x for x in split if x is not None and x.split]
    assert ex, "some old CMND fronts type the family name alone on the label's line"
    assert ex[0].split_name("Họ tên", "NGUYỄN VĂN AN")[1].endswith("AN")


def test_a_date_typed_on_its_dotted_line_is_read_without_the_dots():
    img = np.full((60, 520), 230, np.uint8)
    cv2.putText(img, "10 - 01 - 1975", (10, 42), cv2.FONT_HERSHEY_SIMPLEX, 1.1, 20, 2)
    for x in range(5, 515, 9):  # the dots, touching the print's foot and running on after it
        cv2.circle(img, (x, 46), 2, 60, -1)
    out = leaders.undot(img)
    assert out.shape[1] < 360  # cut after the print
    assert (out[44:50, 300:] < 128).sum() == 0  # no dots left under and after the date
    assert (out[10:40] < 128).sum() > 0.8 * (img[10:40, : out.shape[1]] < 128).sum()  # digits kept


def test_a_dash_glued_to_a_word_in_an_address_is_the_dotted_line():
    from ocr.address import fix_place

    assert (
        fix_place("P. Quang -Trung, H. Điện Bàn, T. Quảng Nam")[0]
        == "P. Quang Trung, H. Điện Bàn, T. Quảng Nam"
    )
    assert fix_place("Phường 3, TP. Bà Rịa - Vũng Tàu")[0] == "Phường 3, TP. Bà Rịa - Vũng Tàu"


def test_a_dotted_line_read_as_flat_text_is_no_part_of_the_value():
    dots = _line(100, (560, "TT 2007200200000 -0106"))
    for w in dots:
        w["y0"], w["y1"] = 124, 130  # 6 px high under print 30 px high
    got = _vals(
        _line(100, (260, "Họ tên:"), (400, "TRẦN")) + dots,
        _line(150, (262, "QUỐC DŨNG")),
        _line(200, (260, "Sinh ngày:"), (420, "17/03/1961")),
    )
    assert got["full_name"] == "TRẦN QUỐC DŨNG"


def test_a_name_under_its_label_past_specks_and_its_marks_read_as_a_flat_line():
    marks = _line(444, (453, "SE ĐC CVD"))
    for w in marks:
        w["y1"] = 455  # the stacked marks' band, read as a line of its own inside the name's
    specks = _line(429, (381, "} j"))
    got = _vals(
        _line(370, (404, "Họ, chữ đệm và tên khai sinh:")),
        _line(400, (378, "Surname, middle name and given name")),
        specks,
        marks,
        _line(445, (453, "HỒ BÍCH HỒNG TÂM")),
        _line(504, (364, "Ngày, tháng, năm sinh:"), (946, "26/02/2009")),
    )
    assert got["full_name"] == "HỒ BÍCH HỒNG TÂM"


def test_a_far_first_word_read_with_low_confidence_is_still_the_value():
    value = _line(100, (1001, "Nghĩa Đô, Hậu Lộc, Thanh Hóa"))
    value[0]["conf"] = 0.3  # a word of print, read unsure: not a speck
    got = _vals(_line(100, (260, "Nơi ĐKHK thường trú:")) + value, reach=30)
    assert got["place_of_residence"].startswith("Nghĩa Đô")
