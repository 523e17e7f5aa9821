"""Review of round origin24: the 2021 chip QR (order known) still read exactly, ethnicity and
religion not taken for the name, and a QR address whose role is a guess not reported confirmed."""

from __future__ import annotations

import pytest

from ocr.merge import merge
from ocr.qr import parse_qr

ADDR = "Thôn Đông, Xã An Khánh, Huyện Hoài Đức, Hà Nội"


def _doc() -> dict:
    return {"fields": {}, "sources": {}, "confidence": {}, "checks": {}}


@pytest.mark.parametrize(
    ("name", "addr", "old"),
    [
        ("Tô Văn Huệ", "Số 12, Phường 3, Quận 5, TP. Hồ Chí Minh", "025123456"),
        ("Hà Thị Phố", ADDR, ""),
        ("Lý Xã", ADDR, ""),
        ("NGUYEN THI HIEN", "Thon Dong, Xa An Khanh, Ha Noi", ""),
        ("Nguyễn Thị Hiền", "Hà Nội", "001123456789"),  # a single province; an old 12-digit CMND
        ("Nguyễn Thị Hiền", "Thôn Đông", ""),
        ("Nguyễn Thị Hiền", "An Khánh Hoài Đức Hà Nội", ""),  # no comma, no type word
        ("Nguyễn Thị Hiền", "Kim Liên Đống Đa Hà Nội", ""),
        ("Hiền", ADDR, ""),  # a name of one word
        ("Lâm Đồng", ADDR, ""),  # a name spelled like a province
        ("Cao Bằng", ADDR, ""),
        ("Đường Văn Minh", ADDR, ""),  # a family name spelled like a street's type word
    ],
)
def test_a_2021_qr_is_read_by_its_known_order(name, addr, old):
    f, c = parse_qr(f"001185012345|{old}|{name}|02031985|Nữ|{addr}|10052021")
    want = {
        "id_number": "001185012345",
        "full_name": name.upper(),
        "date_of_birth": "1985-03-02",
        "sex": "Nữ",
        "place_of_residence": addr,
        "date_of_issue": "2021-05-10",
    }
    assert f == (want | {"old_id_number": old} if old else want)
    assert c["format"] == "ok"


def test_a_chip_front_whose_name_spells_a_province_gets_no_place_of_origin_from_its_qr():
    doc = _doc()
    merge(doc, "cccd_front", f"001185012345||Lâm Đồng|02031985|Nữ|{ADDR}|10052021", None, {})
    assert doc["fields"]["full_name"] == "LÂM ĐỒNG"
    assert doc["fields"]["place_of_residence"] == ADDR
    assert "place_of_origin" not in doc["fields"]


@pytest.mark.parametrize("other", ["Phật giáo", "Công giáo", "Sán Dìu", "Gia Rai"])
def test_a_religion_or_ethnicity_of_two_words_is_not_the_name(other):
    f, _ = parse_qr(
        f"001185012345||{other}|Nguyễn Thị Hiền|02031985|Nữ|{ADDR}|Xã Tân Phú, Bình Phước|10052021"
    )
    assert f["full_name"] == "NGUYỄN THỊ HIỀN"
    f, _ = parse_qr(f"{other}|001185012345|NGUYEN THI HIEN|02031985|Nữ|{ADDR}|10052021")
    assert f["full_name"] == "NGUYEN THI HIEN"


A = "Thôn 3, Xã Tân Phú, Huyện Đồng Phú, Tỉnh Bình Phước"
B = "Số 5, Phường 2, Quận 3, Thành phố Hồ Chí Minh"


def test_a_2024_qr_address_whose_role_nothing_printed_decided_is_not_confirmed():
    """Two addresses, nothing printed read: the province of birth registration (079, HCM) only
    breaks the tie, so the origin is a guess the citizen is to check; with the residence printed
    and read, the roles are confirmed."""
    qr = f"079090001234||Nguyễn Văn An|01011990|Nam|{A}|{B}|01022025"
    doc = _doc()
    merge(doc, "cancuoc_back", qr, None, {})
    assert doc["fields"]["place_of_origin"] == B and doc["fields"]["place_of_residence"] == A
    assert doc["confidence"]["place_of_origin"] < 0.9
    assert not doc["checks"]["confirmed"].get("place_of_origin")
    assert not doc["checks"]["confirmed"].get("place_of_residence")
    assert doc["checks"]["confirmed"]["full_name"] and doc["checks"]["confirmed"]["id_number"]
    doc = _doc()
    merge(
        doc, "cancuoc_back", qr, None, {"place_of_residence": ("Sô 5, Phường 2, Quân 3, TP Hồ Chí Minh", 0.8)}
    )
    assert doc["fields"]["place_of_origin"] == A
    assert doc["checks"]["confirmed"]["place_of_origin"] and doc["confidence"]["place_of_origin"] == 1.0


def test_a_lone_2024_qr_address_taken_for_the_origin_is_not_confirmed():
    qr = f"079090001234||Nguyễn Văn An|01011990|Nam|{A}|01022025"
    doc = _doc()
    merge(
        doc,
        "cancuoc_back",
        qr,
        None,
        {"place_of_residence": ("Số 12 Lê Lợi, Huyện Hải Hậu, Tỉnh Nam Định", 0.9)},
    )
    assert doc["fields"]["place_of_origin"] == A
    assert not doc["checks"]["confirmed"].get("place_of_origin")
    assert doc["confidence"]["place_of_origin"] < 0.9


def test_one_place_twice_in_a_2024_qr_is_confirmed():
    doc = _doc()
    merge(doc, "cancuoc_back", f"079090001234||Nguyễn Văn An|01011990|Nam|{A}|{A}|01022025", None, {})
    assert doc["checks"]["confirmed"]["place_of_origin"] and doc["checks"]["confirmed"]["place_of_residence"]


def test_a_name_spelled_like_a_province_in_a_2024_qr_is_the_name_when_no_other_is():
    f, _ = parse_qr(f"001185012345|Kinh|Lâm Đồng|02031985|Nữ|{ADDR}|Xã Tân Phú, Bình Phước|10052021")
    assert f["full_name"] == "LÂM ĐỒNG" and f["addresses"] == [ADDR, "Xã Tân Phú, Bình Phước"]
    f, _ = parse_qr(f"001185012345|Nguyễn Thị Hiền|02031985|Nữ|{ADDR}|Hà Nam|10052021|Việt Nam")
    assert f["full_name"] == "NGUYỄN THỊ HIỀN" and f["addresses"] == [ADDR, "Hà Nam"]


def test_a_line_read_elsewhere_for_the_residence_confirms_no_role():
    """Generator A, seed 31210070: the 2024 back's residence box read as the issue date's line
    ("Thắng, năm cấp, 21/08/2024"); its "năm ca" is a third of "Mỹ Đức, Năm Căn, Cà Mau", which
    then wins the residence. Whatever wins on so little is a guess, not confirmed."""
    qr = (
        "026152949411|345567338|BÙI THỊ PHƯƠNG HẠNH|01091952|Nữ"
        "|Tổ 6, Khu phố 11, Xuân Phương, Thủy Nguyên, Hải Phòng|Mỹ Đức, Năm Căn, Cà Mau|21082024"
    )
    doc = _doc()
    merge(doc, "cancuoc_back", qr, None, {"place_of_residence": ("Thắng, năm cấp, 21/08/2024", 0.6)})
    confirmed = doc["checks"]["confirmed"]
    assert not confirmed.get("place_of_origin") and not confirmed.get("place_of_residence")
    assert doc["confidence"]["place_of_origin"] < 0.9
