"""The outbox sender on both databases: retries with backoff after transient failures, no retry
after a permanent one, order kept per conversation, rows of a dead sender taken again."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import select, update
from support import wait_for

from bot.sender import Sender
from core import store
from core.channel import Channel, PermanentSendError
from core.db import Database, Outbox
from core.db.models import utcnow
from core.events import Reply


class Scripted(Channel):
    """Fails as told per text, records what was delivered, in order."""

    name = "test"

    def __init__(self, plan: dict[str, list[Exception]] | None = None) -> None:
        self.plan = {k: list(v) for k, v in (plan or {}).items()}
        self.delivered: list[str] = []
        self.attempts: list[str] = []

    async def send(self, recipient: str, payload: dict) -> None:
        text = payload["text"]
        self.attempts.append(text)
        failures = self.plan.get(text)
        if failures:
            raise failures.pop(0)
        self.delivered.append(text)


async def _queue_replies(db: Database, user: str, texts: list[str]) -> None:
    async with db.session() as s, s.begin():
        conv = await store.get_or_create_conversation(s, "test", user)
        for t in texts:
            store.add_outbound(s, conv, user, Reply(t))


async def _rows(db: Database) -> dict[str, Outbox]:
    async with db.session() as s:
        return {r.payload["text"]: r for r in (await s.execute(select(Outbox))).scalars()}


async def _run(backend_settings, channel: Scripted):
    db = Database(backend_settings.resolved_database_url)
    sender = Sender(
        backend_settings.with_overrides(sender_backoff_base_s=0.05, sender_max_attempts=4),
        db,
        {"test": channel},
    )
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    return db, sender, stop, task


async def test_transient_failures_are_retried_in_order_and_permanent_ones_are_not(backend_settings):
    channel = Scripted(
        {
            "a2": [ConnectionError("reset"), TimeoutError()],
            "b1": [PermanentSendError("400 bad user")],
            "c1": [ConnectionError()] * 9,
        }
    )
    db, sender, stop, task = await _run(backend_settings, channel)
    try:
        await _queue_replies(db, "a", ["a1", "a2", "a3"])
        await _queue_replies(db, "b", ["b1", "b2"])
        await _queue_replies(db, "c", ["c1"])
        sender.nudge()

        async def settled():
            rows = await _rows(db)
            return len(rows) == 6 and all(r.status in {"sent", "failed"} for r in rows.values())

        await wait_for(settled, timeout=20)
        rows = await _rows(db)
        assert [t for t in channel.delivered if t.startswith("a")] == ["a1", "a2", "a3"]  # order kept
        assert rows["a2"].status == "sent" and rows["a2"].attempts == 3 and rows["a2"].last_error is None
        assert rows["b1"].status == "failed" and rows["b1"].attempts == 1 and "400" in rows["b1"].last_error
        assert rows["b2"].status == "sent"  # a permanent failure does not block what follows
        assert rows["c1"].status == "failed" and rows["c1"].attempts == 4  # gave up after SENDER_MAX_ATTEMPTS
        assert channel.attempts.count("c1") == 4
    finally:
        stop.set()
        await task
        await db.close()


async def test_rows_left_sending_by_a_dead_sender_are_sent_again(backend_settings):
    channel = Scripted()
    db = Database(backend_settings.resolved_database_url)
    try:
        await _queue_replies(db, "d", ["d1", "d2"])
        async with db.session() as s, s.begin():  # a sender claimed d1 and died
            await s.execute(
                update(Outbox)
                .where(Outbox.payload["text"].as_string() == "d1")
                .values(status="sending", claimed_until=utcnow() + dt.timedelta(seconds=60))
            )
        sender = Sender(backend_settings, db, {"test": channel})
        assert await sender.deliver_due() is False  # d1 still claimed; d2 waits behind it
        async with db.session() as s, s.begin():
            await s.execute(
                update(Outbox)
                .where(Outbox.status == "sending")
                .values(claimed_until=utcnow() - dt.timedelta(seconds=1))
            )
        assert await sender.deliver_due() is True
        while await sender.deliver_due():  # one row of a conversation per pass, in order
            pass
        assert channel.delivered == ["d1", "d2"]
    finally:
        await db.close()


class Parts(Channel):
    """Sends each reply as three parts through send_in_parts; a hook runs after each part."""

    name = "test"

    def __init__(self, after_part=None) -> None:
        self.sent: list[str] = []
        self.after_part = after_part

    async def send(self, recipient: str, payload: dict) -> None:
        from core.channel import send_in_parts

        async def one(part: str) -> None:
            self.sent.append(part)
            if self.after_part is not None:
                await self.after_part(part)

        await send_in_parts([f"{payload['text']}/{i}" for i in (1, 2, 3)], one)


async def test_split_reply_progress_is_on_the_row_and_a_lost_claim_stops_the_sender(backend_settings):
    db = Database(backend_settings.resolved_database_url)
    try:
        await _queue_replies(db, "p", ["p"])

        async def taken_over(part: str) -> None:
            if part == "p/1":  # the claim ran out and another sender took the row
                async with db.session() as s, s.begin():
                    await s.execute(update(Outbox).values(claimed_until=utcnow() + dt.timedelta(seconds=30)))

        slow = Parts(taken_over)
        assert await Sender(backend_settings, db, {"test": slow}).deliver_due() is True
        assert slow.sent == ["p/1"]  # stopped: the row is no longer its own
        row = (await _rows(db))["p"]
        assert row.status == "sending" and row.parts_sent == 0  # untouched by the stale sender
        async with db.session() as s, s.begin():  # the other sender got part 1 through, then died
            await s.execute(
                update(Outbox).values(parts_sent=1, claimed_until=utcnow() - dt.timedelta(seconds=1))
            )
        fresh = Parts()
        assert await Sender(backend_settings, db, {"test": fresh}).deliver_due() is True
        assert fresh.sent == ["p/2", "p/3"]  # resumes after the recorded part, in a new sender
        row = (await _rows(db))["p"]
        assert row.status == "sent" and row.parts_sent == 2
    finally:
        await db.close()


async def test_a_row_whose_claim_is_about_to_end_is_left_to_the_next_claim(backend_settings):
    """A pass that reaches a row too late to send it within its claim does not send it (another
    pass would take it when the claim ends and send it too); the next claim sends it once."""
    settings = backend_settings.with_overrides(sender_claim_s=0.8, platform_timeout_s=10.0)
    db = Database(settings.resolved_database_url)
    channel = Scripted()
    sender = Sender(settings, db, {"test": channel})
    try:
        await _queue_replies(db, "late1", ["l1"])
        await _queue_replies(db, "late2", ["l2"])
        rows, facts = await sender._claim()
        assert sorted(r.payload["text"] for r in rows) == ["l1", "l2"]
        await asyncio.sleep(0.65)  # the claim (0.8 s) ends within the margin (0.2 s)
        await sender._deliver_claimed(rows, facts)
        assert channel.attempts == []
        assert {t: r.status for t, r in (await _rows(db)).items()} == {"l1": "sending", "l2": "sending"}
        await asyncio.sleep(0.3)  # the claim has run out: the rows are due again
        while await sender.deliver_due():
            pass
        assert sorted(channel.delivered) == ["l1", "l2"]
        assert {r.status for r in (await _rows(db)).values()} == {"sent"}
    finally:
        await db.close()


class Slow(Scripted):
    """Takes a little time per message, so several passes are sending at once."""

    async def send(self, recipient: str, payload: dict) -> None:
        await asyncio.sleep(0.002)
        await super().send(recipient, payload)


async def test_passes_in_flight_send_every_row_once_and_in_order(backend_settings):
    channel = Slow({f"c7-{i}": [ConnectionError("reset")] for i in range(3)})
    db = Database(backend_settings.resolved_database_url)
    settings = backend_settings.with_overrides(
        sender_passes=4, sender_backoff_base_s=0.05, sender_max_attempts=4
    )
    sender = Sender(settings, db, {"test": channel})
    stop = asyncio.Event()
    conversations = 120
    texts = {f"c{c}": [f"c{c}-{i}" for i in range(3)] for c in range(conversations)}
    try:
        for user, mine in texts.items():
            await _queue_replies(db, user, mine)  # 360 rows: more than one pass of 100
        task = asyncio.create_task(sender.run(stop))
        sender.nudge()

        async def all_sent():
            rows = await _rows(db)
            return len(rows) == 3 * conversations and all(r.status == "sent" for r in rows.values())

        await wait_for(all_sent)
        stop.set()
        sender.nudge()
        await asyncio.wait_for(task, 10)
        assert sorted(channel.delivered) == sorted(t for mine in texts.values() for t in mine)  # once each
        for mine in texts.values():
            assert [t for t in channel.delivered if t in mine] == mine  # in order per conversation
    finally:
        stop.set()
        await db.close()


async def test_the_claim_walks_the_unfinished_rows_in_order_without_statistics(production_settings):
    """A young outbox has no statistics (no autoanalyze yet): the claim must still take the
    ordered scan of the unfinished rows and stop after a pass's rows, not a bitmap scan that reads
    every row sent since the last VACUUM on each pass."""
    from core import store_pg

    db = Database(production_settings.resolved_database_url)
    try:
        for n in range(20):
            await _queue_replies(db, f"s{n}", [f"s{n}-{i}" for i in range(10)])
        async with db.session() as s, s.begin():  # most were sent, as the sender leaves them
            await s.execute(update(Outbox).values(status="sending"))
            await s.execute(update(Outbox).where(Outbox.id % 10 != 0).values(status="sent"))
            await s.execute(update(Outbox).where(Outbox.status == "sending").values(status="pending"))
        async with db.session() as s, s.begin():
            pg = await store_pg.connection(s)
            assert await pg.fetchval("SELECT reltuples FROM pg_class WHERE relname = 'outbox'") < 0
            await pg.execute(store_pg.CLAIM_PLAN)
            now = utcnow()
            explain = await pg.prepare("EXPLAIN (FORMAT JSON) " + store_pg.CLAIM)
            plan = str(await explain.fetchval(now, now))
        assert "ix_outbox_unfinished" in plan and "Bitmap" not in plan
    finally:
        await db.close()


async def test_the_claim_is_planned_for_the_outbox_as_it_is_now_not_as_it_was(production_settings):
    """asyncpg prepares the claim once per connection, and PostgreSQL may keep a generic plan after
    five executions: one made while the outbox was empty (sequential scans, a nested-loop anti-join)
    took seconds a pass once thousands of rows were pending. Every pass gets a custom plan, and the
    rows marked sent are too (a simple query, never a kept plan)."""
    from core import store_pg

    db = Database(production_settings.resolved_database_url)
    try:
        for _ in range(8):  # an empty outbox, claimed again and again on the pooled connection(s)
            async with db.session() as s, s.begin():
                assert (await store_pg.claim_outbox(s, utcnow(), utcnow()))[0] == []
        for n in range(30):
            await _queue_replies(db, f"g{n}", [f"g{n}-{i}" for i in range(3)])
        async with db.session() as s, s.begin():
            now = utcnow()
            rows, facts = await store_pg.claim_outbox(s, now, now + dt.timedelta(seconds=60))
            pg = await store_pg.connection(s)
            kept = await pg.fetch(
                "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements WHERE"
                " (statement LIKE '%WITH due AS%' OR statement LIKE '%UPDATE outbox SET status = ''sent''%')"
                " AND statement NOT LIKE '%pg_prepared_statements%'"  # this query, prepared too
            )
        assert [r.id for r in rows] == sorted(r.id for r in rows) and len(rows) == 30  # each one's first
        assert len(kept) == 1 and "WITH due AS" in kept[0]["statement"]  # the sent update is not prepared
        assert kept[0]["generic_plans"] == 0 and kept[0]["custom_plans"] >= 1
        async with db.session() as s, s.begin():
            await store_pg.record_sent(s, [r.id for r in rows], rows[0].claimed_until, utcnow())
        assert sum(r.status == "sent" for r in (await _rows(db)).values()) == 30
    finally:
        await db.close()
