"""Entity extraction: values, normalisation and offsets into the original text."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from nlu.embedded import EmbeddedNLU
from nlu.entities import find_dates, find_dossier_codes, find_id_numbers, find_phones, levenshtein
from nlu.text import fold


def ents(nlu: EmbeddedNLU, text: str, kind: str | None = None) -> list[tuple[str, str, str]]:
    out = []
    for e in nlu.parse_sync(text)["entities"]:
        assert set(e) == {"entity", "value", "start", "end"}
        assert 0 <= e["start"] < e["end"] <= len(text)
        if kind is None or e["entity"] == kind:
            out.append((e["entity"], e["value"], text[e["start"] : e["end"]]))
    return out


# ---- procedure ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text,value,span",
    [
        ("tôi muốn đăng ký khai sinh", "khai_sinh", "đăng ký khai sinh"),
        ("toi muon dang ky khai sinh", "khai_sinh", "dang ky khai sinh"),
        ("ĐĂNG KÝ KẾT HÔN ở đâu", "ket_hon", "ĐĂNG KÝ KẾT HÔN"),
        ("dk ks cho be", "khai_sinh", "dk ks"),
        ("vợ mới sinh thì làm gì", "lien_thong_khai_sinh", "vợ mới sinh"),
        ("vo em moi sinh hom qua", "lien_thong_khai_sinh", "vo em moi sinh"),
        ("con gái tôi vừa sinh cháu", "lien_thong_khai_sinh", "con gái tôi vừa sinh"),
        ("nhà có người mất cần làm gì", "lien_thong_khai_tu", "nhà có người mất"),
        ("bố em mới mất hôm qua", "lien_thong_khai_tu", "bố em mới mất"),
        ("ông nội vừa qua đời", "lien_thong_khai_tu", "ông nội vừa qua đời"),
        ("người thân qua đời", "lien_thong_khai_tu", "người thân qua đời"),
        ("bọn em mới cưới", "ket_hon", "mới cưới"),
        ("mới mua nhà, chuyển về ở thì làm gì", "thuong_tru", "chuyển về ở"),
        ("em thuê trọ ở đây", "tam_tru", "thuê trọ"),
        ("muốn mở quán ăn nhỏ", "ho_kinh_doanh", "mở quán ăn"),
        ("em bị mất căn cước", "can_cuoc", "mất căn cước"),
        ("mat cccd roi", "can_cuoc", "mat cccd"),
        ("xin bản sao giấy khai sinh", "trich_luc_ho_tich", "bản sao giấy khai sinh"),
        ("sao y bản chính học bạ", "chung_thuc_ban_sao", "sao y bản chính"),
        ("giấy attp cho quán", "xac_nhan_attp", "giấy attp"),
        ("liên thông khai tử cho ông", "lien_thong_khai_tu", "liên thông khai tử"),
        ("nhap khau cho vo", "thuong_tru", "nhap khau"),
        # typos, by fuzzy match
        ("khai sihn cho con", "khai_sinh", "khai sihn cho con"),
        ("dang ky ket hno", "ket_hon", "dang ky ket hno"),
        ("đăng ký thường chú", "thuong_tru", "thường chú"),
        ("dang ky thuong tur", "thuong_tru", "dang ky thuong tur"),
        ("dang ky tam truu", "tam_tru", "dang ky tam truu"),
    ],
)
def test_procedure(embedded: EmbeddedNLU, text: str, value: str, span: str) -> None:
    assert ents(embedded, text, "procedure") == [("procedure", value, span)]


def test_document_noun_yields_to_the_procedure(embedded: EmbeddedNLU) -> None:
    # "giấy khai sinh" and "cccd" are documents here, not the procedure asked about
    assert [
        v for _, v, _ in ents(embedded, "đăng ký thường trú cho con cần giấy khai sinh không", "procedure")
    ] == ["thuong_tru"]
    assert [
        v for _, v, _ in ents(embedded, "em không mang cccd thì làm khai sinh được không", "procedure")
    ] == ["khai_sinh"]
    # alone, the noun answers "which procedure?"
    assert [v for _, v, _ in ents(embedded, "cccd", "procedure")] == ["can_cuoc"]


@pytest.mark.parametrize(
    "text",
    [
        "mẹ em mất ví rồi",
        "bố tôi mất giấy tờ rồi",
        "ông ngoại em mất giấy tờ",
        "chung cư mất nước ba ngày rồi",
        "cuối tuần phường có làm việc không",
        "chuyen cuoi may gio",
        "cho hỏi thủ tục sang tên xe máy",
        "cụ mất điện từ sáng",
        "xin chào",
        "trời mưa to quá",
        "kết quả thế nào",
        "trung thực",
    ],
)
def test_no_procedure(embedded: EmbeddedNLU, text: str) -> None:
    assert ents(embedded, text, "procedure") == []


def test_offsets_with_decomposed_unicode(embedded: EmbeddedNLU) -> None:
    text = unicodedata.normalize("NFD", "Tôi muốn đăng ký kết hôn ngày 5 tháng 3 năm 2024")
    got = {e: (v, unicodedata.normalize("NFC", s)) for e, v, s in ents(embedded, text)}
    assert got["procedure"] == ("ket_hon", "đăng ký kết hôn")
    assert got["date"] == ("2024-03-05", "ngày 5 tháng 3 năm 2024")


def test_several_entities_in_order(embedded: EmbeddedNLU) -> None:
    text = "Hồ sơ khai sinh DEMO-261123-0001, sđt 0912 345 678, cccd 001099012345, bé sinh 05/03/2026"
    assert ents(embedded, text) == [
        ("procedure", "khai_sinh", "khai sinh"),
        ("dossier_code", "DEMO-261123-0001", "DEMO-261123-0001"),
        ("phone", "0912345678", "0912 345 678"),
        ("id_number", "001099012345", "001099012345"),
        ("date", "2026-03-05", "05/03/2026"),
    ]


# ---- dossier codes --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text,value,span",
    [
        ("mã hồ sơ DEMO-261123-0001 nhé", "DEMO-261123-0001", "DEMO-261123-0001"),
        ("ma ho so demo-261123-0001", "DEMO-261123-0001", "demo-261123-0001"),
        ("demo 261123 0001", "DEMO-261123-0001", "demo 261123 0001"),
        ("DEMO - 261123 - 0042 ạ", "DEMO-261123-0042", "DEMO - 261123 - 0042"),
        ("HCM01-251231-0100", "HCM01-251231-0100", "HCM01-251231-0100"),
        ("DEMO2611230001 hmm", None, None),
    ],
)
def test_dossier_code(text: str, value: str | None, span: str | None) -> None:
    got = find_dossier_codes(text, agency_code="DEMO")
    if value is None:
        assert got == []
    else:
        assert [(e["value"], text[e["start"] : e["end"]]) for e in got] == [(value, span)]


@pytest.mark.parametrize(
    "text", ["hồ sơ 261123 0001", "ho so so 261123 0001", "DEMO-261399-0001", "ma 261123-0001"]
)
def test_not_a_dossier_code(text: str) -> None:
    assert find_dossier_codes(text, agency_code="DEMO") == []


# ---- phones ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text,span",
    [
        ("sđt 0912345678", "0912345678"),
        ("0912 345 678", "0912 345 678"),
        ("0912.345.678", "0912.345.678"),
        ("091-234-5678", "091-234-5678"),
        ("+84 912 345 678", "+84 912 345 678"),
        ("+84912345678", "+84912345678"),
        ("84912345678", "84912345678"),
        ("(+84) 912-345-678", "(+84) 912-345-678"),
        ("gọi 0383 456 789 nhé", "0383 456 789"),
        ("số em 0707.123.456 ạ", "0707.123.456"),
    ],
)
def test_phone(text: str, span: str) -> None:
    got = find_phones(text)
    assert len(got) == 1
    e = got[0]
    assert text[e["start"] : e["end"]] == span
    assert e["value"][0] == "0" and len(e["value"]) == 10 and e["value"].isdigit()


@pytest.mark.parametrize("text", ["09123456789", "0283456789", "0123456789", "001099012345", "079203001234"])
def test_not_a_mobile_phone(text: str) -> None:
    assert find_phones(text) == []


# ---- ID numbers -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text,value",
    [
        ("cccd 001099012345", "001099012345"),
        ("số căn cước: 079203001234.", "079203001234"),
        ("cmnd cũ 123456789", "123456789"),
        ("001 099 012 345", "001099012345"),
    ],
)
def test_id_number(text: str, value: str) -> None:
    assert [e["value"] for e in find_id_numbers(text)] == [value]


@pytest.mark.parametrize("text", ["12345678", "1234567890", "1234567890123", "12/03/2024"])
def test_not_an_id_number(text: str) -> None:
    assert find_id_numbers(text) == []


def test_phone_is_not_an_id(embedded: EmbeddedNLU) -> None:
    assert ents(embedded, "0912345678") == [("phone", "0912345678", "0912345678")]


# ---- dates ----------------------------------------------------------------------------------
TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    "text,value,span",
    [
        ("sinh ngày 05/03/2024", "2024-03-05", "05/03/2024"),
        ("5/3/2024", "2024-03-05", "5/3/2024"),
        ("5-3-24", "2024-03-05", "5-3-24"),
        ("05.03.1985", "1985-03-05", "05.03.1985"),
        ("1/1/90", "1990-01-01", "1/1/90"),
        ("ngày 5 tháng 3 năm 2024", "2024-03-05", "ngày 5 tháng 3 năm 2024"),
        ("Ngay 05 thang 03 nam 2024", "2024-03-05", "Ngay 05 thang 03 nam 2024"),
        ("NGÀY 29 THÁNG 2 NĂM 2024", "2024-02-29", "NGÀY 29 THÁNG 2 NĂM 2024"),
        ("hẹn 27/11/2026 lấy", "2026-11-27", "27/11/2026"),
    ],
)
def test_date(text: str, value: str, span: str) -> None:
    folded, index = fold(text)
    got = find_dates(text, folded, index, today=TODAY)
    assert [(e["value"], text[e["start"] : e["end"]]) for e in got] == [(value, span)]


@pytest.mark.parametrize("text", ["31/02/2024", "32/1/2024", "ngày 30 tháng 2 năm 2023", "5/3", "1/2/3/4"])
def test_not_a_date(text: str) -> None:
    folded, index = fold(text)
    assert find_dates(text, folded, index, today=TODAY) == []


def test_levenshtein_limit() -> None:
    assert levenshtein("khai sinh", "khai sihn", 2) == 2
    assert levenshtein("ket hon", "ket hno", 1) == 2  # over the limit: limit + 1
    assert levenshtein("abc", "abc", 0) == 0
