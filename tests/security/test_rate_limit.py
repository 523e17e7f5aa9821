"""Rate limits are a sliding window, not a count per clock minute: a burst straddling the end of a
window gets no more than the limit. Both backends: in the process, and the Lua script in Redis
that every web process shares (atomic under concurrent hits from several limiters)."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

import pytest
from support import REDIS, fresh_redis_prefix, need

from handlers.rate_limit import RateLimiter

WINDOW_S = 2.0
LIMIT = 5


@pytest.fixture(params=["in-process", "redis"])
async def limiters(request):
    """Two limiters as two web processes have them (sharing Redis), or the one of a process."""
    if request.param == "in-process":
        yield [RateLimiter(SimpleNamespace(redis_url="", redis_prefix="x:"), "t")] * 2
        return
    need(REDIS, 6379, "Redis")
    async with fresh_redis_prefix() as prefix:
        settings = SimpleNamespace(redis_url=REDIS, redis_prefix=prefix)
        made = [RateLimiter(settings, "t"), RateLimiter(settings, "t")]
        yield made
        for limiter in made:
            await limiter.close()


async def _hits(limiter, key: str, n: int) -> list[bool]:
    return [await limiter.hit(key, LIMIT, WINDOW_S) for _ in range(n)]


async def test_a_burst_straddling_a_window_boundary_gets_only_the_limit(limiters):
    first, second = limiters
    key = f"k-{time.time_ns()}"
    await asyncio.sleep(WINDOW_S - time.time() % WINDOW_S + 0.8 * WINDOW_S)  # late in a clock window
    before = await _hits(first, key, LIMIT)
    await asyncio.sleep(0.4 * WINDOW_S)  # the next clock window: a per-window count starts again
    after = await _hits(second, key, LIMIT)
    assert before == [True] * LIMIT
    assert after == [False] * LIMIT  # the same second still holds the five hits
    wait = await second.wait(key, LIMIT, WINDOW_S)
    assert 1 <= wait <= WINDOW_S  # seconds until the oldest hit leaves the window (rounded up)
    await asyncio.sleep(0.75 * WINDOW_S)  # the first hits have left the window
    assert (await _hits(second, key, LIMIT + 1)) == [True] * LIMIT + [False]


async def test_concurrent_hits_never_pass_the_limit(limiters):
    key = f"c-{time.time_ns()}"
    results = await asyncio.gather(*(limiters[i % 2].hit(key, LIMIT, 30) for i in range(60)))
    assert results.count(True) == LIMIT


async def test_refused_hits_are_not_counted_and_keys_are_apart(limiters):
    first, _ = limiters
    key, other = f"r-{time.time_ns()}", f"o-{time.time_ns()}"
    assert (await _hits(first, key, 50)).count(True) == LIMIT  # knocking on does not extend the wait
    assert (await _hits(first, other, 1)) == [True]
    await asyncio.sleep(WINDOW_S + 0.1)
    assert (await _hits(first, key, 1)) == [True]


async def test_no_limit_configured():
    limiter = RateLimiter(SimpleNamespace(redis_url="", redis_prefix="x:"), "t")
    assert all([await limiter.hit("k", 0) for _ in range(100)])
