"""Normalisation of every event type listed in channels.md, without a server."""

from __future__ import annotations

import pytest
from channel_kit import OA_ID, PAGE_ID, ZALO_APP_ID, ZALO_OA_SECRET, messenger_body, zalo_event, zalo_signed

from handlers import messenger, zalo


def test_zalo_text_exactly_as_documented():
    body = {
        "event_name": "user_send_text",
        "app_id": ZALO_APP_ID,
        "sender": {"id": "2468013579"},
        "recipient": {"id": OA_ID},
        "message": {"text": "Tôi muốn làm giấy khai sinh cho con", "msg_id": "cb31a1e5f0"},
        "timestamp": "1699003881354",
        "user_id_by_app": "552177279717587730",
    }
    e = zalo.parse(body)
    assert (e.channel, e.user_id, e.message_id, e.kind) == ("zalo", "2468013579", "cb31a1e5f0", "text")
    assert e.text == "Tôi muốn làm giấy khai sinh cho con" and e.timestamp_ms == 1699003881354
    assert e.meta["user_id_by_app"] == "552177279717587730"


@pytest.mark.parametrize(
    "name, kind",
    [
        ("user_send_sticker", "sticker"),
        ("user_send_location", "location"),
        ("user_send_link", "link"),
        ("user_send_audio", "audio"),
        ("user_send_video", "video"),
        ("user_send_gif", "sticker"),
    ],
)
def test_zalo_kinds_the_bot_cannot_use(name, kind):
    e = zalo.parse(
        zalo_event(
            name,
            "111",
            attachments=[
                {
                    "type": name[10:],
                    "payload": {
                        "url": "https://zalo.example/x",
                        "coordinates": {"latitude": "10.77", "longitude": "106.70"},
                    },
                }
            ],
        )
    )
    assert e.kind == kind and e.attachments == ()


def test_zalo_image_and_file_carry_their_urls():
    e = zalo.parse(
        zalo_event(
            "user_send_image",
            "111",
            attachments=[
                {"type": "image", "payload": {"thumbnail": "https://z/t.jpg", "url": "https://z/full.jpg"}},
                {"type": "image", "payload": {"thumbnail": "https://z/only-thumb.jpg"}},
            ],
        )
    )
    assert e.kind == "image" and [a.url for a in e.attachments] == [
        "https://z/full.jpg",
        "https://z/only-thumb.jpg",
    ]
    f = zalo.parse(
        zalo_event(
            "user_send_file",
            "111",
            attachments=[
                {
                    "type": "file",
                    "payload": {
                        "url": "https://z/f.pdf",
                        "name": "Giấy chứng sinh.pdf",
                        "size": "20480",
                        "type": "pdf",
                    },
                }
            ],
        )
    )
    a = f.attachments[0]
    assert f.kind == "file" and (a.url, a.name, a.size, a.content_type) == (
        "https://z/f.pdf",
        "Giấy chứng sinh.pdf",
        20480,
        "pdf",
    )


def test_zalo_follow_unfollow_receipts_echoes_and_buttons():
    follow = zalo.parse(
        {
            "event_name": "follow",
            "app_id": ZALO_APP_ID,
            "follower": {"id": "222"},
            "timestamp": "1699003881354",
            "oa_id": OA_ID,
        }
    )
    assert (follow.kind, follow.user_id) == ("follow", "222")
    assert (
        zalo.parse(
            {"event_name": "unfollow", "app_id": ZALO_APP_ID, "follower": {"id": "222"}, "timestamp": "1"}
        ).kind
        == "unfollow"
    )
    seen = zalo.parse(
        {
            "event_name": "user_seen_message",
            "app_id": ZALO_APP_ID,
            "sender": {"id": OA_ID},
            "recipient": {"id": "333"},
            "message": {"msg_ids": ["a", "b"]},
            "timestamp": "2",
        }
    )
    assert (seen.kind, seen.user_id, seen.meta["msg_ids"]) == ("seen", "333", ["a", "b"])
    got = zalo.parse(
        {
            "event_name": "user_received_message",
            "app_id": ZALO_APP_ID,
            "sender": {"id": OA_ID},
            "recipient": {"id": "333"},
            "message": {"msg_id": "x"},
            "timestamp": "3",
        }
    )
    assert got.kind == "delivery"
    echo = zalo_event("oa_send_text", OA_ID, text="Xin chào")
    echo["sender"]["admin_id"] = "777"
    assert zalo.parse(echo) is None
    assert zalo.parse({"event_name": "add_user_to_tag", "app_id": ZALO_APP_ID, "timestamp": "1"}) is None
    tap = zalo.parse(zalo_event("user_send_text", "111", text="#mc:menu:0"))
    assert (tap.kind, tap.payload, tap.text) == ("payload", "menu:0", None)
    no_id = zalo_event("user_send_text", "111", text="a")
    del no_id["message"]["msg_id"]
    assert zalo.parse(no_id).message_id == f"user_send_text:111:{no_id['timestamp']}"


def test_zalo_malformed():
    with pytest.raises(zalo.Malformed):
        zalo.parse({"app_id": "1", "timestamp": "1"})
    with pytest.raises(zalo.Malformed):
        zalo.parse({"event_name": "user_send_text", "app_id": "1", "timestamp": "x", "sender": {"id": "1"}})
    with pytest.raises(zalo.Malformed):
        zalo.parse(
            {
                "event_name": "user_send_image",
                "app_id": "1",
                "timestamp": "1",
                "sender": {"id": "1"},
                "message": {"msg_id": "m"},
            }
        )


def test_zalo_signature_on_non_ascii_raw_bytes():
    body = zalo_event("user_send_text", "111", text="Cho mình hỏi thủ tục đăng ký kết hôn ạ 🙏")
    raw, headers = zalo_signed(body)
    import json

    assert zalo.verify(raw, json.loads(raw), headers["X-ZEvent-Signature"], ZALO_OA_SECRET)
    assert not zalo.verify(raw, json.loads(raw), headers["X-ZEvent-Signature"], "other")
    escaped = json.dumps(body).encode()  # same JSON, \\u-escaped: other bytes, other mac
    assert not zalo.verify(escaped, json.loads(escaped), headers["X-ZEvent-Signature"], ZALO_OA_SECRET)
    assert not zalo.verify(raw, json.loads(raw), None, ZALO_OA_SECRET)


def test_messenger_items_of_every_kind():
    items = [
        {
            "sender": {"id": "P1"},
            "recipient": {"id": PAGE_ID},
            "timestamp": 1458692752478,
            "message": {"mid": "m1", "text": "Xin chào"},
        },
        {
            "sender": {"id": "P1"},
            "recipient": {"id": PAGE_ID},
            "timestamp": 1458692752479,
            "message": {"mid": "m2", "text": "1. Có em bé", "quick_reply": {"payload": "menu:0"}},
        },
        {
            "sender": {"id": "P1"},
            "recipient": {"id": PAGE_ID},
            "timestamp": 1458692752480,
            "message": {
                "mid": "m3",
                "attachments": [
                    {"type": "image", "payload": {"url": "https://fb/1.jpg"}},
                    {"type": "image", "payload": {"url": "https://fb/2.jpg"}},
                ],
            },
        },
        {
            "sender": {"id": "P1"},
            "recipient": {"id": PAGE_ID},
            "timestamp": 1458692752481,
            "postback": {"mid": "m4", "title": "Bắt đầu", "payload": "GET_STARTED"},
        },
        {
            "sender": {"id": PAGE_ID},
            "recipient": {"id": "P1"},
            "timestamp": 1458692752482,
            "message": {"mid": "m5", "text": "echo", "is_echo": True, "app_id": 1},
        },
        {
            "sender": {"id": "P1"},
            "recipient": {"id": PAGE_ID},
            "timestamp": 1458692752483,
            "delivery": {"mids": ["m9"], "watermark": 1458668856253},
        },
        {
            "sender": {"id": "P1"},
            "recipient": {"id": PAGE_ID},
            "timestamp": 1458692752484,
            "read": {"watermark": 1458668856253},
        },
        {
            "sender": {"id": "P1"},
            "recipient": {"id": PAGE_ID},
            "timestamp": 1458692752485,
            "message": {
                "mid": "m6",
                "sticker_id": 369239263222822,
                "attachments": [
                    {
                        "type": "image",
                        "payload": {"url": "https://fb/like.png", "sticker_id": 369239263222822},
                    }
                ],
            },
        },
        {
            "sender": {"id": "P1"},
            "recipient": {"id": PAGE_ID},
            "timestamp": 1458692752486,
            "message": {
                "mid": "m7",
                "attachments": [{"type": "audio", "payload": {"url": "https://fb/a.mp4"}}],
            },
        },
        {
            "sender": {"id": "P1"},
            "recipient": {"id": PAGE_ID},
            "timestamp": 1458692752487,
            "message": {
                "mid": "m8",
                "attachments": [{"type": "file", "payload": {"url": "https://fb/f.pdf"}}],
            },
        },
        {
            "sender": {"id": "P1"},
            "recipient": {"id": PAGE_ID},
            "timestamp": 1458692752488,
            "message": {
                "mid": "m10",
                "attachments": [
                    {"type": "location", "payload": {"coordinates": {"lat": 21.02, "long": 105.85}}}
                ],
            },
        },
    ]
    events = messenger.parse(messenger_body(items))
    got = [(e.message_id, e.kind) for e in events]
    assert got == [
        ("m1", "text"),
        ("m2", "payload"),
        ("m3", "image"),
        ("m4", "payload"),
        ("delivery:P1:1458668856253", "delivery"),
        ("read:P1:1458668856253", "seen"),
        ("m6", "sticker"),
        ("m7", "audio"),
        ("m8", "file"),
        ("m10", "location"),
    ]
    assert events[1].payload == "menu:0" and events[3].payload == "GET_STARTED"
    assert [a.url for a in events[2].attachments] == ["https://fb/1.jpg", "https://fb/2.jpg"]
    assert all(e.user_id == "P1" and e.channel == "messenger" for e in events)
    assert messenger.parse({"object": "instagram", "entry": []}) == []
    with pytest.raises(messenger.Malformed):
        messenger.parse({"object": "page", "entry": {"id": 1}})


def test_messenger_signature_is_over_the_raw_bytes():
    from channel_kit import MESSENGER_APP_SECRET, messenger_signed, messenger_text

    raw, headers = messenger_signed(messenger_body([messenger_text("P1", "Đăng ký tạm trú cần gì ạ?")]))
    assert messenger.verify(raw, headers["X-Hub-Signature-256"], MESSENGER_APP_SECRET)
    assert not messenger.verify(raw + b" ", headers["X-Hub-Signature-256"], MESSENGER_APP_SECRET)
    assert not messenger.verify(raw, "sha1=abc", MESSENGER_APP_SECRET)


def test_text_splitting():
    from handlers.platform import split_text

    sentence = "Bạn chuẩn bị giấy chứng sinh bản chính. "
    long = sentence * 120
    parts = split_text(long, 2000)
    assert all(len(p) <= 2000 for p in parts) and len(parts) == 3
    assert all(p.endswith(".") for p in parts)
    assert " ".join(parts) == long.strip()
    assert split_text("a" * 4500, 2000) == ["a" * 2000, "a" * 2000, "a" * 500]
    assert split_text("", 10) == []


def test_the_event_serialisation_is_complete_and_round_trips():
    import dataclasses
    import json

    from core.events import Attachment, InboundEvent

    e = InboundEvent(
        "zalo",
        "u1",
        "m1",
        kind="image",
        text="Ảnh giấy chứng sinh",
        attachments=(Attachment(type="image", url="https://z/1.jpg", size=3),),
        meta={"k": ["ư", 1]},
    )
    assert json.loads(e.to_json()) == json.loads(json.dumps(dataclasses.asdict(e)))
    assert InboundEvent.from_json(e.to_json()) == e
