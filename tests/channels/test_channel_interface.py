"""The channel interface and the registry: a channel class added to `handlers.registry.CHANNELS`
is built from the runtime, mounted and used for sending, with no change to the app factory; one
rule turns received bytes into an attachment; the terminal channel builds its own events."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from channel_kit import runtime_of, wait_for
from citizen import photo

from core.channel import Channel, Malformed
from core.events import InboundEvent
from core.media import MediaStore
from handlers import registry
from handlers.cli import CliChannel


class DummyChannel(Channel):
    """A channel of a made-up platform: a JSON webhook, a shared-secret header, a list outbox."""

    name = "dummy"
    sent: list[tuple[str, dict[str, Any]]] = []

    @classmethod
    def configured(cls, settings) -> bool:
        return True

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/webhooks/dummy", self.hello), web.post("/webhooks/dummy", self.webhook)]

    def verify(self, request: web.Request, body: bytes) -> bool:
        return request.headers.get("X-Dummy-Secret") == "s3cret"

    def parse(self, body: Any, *, user: str = "") -> list[InboundEvent]:
        data = json.loads(body)
        if not isinstance(data, dict) or not data.get("from"):
            raise Malformed("from missing")
        return [InboundEvent(self.name, str(data["from"]), str(data["id"]), text=str(data.get("text") or ""))]

    async def hello(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"channel": self.name, "hub_is_runtime": self.hub is runtime_of_app(request)}
        )

    async def webhook(self, request: web.Request) -> web.Response:
        raw = await request.read()
        if not self.verify(request, raw):
            return web.Response(status=401)
        try:
            events = self.parse(raw)
        except ValueError:
            return web.Response(status=400)
        for event in events:
            await self.hub.submit(event)
        return web.Response(text="ok")

    async def send(self, recipient: str, payload: dict[str, Any]) -> None:
        self.sent.append((recipient, payload))


class SilentChannel(DummyChannel):
    """Not configured: neither mounted nor used."""

    name = "silent"

    @classmethod
    def configured(cls, settings) -> bool:
        return False

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/webhooks/silent", self.hello)]


def runtime_of_app(request: web.Request):
    from core.hub import RUNTIME

    return request.app[RUNTIME]


async def test_a_channel_added_to_the_list_is_mounted_and_sends(backend_settings, monkeypatch):
    from bot.app import create_app

    monkeypatch.setattr(registry, "CHANNELS", [*registry.CHANNELS, DummyChannel, SilentChannel])
    DummyChannel.sent = []
    app = create_app(backend_settings, role="all")
    async with TestClient(TestServer(app)) as client:
        rt = runtime_of(client)
        assert "dummy" in rt.channels and "silent" not in rt.channels
        r = await client.get("/webhooks/dummy")
        assert r.status == 200 and await r.json() == {"channel": "dummy", "hub_is_runtime": True}
        assert (await client.get("/webhooks/silent")).status == 404
        body = json.dumps({"from": "d-1", "id": "m-1", "text": "xin chao"})
        assert (await client.post("/webhooks/dummy", data=body)).status == 401
        assert (
            await client.post("/webhooks/dummy", data="{}", headers={"X-Dummy-Secret": "s3cret"})
        ).status == 400
        r = await client.post("/webhooks/dummy", data=body, headers={"X-Dummy-Secret": "s3cret"})
        assert r.status == 200
        assert await wait_for(lambda: DummyChannel.sent or None, timeout=20)  # the bot answered through it
        assert DummyChannel.sent[0][0] == "d-1" and DummyChannel.sent[0][1]["text"]


async def test_a_worker_role_builds_channels_but_mounts_no_routes(backend_settings, monkeypatch):
    from bot.app import create_app

    monkeypatch.setattr(registry, "CHANNELS", [*registry.CHANNELS, DummyChannel])
    app = create_app(backend_settings, role="worker", workers=0)
    async with TestClient(TestServer(app)) as client:
        assert "dummy" in runtime_of(client).channels
        assert (await client.get("/webhooks/dummy")).status == 404
        assert (await client.get("/healthz")).status == 200


def test_one_rule_turns_received_bytes_into_an_attachment(tmp_path):
    media = MediaStore(tmp_path)
    image = media.attachment(photo("cccd_front", seed=5), "web", name="the.jpg")
    assert (
        image.type == "image"
        and image.path
        and image.content_type == "image/jpeg"
        and image.name == "the.jpg"
    )
    assert (tmp_path / image.path).is_file()
    for data in (b"GIF89a" + b"\0" * 64, b"<html>not a photo</html>", b""):
        refused = media.attachment(data, "cli", name="x")
        assert refused.type == "file" and refused.problem == "not_image" and refused.path is None
    pdf = media.attachment(b"%PDF-1.7\n" + b"\0" * 64, "zalo")
    assert pdf.type == "image" and pdf.content_type == "application/pdf"
    assert MediaStore.too_large("big.jpg").problem == "too_large"


class _Hub:
    def __init__(self, tmp_path, max_upload_bytes: int) -> None:
        self.settings = type("S", (), {"max_upload_bytes": max_upload_bytes})()
        self.media = MediaStore(tmp_path)


def test_the_terminal_channel_builds_its_events(tmp_path):
    notices: list[str] = []
    cli = CliChannel(_Hub(tmp_path, 10_000_000), write=notices.append, notice=notices.append)
    (text,) = cli.parse("xin chao", user="u")
    assert (text.channel, text.user_id, text.kind, text.text) == ("cli", "u", "text", "xin chao")
    card = tmp_path / "the card.jpg"
    card.write_bytes(photo("cccd_front", seed=6))
    (event,) = cli.parse(f'/anh "{card}"', user="u")
    assert event.kind == "image" and event.attachments[0].path and event.attachments[0].name == "the card.jpg"
    assert cli.parse("/anh", user="u") == [] and cli.parse(f"/photo {tmp_path}/missing.jpg", user="u") == []
    assert len(notices) == 2
    small = CliChannel(_Hub(tmp_path, 10), notice=notices.append)
    (big,) = small.parse(f'/anh "{card}"', user="u")
    assert big.kind == "file" and big.attachments[0].problem == "too_large"
    assert cli.hello("u").text and cli.hello("u").user_id == "u"
