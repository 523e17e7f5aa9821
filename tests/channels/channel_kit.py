"""Helpers of the channel tests: platform payloads shaped exactly as in channels.md, signed the
way the platforms sign them, and the settings pointing the app at the fakes."""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/ (for `fakes`, `support`)

from fakes import FakeGraph, FakeZalo  # noqa: E402

from core import store  # noqa: E402
from core.db import Conversation, Outbox  # noqa: E402
from core.events import Reply  # noqa: E402

try:  # the shared helpers moved from conftest.py to support.py
    from support import wait_for  # noqa: F401
except ImportError:  # pragma: no cover
    from conftest import wait_for  # type: ignore  # noqa: F401

ZALO_APP_ID = "1234567890123456789"
ZALO_OA_SECRET = "oa-secret-Đây-là-khóa"
ZALO_APP_SECRET = "zalo-app-secret"
OA_ID = "579745863508352884"
MESSENGER_APP_SECRET = "messenger-app-secret"
VERIFY_TOKEN = "verify-me-please"
PAGE_ID = "106000000000001"


def platform_overrides(fake_zalo: FakeZalo, fake_graph: FakeGraph) -> dict[str, Any]:
    return dict(
        zalo_app_id=ZALO_APP_ID,
        zalo_oa_secret_key=ZALO_OA_SECRET,
        zalo_app_secret=ZALO_APP_SECRET,
        zalo_access_token="zalo-at-0",
        zalo_refresh_token="zalo-rt-0",
        zalo_api_base=fake_zalo.base_url,
        zalo_oauth_base=fake_zalo.base_url,
        messenger_app_secret=MESSENGER_APP_SECRET,
        messenger_verify_token=VERIFY_TOKEN,
        messenger_page_token="page-token",
        graph_api_base=fake_graph.base_url,
        media_download_timeout_s=3.0,
        platform_timeout_s=3.0,
        media_local_hosts="127.0.0.1",  # the fakes' CDN: plain http on loopback, for tests only
    )


def runtime_of(client: TestClient):
    from core.hub import RUNTIME

    return client.server.app[RUNTIME]


# ---- payloads shaped as in channels.md ---------------------------------------------------------
def now_ms() -> int:
    return int(time.time() * 1000)


def zalo_event(
    name: str,
    user: str,
    *,
    text: str | None = None,
    msg_id: str | None = None,
    attachments: list[dict] | None = None,
    ts: int | None = None,
) -> dict:
    message: dict[str, Any] = {"msg_id": msg_id or uuid.uuid4().hex}
    if text is not None:
        message["text"] = text
    if attachments is not None:
        message["attachments"] = attachments
    return {
        "event_name": name,
        "app_id": ZALO_APP_ID,
        "sender": {"id": user},
        "recipient": {"id": OA_ID},
        "message": message,
        "timestamp": str(ts or now_ms()),
        "user_id_by_app": "55" + user[-10:],
    }


def zalo_image(user: str, url: str, *, msg_id: str | None = None) -> dict:
    return zalo_event(
        "user_send_image",
        user,
        msg_id=msg_id,
        attachments=[{"type": "image", "payload": {"thumbnail": url + "?thumb=1", "url": url}}],
    )


def zalo_signed(body: dict | bytes, secret: str = ZALO_OA_SECRET) -> tuple[bytes, dict[str, str]]:
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    parsed = json.loads(raw)
    mac = hashlib.sha256(
        parsed["app_id"].encode() + raw + str(parsed["timestamp"]).encode() + secret.encode()
    )
    return raw, {"X-ZEvent-Signature": f"mac={mac.hexdigest()}", "Content-Type": "application/json"}


def messenger_body(*entries: list[dict]) -> dict:
    return {
        "object": "page",
        "entry": [{"id": PAGE_ID, "time": now_ms(), "messaging": items} for items in entries],
    }


def messenger_text(psid: str, text: str, *, mid: str | None = None) -> dict:
    return {
        "sender": {"id": psid},
        "recipient": {"id": PAGE_ID},
        "timestamp": now_ms(),
        "message": {"mid": mid or "m_" + uuid.uuid4().hex, "text": text},
    }


def messenger_signed(body: dict | bytes, secret: str = MESSENGER_APP_SECRET) -> tuple[bytes, dict[str, str]]:
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    sig = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"X-Hub-Signature-256": f"sha256={sig}", "Content-Type": "application/json"}


async def post_zalo(client: TestClient, body: dict | bytes):
    raw, headers = zalo_signed(body)
    return await client.post("/webhooks/zalo", data=raw, headers=headers)


async def post_messenger(client: TestClient, body: dict | bytes):
    raw, headers = messenger_signed(body)
    return await client.post("/webhooks/messenger", data=raw, headers=headers)


# ---- the outbox ------------------------------------------------------------------------------
async def reply(rt, key: str, message: Reply, author: str = "bot") -> int:
    """Put a reply into a conversation's outbox, as the dialogue or an officer does; its outbox id."""
    async with rt.db.session() as s, s.begin():
        conv = (await s.execute(select(Conversation).where(Conversation.key == key))).scalar_one()
        msg = store.add_outbound(s, conv, key.split(":", 1)[1], message, author=author)
        await s.flush()
        outbox_id = msg.outbox.id
    rt.sender.nudge()
    return outbox_id


async def row(rt, outbox_id: int) -> Outbox:
    async with rt.db.session() as s:
        return await s.get(Outbox, outbox_id)


async def settled(rt, outbox_id: int, status: str = "sent") -> Outbox:
    async def check():
        found = await row(rt, outbox_id)
        return found if found.status == status else None

    return await wait_for(check, timeout=20)
