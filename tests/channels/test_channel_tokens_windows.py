"""Zalo token refresh (single-use refresh token, one refresh for racing workers, persisted pair)
and reply windows (held messages released when the citizen writes again)."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest
from channel_kit import (
    messenger_body,
    messenger_text,
    post_messenger,
    post_zalo,
    runtime_of,
    wait_for,
    zalo_event,
)
from channel_kit import reply as _reply
from channel_kit import row as _row
from channel_kit import settled as _settled
from sqlalchemy import select, update

from bot.runtime import Runtime
from core.db import Conversation, Outbox
from core.db.models import PlatformToken, utcnow
from core.events import Reply
from core.sealing import SealError, is_sealed, seal, unseal
from handlers.zalo import TokenError, ZaloChannel


async def test_token_refresh_racing_between_two_workers(channel_settings, fake_zalo):
    """Both workers are refused with -216 at once; exactly one refresh call reaches Zalo."""
    first = Runtime(channel_settings)
    # production: a second process (own Redis client, own pool); embedded: the same process
    second = Runtime(channel_settings) if channel_settings.redis_url else first
    a, b = ZaloChannel(first), ZaloChannel(second)
    try:
        await a.tokens.get(), await b.tokens.get()  # both start with the configured token
        fake_zalo.revoke_all_tokens()  # e.g. revoked, or expired early (-216)
        fake_zalo.refresh_delay_s = 0.3  # a slow OAuth server widens the race
        await asyncio.gather(a.send("u-1", {"text": "Tin thứ nhất"}), b.send("u-2", {"text": "Tin thứ hai"}))
        assert len(fake_zalo.calls("/v4/oa/access_token")) == 1
        refresh = fake_zalo.calls("/v4/oa/access_token")[0]
        assert refresh.headers["secret_key"] == "zalo-app-secret"
        assert refresh.body == {
            "refresh_token": "zalo-rt-0",
            "app_id": channel_settings.zalo_app_id,
            "grant_type": "refresh_token",
        }
        assert sorted(fake_zalo.texts()) == ["Tin thứ hai", "Tin thứ nhất"]
        async with first.db.session() as s:
            row = await s.get(PlatformToken, f"zalo:{channel_settings.zalo_app_id}")
        # the new pair persisted, sealed: a dump of the database does not give the OA away
        assert is_sealed(row.access_token) and is_sealed(row.refresh_token)
        assert "zalo-rt-1" not in row.refresh_token
        secret = first.settings.secret_key
        assert (unseal(secret, row.access_token), unseal(secret, row.refresh_token)) == (
            "zalo-at-1",
            "zalo-rt-1",
        )
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=dt.UTC)
        assert dt.timedelta(hours=24) < expires - utcnow() <= dt.timedelta(seconds=90000)
        # a restarted process uses the persisted pair, not the spent one from the environment
        fresh = ZaloChannel(Runtime(channel_settings))
        try:
            await fresh.send("u-3", {"text": "Sau khi khởi động lại"})
        finally:
            await fresh.close()
            await fresh.hub.stop()
        assert len(fake_zalo.calls("/v4/oa/access_token")) == 1
        # close to expiry: refreshed before use, with the newest refresh token
        async with first.db.session() as s, s.begin():
            await s.execute(update(PlatformToken).values(expires_at=utcnow() + dt.timedelta(minutes=5)))
        a.tokens.access = None
        await a.send("u-1", {"text": "Gần hết hạn"})
        calls = fake_zalo.calls("/v4/oa/access_token")
        assert len(calls) == 2 and calls[1].body["refresh_token"] == "zalo-rt-1"
    finally:
        await a.close(), await b.close()
        await first.stop()
        if second is not first:
            await second.stop()


async def test_token_row_written_before_sealing_or_under_another_key(channel_settings, fake_zalo):
    """A plain-text row (from before sealing) is still used and sealed at the next refresh; a row
    sealed under another SECRET_KEY fails with a message that says what to do."""
    rt = Runtime(channel_settings)
    ch = ZaloChannel(rt)
    key = f"zalo:{channel_settings.zalo_app_id}"
    try:
        await ch.tokens.get()  # seeds the row from the settings
        async with rt.db.session() as s, s.begin():
            await s.execute(
                update(PlatformToken)
                .where(PlatformToken.key == key)
                .values(access_token="zalo-at-0", refresh_token="zalo-rt-0")
            )
        ch.tokens.access = None
        assert await ch.tokens.get() == "zalo-at-0"
        fake_zalo.revoke_all_tokens()
        await ch.send("u-1", {"text": "Xin chào"})
        async with rt.db.session() as s:
            row = await s.get(PlatformToken, key)
        assert (
            is_sealed(row.refresh_token) and unseal(rt.settings.secret_key, row.refresh_token) == "zalo-rt-1"
        )
        async with rt.db.session() as s, s.begin():
            await s.execute(
                update(PlatformToken)
                .where(PlatformToken.key == key)
                .values(access_token=seal("another key", "x"), refresh_token=seal("another key", "y"))
            )
        ch.tokens.access = None
        with pytest.raises(TokenError, match="SECRET_KEY_PREVIOUS"):
            await ch.tokens.get()
        with pytest.raises(SealError):
            unseal(rt.settings.secret_key, seal("another key", "y"))
    finally:
        await ch.close()
        await rt.stop()
    # SECRET_KEY changed, the old one given as previous: the tokens open and are sealed anew
    rotated = Runtime(
        channel_settings.with_overrides(
            secret_key="the new key", secret_key_previous=f"older, {rt.settings.secret_key}"
        )
    )
    ch = ZaloChannel(rotated)
    try:
        async with rotated.db.session() as s, s.begin():
            await s.execute(
                update(PlatformToken)
                .where(PlatformToken.key == key)
                .values(
                    access_token=seal(rt.settings.secret_key, "zalo-at-7"),
                    refresh_token=seal(rt.settings.secret_key, "zalo-rt-7"),
                )
            )
        assert await ch.tokens.get() == "zalo-at-7"
        async with rotated.db.session() as s:
            row = await s.get(PlatformToken, key)
        assert unseal("the new key", row.refresh_token) == "zalo-rt-7"  # no previous key needed any more
        assert unseal("the new key", row.access_token) == "zalo-at-7"
    finally:
        await ch.close()
        await rotated.stop()


async def _age(rt, key: str, hours: float) -> None:
    async with rt.db.session() as s, s.begin():
        await s.execute(
            update(Conversation)
            .where(Conversation.key == key)
            .values(last_inbound_at=utcnow() - dt.timedelta(hours=hours))
        )


async def test_held_outside_the_window_and_released_when_the_citizen_writes(client, fake_zalo):
    rt = runtime_of(client)
    user = "2" + uuid.uuid4().hex[:15]
    await post_zalo(client, zalo_event("user_send_text", user, text="Xin chào"))
    await wait_for(lambda: fake_zalo.texts(user), timeout=20)
    await _age(rt, f"zalo:{user}", 72)  # the citizen's last message: 3 days ago
    held = await _reply(rt, f"zalo:{user}", Reply("Hồ sơ của bạn cần bổ sung giấy tờ."))
    later = await _reply(rt, f"zalo:{user}", Reply("Bạn gửi ảnh giấy tờ bổ sung tại đây nhé."))
    row = await _settled(rt, held, "held")  # a bot message outside 48 h: held, visible as such
    assert row.attempts == 0 and row.last_error.startswith("held:")
    await asyncio.sleep(0.3)
    assert (await _row(rt, later)).status == "pending"  # waits behind the held one
    assert not any("bổ sung" in t for t in fake_zalo.texts(user))
    # the citizen writes again: held messages go first, oldest first, then the new reply
    before = len(fake_zalo.texts(user))
    await post_zalo(client, zalo_event("user_send_text", user, text="Mình đây ạ"))
    await _settled(rt, later)
    await wait_for(lambda: len(fake_zalo.texts(user)) >= before + 3, timeout=20)
    new = fake_zalo.texts(user)[before:]
    assert new[:2] == ["Hồ sơ của bạn cần bổ sung giấy tờ.", "Bạn gửi ảnh giấy tờ bổ sung tại đây nhé."]
    assert (await _row(rt, held)).status == "sent"


async def test_platform_window_refusal_is_held_too(client, fake_zalo):
    rt = runtime_of(client)
    user = "1" + uuid.uuid4().hex[:15]
    await post_zalo(client, zalo_event("user_send_text", user, text="Xin chào"))
    await wait_for(lambda: fake_zalo.texts(user), timeout=20)
    fake_zalo.outside_window.add(user)  # Zalo says -230 although our clock says inside
    officer = await _reply(rt, f"zalo:{user}", Reply("Cán bộ: hồ sơ đã có kết quả."), author="officer")
    row = await _settled(rt, officer, "held")
    assert "-230" in row.last_error
    fake_zalo.outside_window.clear()
    await post_zalo(client, zalo_event("user_send_text", user, text="Cảm ơn ạ"))
    await _settled(rt, officer)
    assert "Cán bộ: hồ sơ đã có kết quả." in fake_zalo.texts(user)


async def test_messenger_human_agent_only_for_officers(client, fake_graph):
    rt = runtime_of(client)
    psid = "P" + uuid.uuid4().hex[:12]
    await post_messenger(client, messenger_body([messenger_text(psid, "Xin chào")]))
    await wait_for(lambda: fake_graph.texts(psid), timeout=20)
    await _age(rt, f"messenger:{psid}", 30)  # past 24 h, within 7 days
    fake_graph.outside_24h.add(psid)
    officer = await _reply(
        rt, f"messenger:{psid}", Reply("Chào anh, hồ sơ của anh đã được tiếp nhận."), author="officer"
    )
    await _settled(rt, officer)
    tagged = fake_graph.sent[-1]
    assert tagged["messaging_type"] == "MESSAGE_TAG" and tagged["tag"] == "HUMAN_AGENT"
    bot = await _reply(rt, f"messenger:{psid}", Reply("Tin tự động của trợ lý."))
    await _settled(rt, bot, "held")  # never HUMAN_AGENT for the bot
    assert all(
        b.get("tag") != "HUMAN_AGENT" for b in fake_graph.sent if "trợ lý" in b["message"].get("text", "")
    )
    await _age(rt, f"messenger:{psid}", 8 * 24)
    late = await _reply(rt, f"messenger:{psid}", Reply("Cán bộ nhắn sau 8 ngày."), author="officer")
    await asyncio.sleep(0.5)
    assert (await _row(rt, late)).status == "pending"  # behind the held bot message; outside 7 days anyway
    fake_graph.outside_24h.discard(psid)
    await post_messenger(client, messenger_body([messenger_text(psid, "Tôi cần hỏi thêm")]))
    await _settled(rt, late)
    texts = fake_graph.texts(psid)
    assert texts.index("Tin tự động của trợ lý.") < texts.index("Cán bộ nhắn sau 8 ngày.")
    async with rt.db.session() as s:
        statuses = (
            (await s.execute(select(Outbox.status).where(Outbox.id.in_([officer, bot, late]))))
            .scalars()
            .all()
        )
    assert set(statuses) == {"sent"}
