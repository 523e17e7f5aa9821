"""The worker's batches on PostgreSQL + Redis (bot/worker_batch.py): the jobs of one fetch applied
in one transaction, each turn still checked against its conversation's cursor; a conversation
whose dialogue raises is taken out and answered alone with the apology while the others commit;
a conversation another worker holds is left to wait for its lock; every job acknowledged, every
log trimmed, every lock released."""

from __future__ import annotations

import asyncio
import dataclasses

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


async def _inbound_logged(rt: Runtime, message_id: str) -> bool:
    async with rt.db.session() as s:
        found = await s.execute(select(MessageLog.id).where(MessageLog.external_id == message_id))
        return found.first() is not None


async def test_jobs_that_arrive_while_the_lanes_are_busy_are_taken_together(production_settings):
    """One batch in flight (WORKER_BATCHES_IN_FLIGHT=1): while it runs, new citizens' jobs wait
    in the queue and the next fetch applies them in one batch, not one batch each."""
    settings = dataclasses.replace(production_settings, worker_batches_in_flight=1)
    rt = Runtime(settings)
    rt.add_channel(WebChannel())
    first, later = Citizen(rt), [Citizen(rt) for _ in range(5)]
    gate = asyncio.Event()
    handle = rt.engine.handle

    async def slow_first(ctx, state, event):
        if event.user_id == first.user:
            await gate.wait()  # the first batch is still running while the others arrive
        return await handle(ctx, state, event)

    rt.engine.handle = slow_first
    worker = _worker(rt)
    sizes: list[int] = []
    batch = worker.handle_batch

    async def counted(jobs, lane=lambda: None):
        sizes.append(len(jobs))
        await batch(jobs, lane)

    worker.handle_batch = counted  # type: ignore[method-assign]
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    try:
        hello = await first.send("Xin chào")
        async with asyncio.timeout(10):
            while sizes != [1]:
                await asyncio.sleep(0.02)
        events = [await c.send("Xin chào") for c in later]
        await asyncio.sleep(0.5)
        assert sizes == [1]  # the lane is busy: nothing more fetched
        gate.set()
        async with asyncio.timeout(20):
            for e in [hello, *events]:
                while not await _inbound_logged(rt, e.message_id):
                    await asyncio.sleep(0.05)
        assert sizes == [1, 5]
    finally:
        gate.set()
        stop.set()
        await running
        await rt.stop()


async def test_a_photo_turn_does_not_hold_its_batch_lane(production_settings):
    """A conversation with a photo goes alone after its batch's transaction (its checks may take
    seconds): by then the batch has given its lane back, so other citizens' text turns go on."""
    settings = dataclasses.replace(production_settings, worker_batches_in_flight=1)
    rt = Runtime(settings)
    rt.add_channel(WebChannel())
    sender, talker = Citizen(rt), Citizen(rt)
    gate = asyncio.Event()
    worker = _worker(rt)
    alone = worker._apply_alone

    async def slow_alone(entries, apology_at):
        await gate.wait()  # a slow photo check
        return await alone(entries, apology_at)

    worker._apply_alone = slow_alone  # type: ignore[method-assign]
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    try:
        # any attachment sends its conversation alone; a file that is no image keeps OCR out of it
        photo_event = await sender.send(photo=b"%PDF-1.4 not really")
        await asyncio.sleep(0.5)
        text_event = await talker.send("Xin chào")
        async with asyncio.timeout(10):
            while not await _inbound_logged(rt, text_event.message_id):
                await asyncio.sleep(0.05)
        assert not await _inbound_logged(rt, photo_event.message_id)  # still being checked
        gate.set()
        async with asyncio.timeout(30):
            while not await _inbound_logged(rt, photo_event.message_id):
                await asyncio.sleep(0.05)
    finally:
        gate.set()
        stop.set()
        await running
        await rt.stop()


async def test_a_cursor_moved_under_a_held_back_turn_takes_only_its_conversation_out(production_settings):
    """A conversation with one event in the batch has its turn's rows written with the others' at
    the batch's end (one pipelined round trip). If another worker applied that event meanwhile (its
    lock expired), its cursor compare-and-set fails there: the batch is rolled back and run again
    without it, the others are written once, and that event is not applied a second time."""
    rt = Runtime(production_settings)
    rt.add_channel(WebChannel())
    citizens = [Citizen(rt) for _ in range(4)]
    for c in citizens:
        await c.send("Xin chào")
    worker = _worker(rt)
    try:
        await worker.handle_batch(await rt.queue.fetch(worker.consumer, count=32, block_ms=500))
        second = {c.user: await c.send("Xin chào") for c in citizens}
        overtaken = citizens[2]
        jobs = await rt.queue.fetch(worker.consumer, count=32, block_ms=500)
        assert len(jobs) == 4
        cursor = (await rt.queue.entries(overtaken.key, after="0-0"))[0].cursor
        handle = rt.engine.handle
        dialogues: list[str] = []

        async def another_worker_applies_it_meanwhile(ctx, state, event):
            dialogues.append(event.user_id)
            if event.user_id == overtaken.user and dialogues.count(overtaken.user) == 1:
                async with rt.db.session() as s, s.begin():  # committed while the batch runs
                    conv = (
                        await s.execute(select(Conversation).where(Conversation.key == overtaken.key))
                    ).scalar_one()
                    conv.inbound_cursor = cursor
            return await handle(ctx, state, event)

        rt.engine.handle = another_worker_applies_it_meanwhile
        await worker.handle_batch(jobs)

        assert dialogues.count(overtaken.user) == 1  # taken out: not run again
        assert all(dialogues.count(c.user) == 2 for c in citizens if c is not overtaken)  # rolled back once
        for c in citizens:
            inbound, payloads, now = await _rows(rt, c)
            expected = [m for m in (inbound[0].external_id, second[c.user].message_id)]
            if c is overtaken:
                expected = expected[:1]  # the other worker's turn (a cursor only, in this test)
            assert [m.external_id for m in inbound] == expected  # once each, in order
            assert len(payloads) == len(expected)
            assert now == (cursor if c is overtaken else now) and now != "0-0"
        assert (await rt.queue.depth())[0] == 0  # every job acknowledged
    finally:
        await rt.stop()


async def test_held_turns_that_fail_to_write_are_nobodys_dialogue_fault(production_settings):
    """The turns held back for the batch's end are written early by a citizen's erasure; if that
    write fails (here a real database error: a message id longer than its column), the erasure's
    dialogue is not blamed (no apology, the erasure done): the batch's turns go one by one, and
    only the turn that cannot be written fails (its job to be redelivered)."""
    rt = Runtime(production_settings)
    rt.add_channel(WebChannel())
    a, eraser = Citizen(rt), Citizen(rt)
    worker = _worker(rt)
    try:
        for who in (a, eraser):
            await who.send("Xin chào")
        await eraser.send("Tôi muốn xóa dữ liệu của tôi")
        await worker.handle_batch(await rt.queue.fetch(worker.consumer, count=32, block_ms=500))
        await a.send("Xin chào", message_id="x" * 200)  # external_id is 160 characters at most
        confirm = await eraser.send("1")
        jobs = await rt.queue.fetch(worker.consumer, count=32, block_ms=500)
        assert [j.conversation_key for j in jobs] == [a.key, eraser.key]
        await worker.handle_batch(jobs)

        _, replies, _ = await _rows(rt, eraser)
        assert any("Đã xóa dữ liệu cá nhân của bạn" in p["text"] for p in replies), [
            p["text"][:60] for p in replies
        ]
        assert rt.engine.text("error") not in [p["text"] for p in replies]
        async with rt.db.session() as s:
            said = (
                await s.execute(select(MessageLog.text).where(MessageLog.external_id == confirm.message_id))
            ).scalar_one()
        assert said == ""  # the erasure's own message is blanked too
        inbound, _, _ = await _rows(rt, a)
        assert len(inbound) == 1  # a's long id: not written, its job left to be delivered again
    finally:
        await rt.stop()
