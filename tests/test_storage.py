"""The storage suite, on SQLite and on PostgreSQL: migrations, the schema matching the models,
constraints, and the per-day dossier sequence under concurrency."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from support import PG_ADMIN, fresh_pg_database, make_settings, need

from core import store
from core.db import (
    AuditEvent,
    Base,
    Citizen,
    Conversation,
    Database,
    Dossier,
    DossierDocument,
    MessageLog,
    Officer,
    Outbox,
)
from core.db.migrate import upgrade_async
from core.events import Reply


@pytest.fixture(params=["sqlite", "postgres"])
async def db(request, tmp_path):
    if request.param == "sqlite":
        url = make_settings(tmp_path).resolved_database_url
        await upgrade_async(url)
        database = Database(url)
        yield database
        await database.close()
    else:
        need(PG_ADMIN, 5432, "PostgreSQL")
        async with fresh_pg_database(PG_ADMIN) as url:
            await upgrade_async(url)
            database = Database(url)
            yield database
            await database.close()


async def test_migrations_match_the_models(db):
    async with db.engine.connect() as conn:
        diff = await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata))
    assert diff == []


async def test_migrations_are_idempotent(db):
    await upgrade_async(db.url)  # already at head: nothing to do, no error


async def test_rows_of_every_table_round_trip(db):
    async with db.session() as s, s.begin():
        conv = await store.get_or_create_conversation(s, "web", "u1")
        again = await store.get_or_create_conversation(s, "web", "u1")
        assert again.id == conv.id
        officer = Officer(username="can_bo_1", password_hash="x", agency="DEMO", role="officer")
        s.add(officer)
        dossier = Dossier(
            conversation_id=conv.id,
            citizen_id=conv.citizen_id,
            agency="DEMO",
            procedure="khai_sinh",
            fields={"child_name": "NGUYỄN MINH AN"},
        )
        s.add(dossier)
        await s.flush()
        s.add(
            DossierDocument(
                dossier_id=dossier.id,
                doc_key="giay_chung_sinh",
                file_path="web/x.jpg",
                content_type="image/jpeg",
                size=10,
                sha256="0" * 64,
                quality={"ok": True},
            )
        )
        s.add(
            MessageLog(
                conversation_id=conv.id,
                direction="in",
                author="citizen",
                channel="web",
                external_id="m1",
                text="Xin chào 👋",
                attachments=[{"type": "image"}],
            )
        )
        msg = store.add_outbound(s, conv, "u1", Reply("Chào bạn"))
        store.audit(s, "bot", "test", {"k": "v"}, dossier.id)
    async with db.session() as s:
        conv = (await s.execute(select(Conversation).where(Conversation.key == "web:u1"))).scalar_one()
        assert conv.inbound_cursor == "0-0" and conv.state == {}
        assert (await s.execute(select(Citizen))).scalar_one().external_id == "u1"
        d = (await s.execute(select(Dossier))).scalar_one()
        assert d.fields == {"child_name": "NGUYỄN MINH AN"} and d.status == "draft"
        texts = (await s.execute(select(MessageLog.text).order_by(MessageLog.id))).scalars().all()
        assert texts == ["Xin chào 👋", "Chào bạn"]
        box = (await s.execute(select(Outbox))).scalar_one()
        assert box.message_id == msg.id and box.status == "pending" and box.payload == {"text": "Chào bạn"}
        assert (await s.execute(select(AuditEvent))).scalar_one().data == {"k": "v"}


async def test_an_inbound_message_id_is_stored_once(db):
    async with db.session() as s, s.begin():
        conv = await store.get_or_create_conversation(s, "zalo", "u2")
        s.add(
            MessageLog(
                conversation_id=conv.id, direction="in", author="citizen", channel="zalo", external_id="same"
            )
        )
    with pytest.raises(IntegrityError):
        async with db.session() as s, s.begin():
            s.add(
                MessageLog(
                    conversation_id=conv.id,
                    direction="in",
                    author="citizen",
                    channel="zalo",
                    external_id="same",
                )
            )


async def test_a_turn_ends_with_its_message_then_its_replies_and_the_cursor(db):
    """`store.finish_turn` (one statement on PostgreSQL): the citizen's message logged before the
    replies, the replies in order, each queued in the outbox naming its own log row; a cursor that
    moved meanwhile is refused; a message delivered again is not logged twice."""
    from core.events import InboundEvent, QuickReply

    event = InboundEvent("zalo", "u9", "m1", text="xin chao")
    now = dt.datetime.now(dt.UTC)
    inbound = dict(
        conversation_id=0, direction="in", author="citizen", channel="zalo", external_id="m1",
        kind="text", text="xin chao", attachments=[], quick_replies=[], step="start", received_at=now,
        intent="greet", procedure=None, dossier_id=None, confidence=0.9, fallback=False,
        latency_ms=12, details={"step_after": "menu"},
    )  # fmt: skip
    replies = [
        Reply("Chào anh/chị", (QuickReply("Khai sinh", "khai_sinh"),)),
        Reply("Anh/chị cần làm thủ tục gì?"),
        Reply("Biên nhận", image_path="receipts/r.png"),
    ]
    async with db.session() as s, s.begin():
        conv, repeated = await store.conversation_for_turn(s, event)
        inbound["conversation_id"] = conv.id
        turn = dict(old_cursor="0-0", state={"step": "menu"}, step="menu", last_inbound_at=now)
        assert not repeated
        assert await store.finish_turn(
            s, conv, event, inbound=inbound, replies=replies, new_cursor="1-0", **turn
        )
    async with db.session() as s:
        log = (await s.execute(select(MessageLog).order_by(MessageLog.id))).scalars().all()
        queued = (await s.execute(select(Outbox).order_by(Outbox.id))).scalars().all()
        saved = await s.get(Conversation, conv.id)
    assert [(m.direction, m.text) for m in log] == [("in", "xin chao")] + [("out", r.text) for r in replies]
    assert (log[0].intent, log[0].confidence, log[0].step, log[0].details) == (
        "greet", 0.9, "start", {"step_after": "menu"},
    )  # fmt: skip
    assert [m.step for m in log[1:]] == ["menu"] * 3 and log[1].quick_replies == [
        {"title": "Khai sinh", "payload": "khai_sinh"}
    ]
    assert log[3].kind == "image" and log[3].attachments == [{"type": "image", "path": "receipts/r.png"}]
    assert [q.message_id for q in queued] == [m.id for m in log[1:]]
    assert [q.payload["text"] for q in queued] == [r.text for r in replies]
    assert {q.payload["correlation_id"] for q in queued} == {"zalo:m1"}
    assert {(q.recipient, q.status, q.conversation_id) for q in queued} == {("u9", "pending", conv.id)}
    assert (saved.inbound_cursor, saved.step, saved.state) == ("1-0", "menu", {"step": "menu"})

    async with db.session() as s, s.begin():  # the cursor moved: refused, nothing written
        conv, repeated = await store.conversation_for_turn(s, event)
        assert repeated  # its message is logged already
        again = {**inbound, "external_id": "m2"}
        assert not await store.finish_turn(
            s, conv, event, inbound=again, replies=replies, new_cursor="2-0", **turn
        )
    async with db.session() as s, s.begin():  # delivered again: the cursor moves, nothing logged
        turn["old_cursor"] = "1-0"
        assert await store.finish_turn(s, conv, event, inbound=None, replies=[], new_cursor="2-0", **turn)
    async with db.session() as s:
        assert len((await s.execute(select(MessageLog))).scalars().all()) == 4
        assert len((await s.execute(select(Outbox))).scalars().all()) == 3


async def test_dossier_codes_are_sequential_per_day_under_concurrency(db):
    day = dt.date(2026, 11, 23)

    async def one() -> str:
        async with db.session() as s, s.begin():
            return await store.assign_dossier_code(s, "DEMO", day)

    codes = await asyncio.gather(*(one() for _ in range(25)))
    assert sorted(codes) == [f"DEMO-261123-{i:04d}" for i in range(1, 26)]
    async with db.session() as s, s.begin():
        assert await store.assign_dossier_code(s, "DEMO", day + dt.timedelta(days=1)) == "DEMO-261124-0001"
        assert await store.assign_dossier_code(s, "HCM", day) == "HCM-261123-0001"


async def test_a_first_turn_makes_the_conversation_for_a_new_or_a_known_citizen(db):
    from core.events import InboundEvent

    async with db.session() as s, s.begin():
        known = Citizen(channel="zalo", external_id="known")  # e.g. its conversation was erased
        s.add(known)
        await s.flush()
        known_id = known.id
    async with db.session() as s, s.begin():
        fresh, repeated = await store.conversation_for_turn(s, InboundEvent("zalo", "new", "n1"))
        assert not repeated and fresh.inbound_cursor == "0-0" and fresh.state == {}
        again, _ = await store.conversation_for_turn(s, InboundEvent("zalo", "known", "k1"))
        assert again.citizen_id == known_id and again.channel == "zalo"
    async with db.session() as s:
        rows = (await s.execute(select(Conversation.key, Conversation.citizen_id))).all()
        citizens = (await s.execute(select(Citizen.external_id))).scalars().all()
    assert sorted(k for k, _ in rows) == ["zalo:known", "zalo:new"] and sorted(citizens) == ["known", "new"]


async def test_a_citizen_created_by_another_transaction_meanwhile_is_found(db):
    """PostgreSQL's one-statement first turn cannot see a citizen another transaction inserts
    while it runs (it waits on the unique key, then gets no row): it falls back to finding the
    citizen once that transaction has committed."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the one-statement path is PostgreSQL's")
    from core import store_pg

    now = dt.datetime.now(dt.UTC)
    async with db.session() as first, first.begin():
        mine, _ = await store_pg.conversation_for_turn(first, "zalo:k1", "zalo", "same", "m1", now)

        async def second() -> store_pg.TurnRow:
            async with db.session() as s, s.begin():
                return (await store_pg.conversation_for_turn(s, "zalo:k2", "zalo", "same", "m2", now))[0]

        waiting = asyncio.create_task(second())
        await asyncio.sleep(0.3)
        assert not waiting.done()  # blocked on the first's uncommitted citizen
    theirs = await asyncio.wait_for(waiting, 10)
    assert theirs.citizen_id == mine.citizen_id and theirs.id != mine.id


async def test_a_batch_reads_known_conversations_and_makes_new_ones_in_one_statement(db):
    """`conversations_for_batch` answers as `conversation_for_turn` would for each event: a known
    conversation as it is (with whether its message is logged already), a new citizen's made, a
    known citizen's new conversation made for that citizen. On SQLite it reads nothing."""
    from core.events import InboundEvent

    async with db.session() as s, s.begin():
        logged, _ = await store.conversation_for_turn(s, InboundEvent("zalo", "logged", "m1"))
        turn = dict(old_cursor="0-0", state={"step": "menu"}, step="menu", last_inbound_at=None)
        inbound = dict(
            conversation_id=logged.id, direction="in", author="citizen", channel="zalo", external_id="m1",
            kind="text", text="xin chao", attachments=[], quick_replies=[], step="start",
            received_at=dt.datetime.now(dt.UTC), intent="greet", procedure=None, dossier_id=None,
            confidence=0.9, fallback=False, latency_ms=1, details={},
        )  # fmt: skip
        event = InboundEvent("zalo", "logged", "m1")
        assert await store.finish_turn(
            s, logged, event, inbound=inbound, replies=[], new_cursor="5-0", **turn
        )
        plain, _ = await store.conversation_for_turn(s, InboundEvent("zalo", "plain", "p1"))
        known = Citizen(channel="zalo", external_id="known")  # a citizen without a conversation
        s.add(known)
        await s.flush()
        known_id = known.id
    events = [
        InboundEvent("zalo", "logged", "m1"),  # its message is in the log: delivered again
        InboundEvent("zalo", "plain", "p2"),
        InboundEvent("zalo", "new", "n1"),
        InboundEvent("zalo", "known", "k1"),
    ]
    async with db.session() as s, s.begin():
        batch = await store.conversations_for_batch(s, events)
    if db.engine.dialect.name != "postgresql":
        assert batch == {}
        return
    assert set(batch) == {"zalo:logged", "zalo:plain", "zalo:new", "zalo:known"}
    row, repeated = batch["zalo:logged"]
    assert repeated and (row.id, row.inbound_cursor, row.state) == (logged.id, "5-0", {"step": "menu"})
    row, repeated = batch["zalo:plain"]
    assert not repeated and (row.id, row.inbound_cursor, row.state) == (plain.id, "0-0", {})
    assert not batch["zalo:new"][1] and batch["zalo:new"][0].inbound_cursor == "0-0"
    assert batch["zalo:known"][0].citizen_id == known_id and batch["zalo:known"][0].channel == "zalo"
    async with db.session() as s:  # what the batch made is what a turn alone would have found
        for e in events:
            alone, _ = await store.conversation_for_turn(s, e)
            assert tuple(alone) == tuple(batch[e.conversation_key][0])
        citizens = (await s.execute(select(Citizen.external_id))).scalars().all()
    assert sorted(citizens) == ["known", "logged", "new", "plain"]


async def test_a_batch_leaves_out_a_conversation_another_transaction_is_making(db):
    """A conversation (and citizen) another transaction is inserting right now cannot be seen by
    the batch's statement: it waits for that transaction, then leaves the key out (no row, no
    error), and the turn reads it alone; the other keys of the batch are answered."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the batch statement is PostgreSQL's")
    from core.events import InboundEvent

    async with db.session() as first, first.begin():
        mine, _ = await store.conversation_for_turn(first, InboundEvent("zalo", "racing", "r1"))

        async def batch() -> dict:
            async with db.session() as s, s.begin():
                return await store.conversations_for_batch(
                    s, [InboundEvent("zalo", "racing", "r2"), InboundEvent("zalo", "other", "o1")]
                )

        waiting = asyncio.create_task(batch())
        await asyncio.sleep(0.3)
        assert not waiting.done()  # blocked on the first's uncommitted citizen and conversation
    got = await asyncio.wait_for(waiting, 10)
    assert set(got) == {"zalo:other"}
    async with db.session() as s:
        alone, repeated = await store.conversation_for_turn(s, InboundEvent("zalo", "racing", "r2"))
    assert alone.id == mine.id and not repeated


async def test_turns_held_back_for_the_batch_are_written_together_and_blanked_by_an_erasure(db, tmp_path):
    """A batch's turns held back (`store.write_turns_later`) are written in one round trip at the
    end, each still checked against its cursor; a citizen's erasure in the same transaction writes
    them first, so their texts are blanked with the rest (on SQLite each turn is written at once)."""
    from core.events import InboundEvent
    from core.media import MediaStore
    from services.retention import erase_citizen

    now = dt.datetime.now(dt.UTC)
    events = [InboundEvent("zalo", f"u{i}", f"m{i}", text=f"tin nhắn {i}") for i in range(3)]
    async with db.session() as s, s.begin():
        convs = [(await store.conversation_for_turn(s, e))[0] for e in events]
    turn = dict(replies=[Reply("Dạ")], old_cursor="0-0", state={}, step="menu", last_inbound_at=now)

    def inbound(conv, e):
        return dict(
            conversation_id=conv.id, direction="in", author="citizen", channel="zalo", external_id=e.message_id,
            kind="text", text=e.text, attachments=[], quick_replies=[], step=None, received_at=now,
            intent="greet", procedure=None, dossier_id=None, confidence=0.9, fallback=False, latency_ms=5,
            details={},
        )  # fmt: skip

    async with db.session() as s, s.begin():
        store.write_turns_later(s)
        for conv, e in zip(convs, events, strict=True):
            assert await store.finish_turn(
                s, conv, e, inbound=inbound(conv, e), new_cursor="1-0", later=True, **turn
            )
        await erase_citizen(s, MediaStore(tmp_path), convs[1].citizen_id)
        await store.write_later_turns(s)
    async with db.session() as s:
        texts = dict(
            (
                await s.execute(
                    select(MessageLog.external_id, MessageLog.text).where(MessageLog.direction == "in")
                )
            ).all()
        )
        assert texts == {"m0": "tin nhắn 0", "m1": "", "m2": "tin nhắn 2"}
        assert len((await s.execute(select(Outbox))).scalars().all()) == 3
        assert {c.inbound_cursor for c in (await s.execute(select(Conversation))).scalars()} == {"1-0"}

    if db.engine.dialect.name != "postgresql":
        return
    async with db.session() as s, s.begin():  # a cursor that moved meanwhile: named, the turn not written
        store.write_turns_later(s)
        for conv, e in zip(convs, events, strict=True):
            old = "1-0" if e is not events[2] else "0-0"
            assert await store.finish_turn(
                s, conv, e, inbound=None, new_cursor="2-0", later=True, **{**turn, "old_cursor": old}
            )
        with pytest.raises(store.CursorMoved) as moved:
            await store.write_later_turns(s)
        assert moved.value.key == events[2].conversation_key
