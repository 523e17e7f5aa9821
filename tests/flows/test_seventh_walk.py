"""The seventh walkthrough (2026-12-07, branch walk20): a food shop named as the situation ("tôi
muốn mở quán cà phê") offers both papers, a date of death said at a photo step is kept for the
form, and a photo sent before anything says kindly what to do next. The engine alone with an
in-memory Context; the NLU's readings are scripted as the embedded classifier gives them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from dialogue_kit import Chat, FakeContext, ScriptedNLU

from core.events import Attachment
from flows.engine import Engine
from flows.validators import plain, validate

SCRIPT = {
    "tôi muốn mở quán cà phê": ("start_procedure", 0.83),  # before the new training lines
    "e muon mo quan cafe": ("start_procedure", 0.68),
    "xin giay xac nhan an toan thuc pham": ("start_procedure", 0.97),
    "tôi mở quán, muốn đăng ký hộ kinh doanh": ("start_procedure", 1.0),
    "đồng ý": ("affirm", 1.0),
    "mất hôm kia": ("out_of_scope", 0.9),
    "mat 3 hom truoc a": ("out_of_scope", 0.7),
    "mất bao lâu vậy": ("ask_processing_time", 1.0),
    "ko biet": ("help", 0.98),
    "đúng": ("affirm", 1.0),
    "e mở quán bún riêu, cần giấy attp thì lm sao ạ": ("ask_requirements", 0.95),
    "đơn đề nghị lấy ở đâu ad": ("ask_location_hours", 0.75),
    "bac can xin lai ban sao giay khai sinh": ("lack_document", 0.42),
    "giay cua bac chau a": ("lack_document", 0.43),
    "giay cua bac toi": ("lack_document", 0.5),
    "anh muốn đăng ký hộ kinh doanh": ("start_procedure", 0.99),
    "vợ chồng anh cùng làm": ("complain", 0.65),
    "một mình tôi làm thôi": ("out_of_scope", 0.6),
}


def _span(text: str, part: str, key: str) -> dict[str, Any]:
    start = text.index(part)
    return {"entity": "procedure", "value": key, "start": start, "end": start + len(part)}


@pytest.fixture(scope="module")
def engine() -> Engine:
    nlu = ScriptedNLU(SCRIPT)
    for text, parts in {
        "tôi muốn mở quán cà phê": [("mở quán cà phê", "ho_kinh_doanh")],
        "e muon mo quan cafe": [("mo quan", "ho_kinh_doanh")],
        "xin giay xac nhan an toan thuc pham": [("xac nhan an toan thuc pham", "xac_nhan_attp")],
        "tôi mở quán, muốn đăng ký hộ kinh doanh": [
            ("mở quán", "ho_kinh_doanh"),
            ("đăng ký hộ kinh doanh", "ho_kinh_doanh"),
        ],
        "e mở quán bún riêu, cần giấy attp thì lm sao ạ": [
            ("mở quán", "ho_kinh_doanh"),  # the situation comes first in the NLU's entities
            ("giấy attp", "xac_nhan_attp"),
        ],
        "bac can xin lai ban sao giay khai sinh": [("ban sao giay khai sinh", "trich_luc_ho_tich")],
        "anh muốn đăng ký hộ kinh doanh": [("đăng ký hộ kinh doanh", "ho_kinh_doanh")],
    }.items():
        nlu.entities[plain(text)] = [_span(text, part, key) for part, key in parts]
    return Engine(nlu, agency_name="UBND phường Thử Nghiệm")


# ---- 1. a food shop said as the situation --------------------------------------------------


@pytest.mark.parametrize("said", ["tôi muốn mở quán cà phê", "e muon mo quan cafe"])
async def test_opening_a_cafe_offers_both_papers_of_the_food_business(engine, said):
    chat = Chat(engine)
    reply = await chat.send(said)  # start_procedure with the household business tagged on "mở quán"
    assert chat.step == "offer_bundle", reply
    assert "an toàn thực phẩm" in reply and "hộ kinh doanh" in reply
    assert not chat.ctx.dossiers


async def test_a_paper_of_the_food_business_named_starts_it(engine):
    chat = Chat(engine)
    reply = await chat.send("xin giay xac nhan an toan thuc pham")
    assert chat.step == "consent" and "an toàn thực phẩm" in reply
    chat = Chat(engine)
    reply = await chat.send("tôi mở quán, muốn đăng ký hộ kinh doanh")  # the situation and the name
    assert chat.step == "consent" and "hộ kinh doanh" in reply


# ---- 2. a date of death said at a photo step -----------------------------------------------


async def _to_the_death_paper(chat: Chat) -> None:
    await chat.send("me em mat roi")
    await chat.send("2")  # the death registration alone
    await chat.send("đồng ý")
    assert chat.step == "doc"


async def _to_the_date_of_death(chat: Chat) -> str:
    await chat.send(photo="paper.jpg")
    await chat.send(photo="card.jpg")
    await chat.send("1")  # the card's reading is right
    await chat.send("nguyen van an")
    return await chat.send("ko biet")  # the deceased's number: left for the officer


@pytest.mark.parametrize(
    "said,day",
    [("mất hôm kia", "21/11/2026"), ("mat 3 hom truoc a", "20/11/2026")],
)
async def test_a_date_of_death_said_at_a_photo_step_is_offered_at_its_field(engine, said, day):
    chat = Chat(engine)  # the context's today is 23/11/2026
    await _to_the_death_paper(chat)
    noted = await chat.send(said)
    assert f"ngày mất: {day}" in noted and "Giấy báo tử" in noted and chat.step == "doc"
    assert "cần một tấm ảnh" not in noted
    offered = await _to_the_date_of_death(chat)
    assert f'"{said}"' in offered and f"ngày mất: {day}" in offered, offered
    await chat.send("đúng")
    iso = dt.datetime.strptime(day, "%d/%m/%Y").date().isoformat()
    assert chat.state["fields"]["date_of_death"] == iso
    audit = [d for a, d, _i in chat.ctx.audits if a == "paper_field_confirmed"]
    assert audit and audit[0]["field"] == "date_of_death" and audit[0]["noted"] == said


async def test_a_date_of_death_said_at_the_question_is_kept_too(engine):
    chat = Chat(engine)
    await chat.send("nha co nguoi mat")
    await chat.send("2")
    await chat.send("đồng ý")
    assert chat.step == "question"  # "khai thay hay người thân?": no relative was named
    noted = await chat.send("mất hôm kia")
    assert "ngày mất: 21/11/2026" in noted and "chưa rõ ý bạn" not in noted and chat.step == "question"
    assert chat.state["offered"]["date_of_death"]["value"] == "2026-11-21"


async def test_a_time_question_at_a_photo_step_is_no_date(engine):
    chat = Chat(engine)
    await _to_the_death_paper(chat)
    reply = await chat.send("mất bao lâu vậy")  # "mất" with no date after it: the time question
    assert "ghi nhớ ngày mất" not in reply
    assert not (chat.state.get("offered") or {}).get("date_of_death")


def test_days_ago_are_dates():
    today = dt.date(2026, 12, 7)
    assert validate("date_past", "3 hôm trước", [], today) == ("2026-12-04", None)
    assert validate("date_past", "năm ngày trước", [], today) == ("2026-12-02", None)
    assert validate("date_past", "hom truoc", [], today) == ("2026-12-05", None)
    assert validate("date_past", "ngày trước", [], today)[1] == "date_format"


# ---- 3. a photo before anything -------------------------------------------------------------


class PaperContext(FakeContext):
    """Reads a photo named "baotu…" as a giấy báo tử, as the OCR's paper typing does."""

    async def check_photo(self, attachment: Attachment, expect: str) -> dict[str, Any]:
        if attachment.path and attachment.path.startswith("baotu"):
            return {"quality": {"ok": True, "problems": []}, "document": {"type": "giay_bao_tu"}}
        return await super().check_photo(attachment, expect)


async def test_a_paper_sent_before_anything_names_the_life_event_it_belongs_to(engine):
    chat = Chat(engine, PaperContext())
    reply = await chat.send(photo="baotu.jpg")
    assert "Giấy báo tử" in reply and '"Có người mất" (số 2' in reply and "nhắn số 2" in reply, reply
    assert "chưa thuộc hồ sơ nào" in reply and "gửi lại ảnh" in reply
    assert chat.step == "menu" and not chat.ctx.documents and not chat.ctx.dossiers
    again = await chat.send("2")  # the number the reply named: the death registration's offer
    assert chat.step == "offer_bundle" and "khai tử" in again


async def test_a_card_sent_before_anything_says_what_to_do_next(engine):
    chat = Chat(engine)
    reply = await chat.send(photo="card.jpg")  # a card fits every procedure: no guess
    assert "rõ nét" in reply and "chọn việc cần làm" in reply and "bấm đồng ý" in reply
    assert "giống" not in reply and chat.step == "menu" and not chat.ctx.documents


# ---- 4. the three walks: a food-safety paper asked for by a stall owner, an elderly man's copy
# of his birth certificate, a couple's household business ------------------------------------


async def test_the_paper_named_is_answered_not_the_situation(engine):
    chat = Chat(engine)
    reply = await chat.send("e mở quán bún riêu, cần giấy attp thì lm sao ạ")
    assert "Để xác nhận kiến thức an toàn thực phẩm, bạn cần" in reply, reply
    assert "Giấy đề nghị đăng ký hộ kinh doanh" not in reply
    where = await chat.send("đơn đề nghị lấy ở đâu ad")  # at the offer to file: the form's about
    assert "mẫu in sẵn" in where and "Bạn muốn làm hồ sơ xác nhận kiến thức an toàn thực phẩm" in where
    assert "Nơi nộp" not in where and chat.step == "answer_offer"


async def _answer_the_question(engine: Engine, opening: str, said: str) -> tuple[Chat, str]:
    """Open a procedure, consent, and answer its first yes/no question with `said`."""
    chat = Chat(engine)
    await chat.send(opening)
    await chat.send("đồng ý")
    assert chat.step == "question"
    return chat, await chat.send(said)


@pytest.mark.parametrize(
    "said,answers",
    [
        ("giay cua bac chau a", {"on_behalf": False}),  # "bác" is the speaker: their own paper
        ("giay cua bac toi", None),  # "bác tôi" is an uncle: no answer
    ],
)
async def test_an_elderly_citizens_own_paper_answers_for_whom(engine, said, answers):
    chat, reply = await _answer_the_question(engine, "bac can xin lai ban sao giay khai sinh", said)
    if answers is None:
        assert chat.step == "question" and "chưa rõ ý bạn" in reply
    else:
        assert chat.step == "doc" and chat.state["answers"] == answers, reply


@pytest.mark.parametrize("said,family", [("vợ chồng anh cùng làm", True), ("một mình tôi làm thôi", False)])
async def test_who_sets_up_the_household_business_in_own_words(engine, said, family):
    chat, reply = await _answer_the_question(engine, "anh muốn đăng ký hộ kinh doanh", said)
    assert chat.step == "doc" and chat.state["answers"] == {"family": family}, reply


async def test_a_stray_photo_that_is_no_card_is_typed_as_a_paper(monkeypatch, tmp_path):
    """At the menu the worker checks a photo's quality (`expect` ""); a good one that is no ID
    card is also typed as a paper, read only (the paper step's scan stores cleaned pages), in
    the same pool job: one OCR_TIMEOUT_S for both, never two."""
    import ocr
    from bot import ocr_pool, turn_context
    from core.media import MediaStore

    calls: list[str | None] = []
    jobs: list[object] = []
    readings = {
        None: {"quality": {"ok": True, "problems": []}, "document": {"type": "other", "fields": {}}},
        "paper": {"quality": {"ok": True, "problems": []}, "document": {"type": "giay_bao_tu", "fields": {}}},
    }

    def analyze(path, expect=None):
        calls.append(expect)
        return readings[expect]

    async def no_scan(path):
        raise AssertionError("nothing is stored before a procedure is chosen")

    run = ocr_pool._run

    async def one_job(fn, path, *args, failed):
        jobs.append(fn)
        return await run(fn, path, *args, failed=failed)

    monkeypatch.setattr(ocr, "analyze", analyze)
    monkeypatch.setitem(ocr_pool._config, "processes", 0)  # in a thread: the patched reader
    monkeypatch.setattr(ocr_pool, "_run", one_job)
    monkeypatch.setattr(ocr_pool, "scan", no_scan)
    media = MediaStore(tmp_path)
    photo = Attachment(type="image", path="in/a.jpg", content_type="image/jpeg")
    result = await turn_context.check_photo(media, photo, "")
    assert result["document"]["type"] == "giay_bao_tu" and calls == [None, "paper"]
    assert jobs == [ocr_pool.stray_check]  # both readings in one job under one time limit
    readings[None] = {
        "quality": {"ok": True, "problems": []},
        "document": {"type": "cccd_front", "fields": {}},
    }
    calls.clear()
    assert (await turn_context.check_photo(media, photo, ""))["document"]["type"] == "cccd_front"
    assert calls == [None]  # a card is read as a card: no paper typing
    readings[None] = {"quality": {"ok": False, "problems": ["blurry"]}, "document": None}
    calls.clear()
    assert (await turn_context.check_photo(media, photo, ""))["quality"]["problems"] == ["blurry"]
    assert calls == [None]  # a photo to retake is not typed
