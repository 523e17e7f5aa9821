"""The satisfaction survey as a dialogue step (flows/steps/survey.py, flows/survey.yml), on the
engine alone: answered by button, number or words; a low score brings the follow-up; a message
that answers none of it leaves the survey and is handled where the citizen was; the soft
question after a cancel is not asked on a channel where surveys are off."""

from __future__ import annotations

import pytest
from dialogue_kit import Chat, ScriptedNLU

from flows.engine import Engine
from flows.survey import Surveys, load_surveys


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(ScriptedNLU({}), agency_name="UBND phường Thử Nghiệm")


def ask(chat: Chat, dossier_id: int = 7) -> str:
    chat.state, replies = chat.engine.start_survey(
        chat.state, "dossier", dossier_id, code="DEMO-261207-0001", procedure="khai sinh"
    )
    return "\n".join(r.text for r in replies)


async def test_score_by_words_then_comment(engine):
    chat = Chat(engine)
    await chat.send("xin chào")
    asked = ask(chat)
    assert "DEMO-261207-0001" in asked and "5. Rất hài lòng" in asked and "1. Rất không hài lòng" in asked
    assert "góp ý" in await chat.send("rat hai long")  # the option's words, without diacritics
    reply = await chat.send("Cán bộ rất nhiệt tình")
    assert "Cảm ơn anh/chị đã đánh giá" in reply and chat.step == "menu"
    assert chat.ctx.surveys == [
        (7, "dossier", "score", "5", 5, None),
        (7, "dossier", "comment", None, None, "Cán bộ rất nhiệt tình"),
    ]


async def test_low_score_by_button_asks_why(engine):
    chat = Chat(engine)
    await chat.send("xin chào")
    ask(chat)
    assert "chưa hài lòng" in await chat.send(payload="survey:1")
    assert "góp ý" in await chat.send("2")  # giấy tờ
    assert "Cảm ơn" in await chat.send(payload="survey:skip")
    assert [s[2:5] for s in chat.ctx.surveys] == [("score", "1", 1), ("reason", "documents", None)]


async def test_a_message_that_is_no_answer_leaves_the_survey(engine):
    chat = Chat(engine)
    await chat.send("xin chào")
    ask(chat)
    reply = await chat.send("1")  # a number answers the scale: a score of 1
    assert "chưa hài lòng" in reply
    reply = await chat.send("xin chào")  # not an answer: the menu handles it
    assert "Có em bé" in reply and chat.step == "menu"
    assert [s[2] for s in chat.ctx.surveys] == ["score"]


async def test_no_soft_question_after_cancel_where_surveys_are_off():
    engine = Engine(ScriptedNLU({}), agency_name="X", survey_off=frozenset({"web"}))
    chat = Chat(engine)
    await chat.send("xin chào")
    await chat.send("1")
    await chat.send("2")
    await chat.send("1")  # consent: a dossier is begun
    assert "muốn hủy" in await chat.send("hủy")
    reply = await chat.send("1")
    assert "Đã hủy" in reply and "vì sao" not in reply and chat.step == "menu"


def test_the_survey_file_is_validated(tmp_path):
    assert isinstance(load_surveys(), Surveys)
    bad = tmp_path / "survey.yml"
    bad.write_text(
        "surveys:\n  x:\n    thanks: t\n    questions:\n      - {key: s, kind: scale, ask: a, options: [{key: '1', title: t}]}\n"
    )
    with pytest.raises(ValueError, match="survey.yml"):
        load_surveys.__wrapped__(bad)


async def test_a_survey_over_an_officers_thread_gives_it_back(engine):
    chat = Chat(engine)
    await chat.send("xin chào")
    chat.state = engine.take_over(chat.state)
    ask(chat)
    assert await chat.send("alo cán bộ ơi") == "" and chat.step == "human"  # quiet: the officer's
    ask(chat)
    assert "góp ý" in await chat.send("4")
    reply = await chat.send("Bỏ qua")
    assert "Cảm ơn" in reply and "tiếp tục" not in reply and chat.step == "human"
