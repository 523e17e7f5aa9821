"""The eleventh walk's fixes (branch walk24): the ID card's reading answered in words ("sai tên",
"k đúng", "tên là Nguyễn Thị Hoa mới đúng" — read as affirm — no longer confirms the misread
name); an earlier field corrected at a later one ("à nhầm, ngày sinh là 12/11 chứ không phải
13/11"); "1 tấm thôi à" at a photo step is a question, not a cancel; "vo dang lam the" is no
name; "hôm qua em làm dở" after a day goes on with the dossier, and so does the step's photo.
The engine alone with an in-memory Context; the NLU's readings scripted as the embedded
classifier gives them (`EmbeddedNLU.parse_sync` on the merged model)."""

from __future__ import annotations

import pytest
from dialogue_kit import Chat, FakeContext, ScriptedNLU

from flows.engine import Engine

SCRIPT = {
    "nha e moi sinh em be": ("start_procedure", 0.57),
    "đồng ý": ("affirm", 1.0),
    "đúng rồi": ("affirm", 1.0),
    "ok": ("affirm", 1.0),
    "dạ": ("affirm", 0.99),
    "dung r": ("affirm", 1.0),
    "đúng tên rồi": ("affirm", 0.99),
    "k đúng": ("deny", 1.0),
    "chua dung": ("deny", 0.99),
    "sai tên": ("deny", 0.99),
    "ten sai": ("deny", 1.0),
    "ko phai ten em": ("deny", 1.0),
    "sai ngay sinh": ("deny", 0.97),
    "tên là Nguyễn Thị Hoa mới đúng": ("affirm", 0.9),
    "sai ten, ten la nguyen thi hoa": ("out_of_scope", 0.32),
    "ngày sinh là 20/10/1991 mới đúng": ("affirm", 0.53),
    "Nguyễn Thị Hoa": ("out_of_scope", 0.66),
    "Nguyễn Gia Bảo": ("out_of_scope", 0.7),
    "nam": ("out_of_scope", 0.85),
    "13/11": ("out_of_scope", 1.0),
    "12/11": ("out_of_scope", 1.0),
    "Thôn Đông, xã Yên Phong, tỉnh Bắc Ninh": ("out_of_scope", 0.62),
    "à nhầm, ngày sinh là 12/11 chứ không phải 13/11": ("deny", 0.96),
    "a nham, ngay sinh la 12/11": ("out_of_scope", 0.41),
    "nham ngay sinh roi": ("deny", 0.72),
    "a nham ten be la Nguyen Gia Huy": ("cancel", 0.52),
    "1 tấm thôi à": ("cancel", 0.85),
    "1 tam thoi a": ("cancel", 0.84),
    "chup may tam": ("out_of_scope", 0.5),
    "thoi": ("cancel", 0.98),
    "vo dang lam the": ("complain", 0.38),
    "hôm qua em làm dở": ("complain", 0.39),
    "hom qua e lam do roi": ("check_status", 0.36),
    "e muon lam tiep": ("start_procedure", 0.98),
    "alo": ("greet", 1.0),
}

# A card read by OCR only (no QR, no MRZ): the name misread "HOE" for "HOA".
READ = {
    "id_number": "001099012345",
    "full_name": "NGUYỄN THỊ HOE",
    "date_of_birth": "1990-10-20",
    "place_of_residence": "Thôn Đông, xã Yên Phong, tỉnh Bắc Ninh",
}


class OcrCardContext(FakeContext):
    async def check_photo(self, attachment, expect):
        if (attachment.path or "").startswith("ocrcard"):
            return {
                "quality": {"ok": True, "problems": []},
                "document": {"type": "cccd_front", "fields": dict(READ), "sources": {k: "ocr" for k in READ}},
            }
        return await super().check_photo(attachment, expect)


@pytest.fixture(scope="module")
def engine() -> Engine:
    nlu = ScriptedNLU(SCRIPT)
    entity = [{"entity": "procedure", "value": "lien_thong_khai_sinh", "start": 0, "end": 20}]
    nlu.entities["nha e moi sinh em be"] = entity
    return Engine(nlu, agency_name="UBND phường Thử Nghiệm")


async def to_photos(engine: Engine, ctx: FakeContext | None = None) -> Chat:
    """A parent of a newborn, the package, consent given: at the birth certificate's photo."""
    chat = Chat(engine, ctx)
    await chat.send("nha e moi sinh em be")
    await chat.send("1")  # the package
    await chat.send("đồng ý")
    assert chat.step == "doc"
    return chat


async def to_card_reading(engine: Engine) -> Chat:
    """A parent of a newborn, the package, at the reading of an OCR-only card."""
    chat = await to_photos(engine, OcrCardContext())
    await chat.send(photo="paper.jpg")
    reply = await chat.send(photo="ocrcard.jpg")
    assert chat.step == "id_confirm" and "NGUYỄN THỊ HOE" in reply, reply
    return chat


# ---- 2. the ID card's reading answered in words --------------------------------------------


@pytest.mark.parametrize("said", ["đúng rồi", "ok", "dạ", "dung r", "đúng tên rồi"])
async def test_a_yes_in_words_still_confirms_the_reading(engine, said):
    chat = await to_card_reading(engine)
    reply = await chat.send(said)
    assert chat.step == "field" and "Họ và tên dự kiến của bé" in reply, reply
    assert next(iter(chat.ctx.confirmed.values()))["full_name"] == "NGUYỄN THỊ HOE"


async def test_the_right_name_told_with_mới_đúng_corrects_it_and_confirms_nothing(engine):
    chat = await to_card_reading(engine)
    reply = await chat.send("tên là Nguyễn Thị Hoa mới đúng")  # read as affirm 0.90
    assert chat.step == "id_confirm" and "NGUYỄN THỊ HOA" in reply and "HOE" not in reply, reply
    assert not chat.ctx.confirmed
    assert (
        "id_field_corrected",
        {"document": "cccd_nguoi_khai", "field": "full_name", "read": "NGUYỄN THỊ HOE"},
    ) in [(a, d) for a, d, _ in chat.ctx.audits]
    await chat.send("đúng rồi")
    assert next(iter(chat.ctx.confirmed.values()))["full_name"] == "NGUYỄN THỊ HOA"


async def test_wrong_name_then_the_name_told_after_a_comma(engine):
    chat = await to_card_reading(engine)
    reply = await chat.send("sai ten, ten la nguyen thi hoa")
    assert chat.step == "id_confirm" and "NGUYEN THI HOA" in reply, reply


async def test_a_date_of_birth_told_as_right_is_taken(engine):
    chat = await to_card_reading(engine)
    reply = await chat.send("ngày sinh là 20/10/1991 mới đúng")
    assert chat.step == "id_confirm" and "20/10/1991" in reply and not chat.ctx.confirmed, reply


@pytest.mark.parametrize(
    "said,line",
    [
        ("sai tên", "họ và tên"),
        ("ten sai", "họ và tên"),
        ("ko phai ten em", "họ và tên"),
        ("sai ngay sinh", "ngày sinh"),
    ],
)
async def test_a_line_said_wrong_is_asked_at_once(engine, said, line):
    chat = await to_card_reading(engine)
    reply = await chat.send(said)
    assert chat.step == "id_fix" and f"Bạn nhập {line} đúng" in reply, reply
    if line == "họ và tên":
        reply = await chat.send("Nguyễn Thị Hoa")
        assert chat.step == "id_confirm" and "NGUYỄN THỊ HOA" in reply, reply


@pytest.mark.parametrize("said", ["k đúng", "chua dung"])
async def test_not_right_with_no_line_named_asks_which_line(engine, said):
    chat = await to_card_reading(engine)
    reply = await chat.send(said)
    assert chat.step == "id_confirm" and "dòng nào chưa đúng" in reply, reply
    assert "3. Sửa họ và tên" in reply, reply  # the lines to choose from, numbered as before
    assert not chat.ctx.confirmed


# ---- 1. an earlier field corrected at a later one -------------------------------------------


async def to_address(engine: Engine) -> Chat:
    chat = await to_card_reading(engine)
    await chat.send("đúng rồi")
    await chat.send("Nguyễn Gia Bảo")
    await chat.send("nam")
    reply = await chat.send("13/11")
    assert "địa chỉ nào" in reply, reply
    return chat


@pytest.mark.parametrize(
    "said", ["à nhầm, ngày sinh là 12/11 chứ không phải 13/11", "a nham, ngay sinh la 12/11"]
)
async def test_a_date_corrected_at_the_address_is_kept_and_the_address_asked_again(engine, said):
    chat = await to_address(engine)
    reply = await chat.send(said)
    assert "đã sửa ngày sinh của bé thành: 12/11/2026" in reply and "địa chỉ nào" in reply, reply
    assert chat.state["fields"]["child_dob"] == "2026-11-12"
    assert "residence_address" not in chat.state["fields"]  # the correction is no address
    await chat.send("Thôn Đông, xã Yên Phong, tỉnh Bắc Ninh")
    assert chat.state["fields"]["residence_address"] == "Thôn Đông, xã Yên Phong, tỉnh Bắc Ninh"


async def test_a_field_said_wrong_without_its_value_is_asked_then_the_form_goes_on(engine):
    chat = await to_address(engine)
    reply = await chat.send("nham ngay sinh roi")
    assert "Bé sinh ngày nào" in reply and "residence_address" not in chat.state["fields"], reply
    reply = await chat.send("12/11")
    assert chat.state["fields"]["child_dob"] == "2026-11-12" and "địa chỉ nào" in reply, reply


async def test_the_name_corrected_at_a_later_field(engine):
    chat = await to_address(engine)
    reply = await chat.send("a nham ten be la Nguyen Gia Huy")  # read as cancel 0.52
    assert chat.step == "field" and "NGUYEN GIA HUY" in reply, reply
    assert chat.state["fields"]["child_name"] == "NGUYEN GIA HUY"


# ---- 1. "1 tấm thôi à" at a photo step, "vo dang lam the" ------------------------------------


@pytest.mark.parametrize("said", ["1 tấm thôi à", "1 tam thoi a", "chup may tam"])
async def test_how_many_photos_at_a_photo_step_is_answered_not_a_cancel(engine, said):
    chat = await to_photos(engine)
    reply = await chat.send(said)
    assert chat.step == "doc" and "chỉ cần chụp 1 tấm" in reply and "hủy" not in reply, reply
    await chat.send(photo="paper.jpg")
    reply = await chat.send(said)
    assert chat.step == "doc" and "mặt trước của thẻ" in reply, reply


async def test_thoi_alone_at_a_photo_step_still_asks_to_cancel(engine):
    chat = await to_photos(engine)
    await chat.send("thoi")
    assert chat.step == "confirm_cancel"


async def test_vo_dang_lam_the_is_no_name(engine):
    chat = await to_photos(engine)
    await chat.send(photo="paper.jpg")
    reply = await chat.send("vo dang lam the")
    assert "VO DANG LAM THE" not in reply and not chat.state.get("offered"), reply


# ---- 5. back the next day --------------------------------------------------------------------


async def left_a_day(engine: Engine) -> Chat:
    chat = await to_photos(engine)
    await chat.send(photo="paper.jpg")
    chat.ctx.idle_seconds = 26 * 3600
    return chat


@pytest.mark.parametrize("said", ["hôm qua em làm dở", "hom qua e lam do roi", "e muon lam tiep"])
async def test_back_the_next_day_saying_so_goes_on(engine, said):
    chat = await left_a_day(engine)
    reply = await chat.send(said)
    assert chat.step == "doc" and "Bước 2/2" in reply and "làm lại từ đầu" not in reply, reply


async def test_back_the_next_day_with_the_photo_takes_it(engine):
    chat = await left_a_day(engine)
    reply = await chat.send(photo="card.jpg")
    assert chat.step == "id_confirm" and "TRẦN THỊ MAI" in reply, reply


async def test_back_the_next_day_with_a_hello_is_still_asked_then_hom_qua_lam_do_goes_on(engine):
    chat = await left_a_day(engine)
    reply = await chat.send("alo")
    assert chat.step == "resume" and "làm lại từ đầu" in reply, reply
    chat.ctx.idle_seconds = 10
    reply = await chat.send("hôm qua em làm dở")
    assert chat.step == "doc" and "Bước 2/2" in reply, reply
