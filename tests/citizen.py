"""Drive a conversation through the real message path and read what the citizen received."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import func, select
from support import _migrate, make_settings, wait_for

from bot.runtime import Runtime
from core.db import Conversation, MessageLog, Outbox
from core.events import Attachment, InboundEvent

#: The title of the generated paper the conversation tests send: a paper of no contract type, so
#: that it is taken at any paper step (a photo that is clearly another contract paper gets the
#: wrong-paper question: tests/test_paper_dialogue.py).
NEUTRAL_TITLE = "ĐƠN ĐỀ NGHỊ"


def photo(kind: str = "paper", seed: int = 1, cls: str = "good") -> bytes:
    """A generated phone photo (ocr.synth: generated identities only) of a paper or an ID card."""
    from ocr.synth import make_sample

    title = NEUTRAL_TITLE if kind == "paper" else None
    data, _truth = make_sample(seed=seed, kind=kind, cls=cls, size=(1280, 960), title=title)
    return data


@contextlib.asynccontextmanager
async def web_runtime(tmp: Path, workers: int = 2) -> AsyncIterator[Runtime]:
    """A migrated embedded runtime (SQLite, in-process queue) with the web channel, started."""
    from handlers.webchat import WebChannel

    settings = make_settings(tmp)
    await _migrate(settings.resolved_database_url)
    runtime = Runtime(settings)
    runtime.add_channel(WebChannel())
    await runtime.start(workers=workers)
    try:
        yield runtime
    finally:
        await runtime.stop()


class Citizen:
    def __init__(self, rt: Runtime, channel: str = "web", user: str | None = None) -> None:
        self.rt = rt
        self.channel = channel
        self.user = user or uuid.uuid4().hex
        self.seen = 0  # outbound messages already read

    @property
    def key(self) -> str:
        return f"{self.channel}:{self.user}"

    def event(
        self,
        text: str | None = None,
        *,
        payload: str | None = None,
        photo: bytes | None = None,
        message_id: str | None = None,
    ) -> InboundEvent:
        mid = message_id or uuid.uuid4().hex
        if photo is not None:
            stored = self.rt.media.store(photo, self.channel)
            att = (
                Attachment(
                    type="image",
                    path=stored.path,
                    size=stored.size,
                    content_type=stored.content_type,
                    sha256=stored.sha256,
                )
                if stored.kind
                else Attachment(type="file", problem="not_image", size=stored.size)
            )
            return InboundEvent(
                self.channel, self.user, mid, kind="image" if stored.kind else "file", attachments=(att,)
            )
        return InboundEvent(
            self.channel, self.user, mid, kind="payload" if payload else "text", text=text, payload=payload
        )

    async def send(self, text: str | None = None, **kw) -> InboundEvent:
        event = self.event(text, **kw)
        await self.rt.submit(event)
        return event

    async def processed(self, message_id: str) -> bool:
        async with self.rt.db.session() as s:
            found = (
                await s.execute(
                    select(MessageLog.id).where(
                        MessageLog.channel == self.channel,
                        MessageLog.direction == "in",
                        MessageLog.external_id == message_id,
                    )
                )
            ).first()
            if not found:
                return False
            waiting = (
                await s.execute(
                    select(func.count())
                    .select_from(Outbox)
                    .join(Conversation, Conversation.id == Outbox.conversation_id)
                    .where(Conversation.key == self.key, Outbox.status.in_(("pending", "sending")))
                )
            ).scalar()
            return waiting == 0

    async def outbound(self) -> list[str]:
        async with self.rt.db.session() as s:
            rows = (
                (
                    await s.execute(
                        select(MessageLog.text)
                        .join(Conversation, Conversation.id == MessageLog.conversation_id)
                        .join(Outbox, Outbox.message_id == MessageLog.id)
                        .where(
                            Conversation.key == self.key,
                            MessageLog.direction == "out",
                            Outbox.status == "sent",
                        )
                        .order_by(MessageLog.id)
                    )
                )
                .scalars()
                .all()
            )
        return list(rows)

    async def say(self, text: str | None = None, timeout: float = 60.0, **kw) -> str:
        """Send and wait until it is applied and every reply delivered; return the new replies joined.
        The bound is for "never answered": a turn with a paper photo takes 2-5 s of OCR alone when
        the suite shares the cores with other work (20 s was exceeded in a loaded run)."""
        event = await self.send(text, **kw)
        await wait_for(lambda: self.processed(event.message_id), timeout=timeout)
        replies = await self.outbound()
        new = replies[self.seen :]
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


def value_for(field) -> str:
    """A valid answer for a catalog form field: its own example (checked by the catalog tests)."""
    return "1" if field.validator == "choice" else field.example


async def start_procedure(citizen: Citizen, key: str) -> str:
    """From the greeting menu (life events) to the consent question of procedure `key`."""
    from flows.catalog import load_life_events

    events = load_life_events()
    number, event = next((i, e) for i, e in enumerate(events, 1) if key in (e.procedure, e.single))
    reply = await citizen.say("Xin chào")
    assert f"{number}. {event.title}" in reply
    reply = await citizen.say(str(number))
    if event.single:
        reply = await citizen.say("1" if key == event.procedure else "2")
    assert "Bạn đồng ý không?" in reply, reply
    return reply


async def file_procedure(citizen: Citizen, key: str, *, on_behalf: bool = False) -> tuple[str, list[str]]:
    """Walk procedure `key` of the catalog to the end, answering as a careful citizen would:
    consent, the yes/no questions, a generated photo of the right kind for each document asked,
    a valid value for each field. Returns the dossier code and every reply received."""
    from flows.catalog import load_catalog

    proc = load_catalog()[key]
    replies = [await start_procedure(citizen, key)]
    reply = await citizen.say("1")  # consent
    replies.append(reply)
    seed = 100
    asked_docs: list[str] = []
    for _ in range(40):
        if "Mã hồ sơ của bạn" in reply:
            break
        seed += 1
        question = next((q for q in proc.questions.values() if q.ask in reply), None)
        doc = next(
            (d for d in proc.documents if d.ask in reply.split("\n")[-1] or f": {d.ask}" in reply), None
        )
        if question:
            reply = await citizen.say("1" if on_behalf else "2")
        elif "nhắn 'xong'" in reply:  # a paper of several pages: this one is all there is
            reply = await citizen.say("xong")
        elif "Mình đọc được trên thẻ" in reply:
            reply = await citizen.say("1")
        elif doc and "Bước" in reply:
            asked_docs.append(doc.key)
            reply = await citizen.say(**_photo_kw(doc, seed))
        elif "tóm tắt" in reply:
            reply = await citizen.say("1")
        else:
            field = next((f for f in proc.fields if f.ask in reply), None)
            assert field is not None, f"{key}: unexpected reply: {reply}"
            reply = await citizen.say(value_for(field))
        replies.append(reply)
    m = re.search(r"Mã hồ sơ của bạn: (\S+-\d{6}-\d{4})", reply)
    assert m, f"{key}: no dossier code in {reply}"
    return m.group(1), replies


def _photo_kw(doc, seed: int) -> dict:
    return {"photo": photo("paper" if doc.photo == "paper" else "cccd_front", seed=seed)}
