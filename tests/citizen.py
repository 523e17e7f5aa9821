"""Drive a conversation through the real message path and read what the citizen received."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

from sqlalchemy import func, select

from bot.db import Conversation, MessageLog, Outbox
from bot.events import Attachment, InboundEvent
from bot.runtime import Runtime
from support import wait_for


def photo(kind: str = "paper", seed: int = 1, cls: str = "good") -> bytes:
    """A generated phone photo (ocr.synth: generated identities only) of a paper or an ID card."""
    from ocr.synth import make_sample

    data, _truth = make_sample(seed=seed, kind=kind, cls=cls, size=(1280, 960))
    return data


class Citizen:
    def __init__(self, rt: Runtime, channel: str = "web", user: str | None = None) -> None:
        self.rt = rt
        self.channel = channel
        self.user = user or uuid.uuid4().hex
        self.seen = 0  # outbound messages already read

    @property
    def key(self) -> str:
        return f"{self.channel}:{self.user}"

    def event(self, text: str | None = None, *, payload: str | None = None, photo: bytes | None = None,
              message_id: str | None = None) -> InboundEvent:
        mid = message_id or uuid.uuid4().hex
        if photo is not None:
            stored = self.rt.media.store(photo, self.channel)
            att = (Attachment(type="image", path=stored.path, size=stored.size, content_type=stored.content_type,
                              sha256=stored.sha256) if stored.kind
                   else Attachment(type="file", problem="not_image", size=stored.size))
            return InboundEvent(self.channel, self.user, mid, kind="image" if stored.kind else "file",
                                attachments=(att,))
        return InboundEvent(self.channel, self.user, mid, kind="payload" if payload else "text",
                            text=text, payload=payload)

    async def send(self, text: str | None = None, **kw) -> InboundEvent:
        event = self.event(text, **kw)
        await self.rt.submit(event)
        return event

    async def processed(self, message_id: str) -> bool:
        async with self.rt.db.session() as s:
            found = (await s.execute(select(MessageLog.id).where(
                MessageLog.channel == self.channel, MessageLog.direction == "in",
                MessageLog.external_id == message_id))).first()
            if not found:
                return False
            waiting = (await s.execute(
                select(func.count()).select_from(Outbox).join(Conversation, Conversation.id == Outbox.conversation_id)
                .where(Conversation.key == self.key, Outbox.status.in_(("pending", "sending"))))).scalar()
            return waiting == 0

    async def outbound(self) -> list[str]:
        async with self.rt.db.session() as s:
            rows = (await s.execute(
                select(MessageLog.text).join(Conversation, Conversation.id == MessageLog.conversation_id)
                .join(Outbox, Outbox.message_id == MessageLog.id)
                .where(Conversation.key == self.key, MessageLog.direction == "out", Outbox.status == "sent")
                .order_by(MessageLog.id))).scalars().all()
        return list(rows)

    async def say(self, text: str | None = None, timeout: float = 20.0, **kw) -> str:
        """Send and wait until it is applied and every reply delivered; return the new replies joined."""
        event = await self.send(text, **kw)
        await wait_for(lambda: self.processed(event.message_id), timeout=timeout)
        replies = await self.outbound()
        new = replies[self.seen:]
        self.seen = len(replies)
        return "\n".join(new)


async def file_birth_registration(citizen: Citizen) -> str:
    """The whole birth-registration journey from the greeting; returns the reply with the code."""
    assert "Có em bé" in await citizen.say("Xin chào")
    assert "trọn gói" in await citizen.say("1")  # the life event offers the bundle or birth alone
    assert "đồng ý" in (await citizen.say("2")).lower()
    assert "Bạn là bố hoặc mẹ của bé" in await citizen.say(payload="yes")
    assert "Bước 1/2" in await citizen.say("2")  # I am the parent: no authorisation needed
    assert "Bước 2/2" in await citizen.say(photo=photo("paper", seed=11))
    reply = await citizen.say(photo=photo("cccd_front", seed=12))
    if "Mình đọc được trên thẻ" in reply:
        reply = await citizen.say("1")  # all read right
    assert "Họ và tên" in reply
    assert "bé trai hay bé gái" in await citizen.say("Nguyễn Minh An")
    assert "sinh ngày" in await citizen.say("1")
    assert "điện thoại" in await citizen.say("05/03/2026")
    assert "tóm tắt" in await citizen.say("0912 345 678")
    return await citizen.say("1")
