"""Review of the seventh walkthrough (branch walk20): a lost paper is no date of death, "mặt"
is no "mất", a date said with an answer at the yes/no question lets the question answer, the
stray photo's closing words fit what was wrong with it, "anh em" and "của bác" read with care."""

from __future__ import annotations

from typing import Any

import pytest
from dialogue_kit import Chat, FakeContext, ScriptedNLU
from test_seventh_walk import _answer_the_question, _to_the_death_paper

from core.events import Attachment, InboundEvent
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
    "anh em tôi cùng góp": ("out_of_scope", 0.6),
    "bac can xin lai ban sao giay khai sinh": ("lack_document", 0.42),
    "chau can xin lai ban sao giay khai sinh": ("lack_document", 0.42),
    "bac oi chau can xin lai ban sao giay khai sinh": ("lack_document", 0.42),
    "giấy của bác ạ": ("lack_document", 0.43),
}


@pytest.fixture(scope="module")
def engine() -> Engine:
    nlu = ScriptedNLU(SCRIPT)
    for text in [
        "bac can xin lai ban sao giay khai sinh",
        "chau can xin lai ban sao giay khai sinh",
        "bac oi chau can xin lai ban sao giay khai sinh",
    ]:
        start = text.index("ban sao")
        nlu.entities[text] = [
            {"entity": "procedure", "value": "trich_luc_ho_tich", "start": start, "end": len(text)}
        ]
    nlu.entities["anh muon dang ky ho kinh doanh"] = [
        {"entity": "procedure", "value": "ho_kinh_doanh", "start": 11, "end": 30}
    ]
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
    assert chat.step == "doc" and "Thay cho Giấy báo tử" in reply, reply  # the substitute papers


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
    """ "khai thay, ông mất hôm kia": the question reads the message (its first clause picks the
    option since walk21), the note goes in front of its reply."""
    chat = await _at_the_question(engine)
    reply = await chat.send("khai thay, ông mất hôm kia")
    assert reply.startswith("Dạ, mình ghi nhớ ngày mất: 21/11/2026") and "chưa rõ ý bạn" not in reply, reply
    assert chat.state["answers"] == {"on_behalf": True}


async def test_a_date_said_again_is_not_noted_again(engine):
    chat = await _at_the_question(engine)
    first = await chat.send("mất hôm kia")
    assert "ghi nhớ ngày mất" in first and chat.step == "question"
    again = await chat.send("mất hôm kia")
    assert "ghi nhớ" not in again, again


# ---- 3. a photo as the very first message ---------------------------------------------------


class _NoRow:
    def scalar(self) -> None:
        return None  # no conversation yet


class _Reads:
    async def __aenter__(self) -> _Reads:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def execute(self, statement: object) -> _NoRow:
        return _NoRow()


class _Db:
    def read_session(self) -> _Reads:
        return _Reads()

    def session(self) -> object:
        raise AssertionError("the precheck opens no transaction")


async def test_a_first_message_photo_is_checked_before_the_transaction(engine, monkeypatch, tmp_path):
    """No conversation yet (START): the stray photo's check (quality and paper typing, one job)
    runs in the worker's precheck, outside the transaction; the turn takes it from the map."""
    import types

    from bot import ocr_pool
    from bot.worker import Worker
    from core.media import MediaStore

    checked: list[str] = []

    async def stray(path):
        checked.append(str(path))
        return {"quality": {"ok": True, "problems": []}, "document": {"type": "giay_bao_tu"}}

    monkeypatch.setattr(ocr_pool, "stray", stray)
    settings = types.SimpleNamespace(timezone="Asia/Ho_Chi_Minh")
    worker = Worker(settings, _Db(), None, engine, MediaStore(tmp_path))  # type: ignore[arg-type]
    photo = Attachment(type="image", path="in/first.jpg", content_type="image/jpeg")
    event = InboundEvent("web", "u9", "m1", kind="image", attachments=(photo,))
    done = await worker._precheck(event)
    assert list(done) == [("in/first.jpg", "")] and len(checked) == 1
    assert done[("in/first.jpg", "")]["document"]["type"] == "giay_bao_tu"
    huge = Attachment(type="image", path="in/big.jpg", content_type="image/jpeg", problem="too_large")
    assert await worker._precheck(InboundEvent("web", "u9", "m2", kind="image", attachments=(huge,))) == {}
    assert len(checked) == 1  # a file not taken is never handed to the OCR


class _BadFiles(FakeContext):
    async def check_photo(self, attachment: Attachment, expect: str) -> dict[str, Any]:
        problem = "unreadable_file" if attachment.path == "notes.txt" else "blurry"
        return {"quality": {"ok": False, "problems": [problem]}, "document": None}


@pytest.mark.parametrize(
    "attachment,lead",
    [
        (Attachment(type="image", path="big.jpg", problem="too_large"), "không mở được"),
        (Attachment(type="image", path="notes.txt"), "không mở được"),
        (Attachment(type="image", path="blur.jpg"), "chưa dùng được"),
    ],
)
async def test_a_bad_first_file_gets_a_friendly_reply_to_retake(engine, attachment, lead):
    ctx = _BadFiles()
    event = InboundEvent("web", "u1", "m1", kind="image", attachments=(attachment,))
    out = await engine.handle(ctx, None, event)  # the very first message
    text = "\n".join(r.text for r in out.replies)
    assert lead in text and "chụp lại ảnh rõ hơn rồi gửi" in text, text
    assert "gửi lại ảnh này" not in text, text


# ---- 5. "anh em", "của bác" -----------------------------------------------------------------


@pytest.mark.parametrize(
    "said,family",
    [("dạ anh, em tự làm", False), ("mấy anh em cùng làm", True), ("anh em tôi cùng góp", True)],
)
async def test_anh_em_is_brothers_only_together(engine, said, family):
    chat, reply = await _answer_the_question(engine, "anh muốn đăng ký hộ kinh doanh", said)
    assert chat.step == "doc" and chat.state["answers"] == {"family": family}, reply


@pytest.mark.parametrize(
    "opening,answers",
    [
        ("bac can xin lai ban sao giay khai sinh", {"on_behalf": False}),  # the speaker is "bác"
        ("chau can xin lai ban sao giay khai sinh", None),  # a young citizen: an uncle's paper
        ("bac oi chau can xin lai ban sao giay khai sinh", None),  # "bác ơi" calls the bot "bác"
    ],
)
async def test_cua_bac_is_the_speakers_own_only_when_they_call_themselves_bac(engine, opening, answers):
    chat, reply = await _answer_the_question(engine, opening, "giấy của bác ạ")
    if answers is None:
        assert chat.step == "question" and "chưa rõ ý bạn" in reply, reply
    else:
        assert chat.step == "doc" and chat.state["answers"] == answers, reply
