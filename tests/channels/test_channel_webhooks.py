"""The webhooks over real HTTP with the real message path (queue, workers, dialogue, outbox,
sender) on both backend pairs; replies land at the fake platforms."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

from channel_kit import (
    messenger_body,
    messenger_signed,
    messenger_text,
    now_ms,
    post_messenger,
    post_zalo,
    runtime_of,
    wait_for,
    zalo_event,
    zalo_image,
    zalo_signed,
)
from sqlalchemy import func, select

from core.db import Conversation, MessageLog


async def _count(rt, model, *where) -> int:
    async with rt.db.session() as s:
        return (await s.execute(select(func.count()).select_from(model).where(*where))).scalar()


async def test_zalo_text_gets_the_menu_and_a_button_tap_comes_back_as_payload(client, fake_zalo):
    rt = runtime_of(client)
    user = "8" + uuid.uuid4().hex[:15]
    r = await post_zalo(client, zalo_event("user_send_text", user, text="Xin chào"))
    assert r.status == 200
    await wait_for(lambda: fake_zalo.texts(user))
    assert fake_zalo.sent[0]["recipient"] == {"user_id": user}
    assert "MotCua" in fake_zalo.texts(user)[0]
    assert fake_zalo.calls("/v3.0/oa/message/cs")[0].headers["access_token"] == "zalo-at-0"
    async with rt.db.session() as s:
        options = (
            await s.execute(
                select(MessageLog.quick_replies)
                .where(MessageLog.direction == "out")
                .order_by(MessageLog.id.desc())
                .limit(1)
            )
        ).scalar_one()
    menu = fake_zalo.sent[-1]["message"]
    if len(options) <= rt.settings.zalo_max_buttons:  # buttons carry the payload behind the prefix
        assert [b["payload"] for b in menu["attachment"]["payload"]["buttons"]] == [
            "#mc:" + o["payload"] for o in options
        ]
    else:  # too many for buttons: a numbered list in the text
        assert "attachment" not in menu and all(o["title"] in menu["text"] for o in options)
    # a tap comes back as user_send_text carrying the payload
    before = len(fake_zalo.texts(user))
    r = await post_zalo(client, zalo_event("user_send_text", user, text="#mc:" + options[0]["payload"]))
    assert r.status == 200
    await wait_for(lambda: len(fake_zalo.texts(user)) > before)
    async with rt.db.session() as s:
        tap = (
            await s.execute(
                select(MessageLog).where(MessageLog.direction == "in").order_by(MessageLog.id.desc()).limit(1)
            )
        ).scalar_one()
    assert tap.kind == "payload" and tap.text == options[0]["payload"]


async def test_zalo_buttons_when_they_fit(client, fake_zalo):
    from channel_kit import reply, settled

    from core.events import QuickReply, Reply

    rt = runtime_of(client)
    user = "8" + uuid.uuid4().hex[:15]
    await post_zalo(client, zalo_event("user_send_text", user, text="Xin chào"))
    await wait_for(lambda: fake_zalo.texts(user))
    await settled(
        rt,
        await reply(
            rt,
            f"zalo:{user}",
            Reply("Bạn đồng ý không?", (QuickReply("1. Đồng ý", "yes"), QuickReply("2. Không đồng ý", "no"))),
        ),
    )
    last = fake_zalo.sent[-1]["message"]
    assert last["text"] == "Bạn đồng ý không?"
    assert last["attachment"] == {
        "type": "template",
        "payload": {
            "buttons": [
                {"title": "1. Đồng ý", "type": "oa.query.hide", "payload": "#mc:yes"},
                {"title": "2. Không đồng ý", "type": "oa.query.hide", "payload": "#mc:no"},
            ]
        },
    }


async def test_zalo_answers_per_the_contract(client, fake_zalo):
    rt = runtime_of(client)
    body = zalo_event("user_send_text", "123", text="Chào bạn")
    raw, headers = zalo_signed(body)
    assert (await client.post("/webhooks/zalo", data=raw)).status == 401  # no signature
    bad = dict(headers, **{"X-ZEvent-Signature": "mac=" + "0" * 64})
    assert (await client.post("/webhooks/zalo", data=raw, headers=bad)).status == 401
    assert (
        await client.post("/webhooks/zalo", data=raw.replace(b"Ch", b"ch"), headers=headers)
    ).status == 401
    assert (await client.post("/webhooks/zalo", data=b"{not json", headers=headers)).status == 400
    assert (await client.post("/webhooks/zalo", data=b"[1]", headers=headers)).status == 400
    no_sender = {
        "event_name": "user_send_text",
        "app_id": body["app_id"],
        "message": {"msg_id": "x"},
        "timestamp": body["timestamp"],
    }
    assert (await post_zalo(client, no_sender)).status == 400  # signed, but no sender
    huge = zalo_event("user_send_text", "123", text="a" * 1_100_000)
    assert (await post_zalo(client, huge)).status == 413
    echo = zalo_event("oa_send_text", "579745863508352884", text="Tin của OA")
    assert (await post_zalo(client, echo)).status == 200
    seen = {
        "event_name": "user_seen_message",
        "app_id": body["app_id"],
        "sender": {"id": "579745863508352884"},
        "recipient": {"id": "123"},
        "message": {"msg_ids": ["a"]},
        "timestamp": str(now_ms()),
    }
    assert (await post_zalo(client, seen)).status == 200
    assert (await post_zalo(client, body)).status == 200
    assert (await post_zalo(client, body)).status == 200  # a duplicate is still 200
    await wait_for(lambda: fake_zalo.texts("123"))
    await asyncio.sleep(0.3)
    assert await _count(rt, MessageLog, MessageLog.direction == "in") == 1  # echo/receipt not in the dialogue
    assert len(fake_zalo.texts("123")) == 1


async def test_triple_concurrent_delivery_gets_one_reply(client, fake_zalo, fake_graph):
    rt = runtime_of(client)
    user = "7" + uuid.uuid4().hex[:15]
    body = zalo_event("user_send_text", user, text="Tôi cần đăng ký khai sinh", msg_id="dup-" + user)
    answers = await asyncio.gather(*(post_zalo(client, body) for _ in range(3)))
    assert [a.status for a in answers] == [200, 200, 200]
    psid = "P" + uuid.uuid4().hex[:12]
    m = messenger_body([messenger_text(psid, "Xin chào", mid="m_dup_" + psid)])
    answers = await asyncio.gather(*(post_messenger(client, m) for _ in range(3)))
    assert [a.status for a in answers] == [200, 200, 200]
    await wait_for(lambda: fake_zalo.texts(user) and fake_graph.texts(psid))
    await asyncio.sleep(0.5)
    assert len(fake_zalo.texts(user)) == 1 and len(fake_graph.texts(psid)) == 1
    assert await _count(rt, MessageLog, MessageLog.direction == "in") == 2


async def test_messenger_verification(client):
    ok = await client.get(
        "/webhooks/messenger",
        params={
            "hub.mode": "subscribe",
            "hub.verify_token": "verify-me-please",
            "hub.challenge": "1158201444",
        },
    )
    assert ok.status == 200 and await ok.text() == "1158201444"
    bad = await client.get(
        "/webhooks/messenger",
        params={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"},
    )
    assert bad.status == 403


async def test_messenger_batch_of_two_entries_two_items_each(client, fake_graph):
    rt = runtime_of(client)
    a, b = "PA" + uuid.uuid4().hex[:10], "PB" + uuid.uuid4().hex[:10]
    body = messenger_body(
        [messenger_text(a, "Xin chào"), messenger_text(b, "Chào bạn, mình muốn hỏi")],
        [
            messenger_text(a, "Khai sinh cần giấy tờ gì?"),
            {**messenger_text(b, "ok"), "message": {"mid": "m_echo", "text": "echo", "is_echo": True}},
        ],
    )
    body["entry"][1]["messaging"].append(messenger_text(b, "Đăng ký tạm trú ạ"))
    raw, headers = messenger_signed(body)
    r = await client.post("/webhooks/messenger", data=raw, headers=headers)
    assert r.status == 200
    await wait_for(lambda: len(fake_graph.texts(a)) >= 2 and len(fake_graph.texts(b)) >= 2, timeout=30)
    async with rt.db.session() as s:
        texts = (
            (
                await s.execute(
                    select(MessageLog.text).where(MessageLog.direction == "in").order_by(MessageLog.id)
                )
            )
            .scalars()
            .all()
        )
    assert sorted(texts) == sorted(
        ["Xin chào", "Chào bạn, mình muốn hỏi", "Khai sinh cần giấy tờ gì?", "Đăng ký tạm trú ạ"]
    )
    assert await _count(rt, Conversation) == 2
    assert all(b_["messaging_type"] == "RESPONSE" and "tag" not in b_ for b_ in fake_graph.sent)
    qrs = fake_graph.sent[0]["message"]["quick_replies"]
    assert 0 < len(qrs) <= 13 and all(len(q["title"]) <= 20 for q in qrs)


async def test_messenger_answers_per_the_contract(client):
    body = messenger_body([messenger_text("P9", "Xin chào 👋")])
    raw, headers = messenger_signed(body)
    assert (await client.post("/webhooks/messenger", data=raw)).status == 403
    assert (
        await client.post(
            "/webhooks/messenger", data=raw, headers={"X-Hub-Signature-256": "sha256=" + "0" * 64}
        )
    ).status == 403
    # hashing a re-encoded body (not the raw bytes) is what naive code does: refused
    reencoded = json.dumps(json.loads(raw)).encode()
    assert (await client.post("/webhooks/messenger", data=reencoded, headers=headers)).status == 403
    junk, junk_headers = messenger_signed(b"{oops")
    assert (await client.post("/webhooks/messenger", data=junk, headers=junk_headers)).status == 400
    assert (await client.post("/webhooks/messenger", data=raw, headers=headers)).status == 200


async def test_ack_does_not_wait_for_media(client, fake_zalo):
    """The webhook answers before the (slow) photo download; the worker downloads it."""
    rt = runtime_of(client)
    fake_zalo.file_delay_s = 1.5
    url = fake_zalo.host(b"\xff\xd8\xff\xe0" + b"0" * 5000)
    user = "6" + uuid.uuid4().hex[:15]
    started = time.perf_counter()
    r = await post_zalo(client, zalo_image(user, url))
    ack = time.perf_counter() - started
    assert r.status == 200 and ack < 0.5
    assert not fake_zalo.file_hits or ack < fake_zalo.file_delay_s
    await wait_for(lambda: fake_zalo.texts(user), timeout=20)
    async with rt.db.session() as s:
        att = (
            await s.execute(select(MessageLog.attachments).where(MessageLog.direction == "in"))
        ).scalar_one()
    assert att[0]["path"] and att[0]["url"] == url and att[0]["problem"] is None


async def test_unsupported_kinds_get_a_short_vietnamese_answer(client, fake_zalo):
    user = "5" + uuid.uuid4().hex[:15]
    sticker = zalo_event(
        "user_send_sticker",
        user,
        attachments=[
            {"type": "sticker", "payload": {"id": "abc", "url": "https://zalo.example/sticker.png"}}
        ],
    )
    assert (await post_zalo(client, sticker)).status == 200
    await wait_for(lambda: fake_zalo.texts(user))
    assert "Mình chỉ đọc được tin nhắn chữ, ảnh" in fake_zalo.texts(user)[0]
    assert not fake_zalo.file_hits  # a sticker is never downloaded


async def test_a_burst_is_accepted_once_each_even_after_redis_lost_its_scripts(client, fake_zalo):
    """Concurrent webhooks share one Redis round trip; a NOSCRIPT (Redis restarted) is recovered."""
    rt = runtime_of(client)
    if rt.settings.redis_url:
        await rt.queue.r.script_flush()
    users = ["b" + uuid.uuid4().hex[:12] for _ in range(20)]
    bodies = [zalo_event("user_send_text", u, text="Xin chào", msg_id=f"burst-{u}") for u in users]
    answers = await asyncio.gather(*(post_zalo(client, b) for b in bodies + bodies))  # each one twice
    assert {a.status for a in answers} == {200}
    await wait_for(lambda: all(fake_zalo.texts(u) for u in users), timeout=30)
    await asyncio.sleep(0.3)
    assert all(len(fake_zalo.texts(u)) == len(fake_zalo.texts(users[0])) for u in users)
    assert await _count(rt, MessageLog, MessageLog.direction == "in") == 20
