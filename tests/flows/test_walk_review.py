"""The review of the sixth walk's dialogue changes (branch citizen7): questions about a father are
no request for a "cán bộ" (both fold to "can bo"), short "có ai không" only as the whole message,
the dossier just filed only right after filing, "mất nhiều" no question by itself. The engine alone
with an in-memory Context; the NLU's readings are scripted as the embedded classifier gives them."""

from __future__ import annotations

import datetime as dt

import pytest
from dialogue_kit import Chat, FakeContext, ScriptedNLU, to_child_name
from pydantic import ValidationError

from core.events import InboundEvent
from flows.catalog import FormField
from flows.engine import Engine, State
from flows.state import Step
from flows.steps.document import told
from flows.turn import Turn
from flows.validators import asks, bare

SCRIPT = {
    "Đăng ký khai sinh có cần bố không ạ": ("ask_requirements", 0.96),  # the embedded classifier's
    "có cần bố k": ("request_human", 0.70),
    "mẹ đơn thân thì không cần bố đâu đúng không": ("deny", 0.93),
    "nhà có ai không": ("greet", 0.98),
    "con ngoài giá thú có cần bố ký không": ("ask_requirements", 0.72),
    "co can bo khong": ("request_human", 0.9),
    "cán bộ có thu thêm phí không": ("ask_fee", 0.95),
    "ad ơi có ai trực ko": ("greet", 0.9),
    "có ai ở đó không ạ": ("greet", 0.99),
    "xin chao": ("greet", 1.0),
    "mo quan pho": ("out_of_scope", 0.94),
    "làm cái nào trước": ("help", 0.41),
    "bao gio co ket qua": ("ask_processing_time", 1.0),
    "đồng ý": ("affirm", 1.0),
}

HANDED = "chuyển tin nhắn của bạn tới cán bộ"
ORDINARY = [
    "Đăng ký khai sinh có cần bố không ạ",
    "có cần bố k",
    "mẹ đơn thân thì không cần bố đâu đúng không",
    "nhà có ai không",
    "con ngoài giá thú có cần bố ký không",
    "cán bộ có thu thêm phí không",
    "khai sinh co can bo khong a",
    "ba ko can bo dau",
    "hom do nha co ai khong",
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(ScriptedNLU(SCRIPT), agency_name="UBND phường Thử Nghiệm")


@pytest.mark.parametrize("said", ORDINARY)
async def test_a_question_about_a_father_or_a_house_is_no_request_for_an_officer(engine, said):
    chat = Chat(engine)
    await chat.send("xin chao")
    reply = await chat.send(said)
    assert HANDED not in reply and chat.step != "human"
    assert "request_human" not in [a for a, _d, _i in chat.ctx.audits]


@pytest.mark.parametrize("said", ORDINARY)
async def test_nor_in_the_middle_of_a_dossier(engine, said):
    chat = Chat(engine)
    await to_child_name(chat)  # a free-text field: the child's name
    reply = await chat.send(said)
    assert HANDED not in reply and chat.step == "field"


@pytest.mark.parametrize("said", ["ad ơi có ai trực ko", "có ai ở đó không ạ", "da co ai khong vay"])
async def test_a_short_call_for_someone_alone_still_reaches_an_officer_at_a_field(engine, said):
    chat = Chat(engine)
    await to_child_name(chat)
    assert HANDED in await chat.send(said) and chat.step == "human"


async def _filed(engine: Engine) -> Chat:
    chat = Chat(engine)
    await to_child_name(chat)
    for said in ["nguyen bao ngoc", "bé gái ạ", "hqua", "0912345678"]:
        await chat.send(said)
    assert "Mã hồ sơ của bạn" in await chat.send("1")
    return chat


@pytest.mark.parametrize("minutes", [29, 31, 3 * 24 * 60])
async def test_the_dossier_just_filed_is_meant_only_right_after_filing(engine, minutes):
    chat = await _filed(engine)
    code = chat.state["last_code"]
    chat.ctx.now += dt.timedelta(minutes=minutes)
    chat.ctx.idle_seconds = minutes * 60.0
    reply = await chat.send("bao gio co ket qua")
    if minutes < 30:
        assert f"Hồ sơ {code} (khai sinh)" in reply and "thủ tục nào" not in reply
    else:  # days later an unnamed question may be about anything: which procedure?
        assert "thủ tục nào" in reply and code not in reply and chat.step == "pick_procedure"


@pytest.mark.parametrize("said", ["bị mất nhiều giấy tờ", "ton nhieu cong suc lam", "het nhieu dat roi"])
def test_much_lost_or_spent_is_no_question_by_itself(said):
    assert not asks(said, bare(said))


@pytest.mark.parametrize(
    "said", ["hết nhiêu tiền vậy", "mat nhieu vay ad", "ton nhieu the", "mất nhiều ngày", "het nhieu khong"]
)
def test_how_much_it_costs_or_takes_is_still_a_question(said):
    assert asks(said, bare(said))


async def test_which_first_for_a_food_shop_says_only_what_the_catalogs_confirm(engine):
    chat = Chat(engine)
    chat.engine.nlu.entities["mo quan pho"] = [
        {"entity": "procedure", "value": "ho_kinh_doanh", "start": 0, "end": 7}
    ]
    await chat.send("mo quan pho")
    reply = await chat.send("làm cái nào trước")
    assert "không phụ thuộc nhau" in reply and "cần có đủ cả hai giấy" in reply
    assert "hỏi thêm cán bộ" in reply
    attp = chat.engine.catalog["xac_nhan_attp"]  # its place, authority and time are unconfirmed:
    assert {"where", "authority", "processing_days"} <= set(attp.unconfirmed)
    for claim in ["nhanh hơn", "lâu hơn", "của tỉnh cấp", "kiểm tra kiến thức"]:  # none stated
        assert claim not in reply


@pytest.mark.parametrize(("doc_key", "offered"), [("the_can_cuoc_cu", True), ("phieu_dc02", False)])
def test_lost_words_answer_the_reason_only_at_the_old_cards_step(engine, doc_key, offered):
    state = State(step=Step.DOC, procedure="can_cuoc")
    doc = next(doc for doc in engine.catalog["can_cuoc"].documents if doc.key == doc_key)
    event = InboundEvent(channel="cli", user_id="u", message_id="m", text="bi mat roi")
    turn = Turn(FakeContext(), event, "bi mat roi", "bi mat roi", "lack_document", [])
    told(engine, turn, state, doc)  # "bị mất rồi" said of the DC02 form is no lost card
    assert (state.offered or {}).get("reason", {}).get("value") == ("Bị mất thẻ" if offered else None)


def test_told_words_without_their_paper_are_refused_by_the_catalog():
    field = {"key": "reason", "label": "Lý do", "ask": "Lý do?", "validator": "choice", "example": "A"}
    told_words = {"options": ["A", "B"], "told": {"A": ["bi mat"]}}
    with pytest.raises(ValidationError, match="told_at"):
        FormField(**field, **told_words)
    assert FormField(**field, **told_words, told_at="the_can_cuoc_cu").told_at == "the_can_cuoc_cu"
