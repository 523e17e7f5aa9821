"""Issue 12, round chip23: the 2021 chip card's front read more generally (generator A broadened:
ocr/synth/chip.py). Each test failed before its fix."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import ocr
from ocr import address, labels, read, runs, valuewords
from ocr.synth import make_sample


def _w(text: str, x0: int, y0: int, x1: int, y1: int, blob=None, conf: float = 0.9) -> dict:
    return {"text": text, "conf": conf, "x0": x0, "y0": y0, "x1": x1, "y1": y1, "h": y1 - y0, "blob": blob}


def _phrase(text: str, x0: int, y0: int, y1: int, step: int = 60) -> list[dict]:
    """Words of a phrase in one run of print, each `step` px wide with a gap."""
    ws, x = [], x0
    for t in text.split():
        ws.append(_w(t, x, y0, x + step - 12, y1))
        x += step
    blob = (x0, y0, x - 12, y1)
    for w in ws:
        w["blob"] = blob
    return ws


def _values(words: list[dict]) -> dict:
    rows = runs.rows_of(words)
    return labels.values(rows, labels.find_labels(rows), read.WIDE_REACH)


def _no_qr(monkeypatch) -> None:
    merge0 = read.merge
    monkeypatch.setattr(read, "merge", lambda doc, kind, qr, mrz, raw: merge0(doc, kind, None, mrz, raw))
    monkeypatch.setattr(read, "read_qr_corners", lambda gray, **_: None)


def test_a_line_on_a_tinted_patterned_ground_is_read(tmp_path, monkeypatch):
    """Tesseract read nothing of a residence's first line on a tinted card with orange guilloche
    lines, printed small (the crop's grey ground framed by a white border); with the ground lifted
    to white it reads."""
    _no_qr(monkeypatch)
    data, truth = make_sample(25000003, "cccd_front", "good", (1600, 1200))
    p = tmp_path / "c.jpg"
    p.write_bytes(data)
    doc = ocr.analyze(p, expect="id_card")["document"]
    assert doc["fields"]["place_of_residence"] == truth["fields"]["place_of_residence"]


def test_whiter_lifts_the_ground_to_white():
    g = np.full((20, 40), 180, np.uint8)
    g[5:15, 5:10] = 20
    out = runs.whiter(g)
    assert out[0, 0] == 255 and out[10, 7] < 40


# the card's phrases, one a line: text | x0 y0 y1 (its words' step); the field; its value
ADDRESS_CASES = {
    # the place of origin on its label's line, far right, its second line starting under the
    # value's first word (not under the label)
    "wrapped under its value": (
        """Quê quán / Place of origin: | 400 577 600 50
        Làng An Bình, Quang Trung, Kiến | 930 570 605 90
        Thụy, Hải Phòng | 930 624 660 90
        Nơi thường trú / Place of residence: | 400 690 715 50
        Tổ 5, Khu phố 6, | 980 680 715 90""",
        "place_of_origin",
        "Làng An Bình, Quang Trung, Kiến Thụy, Hải Phòng",
    ),
    # the expiry label under the photo (left of the label column) beside a residence's second
    # line is not the next label
    "a label left of the column": (
        """Nơi thường trú / Place of residence: | 410 660 690 50
        Phường Long Hải, Quận Hải Châu, | 870 658 698 90
        Thành phố Đà Nẵng | 446 712 750 90
        Có giá trị đến: | 40 738 762 45
        20/03/2040 | 40 820 845 150""",
        "place_of_residence",
        "Phường Long Hải, Quận Hải Châu, Thành phố Đà Nẵng",
    ),
    # the English half under the label, garbled, is not the address's second line
    "an English half under the label": (
        """Quê quán: | 450 546 580 60
        Ấp 1, Xã Long Hải, Quận Hải Châu, TP. Đà Nẵng | 595 543 580 80
        Piạce of ockoin | 457 582 604 45
        Nơi thường trú: | 450 619 647 60
        Số 22 Phan Đình Phùng, | 653 612 650 80""",
        "place_of_origin",
        "Ấp 1, Xã Long Hải, Quận Hải Châu, TP. Đà Nẵng",
    ),
}


@pytest.mark.parametrize("case", sorted(ADDRESS_CASES))
def test_an_address_over_two_lines(case):
    phrases, field, value = ADDRESS_CASES[case]
    words = []
    for line in phrases.splitlines():
        text, nums = line.strip().split(" | ")
        x0, y0, y1, step = map(int, nums.split())
        words += _phrase(text, x0, y0, y1, step=step)
    assert _values(words)[field]["text"] == value


def test_the_labels_own_words_are_not_the_next_label():
    """A mark of the label's run of print read low ("-") put the label's own run in the line under
    it, and the label itself was taken for the next label: the expiry was lost."""
    lab = _phrase("Có giá trị đến:", 70, 739, 771, step=45)
    lab.append(_w("-", 200, 770, 204, 771, blob=lab[0]["blob"], conf=0.3))
    words = lab + _phrase("Date of expiry", 35, 772, 795, step=50)
    words += [_w("ˆ", 181, 765, 190, 799, blob=words[-1]["blob"], conf=0.2)]
    words += _phrase("Không thời hạn", 35, 816, 852, step=60)
    v = _values(words)
    assert v["date_of_expiry"]["text"] == "Không thời hạn"


def test_the_next_columns_label_on_the_labels_line_is_not_a_line_under_it():
    """The residence's label, in the label column, set a little lower than the expiry label under
    the photo (one row): it was taken for a line under the expiry label, and ended it."""
    words = _phrase("Có giá trị đến:", 60, 751, 772, step=45)
    words[2]["y0"], words[2]["y1"] = 747, 783  # "trị" boxed with its mark
    words += _phrase("Nơi thường trú:", 417, 769, 790, step=50)
    words += _phrase("Tổ 5, Khu phố 8,", 640, 760, 798, step=80)
    words += _phrase("Date of expiry", 60, 785, 808, step=50)
    words += _phrase("11/08/2025", 62, 831, 857, step=150)
    v = _values(words)
    assert v["date_of_expiry"]["text"] == "11/08/2025"


def test_an_english_half_with_its_end_garbled_is_not_the_value():
    words = _phrase("Quê quán / Plạce eo", 400, 480, 505, step=55)
    words += _phrase("Thanh Xuân, Gò Vấp, Hồ Chí Minh", 704, 474, 505, step=90)
    v = _values(words)
    assert v["place_of_origin"]["text"] == "Thanh Xuân, Gò Vấp, Hồ Chí Minh"
    assert not labels._english([{"text": "Phường"}, {"text": "Tân"}], 0.86, start=True)


def test_a_line_of_marks_is_garbled():
    assert valuewords.garbled([{"text": "Í£"}, {"text": "©;"}, {"text": "sC.24@-,“c"}])
    assert not valuewords.garbled([{"text": "Nẵng"}])


def test_a_residents_group_with_wrong_marks():
    assert address.fix_place("Tố dân phố Phú Lộc, Vĩnh Hòa, Ninh Kiều, Cần Thơ")[0].startswith(
        "Tổ dân phố Phú Lộc,"
    )
    assert address.fix_place("Tố dân phố 18, Khu phố 4")[0] == "Tổ dân phố 18, Khu phố 4"


def test_generator_a_chip_variation_is_drawn_on_its_own_stream():
    """Sides other than the chip front are drawn as before (their bytes do not depend on chip.py)."""
    from ocr.synth import chip

    assert chip.chip({"id_number": "001"}, "cmnd_front") is None
    img = cv2.imdecode(np.frombuffer(make_sample(25000003, "cccd_front")[0], np.uint8), cv2.IMREAD_COLOR)
    assert img is not None


def test_the_english_half_under_the_label_garbled_is_not_the_name():
    """ "Full name" set under "Họ và tên:" and read "FUL NƯNE": not the name on the next line."""
    words = _phrase("Họ và tên:", 432, 362, 390, step=45)
    words += _phrase("FUL NƯNE", 432, 394, 416, step=50)
    words += _phrase("HOÀNG ANH ĐỨC CƯỜNG", 455, 428, 470, step=90)
    v = _values(words)
    assert v["full_name"]["text"] == "HOÀNG ANH ĐỨC CƯỜNG"


def test_the_english_half_alone_is_the_label_when_the_vietnamese_is_unread():
    """ "Có giá trị đến:" not read at all (print over the guilloche), "Date of expiry" under it
    read: the English half is the label; with the Vietnamese half read it is never taken."""
    words = _phrase("Date of expiry", 37, 768, 790, step=50)
    words += _phrase("10/02/2027", 40, 813, 837, step=150)
    assert _values(words)["date_of_expiry"]["text"] == "10/02/2027"
    words += _phrase("Có giá trị đến:", 37, 735, 760, step=45)
    hits = labels.find_labels(runs.rows_of(words))
    assert [h["row"] for h in hits if h["field"] == "date_of_expiry"] == [0]
