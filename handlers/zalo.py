"""Zalo Official Account: webhook (verify, de-duplicate, enqueue, answer) and sending.

The webhook does only cheap work before its 200: read the body (bounded), check
`X-ZEvent-Signature`, normalise the event and hand it to `runtime.submit` (atomic de-duplication
on `message.msg_id` + durable enqueue). Media are downloaded later by the worker (`prepare`).

Sending goes through the outbox (bot/sender.py); errors are classified here: transient ones
(HTTP 5xx, timeouts, -32 rate limit, -211 quota) are retried by the sender with backoff and
jitter, -216/-220 refresh the token once and retry at once, -230 (no interaction for 7 days) holds
the message until the citizen writes again, the rest fail for good.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import logging
import time
from typing import Any

import aiohttp
from aiohttp import web

from core import fastjson
from core.channel import Channel, Malformed, OutsideWindow, PermanentSendError, RetryLater, send_in_parts
from core.events import Attachment, InboundEvent
from core.http import LazySession
from core.hub import Hub
from handlers.media_fetch import MediaFetcher
from handlers.platform import cut_title, numbered_list, signed_media_url, split_text, webhook_body
from handlers.replay import keep_fresh
from handlers.zalo_tokens import TokenError, ZaloTokens

__all__ = ["Malformed", "TokenError", "ZaloChannel", "ZaloTokens", "parse", "signature", "verify"]

log = logging.getLogger(__name__)

# user_send_* events and the kind they normalise to. Anything else a user sends is answered with
# the "what I can take" message (kind "link" is one of the engine's unsupported kinds).
USER_KINDS = {
    "user_send_text": "text",
    "user_send_image": "image",
    "user_send_file": "file",
    "user_send_sticker": "sticker",
    "user_send_gif": "sticker",
    "user_send_location": "location",
    "user_send_link": "link",
    "user_send_audio": "audio",
    "user_send_voice": "audio",
    "user_send_video": "video",
    "user_send_business_card": "link",
}
RECEIPTS = {"user_received_message": "delivery", "user_seen_message": "seen"}
NOT_QUEUED = {"delivery", "seen"}  # receipts: acknowledged, counted, not part of the dialogue

TOKEN_ERRORS = {-216, -220}
TRANSIENT_ERRORS = {-32, -211}
WINDOW_ERRORS = {-230}

_OK = b'{"ok":true}'


# ---- signature ------------------------------------------------------------------------------
def signature(app_id: str, raw: bytes, timestamp: str, oa_secret: str) -> str:
    """hex sha256(app_id + raw body + timestamp + OA secret key): a plain hash, not an HMAC."""
    h = hashlib.sha256()
    h.update(app_id.encode())
    h.update(raw)
    h.update(timestamp.encode())
    h.update(oa_secret.encode())
    return h.hexdigest()


def verify(raw: bytes, body: dict[str, Any], header: str | None, oa_secret: str) -> bool:
    if not header or not oa_secret:
        return False
    given = header.strip()
    if given[:4].lower() == "mac=":
        given = given[4:]
    expected = signature(_str(body.get("app_id")), raw, _str(body.get("timestamp")), oa_secret)
    return hmac.compare_digest(given.strip().lower().encode(), expected.encode())


def _head(body: bytes) -> str:
    """The start of an answer's body, for an error message (decoded only then)."""
    return body[:800].decode("utf-8", "replace")[:200]


def _object(raw: bytes) -> dict[str, Any]:
    try:
        body = fastjson.loads(raw)
    except ValueError as exc:
        raise Malformed("not JSON") from exc
    if not isinstance(body, dict):
        raise Malformed("not an object")
    return body


def _str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise Malformed("boolean where a string was expected")
    return str(value)


# ---- normalisation ----------------------------------------------------------------------------
def parse(body: dict[str, Any], *, button_prefix: str = "#mc:") -> InboundEvent | None:
    """The normalised event, or None for events the bot ignores (the OA's own echoes, ...)."""
    name = body.get("event_name")
    if not isinstance(name, str) or not name:
        raise Malformed("event_name missing")
    try:
        ts = int(_str(body.get("timestamp")) or 0)
    except ValueError as exc:
        raise Malformed("timestamp is not a number") from exc
    meta: dict[str, Any] = {"event_name": name}
    if body.get("user_id_by_app"):
        meta["user_id_by_app"] = _str(body["user_id_by_app"])
    if name.startswith("oa_send_"):
        return None  # an echo of the OA's own message (bot or a human in Zalo's own tool)
    if name in {"follow", "unfollow"}:
        follower = _id(body.get("follower")) or _id(body.get("sender"))
        if not follower:
            raise Malformed("follower.id missing")
        return InboundEvent(
            "zalo", follower, f"{name}:{follower}:{ts}", kind=name, timestamp_ms=ts or _now_ms(), meta=meta
        )
    message = body.get("message") if isinstance(body.get("message"), dict) else {}
    if name in RECEIPTS:
        user = _id(body.get("recipient"))  # in a receipt the sender is the OA
        if not user:
            raise Malformed("recipient.id missing")
        ids = message.get("msg_ids") if isinstance(message.get("msg_ids"), list) else []
        meta["msg_ids"] = [str(i) for i in ids]
        key = message.get("msg_id") or ",".join(meta["msg_ids"]) or str(ts)
        return InboundEvent(
            "zalo", user, f"{name}:{user}:{key}", kind=RECEIPTS[name], timestamp_ms=ts or _now_ms(), meta=meta
        )
    if not name.startswith("user_send_"):
        return None  # other OA events (tags, shop orders, reactions, ...) are not for the dialogue
    user = _id(body.get("sender"))
    if not user:
        raise Malformed("sender.id missing")
    kind = USER_KINDS.get(name, "link")
    msg_id = _str(message.get("msg_id")) or f"{name}:{user}:{ts}"
    text = message.get("text") if isinstance(message.get("text"), str) else None
    payload = None
    if kind == "text" and text is not None and button_prefix and text.startswith(button_prefix):
        kind, payload, text = "payload", text[len(button_prefix) :], None  # a button tap
    attachments: list[Attachment] = []
    raw_atts = message.get("attachments") if isinstance(message.get("attachments"), list) else []
    for a in raw_atts:
        if not isinstance(a, dict):
            continue
        p = a.get("payload") if isinstance(a.get("payload"), dict) else {}
        if kind == "location" and isinstance(p.get("coordinates"), dict):
            meta["coordinates"] = p["coordinates"]
        if kind not in {"image", "file"}:
            if kind == "link" and p.get("url"):
                meta.setdefault("urls", []).append(_str(p.get("url")))
            continue
        url = p.get("url") or p.get("thumbnail")
        size = p.get("size")
        try:
            size = int(size) if size not in (None, "") else None
        except (TypeError, ValueError):
            size = None
        attachments.append(
            Attachment(
                type="image" if kind == "image" else "file",
                url=_str(url) or None,
                name=_str(p.get("name")) or None,
                content_type=_str(p.get("type")) or None,
                size=size,
            )
        )
    if kind in {"image", "file"} and not attachments:
        raise Malformed("media event without attachments")
    return InboundEvent(
        "zalo",
        user,
        msg_id,
        kind=kind,
        text=text,
        payload=payload,
        attachments=tuple(attachments),
        timestamp_ms=ts or _now_ms(),
        meta=meta,
    )


def _id(obj: Any) -> str:
    if isinstance(obj, dict) and obj.get("id") not in (None, ""):
        return _str(obj["id"])
    return ""


def _now_ms() -> int:
    return int(time.time() * 1000)


# ---- the channel ------------------------------------------------------------------------------
class ZaloChannel(Channel):
    name = "zalo"

    def __init__(self, hub: Hub) -> None:
        super().__init__(hub)
        self.settings = hub.settings
        self.media = hub.media
        self._http = LazySession(lambda: aiohttp.ClientTimeout(total=self.settings.platform_timeout_s))
        self.fetcher = MediaFetcher(hub.settings, hub.media, self.name)
        self.tokens = ZaloTokens(hub.settings, hub.db, hub.queue, self._http)
        self._decoded: tuple[bytes, dict[str, Any]] | None = None  # the last body decoded

    @classmethod
    def configured(cls, settings) -> bool:
        return bool(settings.zalo_app_id and settings.zalo_oa_secret_key)

    # -- inbound
    def routes(self) -> list[web.RouteDef]:
        return [web.post("/webhooks/zalo", self.webhook)]

    def verify(self, request: web.Request, body: bytes) -> bool:
        """`X-ZEvent-Signature` over the raw body. The signed app_id and timestamp are inside the
        body: Malformed when it is no JSON object."""
        return verify(
            body,
            self._decode(body),
            request.headers.get("X-ZEvent-Signature"),
            self.settings.zalo_oa_secret_key,
        )

    def parse(self, body: Any, *, user: str = "") -> list[InboundEvent]:
        """The event of one webhook POST's raw body: none for echoes and ignored types."""
        event = parse(self._decode(body), button_prefix=self.settings.zalo_button_prefix)
        return [] if event is None else [event]

    def _decode(self, raw: bytes) -> dict[str, Any]:
        """The body as a JSON object. `verify` and `parse` of one request share one decoding (the
        webhook calls them without an await between them, so the slot cannot change hands)."""
        if self._decoded is not None and self._decoded[0] is raw:
            return self._decoded[1]
        decoded = _object(raw)
        self._decoded = (raw, decoded)
        return decoded

    async def webhook(self, request: web.Request) -> web.Response:
        raw = await webhook_body(request, "X-ZEvent-Signature", 401, self.settings.webhook_max_body_bytes)
        if isinstance(raw, web.Response):
            return raw
        try:
            ok = self.verify(request, raw)
        except Malformed:
            return web.Response(status=400, text="malformed")
        if not ok:
            return web.Response(status=401, text="bad signature")
        try:
            events = self.parse(raw)
        except Malformed as exc:
            return web.Response(status=400, text=f"malformed: {exc}")
        for event in keep_fresh(events, self.settings):  # a stale (replayed) event: 200, dropped
            if event.kind in NOT_QUEUED:
                continue
            try:
                await self.hub.submit(event)
            except Exception:  # the queue is unreachable: not accepted, Zalo sends it again
                log.exception("could not enqueue Zalo event %s", event.dedupe_key)
                return web.Response(status=503, text="try again")
        return web.Response(body=_OK, content_type="application/json")

    # -- outbound
    async def prepare(self, event: InboundEvent) -> InboundEvent:
        return await self.fetcher.prepare(event)

    async def close(self) -> None:
        await self.fetcher.close()
        await self._http.close()

    def reply_window(self, author: str) -> dt.timedelta | None:
        hours = (
            self.settings.zalo_officer_window_h if author == "officer" else self.settings.zalo_bot_window_h
        )
        return dt.timedelta(hours=hours)

    # -- rendering
    def render(self, payload: dict[str, Any]) -> list[dict[str, Any]]:
        """The outbox payload as the list of Zalo messages to send, in order."""
        s = self.settings
        text = payload.get("text") or ""
        qrs = list(payload.get("quick_replies") or [])
        buttons = None
        if qrs:
            if len(qrs) <= s.zalo_max_buttons:
                buttons = [
                    {
                        "title": cut_title(q["title"], 100),
                        "type": s.zalo_button_type,
                        "payload": f"{s.zalo_button_prefix}{q['payload']}",
                    }
                    for q in qrs
                ]
            else:
                text = numbered_list(text, qrs)
        messages: list[dict[str, Any]] = [{"text": part} for part in split_text(text, s.zalo_max_text)]
        if buttons:
            if not messages:
                messages.append({"text": "…"})
            messages[-1]["attachment"] = {"type": "template", "payload": {"buttons": buttons}}
        if payload.get("image_path"):
            messages.append({"image_path": payload["image_path"]})
        return messages

    async def send(self, recipient: str, payload: dict[str, Any]) -> None:
        async def one(message: dict[str, Any]) -> None:
            if "image_path" in message:
                message = await self._image_message(message["image_path"])
            await self.call(
                "POST", "/v3.0/oa/message/cs", json={"recipient": {"user_id": recipient}, "message": message}
            )

        await send_in_parts(self.render(payload), one)

    async def _image_message(self, path: str) -> dict[str, Any]:
        element: dict[str, Any] = {"media_type": "image"}
        if self.settings.zalo_image_mode == "upload":
            data = await asyncio.to_thread(self.media.full_path(path).read_bytes)
            form = aiohttp.FormData()
            form.add_field("file", data, filename=path.rsplit("/", 1)[-1])
            try:
                answer = await self.call("POST", "/v2.0/oa/upload/image", data=form)
                element["attachment_id"] = (answer.get("data") or {}).get("attachment_id")
            except PermanentSendError as exc:  # e.g. over the upload size limit: send a link instead
                log.warning("Zalo image upload refused (%s); sending a signed link", exc)
            if not element.get("attachment_id"):
                element.pop("attachment_id", None)
                element["url"] = signed_media_url(self.settings, path)
        else:
            element["url"] = signed_media_url(self.settings, path)
        return {
            "attachment": {"type": "template", "payload": {"template_type": "media", "elements": [element]}}
        }

    async def call(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        """One OpenAPI call with the access token; refreshes the token once on -216/-220."""
        url = f"{self.settings.zalo_api_base.rstrip('/')}{path}"
        headers: dict[str, str] = {}
        if "json" in kw:  # serialised here (orjson), not by aiohttp's json.dumps
            kw["data"], headers = fastjson.dumpb(kw.pop("json")), {"Content-Type": "application/json"}
        for attempt in (1, 2):
            try:
                token = await self.tokens.get()
            except TokenError as exc:
                raise RetryLater(str(exc)) from exc
            try:
                async with self._http().request(
                    method, url, headers=headers | {"access_token": token}, **kw
                ) as r:
                    status, body = r.status, await r.read()
            except (TimeoutError, aiohttp.ClientError) as exc:
                raise RetryLater(f"Zalo {path}: {exc!r}") from exc
            if status == 429 or status >= 500:
                raise RetryLater(f"Zalo {path}: HTTP {status} {_head(body)}")
            if status >= 400:
                raise PermanentSendError(f"Zalo {path}: HTTP {status} {_head(body)}")
            try:
                answer = fastjson.loads(body)
            except ValueError as exc:
                raise RetryLater(f"Zalo {path}: not JSON: {_head(body)}") from exc
            code = answer.get("error", 0)
            try:
                code = int(code or 0)
            except (TypeError, ValueError):
                code = -1
            if code == 0:
                return answer
            message = f"Zalo {path}: error {code} {answer.get('message', '')}"
            if code in TOKEN_ERRORS and attempt == 1:
                try:
                    await self.tokens.refresh(token)
                except TokenError as exc:
                    raise RetryLater(str(exc)) from exc
                continue
            if code in WINDOW_ERRORS:
                raise OutsideWindow(message)
            if code in TRANSIENT_ERRORS or code in TOKEN_ERRORS:
                raise RetryLater(message)
            raise PermanentSendError(message)
        raise RetryLater(f"Zalo {path}: token refused twice")
