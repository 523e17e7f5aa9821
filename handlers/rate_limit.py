"""Fixed-window counters for rate limits: in Redis when REDIS_URL is set (shared by every web
process, one atomic INCR per hit), in the process otherwise."""

from __future__ import annotations

import time

from aiohttp import web

# KEYS[1] the window's counter; ARGV[1] the window in seconds. The count after this hit.
_HIT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""


class RateLimiter:
    def __init__(self, settings, name: str) -> None:
        self.prefix = f"{settings.redis_prefix}rl:{name}:"
        self._url = settings.redis_url
        self._redis = None
        self._local: dict[str, int] = {}
        self._local_window = -1

    def _client(self):
        if self._redis is None and self._url:
            import redis.asyncio as aioredis

            self._redis = aioredis.Redis.from_url(self._url)
        return self._redis

    async def hit(self, key: str, limit: int, window_s: int = 60) -> bool:
        """Count one hit of `key`; False when it goes over `limit` in the current window."""
        if limit <= 0:
            return True  # no limit configured
        window = int(time.time() // window_s)
        r = self._client()
        if r is not None:
            n = await r.eval(_HIT, 1, f"{self.prefix}{window}:{key}", window_s + 1)
            return int(n) <= limit
        if window != self._local_window:
            self._local.clear()
            self._local_window = window
        n = self._local[key] = self._local.get(key, 0) + 1
        if len(self._local) > 200_000:  # bound memory under a spray of keys
            self._local.clear()
        return n <= limit

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
