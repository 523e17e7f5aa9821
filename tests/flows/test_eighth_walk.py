"""The eighth walkthrough (branch walk21): the baby's sex said early ("vợ em mới sinh con
trai") is kept for its field; a field's answer typed between the pages of a paper is kept; "bé
tên gì cũng được à" is answered; "khai thay, ông mất hôm kia" answers the yes/no question. The
engine alone with an in-memory Context; the NLU's readings scripted as the embedded classifier
gives them."""

from __future__ import annotations

import pytest
from dialogue_kit import Chat, FakeContext, ScriptedNLU

from flows.engine import Engine
from flows.state import State

SCRIPT = {
    "vợ em mới sinh con trai": ("start_procedure", 0.55),
    "nhà em mới sinh con trai": ("start_procedure", 0.55),
    "nha em moi sinh be gai": ("start_procedure", 0.5),
    "con trai tôi mới sinh em bé": ("start_procedure", 0.5),
    "nha em moi sinh 1 be trai 1 be gai": ("start_procedure", 0.5),
    "đồng ý": ("affirm", 1.0),
    "dong y": ("affirm", 1.0),
    "đúng": ("affirm", 1.0),
    "ko biet": ("help", 0.98),
    "anh muốn đăng ký hộ kinh doanh": ("start_procedure", 0.99),
    "1 minh e thoi": ("cancel", 0.63),
    "ba muon lam giay khai sinh cho chau noi, no la con trai": ("start_procedure", 0.98),
    "bé tên gì cũng đc à": ("help", 0.76),
    "dat ten tieng anh cho be duoc khong": ("help", 0.7),
    "khai thay, ông mất hôm kia": ("out_of_scope", 0.6),
    "con trai ạ": ("out_of_scope", 0.5),
    "đăng ký tạm trú": ("start_procedure", 0.99),
    "NGUYEN MINH AN": ("out_of_scope", 0.53),
    "so 5 ngo 10 pho hue ha noi": ("out_of_scope", 0.5),
    "0912 345 678": ("out_of_scope", 0.5),
    "thôi hủy đi, vợ chồng em bàn lại đã": ("cancel", 0.9),
    "thôi không làm nữa, để cả nhà bàn đã": ("cancel", 0.9),
    "thôi em không làm một mình đâu": ("cancel", 0.9),
    "chưa hiểu, 1 là sao?": ("out_of_scope", 0.5),
    "mất rồi, 2 hôm nay lo đám": ("out_of_scope", 0.5),
    "con trai của tôi mới sinh em bé": ("start_procedure", 0.6),
    "con trai anh mới có em bé": ("start_procedure", 0.6),
    "con trai út nhà em vừa sinh cháu": ("start_procedure", 0.6),
    "con gái mẹ mới sinh cháu": ("start_procedure", 0.6),
    "à nhầm, bé gái": ("out_of_scope", 0.5),
}


@pytest.fixture(scope="module")
def engine() -> Engine:
    nlu = ScriptedNLU(SCRIPT)
    nlu.entities["dang ky tam tru"] = [{"entity": "procedure", "value": "tam_tru", "start": 0, "end": 15}]
    nlu.entities["anh muon dang ky ho kinh doanh"] = [
        {"entity": "procedure", "value": "ho_kinh_doanh", "start": 11, "end": 30}
    ]
    return Engine(nlu, agency_name="UBND phường Thử Nghiệm")


async def _to_question(chat: Chat, opening: str) -> None:
    """Open a life event, take its procedure alone, consent: at the yes/no question."""
    await chat.send(opening)
    assert chat.step == "offer_bundle"
    await chat.send("2")  # the procedure alone
    await chat.send("đồng ý")
    assert chat.step == "question"


async def _to_birth_fields(chat: Chat, opening: str) -> None:
    await _to_question(chat, opening)
    await chat.send("2")  # a parent files it
    await chat.send(photo="paper.jpg")
    await chat.send(photo="card.jpg")
    await chat.send("1")  # the card's reading is right
    assert chat.step == "field"


# ---- 1. the baby's sex said in the first message ------------------------------------------


@pytest.mark.parametrize(
    "opening,sex", [("nhà em mới sinh con trai", "Nam"), ("nha em moi sinh be gai", "Nữ")]
)
async def test_the_babys_sex_said_first_is_offered_at_its_field(engine, opening, sex):
    chat = Chat(engine)
    await _to_birth_fields(chat, opening)
    asked = await chat.send("NGUYỄN MINH AN")
    assert chat.state["field"] == 1  # the sex is asked now
    assert "Lúc nãy bạn có nhắn" in asked and f"giới tính của bé: {sex}" in asked, asked
    await chat.send("đúng")
    assert chat.state["fields"]["child_sex"] == sex
    assert any(a[0] == "paper_field_confirmed" and a[1].get("noted") for a in chat.ctx.audits)


async def test_a_son_of_the_citizen_is_not_the_babys_sex(engine):
    """ "con trai tôi mới sinh em bé": the citizen's son is the father; nothing is noted. Twins
    ("một bé trai một bé gái") are asked too."""
    for opening in ["con trai tôi mới sinh em bé", "nha em moi sinh 1 be trai 1 be gai"]:
        chat = Chat(engine)
        await chat.send(opening)
        assert chat.step == "offer_bundle" and "said" not in chat.state, chat.state


async def test_the_babys_sex_said_at_the_question_is_noted_and_the_question_asked_again(engine):
    chat = Chat(engine)
    await _to_question(chat, "nhà em mới sinh con trai")
    reply = await chat.send("con trai ạ")
    assert "chưa rõ ý bạn" not in reply and "giới tính của bé: Nam" in reply, reply
    assert chat.step == "question"


# ---- 2. a field's answer typed between the pages of a paper -------------------------------


async def _between_pages(engine: Engine) -> Chat:
    chat = Chat(engine)
    await chat.send("đăng ký tạm trú")
    await chat.send("đồng ý")
    for _ in range(4):  # the papers before the one of several pages
        if chat.state.get("pages") or chat.step != "doc":
            break
        doc = engine.current_doc(State.from_dict(chat.state))
        await chat.send(photo="card.jpg" if doc.photo == "id_card" else "paper.jpg")
        if chat.step == "id_confirm":
            await chat.send("1")
    assert chat.step == "doc" and chat.state.get("pages"), chat.state
    return chat


async def test_an_address_typed_between_pages_is_kept_for_its_field(engine):
    chat = await _between_pages(engine)
    reply = await chat.send("so 5 ngo 10 pho hue ha noi")
    assert "ghi nhớ" in reply and "so 5 ngo 10 pho hue ha noi" in reply, reply
    assert chat.step == "doc" and chat.state.get("pages")  # the paper's next page, or "xong"
    reply = await chat.send("xong")
    while chat.step == "doc":
        reply = await chat.send(photo="paper.jpg")
    assert "Lúc nãy bạn có nhắn" in reply and "so 5 ngo 10 pho hue ha noi" in reply, reply


async def test_a_phone_typed_between_pages_goes_to_the_phone(engine):
    chat = await _between_pages(engine)
    reply = await chat.send("0912 345 678")
    assert "số điện thoại: 0912345678" in reply.lower() or "0912345678" in reply, reply
    assert chat.state["offered"]["phone"]["value"] == "0912345678"


# ---- 3. naming the baby, asked at the menu ------------------------------------------------


@pytest.mark.parametrize("said", ["bé tên gì cũng đc à", "dat ten tieng anh cho be duoc khong"])
async def test_how_to_name_the_baby_is_answered_at_the_menu(engine, said):
    chat = Chat(engine)
    reply = await chat.send(said)
    assert "tiếng Việt" in reply and "Mình giúp bạn chuẩn bị" not in reply, reply


# ---- 4. "khai thay, ông mất hôm kia" ------------------------------------------------------


async def test_on_behalf_said_with_the_date_of_death_answers_the_question(engine):
    chat = Chat(engine)
    await _to_question(chat, "nha co nguoi mat")
    reply = await chat.send("khai thay, ông mất hôm kia")
    assert reply.startswith("Dạ, mình ghi nhớ ngày mất: 21/11/2026") and "chưa rõ ý bạn" not in reply, reply
    assert chat.state["answers"] == {"on_behalf": True}


# ---- 5. found walking: "mất hôm qua" typed at the date-of-death field ---------------------


@pytest.mark.parametrize("said", ["mat hom qua", "mất hôm kia ạ", "bố em mất ngày 20/11/2026"])
async def test_a_date_of_death_said_with_died_is_taken_at_its_field(engine, said):
    chat = Chat(engine)
    await _to_question(chat, "nha co nguoi mat")
    await chat.send("2")  # a relative
    await chat.send(photo="paper.jpg")
    await chat.send(photo="card.jpg")
    await chat.send("1")
    await chat.send("nguyen van hung")
    asked = await chat.send("ko biet")  # the deceased's number: left for the officer
    assert "qua đời ngày nào" in asked, asked
    reply = await chat.send(said)
    assert "chưa đúng dạng" not in reply, reply
    assert chat.state["fields"]["date_of_death"] in {"2026-11-22", "2026-11-21", "2026-11-20"}


# ---- 6. found walking: "1 mình em thôi", "cho cháu nội, nó là con trai" -------------------


async def test_one_alone_in_teencode_is_not_option_one(engine):
    """ "1 minh e thoi" ("một mình em thôi") at "cả gia đình lập hay một mình bạn lập?" is alone:
    no family authorisation is asked."""
    chat = Chat(engine)
    await chat.send("anh muốn đăng ký hộ kinh doanh")
    await chat.send("đồng ý")
    assert chat.step == "question"
    await chat.send("1 minh e thoi")
    assert chat.state["answers"] == {"family": False}, chat.state.get("answers")


async def test_one_picks_option_one_still(engine):
    chat = Chat(engine)
    await chat.send("anh muốn đăng ký hộ kinh doanh")
    await chat.send("đồng ý")
    await chat.send("1")
    assert chat.state["answers"] == {"family": True}


async def test_who_it_is_for_is_read_in_its_own_clause(engine):
    """ "… cho cháu nội, nó là con trai": the grandchild is who it is for (the question is not
    asked) and the baby's sex is kept."""
    chat = Chat(engine)
    await chat.send("ba muon lam giay khai sinh cho chau noi, no la con trai")
    await chat.send("2")
    reply = await chat.send("đồng ý")
    assert chat.step == "doc" and chat.state["answers"] == {"on_behalf": True}, reply
    assert chat.state["said"]["child_sex"]["value"] == "Nam"


# ---- review of walk21: false positives ----------------------------------------------------


@pytest.mark.parametrize(
    "said",
    [
        "em chụp tiếp nhé",
        "trang sau bị mờ quá",
        "còn 1 trang nữa",
        "ảnh đầu bị ngược",
        "em gửi rồi đó",
        "Nguyễn Văn An là chủ nhà",
        "ảnh số 2 ở phường nào cũng được",
    ],
)
async def test_talk_between_pages_is_no_field_answer(engine, said):
    """Between a paper's pages only a phone, a date, an ID number or an address's shape is kept
    for its field: talk of the pages (or a name) is no address."""
    chat = await _between_pages(engine)
    reply = await chat.send(said)
    assert "ghi nhớ" not in reply and not chat.state.get("offered"), reply


class _DeathPaper(FakeContext):
    """The death certificate read with its printed date."""

    async def check_photo(self, attachment, expect):
        if attachment.path and attachment.path.startswith("baotu"):
            fields = {"date_of_death": "15/11/2026", "full_name": "NGUYỄN VĂN HÙNG"}
            return {
                "quality": {"ok": True, "problems": []},
                "document": {"type": "giay_bao_tu", "fields": fields},
            }
        return await super().check_photo(attachment, expect)


async def test_the_papers_date_replaces_a_date_said_in_passing(engine):
    """ "ông mất hôm kia" noted at the question; the death certificate's printed date is offered
    at the field instead (as on main): the paper wins."""
    chat = Chat(engine, _DeathPaper())
    await _to_question(chat, "nha co nguoi mat")
    await chat.send("khai thay, ông mất hôm kia")
    assert chat.state["offered"]["date_of_death"]["value"] == "2026-11-21"
    await chat.send(photo="baotu.jpg")
    assert chat.state["offered"]["date_of_death"] == {"value": "2026-11-15", "paper": "Giấy báo tử"}


@pytest.mark.parametrize(
    "said",
    [
        "thôi hủy đi, vợ chồng em bàn lại đã",
        "thôi không làm nữa, để cả nhà bàn đã",
        "thôi em không làm một mình đâu",
    ],
)
async def test_a_cancel_with_the_questions_words_is_still_a_cancel(engine, said):
    """The question's own words ("vợ chồng", "cả nhà", "một mình") answer it only when they are
    the whole message: with a cancel or a refusal it is the cancel, confirmed first."""
    chat = Chat(engine)
    await chat.send("anh muốn đăng ký hộ kinh doanh")
    await chat.send("đồng ý")
    assert chat.step == "question"
    await chat.send(said)
    assert chat.step == "confirm_cancel" and not chat.state.get("answers"), chat.state.get("answers")


@pytest.mark.parametrize("said", ["chưa hiểu, 1 là sao?", "mất rồi, 2 hôm nay lo đám"])
async def test_a_number_inside_a_clause_picks_no_option(engine, said):
    """A message that asks is never split; a number picks an option only alone in its clause."""
    chat = Chat(engine)
    await _to_question(chat, "nha co nguoi mat")
    reply = await chat.send(said)
    assert chat.step == "question" and not chat.state.get("answers"), reply


@pytest.mark.parametrize(
    "opening",
    [
        "con trai của tôi mới sinh em bé",
        "con trai anh mới có em bé",
        "con trai út nhà em vừa sinh cháu",
        "con gái mẹ mới sinh cháu",
    ],
)
async def test_the_citizens_own_son_or_daughter_is_not_the_babys_sex(engine, opening):
    """ "con trai anh", "con gái mẹ", "con trai út nhà em": the citizen's child (the parent), not
    the baby; only a phrase naming the baby ("sinh con trai", "bé gái") is kept."""
    chat = Chat(engine)
    await chat.send(opening)
    assert chat.step == "offer_bundle" and "said" not in chat.state, chat.state


async def test_a_sex_corrected_at_its_field_is_not_offered_again_after_going_back(engine):
    """ "con trai" said first, "Nữ" answered at the field: the said choice is used up; "quay lại"
    asks the field afresh, never offering "Nam" again."""
    chat = Chat(engine)
    await _to_birth_fields(chat, "nhà em mới sinh con trai")
    await chat.send("NGUYỄN MINH AN")
    await chat.send("Nữ")
    assert chat.state["fields"]["child_sex"] == "Nữ" and not chat.state.get("said")
    reply = await chat.send("quay lại")
    assert "child_sex" not in chat.state["fields"] and "Lúc nãy" not in reply and "Nam" in reply, reply
    await chat.send("Nữ")
    assert chat.state["fields"]["child_sex"] == "Nữ"


async def test_a_later_correction_replaces_the_sex_said_first(engine):
    """ "nhà em mới sinh con trai", then "à nhầm, bé gái" at the question: "Nữ" is offered."""
    chat = Chat(engine)
    await _to_question(chat, "nhà em mới sinh con trai")
    reply = await chat.send("à nhầm, bé gái")
    assert "giới tính của bé: Nữ" in reply and chat.step == "question", reply
    assert chat.state["said"]["child_sex"]["value"] == "Nữ"
    await chat.send("2")
    await chat.send(photo="paper.jpg")
    await chat.send(photo="card.jpg")
    await chat.send("1")
    asked = await chat.send("NGUYỄN MINH AN")
    assert "giới tính của bé: Nữ" in asked, asked
