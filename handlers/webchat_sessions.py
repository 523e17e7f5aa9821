"""Web chat sessions: server-issued, signed, expiring ids, and the limits that keep a stranger
from exhausting the service.

The cookie is `{sid}.{issued}.{mac}`: `sid` 128 random bits (the conversation is `web:{sid}`),
`issued` the issue time (seconds, base 36), `mac` an HMAC-SHA256 of both under SECRET_KEY. A
cookie the server did not issue (forged, altered) or older than WEBCHAT_SESSION_TTL_S is no
session: the API answers 401 and the page issues a new one. New sessions are capped per client
address per minute (WEBCHAT_NEW_SESSIONS_PER_MIN), messages and uploads per session per minute.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time

_SHAPE = re.compile(r"^([A-Za-z0-9_-]{22})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{22})$")


def _mac(secret: str, sid: str, issued: str) -> str:
    digest = hmac.new(secret.encode(), f"webchat\n{sid}\n{issued}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def issue(secret: str, now: float | None = None) -> tuple[str, str]:
    """A new session: (cookie value, session id)."""
    sid = secrets.token_urlsafe(16)
    issued = _base36(int(time.time() if now is None else now))
    return f"{sid}.{issued}.{_mac(secret, sid, issued)}", sid


def session_id(secret: str, cookie: str | None, ttl_s: int, now: float | None = None) -> str | None:
    """The session id of a valid, unexpired cookie the server issued; None otherwise."""
    match = _SHAPE.match(cookie or "")
    if not match:
        return None
    sid, issued, mac = match.groups()
    if not hmac.compare_digest(mac, _mac(secret, sid, issued)):
        return None
    age = (time.time() if now is None else now) - int(issued, 36)
    if age > ttl_s or age < -300:
        return None
    return sid
