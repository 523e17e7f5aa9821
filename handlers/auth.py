"""Officer authentication and authorisation: signed console sessions (cookie) with CSRF tokens,
signed API bearer tokens, login throttling and the role rules.

Tokens are `base64url(json).base64url(hmac-sha256)`, the HMAC keyed with SECRET_KEY and a purpose
("session", "api", "media", "login"), so a token of one kind is never accepted as another. Every
token also carries a fingerprint of the officer's password hash: changing the password ends every
session and token. The officer row is read again on each request (deactivation is immediate).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web
from sqlalchemy import select

from core.db import Officer
from handlers import password_checks
from services.officers import Principal

log = logging.getLogger(__name__)

SESSION_COOKIE = "motcua_officer"
LOGIN_COOKIE = "motcua_login"
SESSION_TTL_S = 8 * 3600
API_TOKEN_TTL_S = 3600
MEDIA_LINK_TTL_S = 600

THROTTLE_MAX_FAILURES = 5
THROTTLE_WINDOW_S = 900


# ---- signing ---------------------------------------------------------------------------------
def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, purpose: str, body: str) -> str:
    return _b64(hmac.new(secret.encode(), f"{purpose}\n{body}".encode(), hashlib.sha256).digest())


def sign(secret: str, purpose: str, payload: dict[str, Any]) -> str:
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    return f"{body}.{_mac(secret, purpose, body)}"


def unsign(secret: str, purpose: str, token: str | None, now: float | None = None) -> dict[str, Any] | None:
    """The payload of a valid, unexpired token of this purpose; None otherwise."""
    if not token or not isinstance(token, str) or len(token) > 2000 or token.count(".") != 1:
        return None
    body, mac = token.split(".")
    if not hmac.compare_digest(mac, _mac(secret, purpose, body)):
        return None
    try:
        payload = json.loads(_unb64(body))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict):
        return None
    exp = payload.get("exp")
    if not isinstance(exp, (int, float)) or exp < (time.time() if now is None else now):
        return None
    return payload


def password_fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


# ---- principals --------------------------------------------------------------------------------
def _principal(officer: Officer, nonce: str = "") -> Principal:
    return Principal(officer.id, officer.username, officer.agency, officer.role, nonce)


async def authenticate(db, username: str, password: str) -> Officer | None:
    """The active officer with these credentials (the hash is verified even for unknown names, so
    that timing does not tell which usernames exist). argon2 runs in the password-check threads
    (handlers/password_checks.py), never on the event loop; a hash made with older parameters is
    replaced after a successful check (which ends the officer's other sessions once)."""
    from services.officers import hash_password, needs_rehash, verify_password

    async with db.read_session() as s:  # never queued behind a writer (SQLite)
        officer = (await s.execute(select(Officer).where(Officer.username == username))).scalar_one_or_none()
    if officer is None or not officer.active:
        await password_checks.run(_verify_dummy, password)
        return None
    if not await password_checks.run(verify_password, officer.password_hash, password):
        return None
    if needs_rehash(officer.password_hash):
        new_hash = await password_checks.run(hash_password, password)
        async with db.session() as s:
            row = await s.get(Officer, officer.id)
            if row is not None and row.password_hash == officer.password_hash:
                row.password_hash = new_hash
                await s.commit()
                officer = row
    return officer


_DUMMY: list[str] = []


def _verify_dummy(password: str) -> None:
    """A check as costly as a real one, for a name that does not exist (in the check threads)."""
    from services.officers import hash_password, verify_password

    if not _DUMMY:
        _DUMMY.append(hash_password(secrets.token_urlsafe(16)))
    verify_password(_DUMMY[0], password)


def issue(secret: str, purpose: str, officer: Officer, ttl_s: int, **extra: Any) -> str:
    payload = {
        "oid": officer.id,
        "pw": password_fingerprint(officer.password_hash),
        "exp": int(time.time()) + ttl_s,
        **extra,
    }
    return sign(secret, purpose, payload)


async def resolve(db, secret: str, purpose: str, token: str | None) -> Principal | None:
    payload = unsign(secret, purpose, token)
    if payload is None or not isinstance(payload.get("oid"), int):
        return None
    async with db.read_session() as s:
        officer = await s.get(Officer, payload["oid"])
    if (
        officer is None
        or not officer.active
        or payload.get("pw") != password_fingerprint(officer.password_hash)
    ):
        return None
    return _principal(officer, str(payload.get("n", "")))


def bearer_token(request: web.Request) -> str | None:
    """The token of an `Authorization: Bearer …` header, None without one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def new_session(secret: str, officer: Officer) -> str:
    return issue(secret, "session", officer, SESSION_TTL_S, n=secrets.token_urlsafe(16))


def new_api_token(secret: str, officer: Officer) -> str:
    return issue(secret, "api", officer, API_TOKEN_TTL_S)


# ---- CSRF -----------------------------------------------------------------------------------
def csrf_token(secret: str, nonce: str) -> str:
    """The form token of a session (or of the pre-login cookie): derived, so nothing is stored."""
    return _mac(secret, "csrf", nonce)


def csrf_ok(secret: str, nonce: str, token: str | None) -> bool:
    return bool(nonce) and isinstance(token, str) and hmac.compare_digest(token, csrf_token(secret, nonce))


# ---- media links ------------------------------------------------------------------------------
def media_signature(secret: str, document_id: str, officer_id: int, exp: int) -> str:
    return _mac(secret, "media", f"{document_id}\n{officer_id}\n{exp}")


def media_query(secret: str, document_id: str, officer_id: int, ttl_s: int = MEDIA_LINK_TTL_S) -> str:
    exp = int(time.time()) + ttl_s
    return f"exp={exp}&sig={media_signature(secret, document_id, officer_id, exp)}"


def media_link(secret: str, officer_id: int, base: str = "/officer") -> Callable[[str], str]:
    """What the dossier views call to link a photo ("d12", "m7.0"): a signed URL for this officer."""
    return lambda ref: f"{base}/media/{ref}?" + media_query(secret, ref, officer_id)


def media_ok(secret: str, document_id: str, officer_id: int, exp: str | None, sig: str | None) -> bool:
    try:
        exp_i = int(exp or "")
    except ValueError:
        return False
    if exp_i < time.time() or not isinstance(sig, str):
        return False
    return hmac.compare_digest(sig, media_signature(secret, document_id, officer_id, exp_i))


# ---- login throttling ---------------------------------------------------------------------------
class Throttle:
    """Failed logins counted per (username, IP) in a sliding window; in Redis when REDIS_URL is set
    (shared by every web process), in the process otherwise."""

    def __init__(
        self, settings, max_failures: int = THROTTLE_MAX_FAILURES, window_s: int = THROTTLE_WINDOW_S
    ) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.prefix = f"{settings.redis_prefix}login-fail:"
        self._redis = None
        self._url = settings.redis_url
        self._local: dict[str, list[float]] = {}

    def _key(self, username: str, ip: str) -> str:
        return hashlib.sha256(f"{username.strip().lower()}\n{ip}".encode()).hexdigest()[:32]

    def _client(self):
        if self._redis is None and self._url:
            from core.redis_client import connect

            self._redis = connect(self._url, decode_responses=False)
        return self._redis

    async def acquire(self, username: str, ip: str) -> int:
        """Count one attempt before the password is checked, atomically: 0 when it may go on,
        else the seconds until another attempt is allowed (nothing counted). Concurrent guesses
        therefore cannot all pass a check made before any of them failed; a success clears the
        count (`succeeded`), a failure simply leaves its attempt counted."""
        key = self._key(username, ip)
        r = self._client()
        if r is not None:
            wait = int(await r.eval(_ACQUIRE, 1, self.prefix + key, self.max_failures, self.window_s))
            if wait:
                log.warning(
                    "login attempt refused (locked out): %r from %s, %d s left", username[:64], ip, wait
                )
            return wait
        now = time.monotonic()  # no await from here on: atomic within the event loop
        stamps = [t for t in self._local.get(key, []) if t > now - self.window_s]
        if len(stamps) >= self.max_failures:
            self._local[key] = stamps
            log.warning("login attempt refused (locked out): %r from %s", username[:64], ip)
            return max(int(stamps[0] + self.window_s - now), 1)
        stamps.append(now)
        self._local[key] = stamps
        if len(self._local) > 100_000:  # bound memory under a spray of names
            self._local.clear()
        return 0

    async def retry_after(self, username: str, ip: str) -> int:
        """Seconds until another attempt is allowed (0: allowed now)."""
        key = self._key(username, ip)
        r = self._client()
        if r is not None:
            count = int(await r.get(self.prefix + key) or 0)
            if count < self.max_failures:
                return 0
            return max(int(await r.ttl(self.prefix + key)), 1)
        now = time.monotonic()
        stamps = [t for t in self._local.get(key, []) if t > now - self.window_s]
        self._local[key] = stamps
        if len(stamps) < self.max_failures:
            return 0
        return max(int(stamps[0] + self.window_s - now), 1)

    async def failed(self, username: str, ip: str) -> None:
        key = self._key(username, ip)
        r = self._client()
        if r is not None:
            async with r.pipeline(transaction=True) as p:
                p.incr(self.prefix + key)
                p.expire(self.prefix + key, self.window_s)
                await p.execute()
            return
        self._local.setdefault(key, []).append(time.monotonic())
        if len(self._local) > 100_000:  # bound memory under a spray of names
            self._local.clear()

    async def succeeded(self, username: str, ip: str) -> None:
        key = self._key(username, ip)
        r = self._client()
        if r is not None:
            await r.delete(self.prefix + key)
        else:
            self._local.pop(key, None)

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None


# KEYS[1] the counter; ARGV max attempts, window. Counts the attempt and answers 0, or answers the
# seconds left (>= 1) without counting when the limit is reached.
_ACQUIRE = """
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then
  local ttl = redis.call('TTL', KEYS[1])
  if ttl < 1 then ttl = 1 end
  return ttl
end
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 0
"""

THROTTLE = web.AppKey("officer_throttle", Throttle)


def install_throttle(app: web.Application, settings) -> Throttle:
    """The one login throttle of the app, shared by the console and the API (created once)."""
    if THROTTLE not in app:
        app[THROTTLE] = Throttle(settings)

        async def close(app: web.Application) -> None:
            await app[THROTTLE].close()

        app.on_cleanup.append(close)
    return app[THROTTLE]


def client_ip(request, trusted_proxies: str = "") -> str:
    """The client's address: the TCP peer, or — when the peer is a trusted reverse proxy — the
    last address of X-Forwarded-For that is not itself a trusted proxy (each proxy appends the
    address it received from, so only the right-hand part of the header is vouched for)."""
    peer = request.transport.get_extra_info("peername") if request.transport else None
    ip = _address(str(peer[0])) if peer else None
    if ip is None:
        return "?"
    nets = trusted_networks(trusted_proxies)
    if not _trusted(ip, nets):
        return str(ip)
    hops = [h for v in request.headers.getall("X-Forwarded-For", []) for h in v.split(",") if h.strip()]
    for hop in reversed(hops):
        addr = _address(hop)
        if addr is None:
            return str(ip)  # a malformed hop: nothing left of it can be vouched for
        if not _trusted(addr, nets):
            return str(addr)
    return str(ip)


@functools.lru_cache(maxsize=8)
def trusted_networks(spec: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """TRUSTED_PROXIES parsed; a ValueError names the entry that is not an address or network
    (checked at start-up, so a typo cannot turn every login into an error)."""
    nets = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        try:
            nets.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(
                f"TRUSTED_PROXIES: {part!r} is not an IP address or network "
                f"(write e.g. 10.0.0.5 or 10.0.0.0/24, no host names or ports)"
            ) from None
    return tuple(nets)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address as a proxy or socket gives it: "1.2.3.4", "1.2.3.4:5678", "[::1]:80",
    "::ffff:1.2.3.4" (IPv4 on a dual-stack socket); None if it is none of these."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    return ip.ipv4_mapped or ip if ip.version == 6 else ip


def _trusted(ip, nets) -> bool:
    return any(ip.version == n.version and ip in n for n in nets)
