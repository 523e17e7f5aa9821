"""Replayed and stale platform events: a genuine, signed event is processed once; the same
event sent again is a duplicate; an event whose platform timestamp is older than the replay
window (or too far in the future) is answered 200 and dropped, counted, never processed."""

from __future__ import annotations

import asyncio
import uuid

import aiohttp
import security_kit as kit
from support import wait_for

MINUTE_MS = 60_000


async def _stale_count(http, base: str, channel: str) -> float:
    return await kit.counter(http, base, "motcua_stale_events_total", channel=channel)


async def test_a_replayed_zalo_event_is_processed_once(server, target):
    base = server["base"]
    user = "r" + uuid.uuid4().hex[:14]
    raw, headers = kit.zalo_signed(kit.zalo_event(user, text="xin chào"))
    async with aiohttp.ClientSession() as http:
        for _ in range(3):
            assert (await http.post(base + "/webhooks/zalo", data=raw, headers=headers)).status == 200
        await wait_for(lambda: target.texts_to(user), timeout=30, every=0.2)
        first = len(target.texts_to(user))
        assert (await http.post(base + "/webhooks/zalo", data=raw, headers=headers)).status == 200
        await asyncio.sleep(1.5)
    assert len(target.texts_to(user)) == first  # no second answer to the same event


async def test_stale_and_future_zalo_events_are_dropped_with_a_metric(server, target):
    base = server["base"]
    async with aiohttp.ClientSession() as http:
        before = await _stale_count(http, base, "zalo")
        users = []
        for ts in (
            kit.now_ms() - 11 * MINUTE_MS,
            kit.now_ms() - 8 * 24 * 60 * MINUTE_MS,
            kit.now_ms() + 30 * MINUTE_MS,
        ):
            user = "s" + uuid.uuid4().hex[:14]
            users.append(user)
            raw, headers = kit.zalo_signed(kit.zalo_event(user, text="xin chào", ts=ts))
            r = await http.post(base + "/webhooks/zalo", data=raw, headers=headers)
            assert r.status == 200, await r.text()  # Zalo must not retry it
        assert await _stale_count(http, base, "zalo") == before + 3
        # a fresh event after them is processed: the stale ones were dropped, not queued behind it
        fresh = "f" + uuid.uuid4().hex[:14]
        raw, headers = kit.zalo_signed(kit.zalo_event(fresh, text="xin chào"))
        assert (await http.post(base + "/webhooks/zalo", data=raw, headers=headers)).status == 200
        await wait_for(lambda: target.texts_to(fresh), timeout=30, every=0.2)
        await asyncio.sleep(0.5)
    assert not any(target.texts_to(u) for u in users)


async def test_a_stale_messenger_event_is_dropped_with_a_metric(server, target):
    base = server["base"]
    async with aiohttp.ClientSession() as http:
        before = await _stale_count(http, base, "messenger")
        old = "p" + uuid.uuid4().hex[:14]
        raw, headers = kit.messenger_signed(old, "xin chào", kit.now_ms() - 20 * MINUTE_MS)
        assert (await http.post(base + "/webhooks/messenger", data=raw, headers=headers)).status == 200
        assert await _stale_count(http, base, "messenger") == before + 1
        fresh = "p" + uuid.uuid4().hex[:14]
        raw, headers = kit.messenger_signed(fresh, "xin chào", kit.now_ms())
        assert (await http.post(base + "/webhooks/messenger", data=raw, headers=headers)).status == 200
        await wait_for(lambda: target.texts_to(fresh), timeout=30, every=0.2)
    assert not target.texts_to(old)


async def test_an_altered_timestamp_breaks_the_signature(server):
    """The timestamp is signed: refreshing an old event's timestamp makes it a forgery (401)."""
    user = "t" + uuid.uuid4().hex[:14]
    old = kit.zalo_event(user, text="xin chào", ts=kit.now_ms() - 30 * MINUTE_MS)
    raw, headers = kit.zalo_signed(old)
    refreshed = raw.replace(old["timestamp"].encode(), str(kit.now_ms()).encode())
    async with aiohttp.ClientSession() as http:
        r = await http.post(server["base"] + "/webhooks/zalo", data=refreshed, headers=headers)
    assert r.status == 401
