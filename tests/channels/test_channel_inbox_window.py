"""A Zalo citizen asks for an officer before any dossier exists: the thread is in the officer's
inbox; an officer's answer after the platform's reply window is held by the real sender (never
sent to Zalo) and shown as such, and goes out once the citizen writes again."""

from __future__ import annotations

import datetime as dt
import uuid

from channel_kit import post_zalo, runtime_of, settled, wait_for, zalo_event
from sqlalchemy import select, update

from core.db import Conversation, MessageLog, Outbox
from core.db.models import utcnow
from services import inbox, officers, threads
from services.officers import Principal


async def test_an_answer_outside_the_window_is_held_then_delivered(client, fake_zalo, channel_settings):
    rt = runtime_of(client)
    oid = await officers.add(
        channel_settings, "lan", "mat-khau-rat-dai-123", channel_settings.agency_code, "officer"
    )
    lan = Principal(oid, "lan", channel_settings.agency_code, "officer")
    user = "3" + uuid.uuid4().hex[:15]
    await post_zalo(client, zalo_event("user_send_text", user, text="cho tôi gặp cán bộ"))

    async def listed():
        found = [i for i in (await inbox.list_threads(rt, lan))["items"] if i["channel"] == "zalo"]
        return found or None

    item = (await wait_for(listed, timeout=20))[0]
    assert item["reason"] == "requested" and item["dossier_code"] is None and item["unread"] == 1
    assert item["reply_window"]["state"] == "standard"
    # the bot's answer to the request has gone out before the window is made to close (a row still
    # unsent would be held first, and the officer's answer would wait behind it, in order)
    await wait_for(lambda: bool(fake_zalo.texts(user)), timeout=20)
    async with rt.db.session() as s, s.begin():
        await s.execute(
            update(Conversation)
            .where(Conversation.key == f"zalo:{user}")
            .values(last_inbound_at=utcnow() - dt.timedelta(days=8))
        )
    item = (await inbox.list_threads(rt, lan))["items"][0]
    assert item["reply_window"]["state"] == "closed" and not item["reply_window"]["open"]

    mid = await threads.send_message(rt, lan, item["id"], "Chào bạn, cán bộ Lan đây.")
    async with rt.db.session() as s:
        outbox_id = (await s.execute(select(Outbox.id).where(Outbox.message_id == mid))).scalar_one()
    row = await settled(rt, outbox_id, "held")
    assert row.attempts == 0
    assert "Chào bạn, cán bộ Lan đây." not in fake_zalo.texts(user)

    await post_zalo(client, zalo_event("user_send_text", user, text="Tôi đây"))
    await settled(rt, outbox_id)
    assert "Chào bạn, cán bộ Lan đây." in fake_zalo.texts(user)
    async with rt.db.session() as s:
        author = (await s.execute(select(MessageLog.officer_id).where(MessageLog.id == mid))).scalar_one()
    assert author == oid
