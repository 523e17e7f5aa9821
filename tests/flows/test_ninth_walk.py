"""The ninth walk's fixes (branch walk22): a phone or a date typed at a single photo step is kept
for its field; "con trai tôi mới sinh em bé" is a grandparent filing on behalf, "vợ em mới sinh"
a parent; "1, 2 gì cơ?" at a numbered choice explains the options and picks none; "không nhớ số"
at the deceased's ID number leaves it to the officer. The engine alone with an in-memory Context;
the NLU's readings scripted as the embedded classifier gives them (`EmbeddedNLU.parse_sync`)."""

from __future__ import annotations

import pytest
from dialogue_kit import Chat, ScriptedNLU, to_authorisation, to_child_name, to_death_question

from flows import whom
from flows.engine import Engine
from flows.validators import bare as plain


@pytest.fixture(scope="module")
def engine() -> Engine:
    """The engine over the NLU's readings below."""
    nlu = ScriptedNLU(SCRIPT)
    nlu.entities["dang ky tam tru"] = [{"entity": "procedure", "value": "tam_tru", "start": 0, "end": 15}]
    return Engine(nlu, agency_name="UBND phường Thử Nghiệm")


# "con trai em mới sinh" and a birth with a time or a purpose after it: the citizen's own newborn
# (the review of walk22: they were asked whom the dossier is for).
NEWBORN_OPENINGS = [
    "con trai em mới sinh",
    "con trai em mới sinh, cần làm giấy khai sinh",
    "con trai toi moi sinh duoc 3 ngay",
    "con trai tôi mới sinh hôm qua",
    "con gai em vua sinh hom qua",
    "con trai mình mới sinh nên làm khai sinh",
]

SCRIPT = {
    "ba muon lam giay khai sinh cho chau noi": ("start_procedure", 0.9),
    "đăng ký tạm trú": ("start_procedure", 0.99),
    "mai": ("out_of_scope", 0.5),
    "đồng ý": ("affirm", 1.0),
    "đúng": ("affirm", 1.0),
    "hom qua": ("complain", 0.66),
    "hôm qua": ("complain", 0.54),
    "09o8 123 456": ("out_of_scope", 0.55),
    "0912345678": ("out_of_scope", 1.0),
    "nguyen gia bao": ("out_of_scope", 0.5),
    "con trai tôi mới sinh em bé": ("start_procedure", 0.72),
    "con gái tôi mới sinh cháu": ("start_procedure", 0.7),
    "con trai anh mới có em bé": ("start_procedure", 0.6),
    "con trai của tôi mới sinh em bé": ("start_procedure", 0.6),
    "con gái tôi mới sinh": ("start_procedure", 0.7),
    "con trai tôi mới sinh": ("start_procedure", 0.7),
    "vợ em mới sinh": ("start_procedure", 0.73),
    "vợ em mới sinh con trai": ("start_procedure", 0.55),
    "vợ tôi vừa sinh": ("start_procedure", 0.42),
    "con em mới sinh": ("start_procedure", 0.7),
    **{opening: ("start_procedure", 0.7) for opening in NEWBORN_OPENINGS},
    "1, 2 gì cơ?": ("out_of_scope", 0.66),
    "1 2 là gì": ("help", 0.7),
    "số 1 là sao": ("help", 0.75),
    "không hiểu 1 2 là sao": ("help", 0.7),
    "1 nhé": ("affirm", 0.6),
    "không nhớ số": ("lack_document", 0.82),
    "ko nho": ("lack_document", 0.69),
}


# ---- 1. a phone or a date typed at a single photo step ------------------------------------


@pytest.mark.parametrize(
    "said,key,value,shown",
    [
        ("hom qua", "child_dob", "2026-11-22", "22/11/2026"),
        ("hôm qua", "child_dob", "2026-11-22", "22/11/2026"),
        ("hôm kia", "child_dob", "2026-11-21", "21/11/2026"),
        ("ngày 1 tháng 2", "child_dob", "2026-02-01", "01/02/2026"),  # date words: a date
        ("1/2/2026", "child_dob", "2026-02-01", "01/02/2026"),  # a year: a date
        ("09o8 123 456", "parent_phone", "0908123456", "0908123456"),
    ],
)
async def test_a_phone_or_a_date_at_a_single_photo_step_is_kept(engine, said, key, value, shown):
    chat = Chat(engine)
    await to_authorisation(chat)
    reply = await chat.send(said)
    assert "Ở bước này mình cần một tấm ảnh" not in reply, reply
    assert "ghi nhớ" in reply and shown in reply and "văn bản ủy quyền" in reply.lower(), reply
    assert chat.step == "doc" and chat.state["offered"][key]["value"] == value


async def test_the_date_and_phone_kept_at_a_photo_step_are_offered_at_their_fields(engine):
    chat = Chat(engine)
    await to_authorisation(chat)
    await chat.send("hom qua")
    await chat.send("09o8 123 456")
    await chat.send(photo="paper.jpg")  # the authorisation: the fields follow
    assert chat.step == "field"
    await chat.send("NGUYỄN GIA BẢO")
    asked = await chat.send("Nam")
    assert "Lúc nãy bạn có nhắn" in asked and "22/11/2026" in asked, asked
    asked = await chat.send("đúng")
    assert "Lúc nãy bạn có nhắn" in asked and "0908123456" in asked, asked
    await chat.send("đúng")
    assert chat.state["fields"]["child_dob"] == "2026-11-22"
    assert chat.state["fields"]["parent_phone"] == "0908123456"


@pytest.mark.parametrize("said", ["mai", "hôm nay", "hôm qua", "1 2", "1/2"])
async def test_tomorrow_at_a_photo_step_is_no_planned_date(engine, said):
    """ "mai" at the card step of a residence registration says when the photo comes: it is no
    "tạm trú đến ngày" (a date_any field), nor is a day and a month with no year ("1 2": a
    count, a page); an explicit date would be."""
    chat = Chat(engine)
    await chat.send("đăng ký tạm trú")
    await chat.send("đồng ý")
    assert chat.step == "doc"
    reply = await chat.send(said)
    assert "ghi nhớ" not in reply and not chat.state.get("offered"), reply
    reply = await chat.send("31/12/2027")
    assert chat.state["offered"]["stay_until"]["value"] == "2027-12-31", reply


@pytest.mark.parametrize("said", ["nguyen van a", "hôm nay", "hom nay", "1 2", "1/2", "20/11"])
async def test_a_name_or_a_bare_day_at_a_single_photo_step_still_asks_for_the_photo(engine, said):
    """Any two words pass the loose name validator: words without a name's shape are not kept
    there (a full name is since walk23: tests/flows/test_tenth_walk.py). "hôm nay" there
    says when the photo comes, "1 2" may count pages: no date of birth (the review of walk22)."""
    chat = Chat(engine)
    await to_authorisation(chat)
    reply = await chat.send(said)
    assert "Ở bước này mình cần một tấm ảnh" in reply and not chat.state.get("offered"), reply


async def test_a_full_name_at_a_single_photo_step_still_asks_for_the_photo(engine):
    """ "nguyen gia bao" (the guard above before walk23): since walk23 a full name there is kept
    for the one name field, to confirm there; the photo is still asked, and nothing else kept."""
    chat = Chat(engine)
    await to_authorisation(chat)
    reply = await chat.send("nguyen gia bao")
    assert "Bạn gửi giúp mình ảnh" in reply and "ủy quyền" in reply.lower(), reply
    assert chat.step == "doc" and set(chat.state["offered"]) == {"child_name"}, chat.state["offered"]


# ---- 2. "con trai tôi mới sinh em bé": whose baby it is -----------------------------------


@pytest.mark.parametrize(
    "opening,on_behalf,whom",
    [
        ("con trai tôi mới sinh em bé", True, "cháu"),  # the son had a baby: a grandparent
        ("con gái tôi mới sinh cháu", True, "cháu"),
        ("con trai anh mới có em bé", True, "cháu"),
        ("con trai của tôi mới sinh em bé", True, "cháu"),
        ("vợ em mới sinh", False, "con"),  # the wife gave birth: the citizen is the father
        ("vợ tôi vừa sinh", False, "con"),
    ]
    + [(opening, False, "con") for opening in NEWBORN_OPENINGS],
)
async def test_who_gave_birth_says_what_the_baby_is_to_the_citizen(engine, opening, on_behalf, whom):
    chat = Chat(engine)
    await chat.send(opening)
    assert chat.step == "offer_bundle", chat.state
    await chat.send("2")
    reply = await chat.send("đồng ý")
    assert chat.step == "doc" and chat.state["answers"] == {"on_behalf": on_behalf}, reply
    assert f"làm cho {whom}" in reply, reply


async def test_the_father_who_says_the_babys_sex_is_not_asked_either(engine):
    """ "vợ em mới sinh con trai" (the eighth walk's opening): the question is answered (a
    parent) and the baby's sex is still offered at its field."""
    chat = Chat(engine)
    await chat.send("vợ em mới sinh con trai")
    await chat.send("2")
    await chat.send("đồng ý")
    assert chat.step == "doc" and chat.state["answers"] == {"on_behalf": False}
    await chat.send(photo="paper.jpg")
    await chat.send(photo="card.jpg")
    await chat.send("1")
    asked = await chat.send("NGUYỄN MINH AN")
    assert "giới tính của bé: Nam" in asked, asked


@pytest.mark.parametrize("opening", ["con gái tôi mới sinh", "con trai tôi mới sinh"])
async def test_a_daughter_newly_born_or_giving_birth_is_asked(engine, opening):
    """ "con gái tôi mới sinh" alone is my newborn daughter or my daughter who gave birth: the
    question is asked, not answered "Tôi là bố/mẹ bé" on a guess."""
    chat = Chat(engine)
    await chat.send(opening)
    await chat.send("2")
    await chat.send("đồng ý")
    assert chat.step == "question" and not chat.state.get("answers"), chat.state.get("answers")


@pytest.mark.parametrize("said", ["vô sinh thì làm khai sinh thế nào", "vợ sinh hoạt ở đâu thì khai ở đó"])
def test_no_birth_without_whose_or_when(said):
    """Folded "vô sinh" is "vo sinh": without whose or when between, no one gave birth."""
    assert whom.said_for(plain(said)) is None


@pytest.mark.parametrize(
    "said,relative",
    [
        ("vợ tôi sinh năm 1990 muốn đăng ký tạm trú cho vợ", "vo"),
        ("vợ em sinh ra ở Nghệ An muốn làm thường trú cho vợ", "vo"),
        ("vợ tôi sinh ở bệnh viện nào thì khai ở đâu", "vo"),
        ("con trai tôi sinh năm 2005 muốn làm căn cước cho con trai", "con"),
        ("con dau toi sinh nam 1995 dang ky tam tru cho con dau", None),
    ],
)
def test_when_or_where_a_relative_was_born_is_no_birth(said, relative):
    """ "sinh năm 1990", "sinh ra ở …": the relative's own birth, no baby: the plain reading."""
    assert whom.said_for_text(said, plain(said)) == relative


async def test_my_newborn_child_is_still_the_citizens_child(engine):
    chat = Chat(engine)
    await chat.send("con em mới sinh")
    await chat.send("2")
    await chat.send("đồng ý")
    assert chat.state["answers"] == {"on_behalf": False}


# ---- 3. "1, 2 gì cơ?" at a numbered choice ------------------------------------------------


@pytest.mark.parametrize(
    "said",
    ["1, 2 gì cơ?", "1 2 là gì", "số 1 là sao", "không hiểu 1 2 là sao", "1 hay 2?"]
    + ["1 là cái nào", "2 thế nào", "số 1 là số nào"],  # "nào" asking, not the "let's…" ending
)
async def test_asking_what_the_numbers_mean_explains_the_options(engine, said):
    chat = Chat(engine)
    await to_death_question(chat)
    reply = await chat.send(said)
    assert chat.step == "question" and not chat.state.get("answers"), chat.state.get("answers")
    assert "lựa chọn" in reply and "Bạn đi khai thay theo ủy quyền" in reply, reply
    assert "1. Khai thay gia đình" in reply and "2. Tôi là người thân" in reply, reply


@pytest.mark.parametrize("said", ["1, 2 gì cơ?", "số 1 là sao"])
async def test_asking_what_the_numbers_mean_at_the_menu_picks_nothing(engine, said):
    chat = Chat(engine)
    await chat.send("xin chào")
    reply = await chat.send(said)
    assert chat.step == "menu" and "lựa chọn" in reply and "1. " in reply, reply


async def test_asking_what_the_numbers_mean_at_the_offer_says_what_each_way_includes(engine):
    chat = Chat(engine)
    await chat.send("nha co nguoi mat")
    reply = await chat.send("1 2 là gì")
    assert chat.step == "offer_bundle" and "trọn gói trực tuyến" in reply and "2. Đăng ký khai tử" in reply, (
        reply
    )


async def test_asking_what_the_numbers_mean_at_a_choice_field_picks_nothing(engine):
    chat = Chat(engine)
    await to_child_name(chat)
    await chat.send("NGUYỄN MINH AN")
    reply = await chat.send("1, 2 gì cơ?")
    assert "child_sex" not in chat.state["fields"] and "lựa chọn" in reply and "1. Nam" in reply, reply


@pytest.mark.parametrize("said", ["1", "số 1", "1 nhé"])
async def test_a_number_still_picks_its_option(engine, said):
    chat = Chat(engine)
    await to_death_question(chat)
    await chat.send(said)
    assert chat.state["answers"] == {"on_behalf": True}


# "nào" is also the "let's…" ending: "1 nào", "chọn 1 nào" choose (the review of walk22).
LETS_CHOOSE = ["1 nào", "chọn 1 nào", "em chọn số 1 nào"]


@pytest.mark.parametrize("said", LETS_CHOOSE)
async def test_lets_choose_1_picks_it_at_the_question(engine, said):
    chat = Chat(engine)
    await to_death_question(chat)
    await chat.send(said)
    assert chat.step == "doc" and chat.state["answers"] == {"on_behalf": True}, chat.state


@pytest.mark.parametrize("said", LETS_CHOOSE)
async def test_lets_choose_1_picks_it_at_the_menu_and_the_offer(engine, said):
    chat = Chat(engine)
    await chat.send("xin chào")
    await chat.send(said)
    assert chat.step == "offer_bundle" and chat.state["single"] == "khai_sinh", chat.state
    await chat.send(said)  # the offer's 1: the whole bundle
    assert chat.step == "consent" and chat.state["procedure"] == "lien_thong_khai_sinh", chat.state


# ---- 4. "không nhớ số" at the deceased's ID number ----------------------------------------


@pytest.mark.parametrize("said", ["không nhớ số", "ko nho"])
async def test_the_deceaseds_number_not_remembered_is_left_for_the_officer(engine, said):
    chat = Chat(engine)
    await to_death_question(chat)
    await chat.send("2")  # a relative
    await chat.send(photo="paper.jpg")
    await chat.send(photo="card.jpg")
    await chat.send("1")
    asked = await chat.send("nguyen van hung")
    assert "số căn cước" in asked.lower() and "không nhớ" in asked, asked
    reply = await chat.send(said)
    assert "cán bộ sẽ tra cứu" in reply and "qua đời ngày nào" in reply, reply
    assert chat.state["fields"]["deceased_id"].startswith("(để trống")
