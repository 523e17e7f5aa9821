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
    "dia chi sai": ("deny", 0.88),
    "Số 5 ngõ 10 phố Huế, phường Bạch Mai, thành phố Hà Nội": ("out_of_scope", 0.82),
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
    "ten e la Nguyen Thi Hoa": ("out_of_scope", 0.38),
    "ten cua e la nguyen thi hoa chu ko phai hoe": ("deny", 0.49),
    "sai ngay sinh, 20/10/1991": ("deny", 0.78),
    "ba noi e mat hom qua r": ("complain", 0.65),
    "ngay sinh dung, ten sai": ("deny", 0.91),
    "tên chị là Nguyễn Thị Hoà": ("out_of_scope", 0.46),
    "la sao": ("help", 1.0),
    "dang ky tam tru": ("start_procedure", 0.96),
    "xong": ("ask_processing_time", 0.62),
    "sai dia chi roi, dia chi la So 7 ngo 10 pho Hue, phuong Bach Mai, Ha Noi": ("ask_location_hours", 0.4),
    "e ko hieu": ("help", 0.98),
    "ko biet": ("help", 0.98),
    "Lê Thị Lan": ("complain", 0.59),
    "ko nho": ("lack_document", 0.69),
    "5/12": ("out_of_scope", 1.0),
    "a nham, ba mat ngay 6/12 chu ko phai 5/12": ("deny", 0.86),
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
        path = attachment.path or ""
        if path.startswith(("ocrcard", "qrcard", "allqr")):
            ocr = {"ocrcard": set(READ), "qrcard.": {"place_of_residence"}}.get(path[:7], set())
            sources = {k: "ocr" if k in ocr else "qr" for k in READ}
            fields = dict(READ) if path.startswith("ocrcard") else {**READ, "full_name": "NGUYỄN THỊ HOA"}
            return {
                "quality": {"ok": True, "problems": []},
                "document": {"type": "cccd_front", "fields": fields, "sources": sources},
            }
        return await super().check_photo(attachment, expect)


@pytest.fixture(scope="module")
def engine() -> Engine:
    nlu = ScriptedNLU(SCRIPT)
    entity = [{"entity": "procedure", "value": "lien_thong_khai_sinh", "start": 0, "end": 20}]
    nlu.entities["nha e moi sinh em be"] = entity
    nlu.entities["dang ky tam tru"] = [{"entity": "procedure", "value": "tam_tru", "start": 0, "end": 15}]
    death = [{"entity": "procedure", "value": "lien_thong_khai_tu", "start": 0, "end": 41}]
    nlu.entities["a nham, ba mat ngay 6/12 chu ko phai 5/12"] = death
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
    assert reply.startswith("Dạ, mình đã sửa họ và tên theo lời bạn"), reply
    assert not chat.ctx.confirmed
    assert (
        "id_field_corrected",
        {"document": "cccd_nguoi_khai", "field": "full_name", "read": "NGUYỄN THỊ HOE"},
    ) in [(a, d) for a, d, _ in chat.ctx.audits]
    await chat.send("đúng rồi")
    assert next(iter(chat.ctx.confirmed.values()))["full_name"] == "NGUYỄN THỊ HOA"


@pytest.mark.parametrize(
    "said,shown",
    [
        ("sai ten, ten la nguyen thi hoa", "Họ và tên: NGUYEN THI HOA"),
        ("ngày sinh là 20/10/1991 mới đúng", "Ngày sinh: 20/10/1991"),  # read as affirm 0.53
        ("ten e la Nguyen Thi Hoa", "Họ và tên: NGUYEN THI HOA"),
        ("tên chị là Nguyễn Thị Hoà", "Họ và tên: NGUYỄN THỊ HOÀ"),
        ("ten cua e la nguyen thi hoa chu ko phai hoe", "Họ và tên: NGUYEN THI HOA"),
        ("sai ngay sinh, 20/10/1991", "Ngày sinh: 20/10/1991"),
    ],
)
async def test_a_line_told_in_chat_words_is_corrected(engine, said, shown):
    chat = await to_card_reading(engine)
    reply = await chat.send(said)
    assert chat.step == "id_confirm" and shown in reply and not chat.ctx.confirmed, reply


@pytest.mark.parametrize(
    "said", ["sai tên", "ten sai", "ko phai ten em", "sai ngay sinh", "ngay sinh dung, ten sai"]
)
async def test_a_line_said_wrong_is_asked_at_once(engine, said):
    chat = await to_card_reading(engine)
    reply = await chat.send(said)
    line = "ngày sinh" if said == "sai ngay sinh" else "họ và tên"
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


async def test_the_lines_read_by_the_qr_are_said_sure_and_the_ocr_line_is_the_one_to_check(engine):
    chat = await to_photos(engine, OcrCardContext())
    await chat.send(photo="paper.jpg")
    reply = await chat.send(photo="qrcard.jpg")
    assert "số định danh cá nhân, họ và tên, ngày sinh mình đọc từ mã trên thẻ" in reply, reply
    assert "so lại với thẻ dòng nơi thường trú" in reply, reply
    await chat.send("dia chi sai")  # deny 0.88: that line asked
    reply = await chat.send("Số 5 ngõ 10 phố Huế, phường Bạch Mai, thành phố Hà Nội")
    assert chat.step == "id_confirm" and "phố Huế" in reply, reply
    await chat.send("ok")
    assert next(iter(chat.ctx.confirmed.values()))["place_of_residence"].startswith("Số 5 ngõ 10")


async def test_a_card_read_all_by_the_qr_asks_only_whose_card_it_is(engine):
    chat = await to_photos(engine, OcrCardContext())
    await chat.send(photo="paper.jpg")
    reply = await chat.send(photo="allqr.jpg")
    assert "đọc từ mã trên thẻ nên khớp với thẻ" in reply and "so lại" not in reply, reply


async def test_a_card_read_by_ocr_only_says_nothing_is_sure(engine):
    chat = await to_card_reading(engine)
    assert not chat.state.get("id_sure")
    reply = await chat.send("k đúng")
    assert "chắc chắn" not in reply, reply


@pytest.mark.parametrize("said", ["la sao", "e ko hieu", "ko biet"])
async def test_not_understanding_the_reading_is_told_what_to_answer(engine, said):
    chat = await to_card_reading(engine)
    reply = await chat.send(said)
    assert chat.step == "id_confirm" and "so từng dòng bên dưới với thẻ" in reply, reply
    assert "Họ và tên: NGUYỄN THỊ HOE" in reply and not chat.ctx.confirmed, reply


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
    assert "chưa có dấu" in reply and "name_without_marks" in [a for a, _, _ in chat.ctx.audits], reply


async def to_relation(engine: Engine) -> Chat:
    """A grandmother's death, the package, up to the relation (the deceased's name given, her ID
    number left for the officer, the date of death told)."""
    chat = Chat(engine)
    await chat.send("ba noi e mat hom qua r")
    await chat.send("1")  # the package
    await chat.send("đồng ý")
    await chat.send(photo="paper.jpg")
    await chat.send(photo="card.jpg")
    await chat.send("1")  # the card's reading is right
    await chat.send("Lê Thị Lan")
    await chat.send("ko nho")  # the ID number left for the officer; the date said is offered
    reply = await chat.send("5/12")
    assert "quan hệ với người mất" in reply, reply
    return chat


async def test_the_date_of_death_corrected_at_the_relation(engine):
    chat = await to_relation(engine)
    reply = await chat.send("a nham, ba mat ngay 6/12 chu ko phai 5/12")
    assert "đã sửa ngày mất thành: 06/12/2025" in reply and "quan hệ với người mất" in reply, reply
    assert chat.state["fields"]["date_of_death"] == "2025-12-06" and "relation" not in chat.state["fields"]


async def test_an_address_corrected_at_a_later_field_keeps_its_commas(engine):
    chat = Chat(engine)
    for said in ["dang ky tam tru", "đồng ý"]:
        await chat.send(said)
    await chat.send(photo="card.jpg")
    await chat.send("1")  # the card's reading is right
    await chat.send(photo="paper.jpg")  # the CT01 form
    await chat.send(photo="paper.jpg")  # the housing proof, one page
    await chat.send("xong")
    await chat.send("Số 5 ngõ 10 phố Huế, phường Bạch Mai, thành phố Hà Nội")
    reply = await chat.send("sai dia chi roi, dia chi la So 7 ngo 10 pho Hue, phuong Bach Mai, Ha Noi")
    assert chat.state["fields"]["new_address"] == "So 7 ngo 10 pho Hue, phuong Bach Mai, Ha Noi", reply
    assert "Địa chỉ này chưa có dấu" in reply and "đến ngày nào" in reply, reply


# ---- 1. "1 tấm thôi à" at a photo step, "vo dang lam the" ------------------------------------


@pytest.mark.parametrize("said", ["1 tấm thôi à", "1 tam thoi a", "chup may tam"])
async def test_how_many_photos_at_a_photo_step_is_answered_not_a_cancel(engine, said):
    chat = await to_photos(engine)
    reply = await chat.send(said)
    assert chat.step == "doc" and "chỉ cần chụp 1 tấm" in reply and "hủy" not in reply, reply
    await chat.send(photo="paper.jpg")
    reply = await chat.send(said)
    assert chat.step == "doc" and "mặt trước của thẻ" in reply, reply


async def test_how_many_photos_before_the_photos_chooses_nothing(engine):
    chat = Chat(engine)
    await chat.send("nha e moi sinh em be")
    await chat.send("1")
    reply = await chat.send("1 tam thoi a")  # at the consent: "1" is no "Đồng ý"
    assert chat.step == "consent" and "đến bước chụp từng giấy" in reply, reply
    chat = await to_card_reading(engine)
    reply = await chat.send("1 tấm thôi à")  # at the reading: "1" is no "Đúng hết"
    assert chat.step == "id_confirm" and not chat.ctx.confirmed, reply


async def test_a_third_photo_with_no_card_is_kept_and_said_to_be_no_card(engine):
    chat = await to_photos(engine)
    await chat.send(photo="paper.jpg")
    for _ in range(2):
        reply = await chat.send(photo="paper.jpg")  # a paper at the card's step
        assert "không phải thẻ căn cước" in reply, reply
    reply = await chat.send(photo="paper.jpg")
    assert "chưa nhận ra thẻ căn cước trong ảnh này" in reply and "chưa thật rõ" not in reply, reply


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


async def test_hom_qua_lam_do_with_nothing_begun_says_so_and_shows_the_menu(engine):
    chat = Chat(engine)
    reply = await chat.send("hôm qua em làm dở")  # a new conversation (another phone)
    assert "không thấy hồ sơ nào bạn đang làm dở" in reply and "\n1. Có em bé" in reply, reply
    chat.state["last_code"] = "DEMO-261123-0001"  # one filed before
    reply = await chat.send("hom qua e lam do roi")
    assert chat.step == "menu" and "mã DEMO-261123-0001" in reply, reply


async def test_hom_qua_lam_do_after_a_cancel_the_next_day(engine):
    chat = await to_photos(engine)
    await chat.send("thoi")
    await chat.send("1")  # cancel it; the survey follows
    chat.ctx.idle_seconds = 26 * 3600
    reply = await chat.send("hom qua e lam do roi")
    assert chat.step == "menu" and "không thấy hồ sơ nào bạn đang làm dở" in reply, reply
