"""Password checks (argon2) off the event loop, in a pool of their own with a bound.

argon2 is deliberately expensive CPU work: on the loop it would stall every request, and in the
default executor (asyncio.to_thread) it would queue behind, and compete with, every other thread
job (storing uploads, rendering receipts). So checks run in LOGIN_HASH_THREADS threads of their
own (argon2-cffi releases the GIL), and at most LOGIN_QUEUE_MAX logins may be checking or waiting
at once: a further one is refused at once with 503 (`Busy`), *before* the login throttle counts
it, so a flood of guesses can neither pile up unbounded work nor lock a real officer out.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

from core import metrics as m

LOGIN_HASH_THREADS = 2
LOGIN_QUEUE_MAX = 32


class Busy(Exception):
    """Too many password checks waiting: answer 503 with Retry-After."""


_pool = ThreadPoolExecutor(max_workers=LOGIN_HASH_THREADS, thread_name_prefix="password-check")
_slots = {"used": 0}


@contextlib.contextmanager
def slot(limit: int = LOGIN_QUEUE_MAX) -> Iterator[None]:
    """One login's place in the bounded queue (taken without awaiting: atomic in the loop)."""
    if _slots["used"] >= limit:
        m.LOGIN_BUSY.inc()
        raise Busy()
    _slots["used"] += 1
    try:
        yield
    finally:
        _slots["used"] -= 1


async def run(fn, *args):
    """`fn(*args)` in the password-check threads."""
    return await asyncio.get_running_loop().run_in_executor(_pool, fn, *args)
