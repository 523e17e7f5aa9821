"""Review of the seventh walkthrough (branch walk20): a lost paper is no date of death, "mặt"
is no "mất", a date said with an answer at the yes/no question lets the question answer, the
stray photo's closing words fit what was wrong with it, "anh em" and "của bác" read with care."""

from __future__ import annotations

import pytest
from dialogue_kit import Chat, ScriptedNLU
from test_seventh_walk import _to_the_death_paper

from flows.engine import Engine
from flows.steps.midway import date_after

SCRIPT = {
    "đồng ý": ("affirm", 1.0),
    "mất hôm kia": ("out_of_scope", 0.9),
    "giấy báo tử bị mất hôm qua rồi": ("lack_document", 0.9),
    "mặt trước hôm qua em gửi rồi": ("out_of_scope", 0.6),
    "2, mẹ mất hôm kia": ("out_of_scope", 0.6),
    "khai thay, ông mất hôm kia": ("out_of_scope", 0.6),
    "anh muốn đăng ký hộ kinh doanh": ("start_procedure", 0.99),
    "dạ anh, em tự làm": ("out_of_scope", 0.6),
    "mấy anh em cùng làm": ("out_of_scope", 0.6),
}


@pytest.fixture(scope="module")
def engine() -> Engine:
    nlu = ScriptedNLU(SCRIPT)
    return Engine(nlu, agency_name="UBND phường Thử Nghiệm")


async def _at_the_question(engine: Engine) -> Chat:
    chat = Chat(engine)
    await chat.send("nha co nguoi mat")
    await chat.send("2")
    await chat.send("đồng ý")
    assert chat.step == "question"  # "khai thay hay người thân?"
    return chat


# ---- 1. a lost paper, a card's side ---------------------------------------------------------


async def test_a_lost_death_certificate_gets_the_substitute_papers_not_a_date(engine):
    chat = Chat(engine)
    await _to_the_death_paper(chat)
    reply = await chat.send("giấy báo tử bị mất hôm qua rồi")
    assert "ghi nhớ" not in reply and not (chat.state.get("offered") or {}).get("date_of_death"), reply
    assert chat.step == "doc"


async def test_a_cards_side_is_no_death(engine):
    chat = Chat(engine)
    await _to_the_death_paper(chat)
    reply = await chat.send("mặt trước hôm qua em gửi rồi")
    assert "ghi nhớ" not in reply and not (chat.state.get("offered") or {}).get("date_of_death"), reply


@pytest.mark.parametrize(
    "text,found",
    [
        ("mất hôm kia", "2026-11-21"),
        ("mẹ mất vào hôm qua", "2026-11-22"),
        ("mat hom kia a", "2026-11-21"),
        ("mat a hom kia", "2026-11-21"),  # one polite word between
        ("mat vao hom kia", None),  # undiacritised: the date right after it only
        ("mặt trước hôm qua", None),
        ("mắt hôm qua bị đau", None),
        ("mất giấy báo tử hôm qua", None),  # a paper's name between: lost, not died
    ],
)
def test_died_is_said_with_its_date(text, found):
    import datetime as dt

    got = date_after(text, ["mat", "qua doi"], "date_past", dt.date(2026, 11, 23))
    assert (got[0] if got else None) == found


# ---- 2. a date said at the yes/no question --------------------------------------------------


async def test_a_date_said_with_the_answer_lets_the_question_answer(engine):
    chat = await _at_the_question(engine)
    reply = await chat.send("2, mẹ mất hôm kia")
    assert chat.step == "doc" and chat.state["answers"] == {"on_behalf": False}, reply
    assert reply.startswith("Dạ, mình ghi nhớ ngày mất: 21/11/2026") and "Giấy báo tử" in reply, reply
    assert chat.state["offered"]["date_of_death"]["value"] == "2026-11-21"


async def test_a_date_said_with_other_words_is_answered_by_the_question(engine):
    """ "khai thay, ông mất hôm kia": the question reads the message (as on main, which does not
    take "khai thay" with more words as its option), the note goes in front of its reply."""
    chat = await _at_the_question(engine)
    reply = await chat.send("khai thay, ông mất hôm kia")
    assert reply.startswith("Dạ, mình ghi nhớ ngày mất: 21/11/2026") and "chưa rõ ý bạn" in reply, reply


async def test_a_date_said_again_is_not_noted_again(engine):
    chat = await _at_the_question(engine)
    first = await chat.send("mất hôm kia")
    assert "ghi nhớ ngày mất" in first and chat.step == "question"
    again = await chat.send("mất hôm kia")
    assert "ghi nhớ" not in again, again
