"""Routing in the dialogue, with the in-memory Context and the example deployment of two offices
(places/example_agencies.yml): the commune proposed from the ID card and confirmed, typed when the
proposal is wrong, picked among candidates, a commune served elsewhere told where to go, the
choice for a procedure filed anywhere, and where-and-when answered from the agencies file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from dialogue_kit import Chat, FakeContext, ScriptedNLU

from flows.engine import Engine
from places.agencies import Directory

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = {"nộp ở đâu": ("ask_location_hours", 0.95)}


@dataclass
class RoutedContext(FakeContext):
    """The in-memory world, with the dossier's agency kept (as the worker keeps it in the row)
    and an ID card whose residence is `residence`."""

    residence: str = "Phường 16, Quận 4, TP.HCM"

    async def create_dossier(self, procedure: str) -> int:
        dossier_id = await super().create_dossier(procedure)
        self.dossiers[dossier_id]["agency"] = self.agency_code
        return dossier_id

    async def route_dossier(self, dossier_id: int, agency_code: str) -> None:
        self.dossiers[dossier_id]["agency"] = agency_code

    async def submit_dossier(self, dossier_id, fields, due) -> str:
        code = await super().submit_dossier(dossier_id, fields, due)
        code = code.replace(self.agency_code, self.dossiers[dossier_id]["agency"], 1)
        self.dossiers[dossier_id]["code"] = code
        return code

    async def check_photo(self, attachment, expect):
        out = await super().check_photo(attachment, expect)
        if out.get("document", {}).get("type") == "cccd_front":
            out["document"]["fields"]["place_of_residence"] = self.residence
        return out


@pytest.fixture(scope="module")
def engine() -> Engine:
    directory = Directory.load(ROOT / "places" / "example_agencies.yml")
    return Engine(ScriptedNLU(SCRIPT), agency_name="UBND phường Xóm Chiếu", agencies=directory)


async def to_route(chat: Chat) -> str:
    """A marriage registration (both ID cards are read with their residence) up to the question
    of where it is filed."""
    await chat.send("xin chào")
    assert "Bạn đồng ý không?" in await chat.send("3")
    await chat.send("đồng ý")
    for _side in ("groom", "bride"):
        assert "Nơi thường trú" in await chat.send(photo="card.jpg")
        await chat.send("1")
    await chat.send("bỏ qua")  # the optional form
    reply = await chat.send("0912 345 678")
    assert chat.step == "route", reply
    return reply


async def to_route_birth(chat: Chat) -> str:
    """A birth registration (the declarant's ID card read with its residence) up to the same
    question."""
    for text in ("xin chào", "1", "2", "đồng ý", "2"):
        await chat.send(text)
    await chat.send(photo="paper.jpg")
    assert "Mình đọc được trên thẻ" in await chat.send(photo="card.jpg")
    for text in ("1", "Nguyễn Minh An", "1", "05/03/2026"):
        await chat.send(text)
    return await chat.send("0912 345 678")


async def test_the_commune_on_the_id_card_is_proposed_and_the_dossier_goes_to_its_office(engine):
    chat = Chat(engine, RoutedContext(agency_code="XOMCHIEU"))
    ask = await to_route(chat)
    # "Phường 16, Quận 4" is the old name: the 2025 commune is proposed
    assert "Hồ sơ sẽ nộp tại Phường Xóm Chiếu, TP. Hồ Chí Minh — đúng không?" in ask
    summary = await chat.send("1")
    assert "Hồ sơ sẽ nộp tại UBND phường Xóm Chiếu." in summary
    assert "tóm tắt" in summary and "Nơi nộp: UBND phường Xóm Chiếu" in summary
    final = await chat.send("1")
    assert "XOMCHIEU-261123-0001" in final
    receipt = "\n".join(chat.ctx.receipt_lines["XOMCHIEU-261123-0001"])
    assert "UBND phường Xóm Chiếu" in receipt
    assert ("routed", {"commune": "27259", "agency": "XOMCHIEU"}, 1) in chat.ctx.audits


async def test_another_commune_typed_any_way_goes_to_the_other_office(engine):
    chat = Chat(engine, RoutedContext(agency_code="XOMCHIEU"))
    await to_route(chat)
    assert "phường, xã nào" in await chat.send("2")  # "Nơi khác"
    summary = await chat.send("so 5 le loi, p. ben thanh, q1, sai gon")
    assert "Nơi nộp: UBND phường Bến Thành" in summary
    final = await chat.send("1")
    assert "BENTHANH-261123-0001" in final
    assert chat.ctx.dossiers[1]["agency"] == "BENTHANH"


async def test_a_birth_proposes_the_commune_on_the_declarants_card_before_the_summary(engine):
    chat = Chat(engine, RoutedContext(residence="so 3 hem 12, f16 q4 sai gon"))
    ask = await to_route_birth(chat)
    assert chat.step == "route" and "tóm tắt" not in ask
    assert "Hồ sơ sẽ nộp tại Phường Xóm Chiếu, TP. Hồ Chí Minh — đúng không?" in ask
    summary = await chat.send("đúng")
    assert "tóm tắt" in summary and "Nơi nộp: UBND phường Xóm Chiếu" in summary
    assert "XOMCHIEU-261123-0001" in await chat.send("1")


async def test_a_death_proposes_the_commune_on_the_declarants_card(engine):
    chat = Chat(engine, RoutedContext(residence="P. Bến Thành, Q.1, TP.HCM"))
    # a death in the family -> the registration alone -> consent -> "I am family"
    for text in ("xin chào", "2", "2", "đồng ý", "2"):
        await chat.send(text)
    await chat.send(photo="paper.jpg")
    assert "Nơi thường trú: P. Bến Thành, Q.1, TP.HCM" in await chat.send(photo="card.jpg")
    for text in ("1", "Lê Văn Cường", "001045012345", "02/11/2026", "Con"):
        await chat.send(text)
    ask = await chat.send("0912 345 678")
    assert "Hồ sơ sẽ nộp tại Phường Bến Thành, TP. Hồ Chí Minh — đúng không?" in ask
    summary = await chat.send("1")
    assert "tóm tắt" in summary and "Nơi nộp: UBND phường Bến Thành" in summary


async def test_an_unknown_address_is_asked_again_and_a_divided_commune_offers_candidates(engine):
    chat = Chat(engine, RoutedContext(residence=""))  # no residence read: nothing to propose
    ask = await to_route_birth(chat)
    assert "phường, xã nào" in ask  # nothing to propose: asked in words
    again = await chat.send("ở gần chợ")
    # the deployment's province is assumed; the commune is asked again
    assert "nhận ra Thành phố Hồ Chí Minh nhưng chưa rõ phường, xã nào" in again and chat.step == "route"
    # Xã Cổ Bi (Gia Lâm) was divided in 2025: its parts are offered, numbered
    pick = await chat.send("xa Co Bi huyen Gia Lam")
    assert "chọn một số" in pick and "1. Phường Phúc Lợi, TP. Hà Nội" in pick and "Xã Gia Lâm" in pick
    told = await chat.send("2")
    # served by no office here, and khai sinh is filed at home: told where to go, back to the menu
    assert "không thuộc nơi tiếp nhận" in told and "Bộ phận Một cửa UBND Xã Gia Lâm, TP. Hà Nội" in told
    assert "dichvucong.gov.vn" in told and chat.step == "menu"
    assert ("routed_elsewhere", {"commune": "00565"}, 1) in chat.ctx.audits
    assert chat.ctx.dossiers[1]["status"] == "draft"


async def test_a_listed_office_elsewhere_is_named_with_how_to_reach_it(engine):
    chat = Chat(engine, RoutedContext(residence="Phường 9, Quận 4, TP.HCM"))
    ask = await to_route(chat)
    assert "Phường Khánh Hội, TP. Hồ Chí Minh — đúng không?" in ask
    told = await chat.send("đúng")
    assert "không thuộc nơi tiếp nhận của UBND phường Xóm Chiếu, UBND phường Bến Thành" in told
    assert "UBND phường Khánh Hội" in told and "Điện thoại: 028 0000 0003" in told
    assert chat.step == "menu"


async def test_a_procedure_filed_anywhere_offers_the_choice(tmp_path):
    data = (ROOT / "places" / "example_agencies.yml").read_text(encoding="utf-8")
    path = tmp_path / "agencies.yml"
    path.write_text(
        data.replace("anywhere: [can_cuoc, chung_thuc_ban_sao]", "anywhere: [ket_hon]"), encoding="utf-8"
    )
    engine = Engine(ScriptedNLU(SCRIPT), agencies=Directory.load(path))
    chat = Chat(engine, RoutedContext(residence="Phường 9, Quận 4, TP.HCM"))
    await to_route(chat)
    choice = await chat.send("1")
    assert "được nộp tại bất kỳ bộ phận một cửa nào" in choice
    assert "1. Nộp tại UBND phường Xóm Chiếu" in choice and "2. Nộp tại UBND phường Khánh Hội" in choice
    summary = await chat.send("1")
    assert "Nơi nộp: UBND phường Xóm Chiếu" in summary
    assert "XOMCHIEU-261123-0001" in await chat.send("1")


async def test_where_and_when_come_from_the_agencies_file(engine):
    chat = Chat(engine, RoutedContext())
    await chat.send("xin chào")
    reply = await chat.send("nộp ở đâu")
    assert "18 Đoàn Văn Bơ" in reply or "Bạn hỏi về thủ tục nào" in reply
    if "Bạn hỏi về thủ tục nào" in reply:
        reply = await chat.send("1")
    assert "UBND phường Xóm Chiếu: Bộ phận Một cửa, 18 Đoàn Văn Bơ" in reply
    assert "UBND phường Bến Thành" in reply and "Điện thoại: 028 0000 0002" in reply


async def test_a_single_office_deployment_asks_nothing_more():
    engine = Engine(ScriptedNLU(SCRIPT), agency_name="UBND phường Thử Nghiệm")
    chat = Chat(engine, RoutedContext())
    summary = await to_route_birth(chat)
    assert "tóm tắt" in summary and "Nơi nộp" not in summary and chat.step == "summary"
    assert "DEMO-261123-0001" in await chat.send("1")
