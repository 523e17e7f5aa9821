"""The worker's batches on PostgreSQL + Redis (bot/worker_batch.py): the jobs of one fetch applied
in one transaction, each turn still checked against its conversation's cursor; a conversation
whose dialogue raises is taken out and answered alone with the apology while the others commit;
a conversation another worker holds is left to wait for its lock; every job acknowledged, every
log trimmed, every lock released."""

from __future__ import annotations

import asyncio

from citizen import Citizen
from sqlalchemy import select

from bot.runtime import Runtime
from bot.worker import Worker
from core.db import Conversation, MessageLog, Outbox
from handlers.webchat import WebChannel


def _worker(rt: Runtime) -> Worker:
    return Worker(rt.settings, rt.db, rt.queue, rt.engine, rt.media, prepare=rt.prepare)


async def _rows(rt: Runtime, citizen: Citizen) -> tuple[list, list[dict], str]:
    """The citizen's inbound log rows, outbox payloads (in order) and conversation cursor."""
    async with rt.db.session() as s:
        conv = (await s.execute(select(Conversation).where(Conversation.key == citizen.key))).scalar_one()
        inbound = (
            await s.execute(
                select(MessageLog)
                .where(MessageLog.conversation_id == conv.id, MessageLog.direction == "in")
                .order_by(MessageLog.id)
            )
        ).scalars()
        payloads = (
            await s.execute(
                select(Outbox.payload).where(Outbox.conversation_id == conv.id).order_by(Outbox.id)
            )
        ).scalars()
        return list(inbound), list(payloads), conv.inbound_cursor


async def test_a_batch_commits_its_turns_and_isolates_a_failing_dialogue(production_settings):
    rt = Runtime(production_settings)
    rt.add_channel(WebChannel())
    good = [Citizen(rt) for _ in range(5)]
    bad = Citizen(rt)
    sent = {c.user: [await c.send("Xin chào")] for c in [*good, bad]}
    sent[good[0].user].append(await good[0].send("1"))  # two events of one conversation, in order
    handle = rt.engine.handle

    async def breaks_for_bad(ctx, state, event):
        if event.user_id == bad.user:
            raise RuntimeError("a bug in a step")
        return await handle(ctx, state, event)

    rt.engine.handle = breaks_for_bad
    worker = _worker(rt)
    try:
        jobs = await rt.queue.fetch(worker.consumer, count=32, block_ms=500)
        assert len(jobs) == 7
        await worker.handle_batch(jobs)

        for c in [*good, bad]:
            inbound, payloads, cursor = await _rows(rt, c)
            events = sent[c.user]
            assert [m.external_id for m in inbound] == [e.message_id for e in events]  # once, in order
            assert all(p["correlation_id"] == f"web:{m.external_id}" for p, m in zip(payloads, inbound))
            assert inbound[0].step is None and inbound[0].latency_ms is not None  # the turn's facts
            assert "step_after" in inbound[0].details
            assert cursor != "0-0"
            assert await rt.queue.entries(c.key, after="0-0") == []  # trimmed
        _, bad_replies, _ = await _rows(rt, bad)
        assert [p["text"] for p in bad_replies] == [rt.engine.text("error")]  # the apology, once
        _, first_replies, _ = await _rows(rt, good[1])
        assert len(first_replies) == 1 and "Có em bé" in first_replies[0]["text"]
        assert (await rt.queue.depth())[0] == 0  # every job acknowledged
        for c in [*good, bad]:  # every lock released
            async with asyncio.timeout(2):
                async with rt.queue.lock(c.key, ttl_s=2):
                    pass
    finally:
        await rt.stop()


async def test_a_conversation_held_elsewhere_waits_for_its_lock(production_settings):
    rt = Runtime(production_settings)
    rt.add_channel(WebChannel())
    free, held = Citizen(rt), Citizen(rt)
    await free.send("Xin chào")
    held_event = await held.send("Xin chào")
    worker = _worker(rt)
    try:
        jobs = await rt.queue.fetch(worker.consumer, count=32, block_ms=500)
        release = asyncio.Event()
        taken = asyncio.Event()

        async def other_worker() -> None:
            async with rt.queue.lock(held.key, ttl_s=10):
                taken.set()
                await release.wait()

        holder = asyncio.create_task(other_worker())
        await taken.wait()
        batch = asyncio.create_task(worker.handle_batch(jobs))
        await asyncio.sleep(1.0)
        assert not batch.done()  # waiting for the held conversation's lock
        assert len((await _rows(rt, free))[0]) == 1  # the free one is applied meanwhile
        async with rt.db.session() as s:
            logged = (
                await s.execute(select(MessageLog).where(MessageLog.external_id == held_event.message_id))
            ).all()
        assert logged == []
        release.set()
        await holder
        async with asyncio.timeout(20):
            await batch
        inbound, payloads, _ = await _rows(rt, held)
        assert [m.external_id for m in inbound] == [held_event.message_id] and len(payloads) == 1
        assert (await rt.queue.depth())[0] == 0
    finally:
        await rt.stop()
