"""Received photos: downloaded by the worker at once, capped, sniffed, stored; several photos of
one citizen in the same instant stay in one conversation, in order."""

from __future__ import annotations

import asyncio
import hashlib
import uuid

import pytest
from aiohttp.test_utils import TestClient, TestServer
from channel_kit import post_zalo, runtime_of, wait_for, zalo_event, zalo_image
from sqlalchemy import select

from core.db import Conversation, DossierDocument, MessageLog


def photo(kind: str = "paper", seed: int = 1) -> bytes:
    from ocr.synth import make_sample

    title = "ĐƠN ĐỀ NGHỊ" if kind == "paper" else None  # no contract paper: taken at any step
    data, _truth = make_sample(seed=seed, kind=kind, cls="good", size=(1280, 960), title=title)
    return data


async def to_photo_step(client, fake, user: str) -> None:
    """Walk the dialogue (whatever its questions) until it asks for the first photo."""
    await post_zalo(client, zalo_event("user_send_text", user, text="Xin chào"))
    seen = 0
    for _ in range(8):
        await wait_for(lambda seen=seen: len(fake.texts(user)) > seen, timeout=20)
        await asyncio.sleep(0.2)  # all the replies of that turn
        texts = fake.texts(user)
        seen = len(texts)
        if any("Bước 1/" in t for t in texts):
            return
        await post_zalo(client, zalo_event("user_send_text", user, text="1"))  # menu item 1, yes, ...
    raise AssertionError(f"never asked for a photo: {fake.texts(user)}")


async def test_three_photos_within_200ms_one_conversation_in_order(client, fake_zalo):
    rt = runtime_of(client)
    user = "4" + uuid.uuid4().hex[:15]
    await to_photo_step(client, fake_zalo, user)
    photos = [photo("paper", 21), photo("cccd_front", 22), photo("paper", 23)]
    urls = [fake_zalo.host(p) for p in photos]
    events = [zalo_image(user, u) for u in urls]
    for i, e in enumerate(events):  # three events in the same second, as Zalo sends them
        e["timestamp"] = str(int(e["timestamp"]) + i)
    started = asyncio.get_running_loop().time()
    answers = await asyncio.gather(*(post_zalo(client, e) for e in events))
    assert asyncio.get_running_loop().time() - started < 0.2 + 0.5
    assert [a.status for a in answers] == [200, 200, 200]
    ids = [e["message"]["msg_id"] for e in events]

    async def applied():
        async with rt.db.session() as s:
            rows = (
                (
                    await s.execute(
                        select(MessageLog).where(MessageLog.external_id.in_(ids)).order_by(MessageLog.id)
                    )
                )
                .scalars()
                .all()
            )
        return rows if len(rows) == 3 else None

    rows = await wait_for(applied, timeout=60)
    # gathered posts may reach the server in any order; the log follows arrival order
    by_id = {e["message"]["msg_id"]: hashlib.sha256(p).hexdigest() for e, p in zip(events, photos)}
    assert [r.attachments[0]["sha256"] for r in rows] == [by_id[r.external_id] for r in rows]
    assert all(r.attachments[0]["path"] and r.kind == "image" for r in rows)
    assert len({r.conversation_id for r in rows}) == 1
    async with rt.db.session() as s:
        assert (
            len((await s.execute(select(Conversation).where(Conversation.key == f"zalo:{user}"))).all()) == 1
        )
        docs = (await s.execute(select(DossierDocument.sha256).order_by(DossierDocument.id))).scalars().all()
    arrival = [r.attachments[0]["sha256"] for r in rows]
    assert docs == arrival[: len(docs)]  # what the dossier took, it took in order
    for r in rows:
        assert (rt.media.root / r.attachments[0]["path"]).read_bytes() in photos


@pytest.fixture
async def small_client(channel_settings):
    from bot.app import create_app

    app = create_app(channel_settings.with_overrides(max_upload_bytes=300_000), role="all")
    async with TestClient(TestServer(app)) as c:
        yield c


async def test_failed_too_large_and_not_an_image(small_client, fake_zalo):
    client = small_client
    rt = runtime_of(client)
    user = "3" + uuid.uuid4().hex[:15]
    await to_photo_step(client, fake_zalo, user)
    before = len(fake_zalo.texts(user))
    # an expired URL: the citizen is asked to send it again
    await post_zalo(client, zalo_image(user, f"{fake_zalo.base_url}/cdn/expired-{uuid.uuid4().hex}"))
    await wait_for(lambda: len(fake_zalo.texts(user)) > before, timeout=20)
    assert "Mình chưa nhận được ảnh" in fake_zalo.texts(user)[-1]
    before = len(fake_zalo.texts(user))
    # larger than MAX_UPLOAD_BYTES
    await post_zalo(client, zalo_image(user, fake_zalo.host(b"\xff\xd8\xff\xe0" + b"0" * 400_000)))
    await wait_for(lambda: len(fake_zalo.texts(user)) > before, timeout=20)
    assert "quá lớn" in fake_zalo.texts(user)[-1]
    before = len(fake_zalo.texts(user))
    # declared a JPEG, but the bytes say otherwise: sniffed, refused
    await post_zalo(client, zalo_image(user, fake_zalo.host(b"<html>not a photo</html>" * 50, "image/jpeg")))
    await wait_for(lambda: len(fake_zalo.texts(user)) > before, timeout=20)
    assert "không phải là ảnh" in fake_zalo.texts(user)[-1]
    async with rt.db.session() as s:
        problems = [
            a[0]["problem"]
            for a in (
                await s.execute(
                    select(MessageLog.attachments)
                    .where(MessageLog.direction == "in", MessageLog.kind != "text")
                    .order_by(MessageLog.id)
                )
            ).scalars()
        ]
    assert problems == ["download_failed", "too_large", "not_image"]
