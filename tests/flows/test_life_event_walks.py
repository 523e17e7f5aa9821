"""Four life events walked end to end as plain-spoken citizens (2026-12-07): what confused them,
each now answered. The engine alone with an in-memory Context; the NLU's readings that misled the
dialogue are scripted as the embedded classifier gave them."""

from __future__ import annotations

import pytest
from dialogue_kit import Chat, ScriptedNLU, to_child_name

from flows.engine import Engine

SCRIPT = {
    "tron goi": ("request_human", 0.84),  # the embedded classifier's reading
    "ong nha toi vua mat hom qua chau a": ("complain", 0.7),
    "có": ("affirm", 0.95),
    "cho tôi gặp cán bộ": ("request_human", 1.0),
}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(ScriptedNLU(SCRIPT), agency_name="UBND phường Thử Nghiệm")


async def test_the_bundle_chosen_in_words_the_nlu_reads_as_asking_for_a_person(engine):
    chat = Chat(engine)
    assert "trọn gói" in await chat.send("e moi sinh em be")
    reply = await chat.send("tron goi")
    assert "Bạn đồng ý không?" in reply and "khai sinh, thường trú và thẻ BHYT" in reply
    assert chat.step == "consent" and "request_human" not in [a for a, _d, _i in chat.ctx.audits]
    other = Chat(engine)
    await other.send("e moi sinh em be")
    assert "chuyển tin nhắn của bạn tới cán bộ" in await other.send("cho tôi gặp cán bộ")


async def test_an_elderly_death_announcement_offers_the_bundle_and_yes_asks_which(engine):
    chat = Chat(engine)
    offer = await chat.send("ong nha toi vua mat hom qua chau a")  # read as a complaint by the NLU
    assert "trọn gói" in offer and "khai tử" in offer and "chưa hài lòng" not in offer
    which = await chat.send("có")
    assert "bạn muốn làm cách nào" in which and "chưa hiểu" not in which and chat.step == "offer_bundle"


@pytest.mark.parametrize(
    "said,event",
    [
        ("mẹ em qua đời rồi", "co_nguoi_mat"),
        ("em mới chuyển về ở trọ", "chuyen_nha"),
        ("toi mo tiem tap hoa", "mo_quan_an"),
        ("muốn mở quán bán phở", "mo_quan_an"),
        ("vừa mất thẻ căn cước", "can_cuoc"),  # "mất" a card is no death
        ("bà ơi cháu mất căn cước", "can_cuoc"),
    ],
)
def test_plain_words_name_the_life_event(engine, said, event):
    found = engine.life_event_for(said)
    assert found is not None and found.key == event


@pytest.mark.parametrize("said", ["tôi là con", "con trai ạ", "là vợ"])
async def test_the_citizens_own_relation_answers_whether_they_file_for_the_family(engine, said):
    chat = Chat(engine)
    await chat.send("khai tử")
    await chat.send("2")
    assert "Tôi là người thân" in await chat.send("đồng ý")
    assert "Bước 1/2" in await chat.send(said)  # a relative: no authorisation paper asked


async def test_a_mother_saying_so_is_not_asked_for_an_authorisation(engine):
    chat = Chat(engine)
    for said in ("khai sinh", "2", "đồng ý"):
        await chat.send(said)
    assert "Bước 1/2" in await chat.send("em là mẹ bé")


async def test_a_name_without_marks_is_taken_and_the_officer_will_ask_the_marks(engine):
    chat = Chat(engine)
    await to_child_name(chat)
    reply = await chat.send("nguyen minh an")  # accepted at once (a citizen who cannot type marks)
    assert "Mình ghi tên NGUYEN MINH AN" in reply and "cán bộ sẽ hỏi lại" in reply
    assert "bé trai hay bé gái" in reply and "nhập lại" not in reply
    assert ("name_without_marks", "child_name") in [(a, data.get("field")) for a, data, _ in chat.ctx.audits]
    assert "Họ và tên dự kiến của bé" in await chat.send("quay lại")  # to type it with marks
    assert "bé trai hay bé gái" in await chat.send("Nguyễn Minh An")
    assert chat.state["fields"]["child_name"] == "NGUYỄN MINH AN"
    marked = Chat(engine)
    await to_child_name(marked)
    assert "chưa có dấu" not in await marked.send("Nguyễn Minh An")


async def test_a_required_form_not_yet_at_hand_says_where_to_get_it(engine):
    chat = Chat(engine)
    await chat.send("đăng ký tạm trú")
    await chat.send("2")
    await chat.send("đồng ý")
    await chat.send(photo="card.jpg")
    assert "Bước 2/3" in await chat.send("1")
    reply = await chat.send("chưa có tờ khai")
    assert "Công an xã, phường" in reply and "mai em gửi" in reply and chat.step == "doc"
    how = await chat.send("làm sao để có tờ khai")
    assert "mẫu in sẵn của Bộ Công an" in how and "Bước 2/3" in how


@pytest.mark.parametrize(
    "said,option",
    [("thẻ bị mất rồi", "Bị mất thẻ"), ("mat the", "Bị mất thẻ"), ("bi hong", "Thẻ bị hỏng"), ("the", None)],
)
def test_a_choice_said_in_its_own_words_in_another_order(said, option):
    from flows.catalog import load_catalog
    from flows.validators import validate

    reasons = next(f for f in load_catalog()["can_cuoc"].fields if f.key == "reason").options
    assert validate("choice", said, list(reasons))[0] == option
