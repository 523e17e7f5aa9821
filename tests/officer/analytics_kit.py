"""A known synthetic history through the real message path (the web chat's events into the
runtime's queue → the worker → the officers' API), for the analytics tests: five citizens on
the web chat, the can_cuoc procedure (ID card photo optional, so at most one OCR run)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from citizen import Citizen, photo, start_procedure
from officer_kit import api_token, bearer
from support import wait_for

NOT_UNDERSTOOD = "Xin lỗi, mình chưa hiểu ý bạn"
OUT_OF_SCOPE = "Câu hỏi này nằm ngoài những việc mình hỗ trợ được, mình xin lỗi nhé."
LOW_SCORE_FOLLOW_UP = "Điều gì làm anh/chị chưa hài lòng?"
SURVEY_ASKED = "Anh/chị hài lòng thế nào"
CODE = re.compile(r"Mã hồ sơ của bạn: (\S+-\d{6}-\d{4})")


class Counting(Citizen):
    """A citizen whose every typed text and every reply is kept (the test's own tally)."""

    texts: list[str]
    replies: list[str]

    async def say(self, text=None, timeout: float = 30.0, **kw) -> str:
        if not hasattr(self, "texts"):
            self.texts, self.replies = [], []
        if text is not None and not kw.get("payload"):
            self.texts.append(text)
        reply = await super().say(text, timeout=timeout, **kw)
        self.replies.append(reply)
        return reply


@dataclass
class History:
    citizens: dict[str, Counting] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    blurry_problems: list[str] = field(default_factory=list)

    def texts(self) -> list[str]:
        return [t for c in self.citizens.values() for t in getattr(c, "texts", [])]

    def fallbacks(self) -> int:
        said = [r for c in self.citizens.values() for r in c.replies]
        return sum(r.count(NOT_UNDERSTOOD) + r.count(OUT_OF_SCOPE) for r in said)


async def _to_fields(c: Counting, *, photos: list[dict] | None = None) -> str:
    await start_procedure(c, "can_cuoc")
    reply = await c.say("1")  # consent
    assert "Bước 1/1" in reply, reply
    for kw in photos or []:
        reply = await c.say(**kw)
    if "số căn cước 12 số" not in reply:
        reply = await c.say("Bỏ qua")  # the optional card photo
    assert "số căn cước 12 số" in reply, reply
    return reply


async def _file(c: Counting, *, photos: list[dict] | None = None) -> str:
    await _to_fields(c, photos=photos)
    assert "Lý do" in await c.say("001099012345")
    assert "điện thoại" in await c.say("1")
    assert "tóm tắt" in await c.say("0912 345 678")
    m = CODE.search(await c.say("1"))
    assert m, c.replies[-1]
    return m.group(1)


async def _delivered(c: Counting, needle: str) -> str:
    async def found():
        texts = await c.outbound()
        return next((t for t in texts if needle in t), None)

    return await wait_for(found)


async def build(client, rt) -> History:
    h = History()
    api = bearer(await api_token(client, "lan"))

    async def act(code: str, path: str, body: dict | None = None) -> dict:
        r = await client.post(f"/api/v1/dossiers/{code}/{path}", headers=api, json=body or {})
        assert r.status in (200, 201), await r.text()
        return await r.json()

    # A: a message the bot does not understand, then files, accepted, result ready, very satisfied
    a = h.citizens["a"] = Counting(rt)
    await a.say("Xin chào")
    assert NOT_UNDERSTOOD in await a.say("zzz")
    assert OUT_OF_SCOPE in await a.say("asdfgh qwerty")
    h.codes["a"] = await _file(a)
    await act(h.codes["a"], "accept")
    await act(h.codes["a"], "result-ready", {"note": ""})
    await _delivered(a, SURVEY_ASKED)
    a.seen = len(await a.outbound())
    assert "góp ý gì thêm" in await a.say("5")
    assert "Cảm ơn anh/chị đã đánh giá" in await a.say("Bỏ qua")
    await act(h.codes["a"], "complete", {"note": ""})  # no second survey for this dossier

    # B: refuses consent
    b = h.citizens["b"] = Counting(rt)
    await start_procedure(b, "can_cuoc")
    await b.say("2")

    # C: a file that is no photo, a blurry photo (retake), then skips it; reviewed and rejected
    c = h.citizens["c"] = Counting(rt)
    blurry = photo("paper", seed=7, cls="blurry")
    h.codes["c"] = await _file(c, photos=[{"photo": b"this is not an image at all"}, {"photo": blurry}])
    await act(h.codes["c"], "review")
    await act(h.codes["c"], "reject", {"reason": "Số căn cước không khớp"})

    # D: begins, cancels, and says why (the soft survey)
    d = h.citizens["d"] = Counting(rt)
    await _to_fields(d)
    assert "muốn hủy" in await d.say("hủy")
    assert "vì sao dừng lại" in await d.say("1")
    await d.say("2")  # "Thiếu giấy tờ"

    # E: files; an officer takes the thread over and hands it back; a low score, a reason, a comment
    e = h.citizens["e"] = Counting(rt)
    h.codes["e"] = await _file(e)
    await act(h.codes["e"], "take-over")
    await act(h.codes["e"], "hand-back")
    await act(h.codes["e"], "accept")
    await act(h.codes["e"], "result-ready", {"note": ""})
    await _delivered(e, SURVEY_ASKED)
    e.seen = len(await e.outbound())
    assert LOW_SCORE_FOLLOW_UP in await e.say("2")
    assert "góp ý gì thêm" in await e.say("1")
    assert "Cảm ơn" in await e.say("Chờ lâu quá")
    await act(h.codes["e"], "complete", {"note": ""})
    return h
