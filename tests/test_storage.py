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


async def test_cursor_compare_and_set(db):
    async with db.session() as s, s.begin():
        conv = await store.get_or_create_conversation(s, "web", "u3")
        now = dt.datetime.now(dt.UTC)
        assert await store.advance_conversation(
            s,
            conv,
            old_cursor="0-0",
            new_cursor="5-0",
            state={"step": "menu"},
            step="menu",
            last_inbound_at=now,
        )
        assert not await store.advance_conversation(
            s, conv, old_cursor="0-0", new_cursor="6-0", state={}, step=None, last_inbound_at=now
        )


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
