"""Helpers of the inbox tests: a citizen's thread written straight into the database — one who
asked for an officer before any dossier exists, or one who wrote after their dossier closed."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select

from core.db import Citizen, Conversation, Dossier, MessageLog
from core.db.models import utcnow


async def seed_thread(
    rt,
    *,
    name: str = "Phạm Thị Hồng",
    channel: str = "zalo",
    texts: tuple[str, ...] = ("Cho tôi gặp cán bộ", "Tôi cần hỏi về giấy khai sinh"),
    human: bool = True,
    ago: dt.timedelta = dt.timedelta(minutes=3),
    last_inbound: dt.timedelta | None = None,
) -> int:
    """A conversation with no dossier whose citizen asked for an officer (`human`): the bot is
    paused. Returns the conversation id."""
    user = uuid.uuid4().hex
    at = utcnow() - ago
    async with rt.db.session() as s, s.begin():
        citizen = Citizen(channel=channel, external_id=user, display_name=name)
        s.add(citizen)
        await s.flush()
        conv = Conversation(
            key=f"{channel}:{user}",
            citizen_id=citizen.id,
            channel=channel,
            state={"step": "human", "paused": {"step": "menu"}} if human else {"step": "menu"},
            step="human" if human else "menu",
            inbound_cursor="0-0",
            last_inbound_at=utcnow() - (last_inbound if last_inbound is not None else ago),
        )
        s.add(conv)
        await s.flush()
        for text in texts:
            s.add(
                MessageLog(
                    conversation_id=conv.id,
                    direction="in",
                    author="citizen",
                    channel=channel,
                    external_id=uuid.uuid4().hex,
                    kind="text",
                    text=text,
                    created_at=at,
                )
            )
        return conv.id


async def citizen_writes(rt, conv_id: int, text: str) -> None:
    async with rt.db.session() as s, s.begin():
        conv = await s.get(Conversation, conv_id)
        conv.last_inbound_at = utcnow()
        s.add(
            MessageLog(
                conversation_id=conv_id,
                direction="in",
                author="citizen",
                channel=conv.channel,
                external_id=uuid.uuid4().hex,
                kind="text",
                text=text,
            )
        )


async def close_dossier(
    rt, code: str, status: str = "completed", ago: dt.timedelta = dt.timedelta(hours=1)
) -> int:
    """Mark the dossier closed some time ago; returns its conversation id."""
    async with rt.db.session() as s, s.begin():
        d = (await s.execute(select(Dossier).where(Dossier.code == code))).scalar_one()
        d.status = status
        await s.flush()
        d.updated_at = utcnow() - ago
        return d.conversation_id
