"""Helpers of the attack suite: a stand-in for the platforms and for an internal service (one
small threaded HTTP server that records every request it gets), signed platform events, unique
client addresses (the server believes X-Forwarded-For from 127.0.0.1 in this suite), and reading
the server's Prometheus counters."""

from __future__ import annotations

import hashlib
import hmac
import io
import itertools
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import aiohttp

ZALO_APP_ID = "1234567890123456789"
ZALO_OA_SECRET = "oa-secret-attack-suite"
OA_ID = "579745863508352884"
MESSENGER_APP_SECRET = "messenger-secret-attack-suite"
SECRET_KEY = "attack-suite-secret-key-not-for-production"
PASSWORD = "mat-khau-tan-cong-123"
BODY_TIMEOUT_S = 2.0
HEADER_TIMEOUT_S = 3.0

_ADDRESSES = itertools.count(1)


def client_address() -> str:
    """A client address of its own for one test (rate limits and the throttle key on it)."""
    n = next(_ADDRESSES)
    return f"203.0.{n // 250}.{n % 250 + 1}"


def via(ip: str) -> dict[str, str]:
    return {"X-Forwarded-For": ip}


def png_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 180, 160)).save(out, "PNG")
    return out.getvalue()


# ---- the stand-in ------------------------------------------------------------------------------
class Target:
    """Zalo's and Meta's APIs (any POST answered as they answer a send), a CDN (/photo.png),
    redirects (/redirect?to=URL) and an "internal service" (/internal/...) that must never be
    reached. Every request is recorded as (method, path)."""

    def __init__(self) -> None:
        self.hits: list[tuple[str, str]] = []
        self.sent: list[dict] = []
        target = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _answer(self, status: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                target.hits.append(("GET", self.path))
                parts = urlsplit(self.path)
                if parts.path == "/redirect":
                    to = parse_qs(parts.query)["to"][0]
                    self._answer(302, b"", "text/plain", {"Location": to})
                elif parts.path == "/photo.png":
                    self._answer(200, png_bytes(), "image/png")
                else:
                    self._answer(200, b"internal secret", "text/plain")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                target.hits.append(("POST", self.path))
                try:
                    target.sent.append(json.loads(raw))
                except ValueError:
                    pass
                if self.path.endswith("/access_token"):
                    body = {"access_token": "at", "refresh_token": "rt", "expires_in": "90000"}
                elif "/me/messages" in self.path:
                    body = {"recipient_id": "r", "message_id": uuid.uuid4().hex}
                else:
                    body = {"error": 0, "message": "Success", "data": {"message_id": uuid.uuid4().hex}}
                self._answer(200, json.dumps(body).encode(), "application/json")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> Target:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def internal_hits(self, marker: str) -> list[tuple[str, str]]:
        return [h for h in self.hits if marker in h[1] and not h[1].startswith("/redirect")]

    def texts_to(self, user: str) -> list[str]:
        out = []
        for body in list(self.sent):
            if (body.get("recipient") or {}).get("user_id") == user or (body.get("recipient") or {}).get(
                "id"
            ) == user:
                text = (body.get("message") or {}).get("text")
                if text:
                    out.append(text)
        return out


# ---- signed platform events ---------------------------------------------------------------------
def now_ms() -> int:
    return int(time.time() * 1000)


def zalo_event(user: str, *, text: str | None = None, url: str | None = None, ts: int | None = None,
               msg_id: str | None = None) -> dict:  # fmt: skip
    message: dict = {"msg_id": msg_id or uuid.uuid4().hex}
    name = "user_send_text"
    if url is not None:
        name = "user_send_image"
        message["attachments"] = [{"type": "image", "payload": {"url": url, "thumbnail": url}}]
    else:
        message["text"] = text or "xin chào"
    return {
        "event_name": name,
        "app_id": ZALO_APP_ID,
        "sender": {"id": user},
        "recipient": {"id": OA_ID},
        "message": message,
        "timestamp": str(now_ms() if ts is None else ts),
        "user_id_by_app": "55" + user[-10:],
    }


def zalo_signed(body: dict) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body, ensure_ascii=False).encode()
    mac = hashlib.sha256(ZALO_APP_ID.encode() + raw + body["timestamp"].encode() + ZALO_OA_SECRET.encode())
    return raw, {"X-ZEvent-Signature": f"mac={mac.hexdigest()}", "Content-Type": "application/json"}


def messenger_signed(psid: str, text: str, ts: int) -> tuple[bytes, dict[str, str]]:
    body = {
        "object": "page",
        "entry": [
            {
                "id": "106000000000001",
                "time": ts,
                "messaging": [
                    {
                        "sender": {"id": psid},
                        "recipient": {"id": "106000000000001"},
                        "timestamp": ts,
                        "message": {"mid": "m_" + uuid.uuid4().hex, "text": text},
                    }
                ],
            }
        ],
    }
    raw = json.dumps(body, ensure_ascii=False).encode()
    sig = hmac.new(MESSENGER_APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"X-Hub-Signature-256": f"sha256={sig}", "Content-Type": "application/json"}


# ---- the server's counters -------------------------------------------------------------------
async def counter(http: aiohttp.ClientSession, base: str, name: str, **labels: str) -> float:
    """The value of one Prometheus counter sample at /metrics (0 when absent)."""
    text = await (await http.get(base + "/metrics")).text()
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        m = re.match(rf"^{re.escape(name)}(?:\{{(.*)\}})? (\S+)$", line)
        if m and ",".join(sorted((m.group(1) or "").split(","))) == want:
            return float(m.group(2))
    return 0.0


async def histogram(http: aiohttp.ClientSession, base: str, name: str) -> dict[float, float]:
    """The cumulative bucket counts {upper bound: count} of one Prometheus histogram at /metrics."""
    text = await (await http.get(base + "/metrics")).text()
    buckets = {}
    for line in text.splitlines():
        m = re.match(rf'^{re.escape(name)}_bucket\{{le="([^"]+)"\}} (\S+)$', line)
        if m:
            buckets[float(m.group(1))] = float(m.group(2))
    return buckets


def observed_over(before: dict[float, float], after: dict[float, float], bound: float) -> int:
    """How many observations between two readings of a histogram were above `bound` (a bucket's
    upper bound)."""
    inf = float("inf")
    return int((after[inf] - after[bound]) - (before.get(inf, 0) - before.get(bound, 0)))


def histogram_summary(before: dict[float, float], after: dict[float, float]) -> str:
    """'n=…, >10ms …, >50ms …, …' of the observations between two readings."""
    inf = float("inf")
    parts = [f"n={int(after[inf] - before.get(inf, 0))}"]
    for bound in (0.01, 0.05, 0.1, 0.2, 0.5, 1.0):
        parts.append(f">{bound * 1000:.0f}ms {observed_over(before, after, bound)}")
    return ", ".join(parts)
