"""Withdrawing a filed dossier: asked which and confirmed first; only before the office accepts
it; a consent withdrawal says what it means; "hủy" right after filing is understood."""

from __future__ import annotations

import pytest
from dialogue_kit import Chat, ScriptedNLU

from flows.engine import Engine


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(ScriptedNLU({}), agency_name="UBND phường Thử Nghiệm")


def filed(chat: Chat, *statuses: str) -> list[str]:
    codes = []
    for i, status in enumerate(statuses, 1):
        code = f"DEMO-261123-{i:04d}"
        chat.ctx.dossiers[100 + i] = {"procedure": "khai_sinh", "status": status, "code": code}
        codes.append(code)
    return codes


async def test_huy_after_filing_asks_then_withdraws_the_last_dossier(engine):
    chat = Chat(engine)
    (code,) = filed(chat, "submitted")
    chat.state = {"step": "menu", "last_code": code}
    ask = await chat.send("hủy")
    assert code in ask and "rút" in ask and chat.step == "withdraw"
    assert chat.ctx.dossiers[101]["status"] == "submitted"  # nothing happens before the yes
    done = await chat.send("1")
    assert "Đã rút hồ sơ" in done and chat.ctx.dossiers[101]["status"] == "rejected"
    assert chat.step == "menu"


async def test_keeping_the_dossier(engine):
    chat = Chat(engine)
    (code,) = filed(chat, "in_review")
    await chat.send(f"hủy hồ sơ {code}")
    assert "vẫn được giữ" in await chat.send("không")
    assert chat.ctx.dossiers[101]["status"] == "in_review"


async def test_several_open_dossiers_are_listed(engine):
    chat = Chat(engine)
    first, second = filed(chat, "submitted", "needs_supplement")
    listed = await chat.send("tôi muốn rút hồ sơ")
    assert first in listed and second in listed
    confirm = await chat.send("2")
    assert second in confirm
    await chat.send("có")
    assert chat.ctx.dossiers[102]["status"] == "rejected" and chat.ctx.dossiers[101]["status"] == "submitted"


async def test_an_accepted_dossier_is_explained_not_withdrawn(engine):
    chat = Chat(engine)
    (code,) = filed(chat, "accepted")
    reply = await chat.send(f"rút hồ sơ {code}")
    assert "lưu theo quy định" in reply and chat.ctx.dossiers[101]["status"] == "accepted"


async def test_consent_withdrawal_names_deletion_too(engine):
    chat = Chat(engine)
    (code,) = filed(chat, "submitted")
    reply = await chat.send("tôi muốn rút lại đồng ý")
    assert code in reply and "xóa dữ liệu" in reply
    none = Chat(engine)
    assert "xóa dữ liệu" in await none.send("tôi muốn rút lại đồng ý")


async def test_huy_while_collecting_still_cancels_the_draft(engine):
    chat = Chat(engine)
    filed(chat, "submitted")
    await chat.send("xin chào")
    await chat.send("1")
    await chat.send("2")
    reply = await chat.send("hủy")  # at the consent question: the journey, not the filed dossier
    assert "Đã hủy" in reply and "rút" not in reply
    assert chat.ctx.dossiers[101]["status"] == "submitted"
