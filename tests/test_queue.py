"""The queue interface on both implementations: in-process and Redis Streams, the latter on the
real Redis (one shard and four) and on a local 3-node Redis Cluster (four shards over the nodes)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import pytest
from support import REDIS, fresh_redis_prefix, need

from core.events import InboundEvent
from core.queue.memory import MemoryQueue
from core.queue.redis import RedisQueue
from core.redis_client import connect


@pytest.fixture(params=["memory", "redis", "redis-4-shards", "cluster"])
async def queue(request):
    if request.param == "memory":
        q = MemoryQueue()
        yield q
        await q.close()
        return
    async with redis_queue(request, shards=1 if request.param == "redis" else 4) as q:
        yield q


@contextlib.asynccontextmanager
async def redis_queue(request, shards: int = 1):
    if "cluster" in request.param:
        cluster = request.getfixturevalue("redis_cluster")
        q = RedisQueue(
            connect(cluster.url), prefix=f"t{uuid.uuid4().hex[:8]}:", claim_idle_ms=300, shards=shards
        )
        yield q
        await q.close()
        return
    need(REDIS, 6379, "Redis")
    async with fresh_redis_prefix() as prefix:
        q = RedisQueue(connect(REDIS), prefix=prefix, claim_idle_ms=300, shards=shards)
        yield q
        await q.close()


def ev(user: str, mid: str, text: str = "x") -> InboundEvent:
    return InboundEvent(channel="zalo", user_id=user, message_id=mid, text=text)


async def test_submit_is_once_per_channel_and_message_id(queue):
    assert await queue.submit(ev("u1", "m1"))
    assert not await queue.submit(ev("u1", "m1", "again"))
    assert await queue.submit(InboundEvent(channel="messenger", user_id="u1", message_id="m1"))
    results = await asyncio.gather(*(queue.submit(ev("u2", "m2")) for _ in range(5)))
    assert results.count(True) == 1


async def test_entries_come_in_order_after_a_cursor_and_trim_drops_applied(queue):
    for i in range(5):
        await queue.submit(ev("u1", f"m{i}", f"t{i}"))
    entries = await queue.entries("zalo:u1", after="0-0")
    assert [e.event.text for e in entries] == [f"t{i}" for i in range(5)]
    later = await queue.entries("zalo:u1", after=entries[1].cursor)
    assert [e.event.text for e in later] == ["t2", "t3", "t4"]
    await queue.trim("zalo:u1", entries[2].cursor)
    rest = await queue.entries("zalo:u1", after="0-0")
    assert [e.event.text for e in rest] == ["t3", "t4"]


async def test_events_survive_the_round_trip_with_attachments(queue):
    from core.events import Attachment

    e = InboundEvent(
        channel="zalo",
        user_id="u",
        message_id="a",
        kind="image",
        text="ảnh giấy chứng sinh",
        attachments=(Attachment(type="image", url="https://x/1.jpg"), Attachment(type="image", path="p")),
        meta={"k": [1, 2]},
    )
    await queue.submit(e)
    [entry] = await queue.entries("zalo:u", after="0-0")
    assert entry.event == e


async def test_every_submit_makes_a_job_naming_its_conversation(queue):
    await queue.submit(ev("u1", "a"))
    await queue.submit(ev("u2", "b"))
    jobs = await queue.fetch("c1", count=10, block_ms=200)
    assert sorted(j.conversation_key for j in jobs) == ["zalo:u1", "zalo:u2"]
    for j in jobs:
        await queue.ack(j)
    assert await queue.fetch("c1", count=10, block_ms=100) == []


async def test_finish_trims_what_was_applied_and_acks_the_job(queue):
    for i in range(3):
        await queue.submit(ev("u1", f"f{i}", f"t{i}"))
    jobs = await queue.fetch("c1", count=10, block_ms=200)
    entries = await queue.entries("zalo:u1", after="0-0")
    await queue.finish(jobs[0], entries[1].cursor)  # the first two applied
    assert [e.event.text for e in await queue.entries("zalo:u1", after="0-0")] == ["t2"]
    for j in jobs[1:]:
        await queue.finish(j, None)  # nothing applied: nothing trimmed
    assert [e.event.text for e in await queue.entries("zalo:u1", after="0-0")] == ["t2"]
    assert await queue.fetch("c1", count=10, block_ms=100) == []


async def test_the_lock_is_exclusive(queue):
    order: list[str] = []

    async def hold(name: str) -> None:
        async with queue.lock("zalo:u1", ttl_s=5):
            order.append(f"{name}+")
            await asyncio.sleep(0.1)
            order.append(f"{name}-")

    await asyncio.gather(hold("a"), hold("b"))
    assert order in (["a+", "a-", "b+", "b-"], ["b+", "b-", "a+", "a-"])


async def test_a_released_job_is_handed_out_again(queue):
    await queue.submit(ev("u1", "a"))
    [job] = await queue.fetch("c1", count=1, block_ms=200)
    await queue.release(job)
    [again] = await queue.fetch("c2", count=1, block_ms=500)
    assert again.conversation_key == "zalo:u1" and again.deliveries == 2  # (the worker backs off by it)


@pytest.mark.parametrize("where", ["redis", "cluster"])
async def test_redis_takes_over_the_job_of_a_silent_consumer(where, request):
    request.param = where
    async with redis_queue(request, shards=1 if where == "redis" else 4) as q:
        if True:
            await q.submit(ev("u1", "a"))
            [job] = await q.fetch("dead", count=1, block_ms=200)  # taken, never acked
            assert await q.fetch("alive", count=1, block_ms=100) == []  # not idle long enough yet
            await asyncio.sleep(0.4)
            q._last_claim = 0  # look for abandoned jobs now
            [taken] = await q.fetch("alive", count=1, block_ms=100)
            assert taken.id == job.id and taken.conversation_key == "zalo:u1"
            # a consumer that keeps touching its job keeps it
            await q.touch(taken, "alive")
            q._last_claim = 0
            assert await q.fetch("third", count=1, block_ms=50) == []


async def test_submit_many_is_submit_for_each_event_in_one_go(queue):
    events = [ev(f"u{i % 3}", f"m{i}", f"t{i}") for i in range(12)] + [ev("u0", "m0", "repeat")]
    results = await queue.submit_many(events)
    assert results == [True] * 12 + [False]
    for user in ("u0", "u1", "u2"):
        entries = await queue.entries(f"zalo:{user}", after="0-0")
        assert [e.event.text for e in entries] == [f"t{i}" for i in range(12) if f"u{i % 3}" == user]
    jobs = await queue.fetch("c", count=50, block_ms=200)
    assert len(jobs) == 12


async def test_runtime_submissions_in_one_loop_turn_share_one_batch(backend_settings):
    from bot.runtime import Runtime

    rt = Runtime(backend_settings)
    calls = []
    original = rt.queue.submit_many

    async def counting(events):
        calls.append(len(events))
        return await original(events)

    rt.queue.submit_many = counting
    try:
        results = await asyncio.gather(
            *(rt.submit(ev(f"u{i}", f"x{i}")) for i in range(20)), rt.submit(ev("u0", "x0"))
        )
        assert results == [True] * 20 + [False] and calls == [21]
        assert await rt.submit(ev("u1", "y1")) is True and calls == [21, 1]
    finally:
        await rt.stop()
