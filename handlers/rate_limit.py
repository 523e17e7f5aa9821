"""Sliding-window rate limits: at most `limit` hits of a key in any `window_s` seconds (not per
clock minute, where a burst straddling a minute's end gets twice the limit). In Redis when
REDIS_URL is set (shared by every web process: one sorted set of hit times per key, trimmed,
counted and added to in one Lua script, on Redis's own clock), in the process otherwise.

A refused hit is not counted: a client that keeps knocking gets in again as soon as its oldest
hit leaves the window, never later. `wait` says when that is (the Retry-After)."""

from __future__ import annotations

import math
import secrets
import time
from collections import deque

from aiohttp import web

# KEYS[1] the key's hit times; ARGV limit, window (ms), a unique member. 0 when the hit is counted,
# else the milliseconds until the oldest hit leaves the window (the hit is not counted).
_HIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local left = tonumber(oldest[2]) + window - now
  if left < 1 then left = 1 end
  return left
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return 0
"""

_MAX_LOCAL_KEYS = 200_000


class RateLimiter:
    def __init__(self, settings, name: str) -> None:
        self.prefix = f"{settings.redis_prefix}rl2:{name}:"
        self._url = settings.redis_url
        self._redis = None
        self._local: dict[str, deque[float]] = {}

    def _client(self):
        if self._redis is None and self._url:
            import redis.asyncio as aioredis

            self._redis = aioredis.Redis.from_url(self._url)
        return self._redis

    async def hit(self, key: str, limit: int, window_s: float = 60) -> bool:
        """Count one hit of `key`; False (not counted) when `limit` hits are already in the window."""
        return await self.wait(key, limit, window_s) == 0

    async def wait(self, key: str, limit: int, window_s: float = 60) -> int:
        """Count one hit of `key` and answer 0; or, when `limit` hits are already in the last
        `window_s` seconds, count nothing and answer the seconds until one leaves (>= 1)."""
        if limit <= 0:
            return 0  # no limit configured
        r = self._client()
        if r is not None:
            member = secrets.token_hex(8)
            left_ms = int(await r.eval(_HIT, 1, self.prefix + key, limit, int(window_s * 1000), member))
            return math.ceil(left_ms / 1000) if left_ms else 0
        now = time.monotonic()  # no await from here on: atomic within the event loop
        hits = self._local.get(key)
        if hits is None:
            if len(self._local) >= _MAX_LOCAL_KEYS:
                self._prune(now, window_s)
            hits = self._local[key] = deque()
        while hits and hits[0] <= now - window_s:
            hits.popleft()
        if len(hits) >= limit:
            return max(1, math.ceil(hits[0] + window_s - now))
        hits.append(now)
        return 0

    def _prune(self, now: float, window_s: float) -> None:
        """Bound memory under a spray of keys: drop the keys with no hit in the window (all of
        them if that is not enough)."""
        self._local = {k: v for k, v in self._local.items() if v and v[-1] > now - window_s}
        if len(self._local) >= _MAX_LOCAL_KEYS:
            self._local.clear()

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None


LIMITER = web.AppKey("webchat_limiter", RateLimiter)


def install(app: web.Application, settings) -> RateLimiter:
    """The app's one limiter (created once, closed with the app)."""
    if LIMITER not in app:
        app[LIMITER] = RateLimiter(settings, "web")

        async def close(app: web.Application) -> None:
            await app[LIMITER].close()

        app.on_cleanup.append(close)
    return app[LIMITER]
