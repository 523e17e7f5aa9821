"""The known leftovers of the third walkthrough (2026-12-07), fixed in the fourth: a photo sent
while a yes/no question is asked is kept for the photo step; "xong" with no paper's pages pending
is no status check; an address typed without marks is noted for the citizen and the officer; "làm
cái nào nhanh nhất" at an offer of two ways compares their processing times; the relation the
citizen says at a question ("tôi là con") is offered at the field asking it. The engine alone with
an in-memory Context; the NLU readings are scripted as the embedded classifier gives them."""

from __future__ import annotations

import pytest
from dialogue_kit import Chat, ScriptedNLU

from flows import whom
from flows.engine import Engine
from flows.validators import plain

SCRIPT = {
    "xong": ("ask_processing_time", 0.6),  # the embedded classifier's reading (it varies: check_status)
    "xong roi": ("check_status", 0.4),
    "bao lau thi xong": ("ask_processing_time", 1.0),
    "lam tam tru": ("start_procedure", 0.98),
    "lam khai sinh het bao nhieu tien": ("ask_fee", 1.0),
    "dong y": ("affirm", 1.0),
}


@pytest.fixture(scope="module")
def engine() -> Engine:
    nlu = ScriptedNLU(SCRIPT)
    for said, key, start, end in [
        ("lam tam tru", "tam_tru", 4, 11),
        ("làm khai sinh hết bao nhiêu tiền", "khai_sinh", 4, 13),
    ]:
        nlu.entities[plain(said)] = [{"entity": "procedure", "value": key, "start": start, "end": end}]
    return Engine(nlu, agency_name="UBND phường Thử Nghiệm")


async def birth_question(chat: Chat) -> str:
    await chat.send("tôi muốn làm giấy khai sinh")
    assert "Bạn đồng ý không?" in await chat.send("2")  # the birth registration alone
    return await chat.send("đồng ý")


async def test_a_photo_at_a_yes_no_question_is_kept_and_used_at_the_photo_step(engine):
    chat = Chat(engine)
    assert "Khai thay bố mẹ" in await birth_question(chat)
    held = await chat.send(photo="paper.jpg")
    assert "giữ lại" in held and "không phải gửi lại" in held and "Khai thay bố mẹ" in held
    assert chat.step == "question" and not chat.ctx.documents  # nothing filed before the answer
    after = await chat.send("2")  # a parent files it
    assert "Mình dùng ảnh bạn gửi lúc nãy" in after and "Đã nhận ảnh Giấy chứng sinh của bé" in after
    assert "Bước 2/2" in after and chat.step == "doc"
    assert [key for _id, key, _q in chat.ctx.documents] == ["giay_chung_sinh"]
    assert "held" not in chat.state


async def test_a_second_photo_at_the_questions_is_said_not_kept(engine):
    chat = Chat(engine)
    await chat.send("tôi mới chuyển nhà")
    await chat.send("1")  # thường trú: two yes/no questions before the photos
    await chat.send("đồng ý")
    assert "giữ lại" in await chat.send(photo="card.jpg")
    await chat.send("1")
    second = await chat.send(photo="paper.jpg")
    assert "ảnh này mình chưa giữ được" in second and "gửi lại" in second
    assert chat.state["held"]["path"] == "card.jpg"  # the first one stays


@pytest.mark.parametrize("said", ["xong", "xong rồi", "em xong rồi ạ"])
async def test_xong_with_no_pages_pending_is_no_status_check(engine, said):
    idle = Chat(engine)
    await idle.send("chào")
    reply = await idle.send(said)
    assert "hồ sơ nào" not in reply and "thủ tục nào" not in reply and "Dạ vâng" in reply
    chat = Chat(engine)
    await chat.send("lam tam tru")
    await chat.send("1")
    assert chat.step == "doc"
    at_photo = await chat.send(said)
    assert "chưa thấy ảnh nào đến" in at_photo and chat.step == "doc"


async def test_an_address_without_marks_is_noted_and_audited(engine):
    chat = Chat(engine)
    await chat.send("lam tam tru")
    await chat.send("1")
    for photo in ("card.jpg",):
        await chat.send(photo=photo)
    await chat.send("1")  # the card read is right
    await chat.send(photo="paper.jpg")  # CT01
    await chat.send("xong")
    await chat.send(photo="paper.jpg")  # the lease
    assert "địa chỉ" in (await chat.send("xong")).lower()
    noted = await chat.send("so 12 ngo 5 pho hue, phuong hai ba trung, ha noi")
    assert "chưa có dấu" in noted and "cán bộ sẽ đối chiếu" in noted
    assert "address_without_marks" in [a for a, _d, _i in chat.ctx.audits]
    marked = Chat(engine, chat.ctx)
    marked.state = {**chat.state}
    marked.state["fields"] = {}
    marked.state["field"] = 0
    assert "chưa có dấu" not in await marked.send("Số 12 ngõ 5 phố Huế, phường Hai Bà Trưng, Hà Nội")


@pytest.mark.parametrize("said", ["làm cái nào nhanh nhất", "cai nao nhanh hon", "bao lâu thì xong"])
async def test_which_is_fastest_at_an_offer_compares_the_processing_times(engine, said):
    chat = Chat(engine)
    await chat.send("tôi mới chuyển nhà")
    reply = await chat.send(said)
    assert "Đăng ký thường trú: 7 ngày làm việc" in reply and "Đăng ký tạm trú: 3 ngày làm việc" in reply
    assert "Nhanh nhất" not in reply and "không thay cho nhau được" in reply  # chosen by the need
    assert "ạ. Bạn muốn làm cách nào ạ" not in reply and chat.step == "offer_bundle"
    assert "Bạn đồng ý không?" in await chat.send("2")  # and the choice goes on


async def test_the_times_of_a_package_say_what_it_does_more(engine):
    chat = Chat(engine)
    assert "trọn gói" in await chat.send("nhà em có người mới mất")
    reply = await chat.send("làm cái nào nhanh nhất")
    assert "2. Khai tử: 1 ngày làm việc" in reply and "phí: 3 ngày làm việc" in reply
    assert "Cách 1 làm cùng lúc cả khai tử, xóa thường trú và mai táng phí" in reply
    assert "cách 2 chỉ đăng ký khai tử" in reply and "Nhanh nhất" not in reply


async def photos_to_relation(chat: Chat) -> str:
    """From a death registration's first photo step to the relation field: its question."""
    await chat.send(photo="paper.jpg")
    await chat.send(photo="card.jpg")
    await chat.send("1")
    await chat.send("Lê Văn Cường")
    await chat.send("không nhớ")
    return await chat.send("02/11/2026")


async def test_the_relation_said_at_the_question_is_offered_at_the_relation_field(engine):
    chat = Chat(engine)
    await chat.send("khai tử")
    await chat.send("2")
    await chat.send("đồng ý")
    assert "Bước 1/2" in await chat.send("tôi là con")
    offered = await photos_to_relation(chat)
    assert "bạn có nói bạn là con" in offered.lower() and "quan hệ với người mất: Con" in offered
    await chat.send("đúng")
    assert chat.state["fields"]["relation"] == "Con"


async def test_a_relative_named_after_the_consent_is_offered_at_the_relation_field(engine):
    chat = Chat(engine)
    await chat.send("khai tử")
    await chat.send("2")
    await chat.send("đồng ý")
    await chat.send("2")
    await chat.send("giấy báo tử của mẹ tôi đây")  # "mẹ tôi": said once the dossier has begun
    offered = await photos_to_relation(chat)
    assert "làm cho mẹ" in offered and "quan hệ với người mất: Con" in offered


async def test_another_procedure_named_after_a_fee_answer_is_not_the_one_answered(engine):
    chat = Chat(engine)
    assert "Lệ phí khai sinh" in await chat.send("làm khai sinh hết bao nhiêu tiền")
    reply = await chat.send("lam tam tru")
    assert "đăng ký tạm trú" in reply and "hồ sơ khai sinh" not in reply


async def test_the_citizens_own_relation_said_at_a_photo_step_is_offered_later(engine):
    chat = Chat(engine)
    assert "trọn gói" in await chat.send("nhà em có người mới mất")  # no relative named
    await chat.send("1")  # the bundle: no question about who files it
    await chat.send("đồng ý")
    noted = await chat.send("em là cháu")
    assert "ghi nhớ bạn là cháu" in noted and "Bước 1/2" in noted and chat.step == "doc"
    offered = await photos_to_relation(chat)
    assert "bạn có nói bạn là cháu" in offered.lower() and "quan hệ với người mất: Cháu" in offered


async def test_asking_for_someone_on_duty_at_a_field_reaches_an_officer():
    nlu = ScriptedNLU({"co ai truc khong": ("request_human", 0.86), "dong y": ("affirm", 1.0)})
    chat = Chat(Engine(nlu, agency_name="UBND phường Thử Nghiệm"))
    await chat.send("chứng thực bản sao")
    await chat.send("đồng ý")
    await chat.send(photo="paper.jpg")
    assert chat.step == "field"
    assert "chuyển tin nhắn của bạn tới cán bộ" in await chat.send("có ai trực không")
    assert chat.step == "human"


@pytest.mark.parametrize(
    "said,procedure",
    [
        ("e ở trọ, cần đk tạm trú", "đăng ký tạm trú"),
        ("mới chuyển nhà, làm thường trú", "đăng ký thường trú"),
    ],
)
async def test_one_of_two_alternatives_named_starts_it_without_the_offer(said, procedure):
    nlu = ScriptedNLU()
    key = "tam_tru" if "tạm" in said else "thuong_tru"
    nlu.entities[plain(said)] = [{"entity": "procedure", "value": key, "start": 0, "end": 1}]
    chat = Chat(Engine(nlu, agency_name="UBND phường Thử Nghiệm"))
    reply = await chat.send(said)
    assert chat.step == "consent" and f"hồ sơ {procedure}" in reply


async def test_a_package_is_still_offered_when_its_single_procedure_is_named(engine):
    chat = Chat(engine)
    assert "trọn gói" in await chat.send("tôi muốn làm giấy khai sinh") and chat.step == "offer_bundle"
    again = await chat.send("xong")  # no time comparison for "xong" (read ask_processing_time)
    assert "trả lời câu hỏi trước" in again and "ngày làm việc" not in again


@pytest.mark.parametrize(
    "said,relation", [("mẹ em", None), ("bố em ạ", None), ("em là con", "con"), ("tôi là cháu", "chau")]
)
def test_a_relative_named_as_the_citizens_is_not_the_citizens_own_relation(said, relation):
    assert whom.self_relation(plain(said)) == relation


async def test_a_parent_named_at_the_question_is_the_one_the_dossier_is_for(engine):
    chat = Chat(engine)
    await chat.send("khai tử")
    await chat.send("2")
    await chat.send("đồng ý")
    assert "Bước 1/2" in await chat.send("mẹ em")  # my mother: not "I am the mother"
    offered = await photos_to_relation(chat)
    assert "quan hệ với người mất: Con" in offered and "bạn là mẹ" not in offered.lower()
    assert "relation" not in (chat.state.get("offered") or {})  # shown by the prompt, not stored by it
    await chat.send("đúng")
    assert chat.state["fields"]["relation"] == "Con"
    assert ("paper_field_confirmed", "mẹ") in [(a, data.get("said")) for a, data, _ in chat.ctx.audits]


async def test_a_parent_named_at_a_photo_step_is_not_the_citizens_relation(engine):
    chat = Chat(engine)
    await chat.send("nhà em có người mới mất")
    await chat.send("1")
    await chat.send("đồng ý")
    reply = await chat.send("bố em ạ")
    assert "bạn là bố" not in reply and "self_is" not in chat.state


async def test_a_photo_held_at_the_questions_is_used_where_a_card_could_be_reused(engine):
    chat = Chat(engine)
    chat.ctx.previous_card = {"id_number": "001088054321", "full_name": "LÊ VĂN HÙNG", "path": "groom.jpg"}
    await chat.send("tôi mới chuyển nhà")
    await chat.send("1")  # thường trú: two yes/no questions, then the card first
    await chat.send("đồng ý")
    assert "giữ lại" in await chat.send(photo="card.jpg")
    await chat.send("2")
    after = await chat.send("2")
    assert "Dùng lại thẻ này" not in after and "Mình dùng ảnh bạn gửi lúc nãy" in after
    assert "TRẦN THỊ MAI" in after  # the held photo read as the new card
    assert [key for _id, key, _q in chat.ctx.documents] == ["cccd"] and "held" not in chat.state


async def test_a_photo_held_is_dropped_when_going_back_after_it_was_used(engine):
    chat = Chat(engine)
    await birth_question(chat)
    await chat.send(photo="paper.jpg")
    assert "Mình dùng ảnh bạn gửi lúc nãy" in await chat.send("2")
    back = await chat.send("quay lại")
    assert chat.step == "question" and "held" not in chat.state, back
    await chat.send("2")
    assert [key for _id, key, _q in chat.ctx.documents] == ["giay_chung_sinh"]  # not filed twice


def test_every_procedure_with_a_self_field_has_its_own_wording():
    procedures = {key.partition(".")[0] for key in whom.data()["self_fields"]}
    assert procedures <= set(whom.data()["self_noted"])
    for procedure in procedures:
        assert "bạn là cháu" in whom.self_noted(procedure, "chau", "quan hệ")


async def test_a_citizen_back_after_hours_in_the_officers_queue_is_not_met_by_silence():
    """Waiting for an officer, words go to the officer without a reply from the bot; but back after
    hours (no officer has taken it up), the citizen is told where the message went and how to have
    the assistant back, and "menu" brings it back."""
    chat = Chat(
        Engine(ScriptedNLU({"gap can bo": ("request_human", 1.0)}), agency_name="UBND phường Thử Nghiệm")
    )
    await chat.send("xin chào")
    assert "cán bộ" in await chat.send("gặp cán bộ") and chat.step == "human"
    chat.ctx.idle_seconds = 60
    assert await chat.send("cho em hỏi chút") == ""  # the officer answers, the bot stays quiet
    chat.ctx.idle_seconds = 3 * 24 * 3600
    again = await chat.send("Xin chào")
    assert "đã được chuyển tới cán bộ" in again and '"menu"' in again and chat.step == "human"
    chat.ctx.idle_seconds = 30
    assert "thôi chờ cán bộ" in await chat.send("menu") and chat.step == "menu"


async def test_questions_right_after_an_answer_are_about_the_procedure_just_answered():
    """ "con tôi mới sinh, cần giấy tờ gì" is answered with the package's papers and the offer to
    file it; "hết bao nhiêu tiền" or "làm cái nào nhanh nhất" next are about that package (they were
    met with "Bạn hỏi về thủ tục nào?" or "chưa hiểu" and the main menu)."""
    nlu = ScriptedNLU(
        {
            "con toi moi sinh can lam giay to gi": ("ask_requirements", 0.9),
            "het bao nhieu tien": ("ask_fee", 1.0),
            "lam cai nao nhanh nhat": ("out_of_scope", 0.4),
        }
    )
    chat = Chat(Engine(nlu, agency_name="UBND phường Thử Nghiệm"))
    await chat.send("xin chào")
    papers = await chat.send("con tôi mới sinh cần làm giấy tờ gì")
    assert "Giấy chứng sinh" in papers and chat.step == "answer_offer"
    fee = await chat.send("hết bao nhiêu tiền")
    assert "Lệ phí" in fee and "thẻ BHYT" in fee and "thủ tục nào" not in fee
    speed = await chat.send("làm cái nào nhanh nhất")
    assert "Thời gian giải quyết" in speed and "chưa hiểu" not in speed
    assert chat.step == "answer_offer"
