"""The review of the eleventh walk (branch walk24): a value "corrected in words" only when the
words say so of that field ("Sài Gòn", "sữa" are no "sai", "sửa"; a name named elsewhere in a
bank account's answer is no correction of the deceased's name); a yes at the card's reading that
mentions a line ("đúng rồi, tên vợ em đó") confirms it; "ko sai", "ko phải sửa" say nothing is
wrong; only the lines the OCR confirms are said sure; a photo after a day names its dossier.
The NLU's readings scripted as the embedded classifier gives them (`EmbeddedNLU.parse_sync`)."""

from __future__ import annotations

import pytest
from dialogue_kit import Chat, FakeContext, ScriptedNLU
from test_eleventh_walk import (
    READ,
    SCRIPT,
    OcrCardContext,
    to_address,
    to_card_reading,
    to_photos,
    to_relation,
)

from flows import corrections
from flows.engine import Engine

REVIEW = {
    "đúng rồi, tên vợ em đó": ("affirm", 0.9964),
    "dung roi ten vo em": ("affirm", 0.9742),
    "đúng hết, ngày sinh cũng đúng": ("affirm", 0.9898),
    "ok đúng hết, ko phải sửa": ("affirm", 0.8227),
    "dung roi ko sai": ("deny", 0.9992),
    "chuẩn rồi không sai gì": ("deny", 0.996),
    "ko, sai ten": ("deny", 0.9996),
    "SHB (Sài Gòn - Hà Nội) 0123456789, tên Lê Văn Hùng": ("out_of_scope", 0.4925),
    "12 ten lua binh tan sai gon": ("out_of_scope", 0.6418),
    "Số 12 đường Tên Lửa, phường Bình Trị Đông B, quận Bình Tân, Sài Gòn": ("out_of_scope", 0.7481),
    "trạm y tế gần địa chỉ nhà, không phải bệnh viện": ("out_of_scope", 0.7498),
    "BV Nhi Đồng, ko phai tram y te gan dia chi nha": ("deny", 0.9148),
    "ten be ghi sai roi": ("deny", 0.9694),
    "sửa lại tên bé thành Nguyễn Gia Huy": ("out_of_scope", 0.5832),
    "e nham ngay sinh cua be, la 12/11": ("check_status", 0.5607),
    "con trai": ("out_of_scope", 0.8),
    "e muon doi the can cuoc": ("start_procedure", 0.99),
    "ok, hết hạn 2035 mà": ("nlu_fallback", 0.3),
}


@pytest.fixture(scope="module")
def engine() -> Engine:
    nlu = ScriptedNLU({**SCRIPT, **REVIEW})
    entity = [{"entity": "procedure", "value": "lien_thong_khai_sinh", "start": 0, "end": 20}]
    nlu.entities["nha e moi sinh em be"] = entity
    nlu.entities["e muon doi the can cuoc"] = [
        {"entity": "procedure", "value": "can_cuoc", "start": 0, "end": 23}
    ]
    return Engine(nlu, agency_name="UBND phường Thử Nghiệm")


# ---- a wrong word said of the field named, not anywhere in the message ------------------------


@pytest.mark.parametrize(
    "said,marks",
    [
        ("Sài Gòn", False),
        ("sữa bột", False),
        ("Nhâm Thị Lan", False),
        ("không dùng", False),
        ("sai gon", True),
        ("ko sai", False),
        ("k can sua gi", False),
        ("ko, sai ten", True),
        ("à nhầm", True),
        ("chưa đúng", True),
    ],
)
def test_a_wrong_word_is_one_typed_as_it_is_written_and_not_denied(said, marks):
    assert corrections.says_wrong(said) is marks


async def to_bank_account(engine: Engine) -> Chat:
    chat = await to_relation(engine)
    reply = await chat.send("con trai")
    assert "tên chủ tài khoản" in reply, reply
    return chat


async def test_a_bank_named_sai_gon_and_its_holder_change_no_deceased_name(engine):
    chat = await to_bank_account(engine)
    reply = await chat.send("SHB (Sài Gòn - Hà Nội) 0123456789, tên Lê Văn Hùng")
    assert chat.state["fields"]["deceased_name"] == "LÊ THỊ LAN", reply
    assert chat.state["fields"]["bank_account"].startswith("SHB (Sài Gòn"), reply
    assert "đã sửa" not in reply and "Số điện thoại" in reply, reply


@pytest.mark.parametrize(
    "said",
    ["12 ten lua binh tan sai gon", "Số 12 đường Tên Lửa, phường Bình Trị Đông B, quận Bình Tân, Sài Gòn"],
)
async def test_an_address_on_ten_lua_street_in_sai_gon_is_an_address(engine, said):
    chat = await to_address(engine)
    reply = await chat.send(said)
    assert chat.state["fields"]["residence_address"] == said, reply
    assert chat.state["fields"]["child_name"] == "NGUYỄN GIA BẢO" and not chat.state.get("back_to"), reply


@pytest.mark.parametrize(
    "said",
    ["trạm y tế gần địa chỉ nhà, không phải bệnh viện", "BV Nhi Đồng, ko phai tram y te gan dia chi nha"],
)
async def test_a_not_in_another_clause_corrects_no_earlier_field(engine, said):
    chat = await to_address(engine)
    await chat.send("Thôn Đông, xã Yên Phong, tỉnh Bắc Ninh")
    reply = await chat.send(said)
    assert chat.state["fields"]["health_facility"] == said and "Số điện thoại" in reply, reply
    assert chat.state["fields"]["residence_address"] == "Thôn Đông, xã Yên Phong, tỉnh Bắc Ninh"


async def test_a_field_said_wrong_next_to_its_name_is_still_corrected(engine):
    chat = await to_address(engine)
    reply = await chat.send("ten be ghi sai roi")
    assert "Họ và tên dự kiến của bé" in reply and chat.state["back_to"] == 3, reply
    chat = await to_address(engine)
    reply = await chat.send("sửa lại tên bé thành Nguyễn Gia Huy")
    assert chat.state["fields"]["child_name"] == "NGUYỄN GIA HUY" and "địa chỉ nào" in reply, reply
    chat = await to_address(engine)
    await chat.send("e nham ngay sinh cua be, la 12/11")
    assert chat.state["fields"]["child_dob"] == "2026-11-12"


# ---- the card's reading: a yes mentioning a line, "ko sai" -----------------------------------


@pytest.mark.parametrize(
    "said",
    [
        "đúng rồi, tên vợ em đó",
        "dung roi ten vo em",
        "đúng hết, ngày sinh cũng đúng",
        "ok đúng hết, ko phải sửa",
        "dung roi ko sai",
        "chuẩn rồi không sai gì",
    ],
)
async def test_a_yes_that_mentions_a_line_or_says_nothing_is_wrong_confirms_the_reading(engine, said):
    chat = await to_card_reading(engine)
    reply = await chat.send(said)
    assert chat.step == "field" and "Họ và tên dự kiến của bé" in reply, reply
    assert next(iter(chat.ctx.confirmed.values())) == READ


async def test_no_then_a_line_said_wrong_still_asks_that_line(engine):
    chat = await to_card_reading(engine)
    reply = await chat.send("ko, sai ten")
    assert chat.step == "id_fix" and "Bạn nhập họ và tên đúng" in reply and not chat.ctx.confirmed, reply


class ExpiryContext(FakeContext):
    """The old card of a renewal, read by OCR with its expiry date."""

    async def check_photo(self, attachment, expect):
        fields = {**READ, "date_of_expiry": "2035-10-20"}
        document = {"type": "cccd_front", "fields": fields, "sources": {k: "ocr" for k in fields}}
        return {"quality": {"ok": True, "problems": []}, "document": document}


async def test_free_words_after_a_line_s_name_are_no_value_unless_told_so(engine):
    chat = Chat(engine, ExpiryContext())
    await chat.send("e muon doi the can cuoc")
    await chat.send("đồng ý")
    await chat.send(photo="card.jpg")
    assert chat.step == "id_confirm"
    reply = await chat.send("ok, hết hạn 2035 mà")
    assert chat.state["id_read"]["date_of_expiry"] == "2035-10-20" and "đã sửa" not in reply, reply


# ---- the lines said sure: those the OCR confirms ------------------------------------------------


class MrzContext(FakeContext):
    """A card's back whose MRZ check digits fail (ocr/merge.py: source "mrz", not confirmed), or
    hold."""

    async def check_photo(self, attachment, expect):
        if not (attachment.path or "").startswith("mrz"):
            return await super().check_photo(attachment, expect)
        sound = attachment.path.startswith("mrzok")
        fields = {"id_number": "001099012345", "full_name": "NGUYỄN THỊ HOA", "date_of_birth": "1990-10-20"}
        return {
            "quality": {"ok": True, "problems": []},
            "document": {
                "type": "cccd_front",
                "fields": fields,
                "sources": {"id_number": "mrz", "full_name": "ocr", "date_of_birth": "mrz"},
                "checks": {"confirmed": {"id_number": True, "date_of_birth": True} if sound else {}},
            },
        }


async def test_an_mrz_line_whose_check_digits_fail_is_not_said_sure(engine):
    chat = await to_photos(engine, MrzContext())
    await chat.send(photo="paper.jpg")
    reply = await chat.send(photo="mrzbad.jpg")
    assert chat.step == "id_confirm" and "chắc chắn" not in reply and not chat.state.get("id_sure"), reply
    chat = await to_photos(engine, MrzContext())
    await chat.send(photo="paper.jpg")
    reply = await chat.send(photo="mrzok.jpg")
    assert "số định danh cá nhân, ngày sinh mình đọc từ mã trên thẻ" in reply, reply


async def test_a_qr_reading_is_still_sure_without_the_checks(engine):
    chat = await to_photos(engine, OcrCardContext())
    await chat.send(photo="paper.jpg")
    reply = await chat.send(photo="allqr.jpg")
    assert "đọc từ mã trên thẻ nên khớp với thẻ" in reply, reply


# ---- a photo after a day: the dossier it goes into said -----------------------------------------


async def test_a_photo_after_a_day_says_which_dossier_it_goes_into(engine):
    chat = await to_photos(engine)
    await chat.send(photo="paper.jpg")
    chat.ctx.idle_seconds = 26 * 3600
    reply = await chat.send(photo="card.jpg")
    assert chat.step == "id_confirm" and "TRẦN THỊ MAI" in reply, reply
    assert reply.startswith("Chào mừng bạn quay lại! Mình nhận ảnh này cho hồ sơ"), reply
