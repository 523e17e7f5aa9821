"""The web chat's text limit over real HTTP: the page carries it, a longer text is cut to it and the
answer says so (with a notice from handlers/channels.yml); a text within it is kept whole."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer
from support import wait_for

from bot.app import create_app
from handlers.channel_texts import TEXTS
from handlers.webchat import MAX_TEXT


@pytest.fixture
async def client(backend_settings):
    app = create_app(backend_settings, role="all")
    async with TestClient(TestServer(app)) as c:
        yield c


async def test_the_page_carries_the_limit_and_a_longer_text_is_cut_with_a_notice(client):
    page = await client.get("/chat")
    html = await page.text()
    assert f'data-max-text="{MAX_TEXT}"' in html and "{{" not in html
    assert "maxlength" not in html  # the browser no longer cuts silently

    r = await client.post(
        "/webchat/api/messages", json={"text": "a" * 5000, "client_message_id": "long-0001"}
    )
    assert r.status == 202
    answer = await r.json()
    assert answer["cut"] == {"length": 5000, "kept": MAX_TEXT}
    assert answer["notice"] == TEXTS(
        "webchat.text_cut", length="5.000", kept=f"{MAX_TEXT:,}".replace(",", ".")
    )
    assert "5.000" in answer["notice"] and "ký tự" in answer["notice"]

    r = await client.post(
        "/webchat/api/messages", json={"text": "b" * MAX_TEXT, "client_message_id": "long-0002"}
    )
    answer = await r.json()
    assert r.status == 202 and "cut" not in answer and "notice" not in answer

    async def both_received() -> list[str] | None:
        # after=0 answers at once with what is there: poll until the worker logged both texts
        r = await client.get("/webchat/api/messages?after=0&wait=1")
        mine = [m["text"] for m in (await r.json())["messages"] if m["author"] == "citizen"]
        return mine if len(mine) == 2 else None

    mine = await wait_for(both_received, timeout=30, every=0.2)
    assert [len(t) for t in mine] == [MAX_TEXT, MAX_TEXT]
