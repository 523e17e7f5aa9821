"""Sending through the outbox to the fake platforms: retries with backoff recorded on the row,
permanent refusals, long texts, buttons/quick replies that fit, images, typing indicator."""

from __future__ import annotations

import uuid

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
from channel_kit import settled as _settled
from fakes.base import Failure

from core.events import QuickReply, Reply


async def _citizen_writes_zalo(client, fake, user: str) -> None:
    await post_zalo(client, zalo_event("user_send_text", user, text="Xin chào"))
    await wait_for(lambda: fake.texts(user), timeout=20)


async def _citizen_writes_messenger(client, fake, psid: str) -> None:
    await post_messenger(client, messenger_body([messenger_text(psid, "Xin chào")]))
    await wait_for(lambda: fake.texts(psid), timeout=20)


async def test_send_failing_twice_then_succeeding(client, fake_zalo):
    rt = runtime_of(client)
    user = "9" + uuid.uuid4().hex[:15]
    await _citizen_writes_zalo(client, fake_zalo, user)
    fake_zalo.fail_next(
        Failure(status=502, body={"message": "bad gateway"}),
        Failure(body={"error": -32, "message": "Request rate limit exceeded"}),
    )
    outbox_id = await _reply(rt, f"zalo:{user}", Reply("Hồ sơ của bạn đã được tiếp nhận."))
    row = await _settled(rt, outbox_id)
    assert row.attempts == 3 and row.sent_at is not None and row.last_error is None
    assert fake_zalo.texts(user)[-1] == "Hồ sơ của bạn đã được tiếp nhận."
    assert (
        len([r for r in fake_zalo.calls("/v3.0/oa/message/cs") if r.body["recipient"]["user_id"] == user])
        == 1 + 3
    )


async def test_a_split_reply_resumes_after_the_parts_already_sent(client, fake_zalo):
    """A 3-part reply whose second part fails: the retry sends parts 2 and 3 only. The progress
    is kept on the outbox row, so another sender process would resume the same way."""
    rt = runtime_of(client)
    user = "6" + uuid.uuid4().hex[:15]
    await _citizen_writes_zalo(client, fake_zalo, user)
    long = "Bạn mang theo bản chính giấy tờ để đối chiếu. " * 90  # ~4,200 characters: 3 parts
    fake_zalo.fail_next(Failure(), Failure(status=502, body={"message": "bad gateway"}))
    before = len(fake_zalo.sent)
    row = await _settled(rt, await _reply(rt, f"zalo:{user}", Reply(long)))
    texts = [b["message"]["text"] for b in fake_zalo.sent[before:]]
    assert len(texts) == 3 and " ".join(t.strip() for t in texts) == long.strip()
    assert row.attempts == 2 and row.parts_sent == 2


async def test_a_throttled_send_is_retried_on_messenger(client, fake_graph):
    rt = runtime_of(client)
    psid = "P" + uuid.uuid4().hex[:12]
    await _citizen_writes_messenger(client, fake_graph, psid)
    fake_graph.throttle(1)
    row = await _settled(rt, await _reply(rt, f"messenger:{psid}", Reply("Cảm ơn bạn đã chờ.")))
    assert row.attempts == 2 and fake_graph.texts(psid)[-1] == "Cảm ơn bạn đã chờ."


async def test_a_refusal_that_cannot_succeed_is_not_retried(client, fake_zalo, fake_graph):
    rt = runtime_of(client)
    psid = "P" + uuid.uuid4().hex[:12]
    await _citizen_writes_messenger(client, fake_graph, psid)
    fake_graph.fail_next(
        Failure(
            status=400,
            body={
                "error": {
                    "message": "(#100) No matching user found",
                    "type": "OAuthException",
                    "code": 100,
                    "error_subcode": 2018001,
                }
            },
        )
    )
    outbox_id = await _reply(rt, f"messenger:{psid}", Reply("Chào bạn"))
    row = await _settled(rt, outbox_id, "failed")
    assert row.attempts == 1 and "2018001" in row.last_error
    user = "8" + uuid.uuid4().hex[:15]
    await _citizen_writes_zalo(client, fake_zalo, user)
    fake_zalo.fail_next(Failure(body={"error": -213, "message": "User is not a follower"}))
    row = await _settled(rt, await _reply(rt, f"zalo:{user}", Reply("Chào bạn")), "failed")
    assert row.attempts == 1 and "-213" in row.last_error


async def test_long_text_buttons_and_images_on_zalo(client, fake_zalo):
    rt = runtime_of(client)
    user = "7" + uuid.uuid4().hex[:15]
    await _citizen_writes_zalo(client, fake_zalo, user)
    stored = rt.media.store(b"\x89PNG\r\n\x1a\n" + b"\0" * 2000, "zalo")
    long = "Bạn mang theo bản chính giấy tờ để đối chiếu. " * 90  # ~4,200 characters
    options = tuple(QuickReply(f"{i}. Lựa chọn số {i}", f"opt:{i}") for i in range(1, 7))
    before = len(fake_zalo.sent)
    await _settled(rt, await _reply(rt, f"zalo:{user}", Reply(long, options, image_path=stored.path)))
    sent = fake_zalo.sent[before:]
    texts = [b["message"]["text"] for b in sent if "text" in b["message"]]
    assert len(texts) == 3 and all(len(t) <= 2000 for t in texts)
    assert all(t.endswith(".") for t in texts[:-1])  # cut at sentence ends
    assert "6. Lựa chọn số 6" in texts[-1]  # 6 options > 5 buttons: a numbered list instead
    assert not any(
        "attachment" in b["message"] and "buttons" in b["message"]["attachment"]["payload"] for b in sent
    )
    image = sent[-1]["message"]["attachment"]["payload"]
    assert image["template_type"] == "media" and image["elements"][0]["attachment_id"].startswith("att-")
    assert fake_zalo.calls("/v2.0/oa/upload/image")[-1].body["file_size"] == 2008


async def test_quick_replies_image_links_and_typing_on_messenger(client, fake_graph):
    rt = runtime_of(client)
    psid = "P" + uuid.uuid4().hex[:12]
    await _citizen_writes_messenger(client, fake_graph, psid)
    stored = rt.media.store(b"\xff\xd8\xff\xe0" + b"1" * 3000, "messenger")
    options = tuple(QuickReply(f"{i}. Thủ tục hành chính số {i}", f"opt:{i}") for i in range(1, 4))
    before = len(fake_graph.sent)
    await _settled(
        rt, await _reply(rt, f"messenger:{psid}", Reply("Bạn chọn thủ tục:", options, image_path=stored.path))
    )
    sent = fake_graph.sent[before:]
    assert sent[0]["message"]["text"] == "Bạn chọn thủ tục:"
    url = sent[1]["message"]["attachment"]["payload"]["url"]
    qrs = sent[-1]["message"]["quick_replies"]
    assert [q["title"] for q in qrs] == [
        "1. Thủ tục hành…",  # cut between words
        "2. Thủ tục hành…",
        "3. Thủ tục hành…",
    ]
    assert all(len(q["title"]) <= 20 for q in qrs) and qrs[0]["payload"] == "opt:1"
    path = url.split("/media/", 1)[1]
    got = await client.get("/media/" + path)  # the signed link serves the file
    assert got.status == 200 and await got.read() == rt.media.full_path(stored.path).read_bytes()
    assert (await client.get("/media/" + path.replace("sig=", "sig=0"))).status == 403
    many = tuple(QuickReply(f"{i}. Mục {i}", f"m:{i}") for i in range(1, 15))
    await _settled(rt, await _reply(rt, f"messenger:{psid}", Reply("Chọn một mục:", many)))
    last = fake_graph.sent[-1]["message"]
    assert "quick_replies" not in last and "14. Mục 14" in last["text"]
    # a photo from the citizen: typing indicator while it is read
    url = fake_graph.host(b"\xff\xd8\xff\xe0" + b"2" * 3000)
    photo = messenger_text(psid, "")
    photo["message"] = {
        "mid": "m_" + uuid.uuid4().hex,
        "attachments": [{"type": "image", "payload": {"url": url}}],
    }
    await post_messenger(client, messenger_body([photo]))
    await wait_for(
        lambda: any(
            a["recipient"]["id"] == psid and a["sender_action"] == "typing_on" for a in fake_graph.actions
        ),
        timeout=20,
    )
