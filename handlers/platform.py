"""Helpers shared by the platform connectors (Zalo OA, Messenger): bounded body reading, text
splitting under a platform limit, quick replies that fit, and signed public media links."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web

from core.hub import RUNTIME
from handlers.files import stored_file


class BodyTooLarge(Exception):
    pass


async def read_body(request: web.Request, limit: int) -> bytes:
    """The raw body, at most `limit` bytes (BodyTooLarge beyond: answered 413)."""
    if request.content_length is not None:
        if request.content_length > limit:
            raise BodyTooLarge()
        return await request.read()  # the length is known and within the limit
    data = bytearray()
    while True:
        chunk = await request.content.read(65536)
        if not chunk:
            return bytes(data)
        data.extend(chunk)
        if len(data) > limit:
            raise BodyTooLarge()


async def webhook_body(request: web.Request, header: str, refused: int, limit: int) -> bytes | web.Response:
    """The raw body of a platform's webhook POST, or the answer when there is none to verify:
    `refused` (the platform's 401 or 403) when the signature header is missing, 413 over `limit`."""
    if not request.headers.get(header):
        return web.Response(status=refused, text="missing signature")
    try:
        return await read_body(request, limit)
    except BodyTooLarge:
        return web.Response(status=413, text="too large")


# ---- text ---------------------------------------------------------------------------------
_SENTENCE_END = re.compile(r"(?<=[.!?…:;])\s+")


def split_text(text: str, limit: int) -> list[str]:
    """Cut `text` into parts of at most `limit` characters: at paragraph breaks, then at sentence
    ends, then at spaces, and only as a last resort in the middle of a word."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = -1
        for finder in (_last_paragraph, _last_sentence, _last_space):
            cut = finder(window, limit)
            if cut > limit // 3:  # never make tiny parts when a better cut exists further on
                break
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return [p for p in parts if p]


def _last_paragraph(window: str, limit: int) -> int:
    i = window.rfind("\n", 0, limit + 1)
    return i if i > 0 else -1


def _last_sentence(window: str, limit: int) -> int:
    ends = [m.start() for m in _SENTENCE_END.finditer(window) if m.start() <= limit]
    return ends[-1] if ends else -1


def _last_space(window: str, limit: int) -> int:
    i = window.rfind(" ", 0, limit + 1)
    return i if i > 0 else -1


def cut_title(title: str, limit: int) -> str:
    """A title within `limit` characters, cut between words ("4. Số điện thoại liên h" never)."""
    if len(title) <= limit:
        return title
    head = title[: limit - 1]
    if not title[limit - 1].isspace() and " " in head.strip():
        head = head.rsplit(" ", 1)[0]  # the last word would be cut: it goes whole
    return head.rstrip(" ,;:—-") + "…"


def numbered_list(text: str, quick_replies: list[dict[str, Any]]) -> str:
    """The text with the options as a numbered list, unless the text already lists them."""
    titles = [q["title"] for q in quick_replies]
    if all(t in text for t in titles):
        return text
    lines = [text]
    for i, t in enumerate(titles, 1):
        lines.append(t if re.match(rf"^{i}[.)]\s", t) else f"{i}. {t}")
    return "\n".join(lines)


# ---- signed media links ---------------------------------------------------------------------
def _media_sig(secret: str, path: str, exp: int) -> str:
    return hmac.new(secret.encode(), f"{path}\n{exp}".encode(), hashlib.sha256).hexdigest()[:32]


def signed_media_url(settings, path: str, ttl_s: int | None = None) -> str:
    """A public URL to a stored file (relative to MEDIA_DIR), valid for `ttl_s` seconds."""
    exp = int(time.time()) + int(ttl_s or settings.media_link_ttl_s)
    query = urlencode({"exp": exp, "sig": _media_sig(settings.secret_key, path, exp)})
    return f"{settings.public_base_url.rstrip('/')}/media/{quote(path)}?{query}"


routes = web.RouteTableDef()


@routes.get("/media/{path:.+}")
async def media(request: web.Request) -> web.StreamResponse:
    rt = request.app[RUNTIME]
    path = request.match_info["path"]
    try:
        exp = int(request.query.get("exp", "0"))
    except ValueError:
        raise web.HTTPForbidden() from None
    sig = request.query.get("sig", "")
    if exp < time.time() or not hmac.compare_digest(sig, _media_sig(rt.settings.secret_key, path, exp)):
        raise web.HTTPForbidden()
    return stored_file(rt.media, path, "private, max-age=300")
