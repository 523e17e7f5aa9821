"""Round origin24: the 2024 back's place of origin (only in its QR, whose field order is not
confirmed), the chip front's "Quê quán" and the ID number."""

from __future__ import annotations

import random

import numpy as np
import pytest

from ocr import idnum
from ocr.address import fix_place
from ocr.qr import assign_addresses, parse_qr

RES = "Thôn 3, Xã Tân Phú, Huyện Đồng Phú, Tỉnh Bình Phước"
ORG = "Xã Tân Phú, Huyện Đồng Phú, Tỉnh Bình Phước"


def test_near_equal_addresses_are_told_by_what_sets_them_apart():
    """Two addresses in one commune differ by a village: the printed residence (read with its
    marks a little wrong) says which is which, in either QR order."""
    printed = {"place_of_residence": "Thôn 3, Xã Tân Phú, Huyện Đông Phú, Tỉnh Binh Phước"}
    want = {"place_of_residence": RES, "place_of_origin": ORG}
    assert assign_addresses([ORG, RES], printed) == want
    assert assign_addresses([RES, ORG], printed) == want
    printed = {"place_of_residence": "Xã Tân Phú, Huyện Đồng Phú, Tinh Binh Phuoc"}
    assert assign_addresses([RES, ORG], printed) == {"place_of_residence": ORG, "place_of_origin": RES}


def test_without_print_the_origin_is_in_the_province_of_birth_registration():
    """Nothing printed read: the number's first three digits are the province where the birth
    was registered (Decree 137/2015), so the address there is the place of birth registration."""
    a = "Xã An Bình, Huyện Yên Lạc, Tỉnh Vĩnh Phúc"
    b = "Số 12 Lê Lợi, Quận 1, TP. Hồ Chí Minh"
    got = assign_addresses([a, b], {}, "079093047064")
    assert got == {"place_of_residence": a, "place_of_origin": b}
    assert assign_addresses([b, a], {}, "026093047064")["place_of_origin"] == a  # 026 Vĩnh Phúc
    assert assign_addresses([a, b], {})["place_of_residence"] == a  # else the QR's order


def test_fields_of_other_shapes_are_no_addresses():
    """Ethnicity, religion, nationality and empty fields in the payload, every field in another
    order: the two addresses are the only addresses, the name is the name."""
    payload = (
        "Kinh||Không|01041981|079181027588|Tân Phú, Hải Hậu, Nam Định|Bùi Kim Hương|Nữ"
        "|Số 38 Trần Phú, Hải Hậu, Nam Định|28102024||Việt Nam"
    )
    f, c = parse_qr(payload)
    assert c["format"] == "ok"
    assert f["full_name"] == "BÙI KIM HƯƠNG" and f["sex"] == "Nữ"
    assert f["date_of_birth"] == "1981-04-01" and f["date_of_issue"] == "2024-10-28"
    assert f["addresses"] == ["Tân Phú, Hải Hậu, Nam Định", "Số 38 Trần Phú, Hải Hậu, Nam Định"]


def test_a_province_alone_is_an_address_not_the_name():
    payload = "070206336605|392511733|Thành phố Hồ Chí Minh|TRỊNH XUÂN LONG|23/09/2006|Nam|Số 149 Quang Trung, Huyện Gia Lâm, TP. Hà Nội|13/09/2024"  # noqa: E501
    f, _ = parse_qr(payload)
    assert f["full_name"] == "TRỊNH XUÂN LONG"
    assert f["addresses"] == ["Thành phố Hồ Chí Minh", "Số 149 Quang Trung, Huyện Gia Lâm, TP. Hà Nội"]
    assert f["date_of_birth"] == "2006-09-23" and f["date_of_issue"] == "2024-09-13"


@pytest.mark.parametrize("name", ["Tô Văn Huệ", "Ngô Thị Lan", "DƯƠNG MINH HẢI", "NGO VAN AN"])
def test_a_family_name_spelled_like_a_type_word_is_a_name(name):
    f, _ = parse_qr(f"001093047064||Số 1 Lê Lợi, Hà Nội|{name}|05011993|Nam|01022025")
    assert f["full_name"] == name.upper() and f["place_of_residence"] == "Số 1 Lê Lợi, Hà Nội"


def test_dates_year_first_and_an_expiry_spelled_out():
    f, c = parse_qr("001050047064|Ưng Hoàng Hiệp|1950-01-05|Nam|Số 1 Lê Lợi, Hà Nội|20250201|Không thời hạn")
    assert c["format"] == "ok"
    assert f["date_of_birth"] == "1950-01-05" and f["date_of_issue"] == "2025-02-01"
    assert f["date_of_expiry"] == idnum.NO_EXPIRY and f["full_name"] == "ƯNG HOÀNG HIỆP"


def test_an_expiry_and_an_old_cards_issue_date():
    """Birth is the earliest date; a date the age rule allows after the issue is the expiry; an
    old card's issue date before the new one is not the issue date."""
    f, _ = parse_qr("001093047064|Ưng Hoàng Hiệp|05011993|Nam|Hà Nội, Việt Nam|12032010|01022025|05012033")
    assert (f["date_of_issue"], f["date_of_expiry"]) == ("2025-02-01", "2033-01-05")


def test_of_two_twelve_digit_numbers_the_one_agreeing_with_birth_and_sex_is_the_number():
    f, _ = parse_qr("001093047064|079181027588|Bùi Kim Hương|01041981|Nữ|Số 38 Trần Phú, Nam Định|28102024")
    assert f["id_number"] == "079181027588" and f["old_id_number"] == "001093047064"


@pytest.mark.parametrize(
    "read,want",
    [
        ("Phace o1 sgm Thôn Nam, Xã Mỹ Đức, Tỉnh Hà Tĩnh", "Thôn Nam, Xã Mỹ Đức, Tỉnh Hà Tĩnh"),
        (
            "of otgio, Xóm Trung, Xã Trung Hòa, Thành phố Hồ Chí Minh",
            "Xóm Trung, Xã Trung Hòa, Thành phố Hồ Chí Minh",
        ),
        ("Bình An, Xã Tân Phú, Huyện Đồng Phú", "Bình An, Xã Tân Phú, Huyện Đồng Phú"),
    ],
)
def test_the_english_half_read_garbled_before_an_address_is_cut(read, want):
    assert fix_place(read)[0] == want


@pytest.mark.parametrize(
    "read,want",
    [
        (
            "Ấp Bắc, Thanh Xuân, Hải Châu, Đà Nẵng Placeofodgn, T572 3E",
            "Ấp Bắc, Thanh Xuân, Hải Châu, Đà Nẵng",
        ),
        ("Thôn Nam, Xã Mỹ Đức, Tỉnh Hà Tĩnh Place of residence", "Thôn Nam, Xã Mỹ Đức, Tỉnh Hà Tĩnh"),
        ("Số 12 Place Vendôme, Quận 1, TP. Hồ Chí Minh", "Số 12 Place Vendôme, Quận 1, TP. Hồ Chí Minh"),
    ],
)
def test_the_english_half_of_the_label_under_read_after_an_address_is_cut(read, want):
    assert fix_place(read)[0] == want


def test_generator_a_2024_qr_told_right_for_new_seeds():
    """Generator A's widened 2024 QR (seeds from qr24.MIN_SEED on): with the printed residence,
    every payload gives the card's number, birth, sex, name, residence and origin."""
    from ocr.synth import cards, qr24

    varied = 0
    for seed in range(qr24.MIN_SEED + 3, qr24.MIN_SEED + 3 + 10 * 120, 10):
        rng = random.Random(seed)
        ident = cards.identity(rng, "cancuoc_back")
        cards.render(ident, "cancuoc_back", rng, 0.3, seed)
        truth = cards.truth_fields(ident, "cancuoc_back")
        f, _ = parse_qr(cards.qr_payload(ident, "cancuoc_back"))
        varied += "_qr24" in ident
        if "addresses" in f:
            f.update(
                assign_addresses(f.pop("addresses"), {"place_of_residence": truth["place_of_residence"]})
            )
        for k in ("id_number", "full_name", "date_of_birth", "sex", "place_of_residence", "place_of_origin"):
            assert f.get(k) == truth[k], (seed, k)
    assert 70 < varied < 120


@pytest.mark.parametrize("seed", [29699999, 25900003, 410099])
def test_cards_of_spent_seeds_are_drawn_as_before_the_2024_qr(seed, monkeypatch):
    from ocr.synth import qr24, render_card

    drawn = np.asarray(render_card(seed, "cancuoc_back")[0])
    monkeypatch.setattr(qr24, "MIN_SEED", 10**12)
    assert np.array_equal(drawn, np.asarray(render_card(seed, "cancuoc_back")[0]))


def test_a_2024_back_whose_qr_is_not_decoded_gives_no_guessed_origin(tmp_path):
    """The place of birth registration is printed on the 2024 front only: a back whose QR does not
    decode (small, soft) has no origin to read, and none is guessed from a fixed box."""
    import ocr
    from ocr.synth import make_sample

    data, truth = make_sample(29710510, "cancuoc_back", "good", (1024, 768))
    p = tmp_path / "back.jpg"
    p.write_bytes(data)
    doc = ocr.analyze(p, expect="id_card")["document"]
    assert doc["type"] == "cancuoc_back" and doc["checks"]["qr"] == "unreadable"
    assert "place_of_origin" not in doc["fields"]
    assert doc["fields"]["id_number"] == truth["fields"]["id_number"]


def test_a_digit_misread_once_is_outvoted():
    assert (
        idnum.vote([("125270667", 0.89), ("125270067", 0.94), ("125270067", 0.94)], (9, 12))[0] == "125270067"
    )
    assert idnum.vote([("079012345678", 0.9), ("079012345679", 0.8)], (12,))[0] == "079012345678"
    assert idnum.vote([("12345", 0.9), ("0790123456789", 0.9)], (12,)) is None


def test_an_old_fronts_number_read_again_and_voted(tmp_path, monkeypatch):
    """A typed 0 read as 6 on the line ("125270667"); read again from its crop, as it is and
    larger, the digit is outvoted. (The photo as origin24 drew it: cmnd24's widened old fronts,
    merged later, start at a lower seed and would draw this one otherwise.)"""
    import ocr
    from ocr.synth import make_sample, wide

    monkeypatch.setattr(wide, "MIN_SEED", 10**9)

    data, truth = make_sample(29720042, "cmnd_front", "good", (1600, 1200))
    p = tmp_path / "cmnd.jpg"
    p.write_bytes(data)
    assert ocr.analyze(p, expect="id_card")["document"]["fields"]["id_number"] == truth["fields"]["id_number"]


def test_a_2024_qrs_lone_address_unlike_the_printed_residence_is_the_origin():
    """A 2024 QR with one address (its order unconfirmed): when the residence printed beside it
    is read cleanly and is another place, the QR's address is the place of birth registration
    and the residence comes from the print; a garbled print proves nothing."""
    from ocr.merge import merge
    from ocr.qr import lone_address

    qr = "026093047064||Ưng Hoàng Hiệp|05011993|Nam|Xã An Bình, Huyện Yên Lạc, Tỉnh Vĩnh Phúc|01022025"
    printed = {"place_of_residence": ("Số 12 Lê Lợi, Huyện Hải Hậu, Tỉnh Nam Định", 0.9)}
    doc: dict = {"fields": {}, "sources": {}, "confidence": {}, "checks": {}}
    merge(doc, "cancuoc_back", qr, None, printed)
    assert doc["fields"]["place_of_origin"] == "Xã An Bình, Huyện Yên Lạc, Tỉnh Vĩnh Phúc"
    assert doc["fields"]["place_of_residence"] == "Số 12 Lê Lợi, Huyện Hải Hậu, Tỉnh Nam Định"
    addr = "Số 12 Lê Lợi, Huyện Hải Hậu, Tỉnh Nam Định"
    assert lone_address(addr, "S6 12 Lê Lọi, Huyên Hái Hậu, Tinh Nam Đinh") == "place_of_residence"
    assert lone_address(addr, "Sô l2 Le Lo, Hu Ha Hu, Ti Nm Dnh") == "place_of_residence"
    assert lone_address(addr, None) == "place_of_residence"
    doc = {"fields": {}, "sources": {}, "confidence": {}, "checks": {}}
    merge(doc, "cccd_front", qr, None, printed)  # the 2021 QR's one address is the residence
    assert doc["fields"]["place_of_residence"].startswith("Xã An Bình")
