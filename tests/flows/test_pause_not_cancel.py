"""A citizen who says they will go on tomorrow ("thôi để mai làm tiếp") pauses: the dossier
begun stays as it is. The NLU may read such a message as `cancel` (it opens with "thôi"); only
the exact cancel words, or a cancel without a "later" phrase, cancel."""

from __future__ import annotations

from dialogue_kit import Chat, ScriptedNLU

from flows.engine import Engine

SCRIPT = {
    "đăng ký kết hôn": ("start_procedure", 0.99),
    "thôi để mai làm tiếp": ("cancel", 0.9),
    "thoi de mai lam tiep nhe": ("cancel", 0.8),
    "thôi không làm nữa": ("cancel", 0.95),
    "thôi bỏ đi": ("cancel", 0.9),
}


def _engine() -> Engine:
    nlu = ScriptedNLU(SCRIPT)
    nlu.entities["dang ky ket hon"] = [{"entity": "procedure", "value": "ket_hon", "start": 0, "end": 15}]
    return Engine(nlu, agency_name="UBND phường Thử Nghiệm")


async def _at_consent() -> Chat:
    chat = Chat(_engine())
    await chat.send("đăng ký kết hôn")
    assert chat.step == "consent"
    return chat


async def test_going_on_tomorrow_at_the_consent_keeps_the_procedure() -> None:
    for text in ["thôi để mai làm tiếp", "thoi de mai lam tiep nhe"]:
        chat = await _at_consent()
        reply = await chat.send(text)
        assert "Đã hủy" not in reply
        assert chat.step == "consent" and chat.state["procedure"] == "ket_hon"
        assert "giữ nguyên hồ sơ" in reply  # the midway pause, the dossier kept


async def test_a_cancel_without_a_later_phrase_still_cancels() -> None:
    for text in ["thôi không làm nữa", "thôi bỏ đi"]:
        chat = await _at_consent()
        reply = await chat.send(text)
        assert "Đã hủy" in reply and chat.step == "menu"
