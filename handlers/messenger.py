"""Facebook Messenger: webhook (verification GET; POST verified on the raw bytes, every entry and
every messaging item, de-duplicated on `mid`, enqueued, answered) and sending via the Graph API.

Windows: the bot answers inside 24 h of the citizen's last message (`RESPONSE`); an officer's
message may go up to 7 days with `MESSAGE_TAG` + `HUMAN_AGENT` — never a bot message. Outside,
the message is held (bot/sender.py) until the citizen writes again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import logging
import time
from typing import Any

import aiohttp
from aiohttp import web

from core.channel import (
    DELIVERY,
    Channel,
    Malformed,
    OutsideWindow,
    PermanentSendError,
    RetryLater,
    send_in_parts,
)
from core.db.models import utcnow
from core.events import Attachment, InboundEvent
from core.http import LazySession
from core.hub import Hub
from handlers.media_fetch import MediaFetcher
from handlers.platform import cut_title, numbered_list, signed_media_url, split_text, webhook_body
from handlers.replay import keep_fresh

log = logging.getLogger(__name__)

ATTACHMENT_KINDS = {
    "image": "image",
    "file": "file",
    "audio": "audio",
    "video": "video",
    "location": "location",
    "fallback": "link",
    "template": "link",
}
NOT_QUEUED = {"delivery", "seen"}
RATE_LIMIT_CODES = {4, 17, 32, 613}
TRANSIENT_CODES = {1, 2}
MAX_QUICK_REPLIES = 13
QUICK_REPLY_TITLE = 20

_OK = b"EVENT_RECEIVED"


# ---- signature ------------------------------------------------------------------------------
def signature(raw: bytes, app_secret: str) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), raw, hashlib.sha256).hexdigest()


def verify(raw: bytes, header: str | None, app_secret: str) -> bool:
    if not header or not app_secret:
        return False
    return hmac.compare_digest(header.strip().lower().encode(), signature(raw, app_secret).encode())


# ---- normalisation ----------------------------------------------------------------------------
def parse(body: dict[str, Any]) -> list[InboundEvent]:
    """Every event of a webhook POST (every entry, every messaging item), echoes left out."""
    if body.get("object") != "page":
        return []
    entries = body.get("entry")
    if not isinstance(entries, list):
        raise Malformed("entry is not a list")
    events: list[InboundEvent] = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise Malformed("entry item is not an object")
        items = entry.get("messaging") or []
        if not isinstance(items, list):
            raise Malformed("messaging is not a list")
        for item in items:
            if not isinstance(item, dict):
                raise Malformed("messaging item is not an object")
            event = parse_item(item, page_id=str(entry.get("id") or ""))
            if event is not None:
                events.append(event)
    return events


def parse_item(item: dict[str, Any], page_id: str = "") -> InboundEvent | None:
    sender = item.get("sender") if isinstance(item.get("sender"), dict) else {}
    user = str(sender.get("id") or "")
    try:
        ts = int(item.get("timestamp") or 0)
    except (TypeError, ValueError) as exc:
        raise Malformed("timestamp is not a number") from exc
    meta: dict[str, Any] = {"page_id": page_id} if page_id else {}
    message = item.get("message")
    if isinstance(message, dict):
        if message.get("is_echo"):
            return None  # the page's own message (the bot's or a human's from the Page inbox)
        if not user:
            raise Malformed("sender.id missing")
        mid = str(message.get("mid") or f"m:{user}:{ts}")
        text = message.get("text") if isinstance(message.get("text"), str) else None
        qr = message.get("quick_reply")
        if isinstance(qr, dict) and qr.get("payload") is not None:
            return InboundEvent(
                "messenger",
                user,
                mid,
                kind="payload",
                text=text,
                payload=str(qr["payload"]),
                timestamp_ms=ts or _now_ms(),
                meta=meta,
            )
        raw_atts = message.get("attachments") if isinstance(message.get("attachments"), list) else []
        if message.get("sticker_id") is not None:
            meta["sticker_id"] = message["sticker_id"]
            return InboundEvent(
                "messenger", user, mid, kind="sticker", timestamp_ms=ts or _now_ms(), meta=meta
            )
        attachments: list[Attachment] = []
        kinds: list[str] = []
        for a in raw_atts:
            if not isinstance(a, dict):
                continue
            kind = ATTACHMENT_KINDS.get(str(a.get("type")), "link")
            p = a.get("payload") if isinstance(a.get("payload"), dict) else {}
            if kind == "image" and p.get("sticker_id") is not None:
                kind = "sticker"
            kinds.append(kind)
            if kind in {"image", "file"} and p.get("url"):
                attachments.append(
                    Attachment(type=kind, url=str(p["url"]), name=p.get("name") or a.get("name"))
                )
            elif kind == "location" and isinstance(p.get("coordinates"), dict):
                meta["coordinates"] = p["coordinates"]
            elif kind == "link" and (p.get("url") or a.get("url")):
                meta.setdefault("urls", []).append(str(p.get("url") or a.get("url")))
        if attachments:
            kind = "image" if any(a.type == "image" for a in attachments) else "file"
            return InboundEvent(
                "messenger",
                user,
                mid,
                kind=kind,
                text=text,
                attachments=tuple(attachments),
                timestamp_ms=ts or _now_ms(),
                meta=meta,
            )
        if kinds and not text:
            return InboundEvent(
                "messenger", user, mid, kind=kinds[0], timestamp_ms=ts or _now_ms(), meta=meta
            )  # type: ignore[arg-type]
        if text is None:
            return None  # nothing the dialogue could use (e.g. an unsupported message type)
        return InboundEvent(
            "messenger", user, mid, kind="text", text=text, timestamp_ms=ts or _now_ms(), meta=meta
        )
    postback = item.get("postback")
    if isinstance(postback, dict):
        if not user:
            raise Malformed("sender.id missing")
        mid = str(postback.get("mid") or f"postback:{user}:{ts}")
        return InboundEvent(
            "messenger",
            user,
            mid,
            kind="payload",
            text=postback.get("title"),
            payload=str(postback.get("payload") or ""),
            timestamp_ms=ts or _now_ms(),
            meta=meta,
        )
    for key, kind in (("delivery", "delivery"), ("read", "seen")):
        receipt = item.get(key)
        if isinstance(receipt, dict) and user:
            meta["watermark"] = receipt.get("watermark")
            if isinstance(receipt.get("mids"), list):
                meta["mids"] = receipt["mids"]
            return InboundEvent(
                "messenger",
                user,
                f"{key}:{user}:{receipt.get('watermark') or ts}",
                kind=kind,
                timestamp_ms=ts or _now_ms(),
                meta=meta,
            )
    return None  # reactions, referrals, opt-ins, handover: not for the dialogue


def _now_ms() -> int:
    return int(time.time() * 1000)


# ---- the channel ------------------------------------------------------------------------------
class MessengerChannel(Channel):
    name = "messenger"

    def __init__(self, hub: Hub) -> None:
        super().__init__(hub)
        self.settings = hub.settings
        self._http = LazySession(lambda: aiohttp.ClientTimeout(total=self.settings.platform_timeout_s))
        self.fetcher = MediaFetcher(hub.settings, hub.media, self.name)
        self._typing: set[asyncio.Task] = set()

    @classmethod
    def configured(cls, settings) -> bool:
        return bool(settings.messenger_app_secret)

    # -- inbound
    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/webhooks/messenger", self.verification),
            web.post("/webhooks/messenger", self.webhook),
        ]

    def verify(self, request: web.Request, body: bytes) -> bool:
        return verify(body, request.headers.get("X-Hub-Signature-256"), self.settings.messenger_app_secret)

    def parse(self, body: Any, *, user: str = "") -> list[InboundEvent]:
        """Every event of one webhook POST's raw body (verified first)."""
        decoded = json.loads(body)
        if not isinstance(decoded, dict):
            raise Malformed("not an object")
        return parse(decoded)

    async def verification(self, request: web.Request) -> web.Response:
        q = request.query
        token = q.get("hub.verify_token", "")
        expected = self.settings.messenger_verify_token
        if (
            q.get("hub.mode") == "subscribe"
            and expected
            and hmac.compare_digest(token.encode(), expected.encode())
        ):
            return web.Response(text=q.get("hub.challenge", ""))
        return web.Response(status=403, text="forbidden")

    async def webhook(self, request: web.Request) -> web.Response:
        raw = await webhook_body(request, "X-Hub-Signature-256", 403, self.settings.webhook_max_body_bytes)
        if isinstance(raw, web.Response):
            return raw
        if not self.verify(request, raw):
            return web.Response(status=403, text="bad signature")
        try:
            events = self.parse(raw)
        except ValueError:  # Malformed included
            return web.Response(status=400, text="malformed")
        queued = [e for e in keep_fresh(events, self.settings) if e.kind not in NOT_QUEUED]
        if queued:  # every item of the batch at once, in one Redis round trip
            try:
                await asyncio.gather(*(self.hub.submit(e) for e in queued))
            except Exception:  # not (all) accepted: Meta sends the batch again; accepted items are repeats
                log.exception("could not enqueue Messenger events")
                return web.Response(status=503, text="try again")
        return web.Response(body=_OK)

    # -- outbound
    async def close(self) -> None:
        for task in list(self._typing):
            task.cancel()
        await self.fetcher.close()
        await self._http.close()

    def reply_window(self, author: str) -> dt.timedelta | None:
        hours = (
            self.settings.messenger_officer_window_h
            if author == "officer"
            else self.settings.messenger_bot_window_h
        )
        return dt.timedelta(hours=hours)

    async def prepare(self, event: InboundEvent) -> InboundEvent:
        if any(a.url and not a.path for a in event.attachments):
            task = asyncio.create_task(self.typing(event.user_id))  # the photo is being read
            self._typing.add(task)
            task.add_done_callback(self._typing.discard)
        return await self.fetcher.prepare(event)

    # -- rendering
    def render(self, payload: dict[str, Any]) -> list[dict[str, Any]]:
        text = payload.get("text") or ""
        qrs = list(payload.get("quick_replies") or [])
        quick = None
        if qrs:
            if len(qrs) > MAX_QUICK_REPLIES:
                text = numbered_list(text, qrs)
                qrs = []
            quick = [
                {
                    "content_type": "text",
                    "title": cut_title(q["title"], QUICK_REPLY_TITLE),
                    "payload": str(q["payload"])[:1000],
                }
                for q in qrs
            ] or None
        messages: list[dict[str, Any]] = [
            {"text": p} for p in split_text(text, self.settings.messenger_max_text)
        ]
        if payload.get("image_path"):
            messages.append(
                {
                    "attachment": {
                        "type": "image",
                        "payload": {
                            "url": signed_media_url(self.settings, payload["image_path"]),
                            "is_reusable": True,
                        },
                    }
                }
            )
        if quick:
            if not messages:
                messages.append({"text": "…"})
            messages[-1]["quick_replies"] = quick
        return messages

    def _envelope(self, recipient: str) -> dict[str, Any]:
        delivery = DELIVERY.get()
        body: dict[str, Any] = {"recipient": {"id": recipient}, "messaging_type": "RESPONSE"}
        if delivery is not None and delivery.author == "officer":
            last = delivery.last_inbound_at
            standard = dt.timedelta(hours=self.settings.messenger_bot_window_h)
            if last is None or utcnow() - last > standard:
                body.update(messaging_type="MESSAGE_TAG", tag="HUMAN_AGENT")  # a human only, up to 7 days
        return body

    async def send(self, recipient: str, payload: dict[str, Any]) -> None:
        await send_in_parts(
            self.render(payload), lambda message: self.call({**self._envelope(recipient), "message": message})
        )

    async def typing(self, user_id: str) -> None:
        try:
            await self.call({"recipient": {"id": user_id}, "sender_action": "typing_on"})
        except Exception as exc:  # best effort
            log.debug("typing indicator failed: %r", exc)

    async def call(self, body: dict[str, Any]) -> dict[str, Any]:
        url = f"{self.settings.graph_api_base.rstrip('/')}/me/messages"
        try:
            async with self._http().post(
                url, params={"access_token": self.settings.messenger_page_token}, json=body
            ) as r:
                status, text = r.status, await r.text()
                retry_after = r.headers.get("Retry-After")
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise RetryLater(f"Graph API: {exc!r}") from exc
        try:
            answer = json.loads(text) if text else {}
        except ValueError:
            answer = {}
        if status == 200 and "error" not in answer:
            return answer
        error = answer.get("error") if isinstance(answer.get("error"), dict) else {}
        code, sub = error.get("code"), error.get("error_subcode")
        message = (
            f"Graph API: HTTP {status} code {code} subcode {sub}: {str(error.get('message') or text)[:200]}"
        )
        if code == 10 and sub == 2018278 or sub == 2018278:
            raise OutsideWindow(message)
        if code in RATE_LIMIT_CODES or status == 429:
            raise RetryLater(message, float(retry_after) if retry_after and retry_after.isdigit() else None)
        if status >= 500 or code in TRANSIENT_CODES or error.get("is_transient"):
            raise RetryLater(message)
        raise PermanentSendError(message)  # 190 invalid token, 551 unavailable, 100 bad parameter, ...
