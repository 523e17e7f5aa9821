"""The message path's queue: atomic de-duplication + enqueue, jobs, per-conversation locks.

One interface (`base.MessageQueue`), two implementations: in-process (`memory`) when REDIS_URL is
empty, Redis Streams with a consumer group (`redis`) when it is set.
"""

from __future__ import annotations

from .base import Entry, Held, Job, LockLost, MessageQueue, cursor_key


def create_queue(settings) -> MessageQueue:
    if settings.redis_url:
        from .redis import RedisQueue

        return RedisQueue.from_settings(settings)
    from .memory import MemoryQueue

    return MemoryQueue(dedupe_ttl_s=settings.dedupe_ttl_s)


__all__ = ["Entry", "Held", "Job", "LockLost", "MessageQueue", "create_queue", "cursor_key"]
