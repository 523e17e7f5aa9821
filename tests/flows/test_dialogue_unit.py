"""The dialogue engine alone, with an in-memory Context: a whole khai sinh journey, help, cancel,
questions at the wrong moment, the confidence threshold, take over / hand back / reset, and the
stored state's shape."""

from __future__ import annotations

import time

import pytest
from dialogue_kit import Chat, ScriptedNLU

from flows.engine import Engine, State, Step
from flows.steps.base import HANDLERS

SCRIPT = {
    "giúp mình với": ("help", 0.95),
    "giúp 1 chút": ("help", 0.95),
    "lệ phí bao nhiêu": ("ask_fee", 0.9),
    "hủy bỏ đi": ("cancel", 0.9),
    "chắc là được": ("affirm", 0.4),  # a guess below the threshold
    "đồng ý luôn": ("affirm", 0.95),
    "cảm ơn": ("thank", 0.9),
}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(ScriptedNLU(SCRIPT), agency_name="UBND phường Thử Nghiệm")


async def to_consent(chat: Chat) -> str:
    assert "Có em bé" in await chat.send("xin chào")
    assert "trọn gói" in await chat.send("1")
    reply = await chat.send("2")  # birth registration alone
    assert "Bạn đồng ý không?" in reply
    return reply


async def to_first_document(chat: Chat) -> None:
    await to_consent(chat)
    assert "Bạn là bố hoặc mẹ của bé" in await chat.send(payload="yes")
    assert "Bước 1/2" in await chat.send("2")


async def test_a_whole_birth_registration_in_milliseconds(engine):
    started = time.perf_counter()
    chat = Chat(engine)
    await to_consent(chat)
    assert "bố hoặc mẹ" in await chat.send("đồng ý")  # consent by word
    dossier_id = chat.state["dossier_id"]
    assert "Bước 1/2" in await chat.send("2")
    # a question at the wrong moment: answered, then the step is asked again
    fee = await chat.send("lệ phí bao nhiêu")
    assert "Lệ phí" in fee and "Mình tiếp tục nhé" in fee and "Bước 1/2" in fee
    assert chat.step == "doc"
    # help keeps the step too
    assert "Bước 1/2" in await chat.send("giúp mình với")
    # a hold-on where a photo is expected: the bot waits; other words: a photo is needed
    assert "mình chờ ạ" in await chat.send("để mình tìm đã") and chat.step == "doc"
    assert "cần một tấm ảnh" in await chat.send("giấy màu xanh")
    assert "Bước 2/2" in await chat.send(photo="paper.jpg")
    read = await chat.send(photo="card.jpg")
    assert "Mình đọc được trên thẻ" in read and "Số định danh cá nhân: 001099012345" in read
    assert "Ngày sinh: 20/10/1990" in read
    fix = next(line.split(".")[0] for line in read.splitlines() if line.endswith("Sửa họ và tên"))
    assert "Bạn nhập họ và tên đúng" in await chat.send(fix)
    assert "chỉ gồm chữ cái" in await chat.send("Tr4n Mai")  # a code from the validator, a sentence here
    assert "Họ và tên: TRẦN THỊ HOA" in await chat.send("Trần Thị Hoa")
    assert "Họ và tên dự kiến của bé" in await chat.send("1")
    assert ctx_confirmed(chat)["full_name"] == "TRẦN THỊ HOA"
    assert "bé trai hay bé gái" in await chat.send("Nguyễn Minh An")
    assert "sinh ngày" in await chat.send("1")
    assert "còn ở tương lai" in await chat.send("24/11/2026")  # the agency's today is 23/11
    assert "điện thoại" in await chat.send("05/03/2026")
    summary = await chat.send("0912 345 678")
    assert "tóm tắt" in summary and "(thẻ căn cước): TRẦN THỊ HOA" in summary
    final = await chat.send("1")
    assert "Mã hồ sơ của bạn: DEMO-261123-0001" in final and "Ngày hẹn trả kết quả" in final
    assert chat.step == "menu" and chat.state["last_code"] == "DEMO-261123-0001"
    dossier = chat.ctx.dossiers[dossier_id]
    assert dossier["status"] == "submitted"
    assert dossier["fields"] == {
        "child_name": "NGUYỄN MINH AN",
        "child_sex": "Nam",
        "child_dob": "2026-03-05",
        "parent_phone": "0912345678",
    }
    assert [key for _d, key, _q in chat.ctx.documents] == ["giay_chung_sinh", "cccd_nguoi_khai"]
    assert [a for a, _data, _d in chat.ctx.audits] == ["consent_given", "id_field_corrected"]
    assert chat.ctx.receipts == ["DEMO-261123-0001"]
    receipt = "\n".join(chat.ctx.receipt_lines["DEMO-261123-0001"])  # it stands alone
    for part in (
        "Đăng ký khai sinh",
        "Người nộp: TRẦN THỊ HOA",
        "Họ tên của bé: NGUYỄN MINH AN",
        "Nhận hồ sơ lúc",
        "UBND phường Thử Nghiệm",
        "Ngày hẹn trả kết quả",
        "Lệ phí: Miễn phí",
    ):
        assert part in receipt, part
    assert time.perf_counter() - started < 1.0


def ctx_confirmed(chat: Chat) -> dict[str, str]:
    return chat.ctx.confirmed[(chat.state["dossier_id"], "cccd_nguoi_khai")]


async def test_cancel_by_word_and_by_intent(engine):
    """A dossier already begun is dropped only after the citizen confirms; "làm tiếp" resumes."""
    chat = Chat(engine)
    await to_first_document(chat)
    reply = await chat.send("hủy")
    assert (
        "Bạn có chắc muốn hủy hồ sơ khai sinh đang làm dở không?" in reply and chat.step == "confirm_cancel"
    )
    assert "Bước 1/2" in await chat.send("2") and chat.step == "doc"  # carry on where it was
    assert "muốn hủy hồ sơ" in await chat.send("hủy")
    reply = await chat.send("1")
    # cancelled; then, softly, why (a survey a message that answers none of it leaves quietly)
    assert "Đã hủy" in reply and "vì sao dừng lại" in reply and chat.step == "survey"
    assert chat.ctx.audits[-1][0] == "cancelled"
    await to_first_document(chat)
    assert "muốn hủy hồ sơ" in await chat.send("hủy bỏ đi")  # the intent, at a step that is not free text
    assert "Đã hủy" in await chat.send("hủy")  # asked twice: cancelled


async def test_cancel_before_anything_is_begun_needs_no_confirmation(engine):
    chat = Chat(engine)
    await chat.send("xin chào")
    await chat.send("1")
    assert "Đã hủy" in await chat.send("hủy") and chat.step == "menu"


async def test_waiting_for_an_officer_is_no_dead_end(engine):
    chat = Chat(engine)
    await chat.send("xin chào")
    assert "cán bộ" in await chat.send("gặp cán bộ") and chat.step == "human"
    assert await chat.send("alo") == ""  # kept for the officer, the bot stays quiet
    reply = await chat.send("menu")
    assert "thôi chờ cán bộ" in reply and chat.step == "menu"


async def test_an_intent_does_not_hijack_a_free_text_answer(engine):
    chat = Chat(engine)
    await to_first_document(chat)
    await chat.send(photo="paper.jpg")
    await chat.send(photo="card.jpg")
    await chat.send("1")  # all read right: the first field (the child's name) is asked
    assert chat.step == "field"
    reply = await chat.send("giúp 1 chút")  # a name field: "help" is not taken as help here
    assert "chỉ gồm chữ cái" in reply and chat.step == "field"


async def test_a_low_confidence_intent_is_not_acted_on(engine):
    chat = Chat(engine)
    await to_consent(chat)
    # below the threshold: no consent given, the question is asked again
    assert "Bạn đồng ý không?" in await chat.send("chắc là được")
    assert chat.step == "consent" and not chat.ctx.dossiers
    assert chat.intents[-1] is None  # and the log does not record a guess
    assert "bố hoặc mẹ" in await chat.send("đồng ý luôn")  # a confident affirm is
    assert chat.intents[-1] == "affirm"


async def test_a_low_confidence_affirm_does_not_submit(engine):
    chat = Chat(engine)
    await to_first_document(chat)
    await chat.send(photo="paper.jpg")
    await chat.send(photo="card.jpg")
    await chat.send("1")
    for answer in ("Nguyễn Minh An", "1", "05/03/2026", "0912345678"):
        await chat.send(answer)
    assert chat.step == "summary"
    assert "tóm tắt" in await chat.send("chắc là được")
    assert chat.step == "summary" and not chat.ctx.receipts
    assert "Mã hồ sơ" in await chat.send("đồng ý luôn")


async def test_take_over_hand_back_and_reset(engine):
    chat = Chat(engine)
    await to_first_document(chat)
    before = dict(chat.state)
    taken = engine.take_over(chat.state)
    assert engine.is_taken_over(taken) and engine.step_of(taken) == "human"
    assert taken["paused"] == {k: v for k, v in before.items() if k != "options"}
    assert engine.take_over(taken) == taken  # taking it twice changes nothing
    chat.state = taken
    assert await chat.send("alo, có ai không") == ""  # the bot is quiet
    state, replies = engine.hand_back(chat.state)
    assert "tiếp tục" in replies[0].text and "Bước 1/2" in replies[1].text
    assert state["step"] == "doc" and state["dossier_id"] == before["dossier_id"]
    assert engine.reset() == {"step": "menu"} and not engine.is_taken_over(engine.reset())
    back, replies = engine.hand_back({})  # nothing to come back to: the menu
    assert back["step"] == "menu" and "Có em bé" in replies[-1].text


async def test_request_human_and_resume_use_the_same_pause(engine):
    chat = Chat(engine)
    await to_first_document(chat)
    kept = {k: v for k, v in chat.state.items() if k != "options"}
    assert "chuyển tin nhắn" in await chat.send("gặp cán bộ")
    assert chat.state == {"step": "human", "paused": kept}
    chat.state, _ = engine.hand_back(chat.state)
    chat.ctx.idle_seconds = 3 * 24 * 3600
    assert "Chào mừng bạn quay lại" in await chat.send("alo")
    assert chat.state["paused"] == kept
    chat.ctx.idle_seconds = 10
    assert "Bước 1/2" in await chat.send("1")


async def test_small_talk_and_unknown_text_at_the_menu(engine):
    chat = Chat(engine)
    assert "Không có gì" in await chat.send("cảm ơn")
    assert "chưa hiểu" in await chat.send("abc xyz")


def test_every_step_has_a_handler():
    assert set(HANDLERS) == set(Step)


OLD_SHAPE = {  # as stored by the engine before the typed state
    "step": "id_confirm",
    "procedure": "khai_sinh",
    "dossier_id": 7,
    "answers": {"on_behalf": False},
    "doc": 1,
    "retakes": 0,
    "fields": {},
    "documents": ["giay_chung_sinh", "cccd_nguoi_khai"],
    "flags": [],
    "alt": {},
    "id_cards": {},
    "reusable": None,
    "id_doc": "cccd_nguoi_khai",
    "id_read": {"id_number": "001099012345", "full_name": "TRẦN THỊ MAI"},
    "options": ["ok", "fix:id_number"],
}


def test_the_stored_state_keeps_its_shape():
    assert State.from_dict(OLD_SHAPE).to_dict() == OLD_SHAPE
    human = {"step": "human", "paused": {k: v for k, v in OLD_SHAPE.items() if k != "options"}}
    assert State.from_dict(human).to_dict() == human
    assert State.from_dict({}).to_dict() == {}
    assert State.from_dict({"step": "menu", "unknown_key": 1}).to_dict() == {"step": "menu", "unknown_key": 1}
    state = State.from_dict(OLD_SHAPE)
    assert (
        state.step is Step.ID_CONFIRM
        and state.paused is None
        and state.id_read["full_name"] == "TRẦN THỊ MAI"
    )


async def test_a_conversation_stored_in_the_old_shape_continues(engine):
    chat = Chat(engine)
    chat.state = dict(OLD_SHAPE)
    assert "Họ và tên dự kiến của bé" in await chat.send("1")
    assert chat.ctx.confirmed[(7, "cccd_nguoi_khai")]["full_name"] == "TRẦN THỊ MAI"


async def test_a_supplement_collects_exactly_the_documents_asked_then_reports(engine):
    chat = Chat(engine)
    dossier_id = await chat.ctx.create_dossier("khai_sinh")
    chat.ctx.dossiers[dossier_id].update(code="DEMO-261123-0001", status="needs_supplement")
    chat.state, replies = engine.reopen_for_supplement(
        {"step": "menu"}, "khai_sinh", dossier_id, ["giay_cam_doan_sinh"]
    )
    assert chat.state["step"] == "doc" and "Bước 1/1" in replies[0].text
    assert "chụp lại" in await chat.send(photo="blurry.jpg") and chat.state["retakes"] == 1
    done = await chat.send(photo="paper.jpg")
    assert "Đã nhận đủ giấy tờ bổ sung" in done and "DEMO-261123-0001" in done
    assert chat.state == {"step": "menu", "options": chat.state["options"]}
    assert chat.ctx.dossiers[dossier_id]["status"] == "submitted"
    assert [key for _d, key, _q in chat.ctx.documents] == ["giay_cam_doan_sinh"]


async def test_the_back_of_an_id_card_is_sent_back_for_the_front(engine):
    chat = Chat(engine)
    await to_first_document(chat)
    await chat.send(photo="paper.jpg")  # Bước 1/2: the birth certificate
    reply = await chat.send(photo="back.jpg")
    assert "mặt sau" in reply and "mặt trước" in reply
    assert chat.step == "doc" and not chat.ctx.documents[1:]  # nothing kept for the card yet
    read = await chat.send(photo="card.jpg")
    assert "TRẦN THỊ MAI" in read and chat.step == "id_confirm"


async def test_a_correction_without_diacritics_keeps_the_cards_spelling(engine):
    chat = Chat(engine)
    await to_first_document(chat)
    await chat.send(photo="paper.jpg")
    read = await chat.send(photo="card.jpg")
    fix = next(line.split(".")[0] for line in read.splitlines() if line.endswith("Sửa họ và tên"))
    await chat.send(fix)
    kept = await chat.send("tran thi mai")  # the same letters as "TRẦN THỊ MAI", no diacritics
    assert "giữ cách viết có dấu: TRẦN THỊ MAI" in kept and "Họ và tên: TRẦN THỊ MAI" in kept
    assert chat.step == "id_confirm"
    await chat.send(fix)
    assert "Họ và tên: TRAN THI HOA" in await chat.send("tran thi hoa")  # other letters: taken as typed


async def test_an_officer_asked_for_at_night_is_promised_honestly(engine):
    import datetime as dt

    from dialogue_kit import FakeContext

    saturday_night = FakeContext(now=dt.datetime(2026, 11, 28, 21, 0, tzinfo=FakeContext().now.tzinfo))
    chat = Chat(engine, saturday_night)
    reply = await chat.send("gặp cán bộ")
    assert "ngoài giờ hành chính" in reply and "7:30 sáng thứ Hai, 30/11/2026" in reply
    assert chat.step == "human"
