"""The third citizen walkthrough's failures (2026-12-07), the engine alone with an in-memory
Context: a field the officer can complete is left when the citizen does not remember it; a
question about a paper gets that paper's description from the catalog; a refused consent is
remembered; an accepted alternative paper is named as what it is; a card given earlier is offered
for the person whose card the step asks for, or the citizen picks."""

from __future__ import annotations

import pytest
from dialogue_kit import Chat, ScriptedNLU

from flows.engine import Engine
from flows.validators import plain

SCRIPT = {"không đồng ý": ("deny", 0.95), "thôi đồng ý": ("affirm", 0.9)}


@pytest.fixture(scope="module")
def engine() -> Engine:
    nlu = ScriptedNLU(SCRIPT)
    said = "à thôi, làm tạm trú"
    nlu.entities[plain(said)] = [{"entity": "procedure", "value": "tam_tru", "start": 11, "end": 18}]
    return Engine(nlu, agency_name="UBND phường Thử Nghiệm")


async def death_to_fields(chat: Chat) -> str:
    assert "khai tử" in await chat.send("khai tử")
    assert "Bạn đồng ý không?" in await chat.send("2")  # the death registration alone
    assert "Tôi là người thân" in await chat.send("đồng ý")
    assert "Bước 1/2" in await chat.send("2")
    assert "Bước 2/2" in await chat.send(photo="paper.jpg")
    assert "Mình đọc được trên thẻ" in await chat.send(photo="card.jpg")
    assert "Người mất tên đầy đủ" in await chat.send("1")
    return await chat.send("Lê Văn Cường")


@pytest.mark.parametrize("said", ["không nhớ số căn cước", "ko nho", "em quên rồi", "để trống"])
async def test_a_forgotten_id_number_is_left_for_the_officer_and_the_dossier_says_so(engine, said):
    chat = Chat(engine)
    asked = await death_to_fields(chat)
    assert "số căn cước (12 số) của người mất" in asked and "Nếu không nhớ" in asked  # said up front
    left = await chat.send(said)
    assert "Không sao ạ" in left and "cán bộ sẽ tra cứu và bổ sung" in left
    assert "qua đời ngày nào" in left  # the next question: no loop on the same one
    for answer in ("02/11/2026", "Con"):
        await chat.send(answer)
    summary = await chat.send("0912345678")
    assert "Số căn cước (số định danh) của người mất: (để trống — cán bộ tra cứu, bổ sung)" in summary
    await chat.send("1")
    dossier = next(iter(chat.ctx.dossiers.values()))
    assert dossier["status"] == "submitted" and dossier["fields"]["deceased_id"].startswith("(để trống")
    assert (
        "field_left_for_officer",
        {"field": "deceased_id", "label": "Số căn cước (số định danh) của người mất"},
    ) in [(a, data) for a, data, _ in chat.ctx.audits]


async def test_the_leave_button_and_a_field_the_citizen_must_give(engine):
    chat = Chat(engine)
    await death_to_fields(chat)
    assert "qua đời ngày nào" in await chat.send(payload="leave")
    needed = await chat.send("không nhớ")  # the date of death: not one the officer fills
    assert "hồ sơ cần bạn cho biết" in needed and "gặp cán bộ" in needed
    assert "Bạn là gì của người mất" in await chat.send("02/11/2026")
    assert "khong nho" not in str(chat.state.get("fields"))


async def test_a_valid_answer_with_unknown_words_is_kept(engine):
    chat = Chat(engine)
    await death_to_fields(chat)
    assert "qua đời ngày nào" in await chat.send("001045012345")
    assert chat.state["fields"]["deceased_id"] == "001045012345"


@pytest.mark.parametrize(
    "asked,expect",
    [
        ("giấy báo tử là gì", "bệnh viện cấp"),
        ("gbt lay o dau", "UBND xã, phường nơi người đó mất"),
        ("giấy này là giấy gì", "Giấy báo tử là giấy xác nhận"),  # the paper the step asks for
        ("tờ khai lấy ở đâu", "Bạn không cần tự điền tờ khai"),  # no such photo here: the catalog's answer
    ],
)
async def test_a_question_about_a_paper_gets_its_description_and_the_step_goes_on(engine, asked, expect):
    chat = Chat(engine)
    assert "khai tử" in await chat.send("khai tử")
    await chat.send("2")
    await chat.send("đồng ý")
    assert "Bước 1/2" in await chat.send("2")
    reply = await chat.send(asked)
    assert expect in reply and "Bước 1/2: Bạn chụp cả tờ Giấy báo tử" in reply
    assert chat.step == "doc"
    assert "Bước 2/2" in await chat.send(photo="paper.jpg")


async def test_a_birth_certificate_asked_in_teencode_and_a_form_where_it_is_a_photo(engine):
    chat = Chat(engine)
    for said in ("khai sinh", "2", "đồng ý"):
        await chat.send(said)
    assert "Bước 1/2" in await chat.send("2")
    gks = await chat.send("gks la giay gi")
    assert "Giấy chứng sinh là giấy bệnh viện" in gks and "Bước 1/2" in gks
    other = Chat(engine)
    await other.send("đăng ký kết hôn")
    await other.send("đồng ý")
    form = await other.send("tờ khai lấy ở đâu")  # the marriage form is a paper of this procedure
    assert "Tờ khai đăng ký kết hôn là mẫu in sẵn" in form and "Bước 1/3" in form


async def test_a_refused_consent_is_remembered_and_resumed_only_with_a_new_yes(engine):
    chat = Chat(engine)
    await chat.send("đăng ký kết hôn")
    refused = await chat.send("không đồng ý")
    assert "nộp trực tiếp" in refused and "Làm tiếp đăng ký kết hôn" in refused
    assert chat.ctx.dossiers == {}  # nothing filed
    back = await chat.send("thôi đồng ý")
    assert "làm tiếp hồ sơ đăng ký kết hôn" in back and "Bạn đồng ý không?" in back
    assert chat.ctx.dossiers == {} and chat.step == "consent"  # still asked, never assumed
    assert "Bước 1/3" in await chat.send("1")
    assert [a for a, _d, _i in chat.ctx.audits] == ["consent_refused", "consent_given"]


async def test_a_refused_consent_offers_the_button_and_the_menu_still_works(engine):
    chat = Chat(engine)
    await chat.send("đăng ký kết hôn")
    await chat.send("2")
    assert "Bạn đồng ý không?" in await chat.send(payload="reconsent")
    other = Chat(engine)
    await other.send("đăng ký kết hôn")
    await other.send("2")
    assert "Có em bé" in await other.send("2")  # "Xem việc khác": the menu
    assert "trọn gói" in await other.send("1")  # and its numbers are the menu's again


async def test_an_accepted_alternative_paper_is_named_as_what_it_is(engine):
    chat = Chat(engine)
    await chat.send("khai tử")
    await chat.send("2")
    await chat.send("đồng ý")
    await chat.send("2")
    assert "Giấy tờ thay Giấy báo tử" in await chat.send("không có giấy báo tử")
    got = await chat.send(photo="paper.jpg")
    assert "Đã nhận ảnh Giấy tờ thay Giấy báo tử" in got and "Đã nhận ảnh Giấy báo tử" not in got
    await chat.send(photo="card.jpg")
    await chat.send("1")
    for answer in ("Lê Văn Cường", "001045012345", "02/11/2026", "Con"):
        await chat.send(answer)
    summary = await chat.send("0912345678")
    assert "Giấy tờ đã gửi: Giấy tờ thay Giấy báo tử;" in summary
    final = await chat.send("1")
    assert "Giấy tờ đã nhận: Giấy tờ thay Giấy báo tử;" in final
    assert any("Giấy tờ thay Giấy báo tử" in line for line in next(iter(chat.ctx.receipt_lines.values())))


async def married_then_switch(engine) -> Chat:
    chat = Chat(engine)
    await chat.send("đăng ký kết hôn")
    assert "Bước 1/3" in await chat.send("đồng ý")
    assert "Mình đọc được trên thẻ" in await chat.send(photo="groom.jpg")
    assert "Bước 2/3" in await chat.send("1")
    assert "Mình đọc được trên thẻ" in await chat.send(photo="card.jpg")  # the bride's
    assert "Bước 3/3" in await chat.send("1")
    assert "chuyển sang" in await chat.send("à thôi, làm tạm trú")
    assert "Bạn đồng ý không?" in await chat.send("1")
    return chat


async def test_after_a_switch_two_cards_given_are_listed_not_the_first_one_silently(engine):
    chat = await married_then_switch(engine)
    asked = await chat.send("đồng ý")
    assert "Thẻ nào đúng là thẻ cần cho bước này" in asked
    assert "LÊ VĂN HÙNG" in asked and "TRẦN THỊ MAI" in asked and "Chụp ảnh mới" in asked
    assert "(đã gửi làm: Thẻ căn cước của bên nữ)" in asked
    bride = next(line.split(".")[0] for line in asked.splitlines() if "TRẦN THỊ MAI" in line)
    assert "Bước 2/3" in await chat.send(bride)
    assert chat.state["id_cards"]["cccd"]["full_name"] == "TRẦN THỊ MAI"


async def test_a_card_for_the_same_role_is_offered_and_never_twice_in_one_dossier(engine):
    chat = Chat(engine)
    chat.ctx.previous_card = {"id_number": "001088054321", "full_name": "LÊ VĂN HÙNG", "path": "groom.jpg"}
    await chat.send("đăng ký kết hôn")
    offered = await chat.send("đồng ý")
    assert "Dùng lại thẻ này" in offered and "LÊ VĂN HÙNG" in offered
    bride = await chat.send("1")  # used for the groom: not offered again for the bride
    assert "Bước 2/3" in bride and "Dùng lại thẻ này" not in bride


async def test_a_photo_of_the_card_gives_the_forgotten_number_to_confirm(engine):
    chat = Chat(engine)
    asked = await death_to_fields(chat)
    assert "gửi ảnh thẻ căn cước (nếu có)" in asked
    offered = await chat.send(photo="groom.jpg")
    assert "Trên ảnh thẻ căn cước bạn gửi mình đọc được" in offered and "001088054321" in offered
    assert "qua đời ngày nào" in await chat.send("đúng")
    assert chat.state["fields"]["deceased_id"] == "001088054321"
    other = Chat(engine)
    await death_to_fields(other)
    unread = await other.send(photo="paper.jpg")  # no number on it
    assert "chưa đọc được" in unread and "Để trống" in unread and other.step == "field"


@pytest.mark.parametrize("asked", ["cần giấy gì nữa", "con giay gi nua khong"])
async def test_asking_for_the_list_of_papers_is_not_taken_for_the_paper_at_hand(engine, asked):
    chat = Chat(engine)
    for said in ("khai tử", "2", "đồng ý"):
        await chat.send(said)
    assert "Bước 1/2" in await chat.send("2")
    assert "Giấy báo tử là giấy xác nhận" not in await chat.send(asked)


async def test_after_a_refused_consent_a_question_is_about_the_procedure_talked_about(engine):
    chat = Chat(engine)
    engine.nlu.script["bao lau thi co ket qua"] = ("ask_processing_time", 0.9)
    await chat.send("đăng ký kết hôn")
    await chat.send("không đồng ý")
    reply = await chat.send("bao lâu thì có kết quả")
    assert "Thời gian giải quyết đăng ký kết hôn" in reply and "Bạn hỏi về thủ tục nào" not in reply
