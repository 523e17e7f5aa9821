"""The web chat API and the operator routes over real HTTP (aiohttp test server)."""

from __future__ import annotations

import io

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from citizen import photo

from bot.app import create_app


@pytest.fixture
async def client(backend_settings):
    app = create_app(backend_settings.with_overrides(max_upload_bytes=2_000_000), role="all")
    async with TestClient(TestServer(app)) as c:
        yield c


async def converse(client: TestClient, after: int = 0, want: int = 1) -> tuple[list[dict], int]:
    """Long-poll until `want` new bot messages arrived; return all new messages and the cursor."""
    got: list[dict] = []
    for _ in range(40):
        r = await client.get(f"/webchat/api/messages?after={after}&wait=2")
        assert r.status == 200
        for m in (await r.json())["messages"]:
            got.append(m)
            after = max(after, m["id"])
        if sum(1 for m in got if m["author"] == "bot") >= want:
            return got, after
    raise AssertionError(f"no reply: {got}")


async def test_chat_page_sets_a_session_cookie(client):
    r = await client.get("/chat")
    assert r.status == 200
    assert "MotCua" in await r.text()
    assert "motcua_web" in r.cookies
    assert (await client.get("/webchat/static/chat.js")).status == 200
    assert (await client.get("/webchat/static/..%2Fwebchat.py")).status == 404


async def test_text_and_quick_reply_round_trip(client):
    await client.get("/chat")
    r = await client.post(
        "/webchat/api/messages", json={"text": "xin chào", "client_message_id": "abcdef0123"}
    )
    assert r.status == 202 and (await r.json()) == {"accepted": True, "duplicate": False}
    again = await client.post(
        "/webchat/api/messages", json={"text": "xin chào", "client_message_id": "abcdef0123"}
    )
    assert (await again.json())["duplicate"] is True
    messages, after = await converse(client)
    assert messages[0]["author"] == "citizen" and messages[0]["text"] == "xin chào"
    menu = messages[-1]
    assert menu["author"] == "bot" and "1. Có em bé" in menu["text"]
    assert menu["quick_replies"][0]["payload"] == "event:co_em_be"
    await client.post("/webchat/api/messages", json={"payload": "event:co_em_be", "text": "1. Có em bé"})
    messages, after = await converse(client, after)
    assert "trọn gói" in messages[-1]["text"]
    # exactly one greeting despite the repeated delivery
    r = await client.get("/webchat/api/messages?after=0&wait=0")
    assert sum(1 for m in (await r.json())["messages"] if "Xin chào! Mình là MotCua" in m["text"]) == 1


async def test_bad_requests_get_clear_errors(client):
    assert (await client.post("/webchat/api/messages", json={"text": "x"})).status == 401  # no session yet
    await client.get("/chat")
    r = await client.post(
        "/webchat/api/messages", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert r.status == 400 and (await r.json())["error"] == "malformed_json"
    assert (await client.post("/webchat/api/messages", json=["x"])).status == 400
    assert (await client.post("/webchat/api/messages", json={"text": "   "})).status == 400
    assert (await client.post("/webchat/api/messages", json={"text": 5})).status == 400
    assert (await client.get("/webchat/api/messages?after=abc")).status == 400
    assert (await client.post("/webchat/api/upload", data=b"x")).status == 400


async def _to_photo_step(client) -> int:
    await client.get("/chat")
    after = 0
    for body, want in (
        ({"text": "chào"}, 1),
        ({"text": "1"}, 1),
        ({"text": "2"}, 1),
        ({"payload": "yes", "text": "Đồng ý"}, 2),
        ({"text": "2"}, 1),
    ):
        await client.post("/webchat/api/messages", json=body)
        _, after = await converse(client, after, want=want)
    return after


async def upload(client, data: bytes, name: str = "anh.jpg"):
    form = aiohttp.FormData()
    form.add_field("file", io.BytesIO(data), filename=name, content_type="image/jpeg")
    return await client.post("/webchat/api/upload", data=form)


async def test_photo_upload_and_friendly_refusals(client):
    after = await _to_photo_step(client)
    r = await upload(client, b"PK\x03\x04 this is a zip, named like a photo", "giay.jpg")
    assert r.status == 202
    messages, after = await converse(client, after)
    assert "không phải là ảnh" in messages[-1]["text"]
    r = await upload(client, b"\xff\xd8\xff" + b"0" * 2_100_000, "huge.jpg")
    assert r.status == 202
    messages, after = await converse(client, after)
    assert "quá lớn" in messages[-1]["text"]
    r = await upload(client, photo("paper", seed=5))
    messages, after = await converse(client, after, want=2)
    assert messages[0]["author"] == "citizen" and messages[0]["text"] == "📷 Ảnh"
    assert "Đã nhận ảnh Giấy chứng sinh" in messages[1]["text"]
    assert "Bước 2/2" in messages[-1]["text"]


async def test_health_readiness_and_metrics(client, backend):
    r = await client.get("/healthz")
    assert r.status == 200 and (await r.json())["status"] == "ok"
    r = await client.get("/readyz")
    body = await r.json()
    assert r.status == 200 and body["ready"] is True
    assert body["checks"]["queue_backend"] == ("redis" if backend == "production" else "in-process")
    await client.get("/chat")
    await client.post("/webchat/api/messages", json={"text": "chào"})
    await converse(client)
    text = await (await client.get("/metrics")).text()
    assert 'motcua_inbound_events_total{channel="web"}' in text
    assert "motcua_turn_seconds_bucket" in text


async def test_readiness_fails_when_the_database_is_gone(tmp_path):
    from support import make_settings

    settings = make_settings(tmp_path, database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none")
    async with TestClient(TestServer(create_app(settings, role="web"))) as c:
        r = await c.get("/readyz")
        assert r.status == 503
        assert (await r.json())["checks"]["database"].startswith("error")
