"""The web chat channel: a page at /chat and a small JSON API under /webchat/api.

The browser is identified by a signed, expiring session cookie the page issues
(handlers/webchat_sessions.py: 128 random bits, capped per client address per minute); its
thread is the conversation `web:{session id}`. Messages and uploads are limited per session in any
minute (a sliding window, handlers/rate_limit.py: 429 with a notice and Retry-After). Messages and uploads are accepted into the queue and answered 202 at once; the
page long-polls for the thread (the citizen's own turns and every reply the sender delivered).
"""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import or_, select

from core.channel import Channel, Malformed
from core.db import Conversation, Dossier, MessageLog, Outbox
from core.events import InboundEvent
from core.hub import RUNTIME
from handlers import auth, rate_limit, webchat_sessions
from handlers.channel_texts import TEXTS
from handlers.files import stored_file

STATIC = Path(__file__).resolve().parent / "static"
COOKIE = "motcua_web"
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
POLL_SECONDS = 20.0
MAX_TEXT = 4000  # characters of one message kept; a longer one is cut and the browser told so


class WebChannel(Channel):
    """Delivery to the browser is the browser fetching: sending marks the reply deliverable."""

    name = "web"

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/chat", chat_page),
            web.get("/webchat/static/{name}", static),
            web.post("/webchat/api/messages", self.post_message),
            web.post("/webchat/api/upload", self.upload),
            web.get("/webchat/api/messages", get_messages),
            web.get("/webchat/media/{message_id}", media),
        ]

    def setup(self, app: web.Application) -> None:
        super().setup(app)
        rate_limit.install(app, self.hub.settings)

    def parse(self, body: Any, *, user: str = "") -> list[InboundEvent]:
        """The event of a message the browser posted ({"text"} or a quick reply's {"payload"},
        and its own `client_message_id`); Malformed with the error code otherwise."""
        if not isinstance(body, dict):
            raise Malformed("malformed_json")
        text = body.get("text")
        payload = body.get("payload")
        if not isinstance(text, str) and not isinstance(payload, str):
            raise Malformed("text_or_payload_required")
        text = (text or "")[:MAX_TEXT] if isinstance(text, str) else None
        payload = payload[:200] if isinstance(payload, str) else None
        if not (text or "").strip() and not payload:
            raise Malformed("empty")
        return [
            InboundEvent(
                channel=self.name,
                user_id=user,
                message_id=_message_id(body.get("client_message_id")),
                kind="payload" if payload else "text",
                text=text if text else None,
                payload=payload,
            )
        ]

    async def send(self, recipient: str, payload: dict[str, Any]) -> None:
        return None

    async def post_message(self, request: web.Request) -> web.Response:
        token = _visitor(request)
        if token is None:
            return web.json_response(
                {"error": "no_session", "message": TEXTS("webchat.no_session")}, status=401
            )
        if wait := await _wait(request, "m", token, request.app[RUNTIME].settings.webchat_messages_per_min):
            return _rate_limited(wait)
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"error": "malformed_json"}, status=400)
        try:
            (event,) = self.parse(body, user=token)
        except Malformed as exc:
            return web.json_response({"error": str(exc)}, status=400)
        accepted = await request.app[RUNTIME].submit(event)
        answer: dict[str, Any] = {"accepted": True, "duplicate": not accepted}
        text = body.get("text")
        if isinstance(text, str) and len(text) > MAX_TEXT and not event.payload:
            answer["cut"] = {"length": len(text), "kept": MAX_TEXT}
            answer["notice"] = TEXTS("webchat.text_cut", length=_number(len(text)), kept=_number(MAX_TEXT))
        return web.json_response(answer, status=202)

    async def upload(self, request: web.Request) -> web.Response:
        token = _visitor(request)
        if token is None:
            return web.json_response({"error": "no_session"}, status=401)
        rt = request.app[RUNTIME]
        if wait := await _wait(request, "u", token, rt.settings.webchat_uploads_per_min):
            return _rate_limited(wait)  # before the body is read
        try:
            reader = await request.multipart()
        except (AssertionError, ValueError, KeyError):
            return web.json_response({"error": "multipart_required"}, status=400)
        client_id, name, data, too_large = await _read_upload(reader, rt.settings.max_upload_bytes)
        if name is None and not data and not too_large:
            return web.json_response({"error": "file_required"}, status=400)
        safe_name = (name or TEXTS("webchat.upload_name"))[-120:]
        if too_large:
            attachment = rt.media.too_large(safe_name)
        else:
            attachment = await asyncio.to_thread(rt.media.attachment, data, self.name, name=safe_name)
        event = InboundEvent(
            channel=self.name,
            user_id=token,
            message_id=_message_id(client_id),
            kind="image" if attachment.type == "image" else "file",
            attachments=(attachment,),
        )
        accepted = await rt.submit(event)
        return web.json_response({"accepted": True, "duplicate": not accepted}, status=202)


def _number(n: int) -> str:
    """4000 as Vietnamese writes it: 4.000."""
    return f"{n:,}".replace(",", ".")


def _visitor(request: web.Request) -> str | None:
    """The session id of the request's cookie when the server issued it and it is unexpired."""
    s = request.app[RUNTIME].settings
    return webchat_sessions.session_id(s.secret_key, request.cookies.get(COOKIE), s.webchat_session_ttl_s)


async def _wait(request: web.Request, kind: str, key: str, limit: int) -> int:
    """0 when this hit is within `limit` per minute (sliding window), else the seconds to wait."""
    return await request.app[rate_limit.LIMITER].wait(f"{kind}:{key}", limit)


def _rate_limited(wait: int) -> web.Response:
    return web.json_response(
        {"error": "rate_limited", "message": TEXTS("webchat.rate_limited")},
        status=429,
        headers={"Retry-After": str(wait)},
    )


def _message_id(value: Any) -> str:
    if isinstance(value, str) and _CLIENT_ID.match(value):
        return value
    return uuid.uuid4().hex


async def _read_upload(reader, limit: int) -> tuple[str | None, str | None, bytes, bool]:
    """(client message id, file name, bytes, too large) of an upload form; a file over `limit`
    is drained and nothing of it kept."""
    client_id = None
    data = bytearray()
    name = None
    too_large = False
    while (part := await reader.next()) is not None:
        if part.name == "client_message_id":
            client_id = (await part.text())[:64]
        elif part.name == "file":
            name = part.filename
            while chunk := await part.read_chunk(256 * 1024):
                if len(data) + len(chunk) > limit:
                    too_large = True
                    while await part.read_chunk(256 * 1024):  # drain, keep nothing
                        pass
                    break
                data.extend(chunk)
    return client_id, name, bytes(data), too_large


async def chat_page(request: web.Request) -> web.StreamResponse:
    """The page, with a new signed session unless the browser holds a valid one (new sessions
    are capped per client address per minute: over the cap, 429 and a notice)."""
    s = request.app[RUNTIME].settings
    cookie = None
    if _visitor(request) is None:
        ip = auth.client_ip(request, s.trusted_proxies)
        if wait := await _wait(request, "s", ip, s.webchat_new_sessions_per_min):
            return web.Response(
                status=429,
                text=TEXTS("webchat.too_many_sessions"),
                headers={"Retry-After": str(wait), "Cache-Control": "no-store"},
            )
        cookie, _ = webchat_sessions.issue(s.secret_key)
    html = (STATIC / "chat.html").read_text(encoding="utf-8").replace("{{MAX_TEXT}}", str(MAX_TEXT))
    response = web.Response(text=html, content_type="text/html", headers={"Cache-Control": "no-store"})
    if cookie is not None:
        response.set_cookie(
            COOKIE,
            cookie,
            max_age=s.webchat_session_ttl_s,
            httponly=True,
            samesite="Lax",
            path="/",
            secure=s.public_base_url.startswith("https://"),
        )
    return response


async def static(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    path = STATIC / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(path)


async def _thread(rt, token: str, after: int) -> list[dict[str, Any]]:
    async with rt.db.read_session() as s:
        conv_id = (
            await s.execute(select(Conversation.id).where(Conversation.key == f"web:{token}"))
        ).scalar()
        if conv_id is None:
            return []
        rows = (
            (
                await s.execute(
                    select(MessageLog)
                    .outerjoin(Outbox, Outbox.message_id == MessageLog.id)
                    .where(
                        MessageLog.conversation_id == conv_id,
                        MessageLog.id > after,
                        or_(MessageLog.direction == "in", Outbox.status == "sent"),
                    )
                    .order_by(MessageLog.id)
                    .limit(200)
                )
            )
            .scalars()
            .all()
        )
        # A reply is visible once delivered; stop before any reply still waiting so that the
        # browser's `after` cursor never jumps over it.
        waiting = (
            await s.execute(
                select(MessageLog.id)
                .join(Outbox, Outbox.message_id == MessageLog.id)
                .where(
                    MessageLog.conversation_id == conv_id,
                    MessageLog.id > after,
                    Outbox.status.in_(("pending", "sending")),
                )
                .order_by(MessageLog.id)
                .limit(1)
            )
        ).scalar()
    if waiting is not None:
        rows = [m for m in rows if m.id < waiting]
    out = []
    for m in rows:
        if m.direction == "in":
            text = m.text or (
                TEXTS("webchat.image_turn")
                if m.kind == "image"
                else TEXTS("webchat.file_turn")
                if m.kind == "file"
                else ""
            )
        else:
            text = m.text or ""
        item = {
            "id": m.id,
            "author": m.author,
            "text": text,
            "quick_replies": m.quick_replies or [],
            "at": m.created_at.isoformat() if m.created_at else None,
        }
        if any(a.get("path") and a.get("type") == "image" for a in m.attachments or []):
            item["image"] = f"/webchat/media/{m.id}"
        out.append(item)
    return out


async def _latest_code(rt, token: str) -> str | None:
    """The code of the visitor's latest submitted dossier: the page keeps it pinned in view."""
    async with rt.db.read_session() as s:
        return (
            await s.execute(
                select(Dossier.code)
                .join(Conversation, Conversation.id == Dossier.conversation_id)
                .where(Conversation.key == f"web:{token}", Dossier.code.is_not(None))
                .order_by(Dossier.submitted_at.desc(), Dossier.id.desc())
                .limit(1)
            )
        ).scalar()


async def get_messages(request: web.Request) -> web.Response:
    token = _visitor(request)
    if token is None:
        return web.json_response({"messages": []})
    try:
        after = int(request.query.get("after", "0"))
        wait = min(float(request.query.get("wait", str(POLL_SECONDS))), POLL_SECONDS)
    except ValueError:
        return web.json_response({"error": "bad_query"}, status=400)
    rt = request.app[RUNTIME]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        messages = await _thread(rt, token, after)
        if messages or loop.time() >= deadline or rt.closing.is_set():
            answer: dict[str, Any] = {"messages": messages}
            if messages:
                answer["dossier_code"] = await _latest_code(rt, token)
            return web.json_response(answer)
        try:
            async with rt.sender.delivered:
                await asyncio.wait_for(rt.sender.delivered.wait(), timeout=min(0.3, deadline - loop.time()))
        except TimeoutError:
            pass


async def media(request: web.Request) -> web.StreamResponse:
    """A photo of the visitor's own thread (their upload, or a receipt sent to them) — never another's."""
    token = _visitor(request)
    try:
        message_id = int(request.match_info["message_id"])
    except ValueError:
        raise web.HTTPNotFound() from None
    if token is None:
        raise web.HTTPNotFound()
    rt = request.app[RUNTIME]
    async with rt.db.read_session() as s:
        row = (
            await s.execute(
                select(MessageLog.attachments)
                .join(Conversation, Conversation.id == MessageLog.conversation_id)
                .where(MessageLog.id == message_id, Conversation.key == f"web:{token}")
            )
        ).scalar()
    paths = [a["path"] for a in row or [] if a.get("path") and a.get("type") == "image"]
    if not paths:
        raise web.HTTPNotFound()
    return stored_file(rt.media, paths[0], "private, max-age=3600")
