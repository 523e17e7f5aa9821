"""Paper steps with an in-memory Context whose photo check answers as ocr.scan does: the right
paper is taken; a photo clearly of another paper gets a kind question (keep it, or send another);
a paper of several pages is taken page by page until "xong", in order; a PDF brings all its
pages at once; an unrecognised paper is taken (and left to the officer)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from dialogue_kit import Chat, FakeContext, ScriptedNLU

from flows.engine import Engine
from flows.state import State, Step, collecting

# photo name -> (type, confidence, pages)
SCANS = {
    "cs.jpg": ("giay_chung_sinh", 0.95, 1),
    "tk.jpg": ("to_khai_khai_sinh", 0.95, 1),
    "tk_weak.jpg": ("to_khai_khai_sinh", 0.4, 1),
    "unknown.jpg": ("other", 0.0, 1),
    "hd1.jpg": ("hop_dong_thue_nha", 0.9, 1),
    "hd2.jpg": ("hop_dong_thue_nha", 0.7, 1),
    "hd3.jpg": ("hop_dong_thue_nha", 0.7, 1),
    "hd.pdf": ("hop_dong_thue_nha", 0.9, 3),
    "ct01.jpg": ("to_khai_cu_tru", 0.95, 1),
    "cs_read.jpg": ("giay_chung_sinh", 0.95, 1),
    "cccd.jpg": ("cccd_front", 1.0, 1),  # an ID card sent for a paper (ocr.paper reads it as one)
}
# photo name -> the fields the paper reader found on it (ocr.pages.fields)
FIELDS = {"cs_read.jpg": {"child_name": "NGUYỄN MINH AN", "child_dob": "05/11/2026"}}


@dataclass
class PaperContext(FakeContext):
    readings: list[dict] = field(default_factory=list)

    async def add_document(self, dossier_id, doc_key, attachment, quality, reading=None) -> None:
        self.documents.append((dossier_id, doc_key, quality))
        self.readings.append({"key": doc_key, "path": attachment.path, **(reading or {})})

    async def check_photo(self, attachment, expect: str) -> dict[str, Any]:
        if expect != "paper" or attachment.path not in SCANS:
            return await super().check_photo(attachment, expect)
        kind, conf, n = SCANS[attachment.path]
        doc = {
            "type": kind,
            "fields": dict(FIELDS.get(attachment.path, {})),
            "confidence": {"type": conf} if kind != "other" else {},
            "checks": {},
        }
        pages = [{"clean": f"pages/{attachment.path}.{i}.jpg", "type": kind} for i in range(n)]
        return {
            "quality": {"ok": True, "problems": []},
            "document": doc,
            "scan": {"page_count": n, "pages": pages},
        }


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(ScriptedNLU({}), agency_name="UBND phường Thử Nghiệm")


async def birth_certificate_step(engine) -> Chat:
    chat = Chat(engine, PaperContext())
    assert "Có em bé" in await chat.send("xin chào")
    await chat.send("1")
    await chat.send("2")  # birth registration alone
    await chat.send("đồng ý")
    assert "Bước 1/2" in await chat.send("2")
    assert chat.step == "doc"
    return chat


async def test_the_right_paper_is_taken_at_once(engine):
    chat = await birth_certificate_step(engine)
    reply = await chat.send(photo="cs.jpg")
    assert "Đã nhận ảnh Giấy chứng sinh" in reply and "Bước 2/2" in reply
    r = chat.ctx.readings[-1]
    assert r["clean_pages"] == ["pages/cs.jpg.0.jpg"] and r["pages"] == 1 and not r["wrong_paper"]


async def test_another_paper_gets_a_kind_question_and_can_be_kept(engine):
    chat = await birth_certificate_step(engine)
    reply = await chat.send(photo="tk.jpg")
    assert "có vẻ là Tờ khai đăng ký khai sinh, không phải Giấy chứng sinh" in reply
    assert "Vẫn dùng ảnh này" in reply and chat.step == "doc_wrong"
    assert not chat.ctx.documents  # never a silent wrong attachment
    reply = await chat.send("2")  # keep it anyway
    assert "ghi chú để cán bộ kiểm tra" in reply and "Bước 2/2" in reply
    r = chat.ctx.readings[-1]
    assert r["wrong_paper"] == "Tờ khai đăng ký khai sinh" and r["path"] == "tk.jpg"
    assert chat.ctx.documents[-1][2]["accepted_with_warning"] is True


async def test_an_id_card_sent_for_a_paper_is_named_and_asked_about(engine):
    chat = await birth_certificate_step(engine)
    reply = await chat.send(photo="cccd.jpg")
    assert "có vẻ là Căn cước công dân (mặt trước), không phải Giấy chứng sinh" in reply
    assert chat.step == "doc_wrong" and not chat.ctx.documents
    assert "Bước 2/2" in await chat.send(photo="cs.jpg")
    assert [r["path"] for r in chat.ctx.readings] == ["cs.jpg"]


async def test_another_paper_replaced_by_the_right_one(engine):
    chat = await birth_certificate_step(engine)
    await chat.send(photo="tk.jpg")
    assert "chụp Giấy chứng sinh" in await chat.send("gửi lại")
    assert chat.step == "doc"
    reply = await chat.send(photo="cs.jpg")
    assert "Bước 2/2" in reply
    assert [r["path"] for r in chat.ctx.readings] == ["cs.jpg"]


async def test_a_new_photo_answers_the_question_too(engine):
    chat = await birth_certificate_step(engine)
    await chat.send(photo="tk.jpg")
    assert "Bước 2/2" in await chat.send(photo="cs.jpg")
    assert [r["path"] for r in chat.ctx.readings] == ["cs.jpg"]


@pytest.mark.parametrize("photo", ["unknown.jpg", "tk_weak.jpg"])
async def test_an_unsure_or_unknown_paper_is_taken(engine, photo):
    chat = await birth_certificate_step(engine)
    assert "Bước 2/2" in await chat.send(photo=photo)
    assert chat.ctx.readings[-1]["wrong_paper"] is None


def rental_step(engine) -> Chat:
    """tam_tru at its third document: the rental contract (pages: many)."""
    chat = Chat(engine, PaperContext())
    state: State = collecting("tam_tru", 7)
    state.step, state.doc = Step.DOC, 2
    chat.ctx.dossiers[7] = {"procedure": "tam_tru", "status": "draft"}
    chat.state = state.to_dict()
    return chat


async def test_a_contract_is_taken_page_by_page_until_done(engine):
    chat = rental_step(engine)
    reply = await chat.send(photo="hd1.jpg")
    assert "Đã nhận trang 1" in reply and "nhắn 'xong'" in reply
    assert "Đã nhận trang 2" in await chat.send(photo="hd2.jpg")
    assert "gửi tiếp ảnh trang sau" in await chat.send("để mình tìm")  # neither a page nor done
    assert "Đã nhận trang 3" in await chat.send(photo="hd3.jpg")
    reply = await chat.send("xong rồi")
    assert "Đã nhận 3 trang" in reply
    r = chat.ctx.readings[-1]
    assert r["originals"] == ["hd1.jpg", "hd2.jpg", "hd3.jpg"]  # in the order sent
    assert r["clean_pages"] == ["pages/hd1.jpg.0.jpg", "pages/hd2.jpg.0.jpg", "pages/hd3.jpg.0.jpg"]
    assert r["pages"] == 3 and len(chat.ctx.documents) == 1


async def test_done_button(engine):
    chat = rental_step(engine)
    await chat.send(photo="hd1.jpg")
    assert "Đã nhận ảnh" in await chat.send(payload="done")
    assert chat.ctx.readings[-1]["pages"] == 1


async def test_a_pdf_brings_all_its_pages(engine):
    chat = rental_step(engine)
    reply = await chat.send(photo="hd.pdf")
    assert "Đã nhận 3 trang" in reply
    assert chat.ctx.readings[-1]["clean_pages"] == [f"pages/hd.pdf.{i}.jpg" for i in range(3)]


async def test_a_wrong_page_among_pages_is_asked_about(engine):
    chat = rental_step(engine)
    await chat.send(photo="hd1.jpg")
    assert "có vẻ là Tờ khai thay đổi thông tin cư trú" in await chat.send(photo="ct01.jpg")
    await chat.send("gửi lại")
    await chat.send(photo="hd2.jpg")
    await chat.send("xong")
    assert chat.ctx.readings[-1]["originals"] == ["hd1.jpg", "hd2.jpg"]


async def test_done_is_the_step_s_even_when_the_nlu_reads_an_intent_in_it():
    """'xong' once went to a confident NLU intent (an answer, then the step asked for page 1
    again): after pages of a paper it is the step's word."""
    eng = Engine(ScriptedNLU({"xong": ("ask_requirements", 0.95)}), agency_name="UBND phường Thử Nghiệm")
    chat = rental_step(eng)
    await chat.send(photo="hd1.jpg")
    assert "Đã nhận ảnh" in await chat.send("xong")
    assert chat.ctx.readings[-1]["pages"] == 1


async def to_fields_after(engine, photo: str) -> Chat:
    chat = await birth_certificate_step(engine)
    await chat.send(photo=photo)
    await chat.send(photo="card.jpg")
    return chat


async def test_fields_read_from_the_paper_are_offered_to_confirm(engine):
    chat = await to_fields_after(engine, "cs_read.jpg")
    reply = await chat.send("1")  # the ID card's reading is right
    assert "Trên Giấy chứng sinh của bé mình đọc được họ tên của bé: NGUYỄN MINH AN" in reply
    assert "Đúng" in reply and chat.step == "field"
    assert "fields" not in chat.state or not chat.state["fields"]  # never taken silently
    assert "bé trai hay bé gái" in await chat.send(payload="offer_ok")
    assert chat.state["fields"] == {"child_name": "NGUYỄN MINH AN"}
    reply = await chat.send("bé trai")
    assert "ngày sinh của bé: 05/11/2026" in reply  # the date, offered the same way
    assert "điện thoại" in await chat.send("đúng")
    assert chat.state["fields"]["child_dob"] == "2026-11-05"
    actions = [a for a, _, _ in chat.ctx.audits if a.startswith("paper_field")]
    assert actions == ["paper_field_confirmed", "paper_field_confirmed"]


async def test_a_field_read_from_the_paper_can_be_corrected(engine):
    chat = await to_fields_after(engine, "cs_read.jpg")
    await chat.send("1")
    assert "bé trai hay bé gái" in await chat.send("Nguyễn Minh Anh")  # typed instead
    assert chat.state["fields"] == {"child_name": "NGUYỄN MINH ANH"}
    assert [a for a, _, _ in chat.ctx.audits if a.startswith("paper_field")] == ["paper_field_corrected"]


async def test_nothing_is_offered_from_a_paper_kept_as_another_one(engine):
    chat = await birth_certificate_step(engine)
    FIELDS["tk.jpg"] = {"child_name": "LÊ VĂN BA"}
    try:
        await chat.send(photo="tk.jpg")
        await chat.send("2")  # kept anyway: it is not the giấy chứng sinh
        await chat.send(photo="card.jpg")
        assert "Họ và tên dự kiến của bé" in await chat.send("1")
    finally:
        del FIELDS["tk.jpg"]
