"""The webhooks' fast path into the queue: `runtime.submit` semantics (atomic de-duplication +
durable enqueue, one Lua script per event), with the submissions that arrive in the same event-loop
iteration sent to Redis in one pipeline.

A Redis round trip through redis-py costs about 250 µs of client CPU; pipelined, about 40 µs per
command. Under load many webhook requests are parsed in the same loop iteration, so coalescing
them keeps the ingest path within a small factor of a bare handler. At low load a batch holds one
event and nothing waits (the flush is scheduled with `call_soon`, not a timer).

The per-event script is the queue's own (bot/queue/redis.py `_SUBMIT`, same keys and arguments),
so an event is still accepted whole or not at all. With the in-process queue, or if the queue does
not look like the Redis one, this is simply `runtime.submit`. (Moving this into the queue as
`submit_many` would be cleaner; the queue is not this module's to change.)
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import weakref

from redis.exceptions import NoScriptError, ResponseError

from bot import metrics
from bot.events import Attachment, InboundEvent

log = logging.getLogger(__name__)

_INGESTS: "weakref.WeakKeyDictionary[object, Ingest]" = weakref.WeakKeyDictionary()


_ATTACHMENT_FIELDS = tuple(f.name for f in dataclasses.fields(Attachment))


def event_json(e: InboundEvent) -> str:
    """`InboundEvent.to_json()` without `dataclasses.asdict`'s deep copy (a third of the ingest
    CPU); the same document, read back by `InboundEvent.from_json`."""
    return json.dumps({
        "channel": e.channel, "user_id": e.user_id, "message_id": e.message_id, "kind": e.kind, "text": e.text,
        "payload": e.payload,
        "attachments": [{f: getattr(a, f) for f in _ATTACHMENT_FIELDS} for a in e.attachments],
        "timestamp_ms": e.timestamp_ms, "meta": e.meta,
    }, ensure_ascii=False, separators=(",", ":"))


def _resp(*parts: bytes) -> bytes:
    """One command in the Redis protocol (RESP array of bulk strings)."""
    return b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)


def ingest_for(rt) -> "Ingest":
    ingest = _INGESTS.get(rt)
    if ingest is None:
        ingest = _INGESTS[rt] = Ingest(rt)
    return ingest


class Ingest:
    def __init__(self, rt) -> None:
        self.rt = rt
        q = rt.queue
        self._redis = q if all(hasattr(q, a) for a in ("_submit", "r", "_ensure_group", "_conv", "jobs_key",
                                                         "dedupe_ttl_s", "conversation_ttl_s", "prefix")) else None
        self._pending: list[tuple[InboundEvent, asyncio.Future]] = []
        self._scheduled = False
        self._tasks: set[asyncio.Task] = set()
        self._counters: dict = {}
        self._raw = True  # pack the batch ourselves (see _send_raw)

    async def submit(self, event: InboundEvent) -> bool:
        if self._redis is None:
            return await self.rt.submit(event)
        loop = asyncio.get_running_loop()
        future: asyncio.Future = loop.create_future()
        self._pending.append((event, future))
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._flush)
        return await future

    def _flush(self) -> None:
        batch, self._pending, self._scheduled = self._pending, [], False
        if not batch:
            return
        task = asyncio.get_running_loop().create_task(self._send(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, batch: list[tuple[InboundEvent, asyncio.Future]]) -> None:
        if len(batch) == 1:
            await self._one(*batch[0])
            return
        q = self._redis
        try:
            await q._ensure_group()
            results = None
            if self._raw:
                try:
                    results = await self._send_raw(batch)
                except (AttributeError, TypeError):  # another redis-py: use its pipeline from now on
                    log.warning("raw Redis batches unavailable; using pipelines", exc_info=True)
                    self._raw = False
            if results is None:
                async with q.r.pipeline(transaction=False) as p:
                    for event, _ in batch:
                        p.evalsha(q._submit.sha, 3, *self._args(event))
                    results = await p.execute(raise_on_error=False)
        except Exception as exc:  # connection trouble: every request of the batch fails (Zalo resends)
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        retry = []
        for (event, future), result in zip(batch, results):
            if isinstance(result, NoScriptError) or (isinstance(result, ResponseError) and "NOSCRIPT" in str(result)):
                retry.append((event, future))  # Redis lost its scripts (restart/flush): load it again
            elif isinstance(result, Exception):
                future.set_exception(result)
            else:
                accepted = bool(result)
                self._counter(accepted, event.channel).inc()
                future.set_result(accepted)
        for event, future in retry:
            await self._one(event, future)

    def _args(self, event: InboundEvent) -> tuple:
        q = self._redis
        return (f"{q.prefix}dedupe:{event.dedupe_key}", q._conv(event.conversation_key), q.jobs_key,
                q.dedupe_ttl_s, event_json(event), event.conversation_key, q.conversation_ttl_s)

    async def _send_raw(self, batch: list[tuple[InboundEvent, asyncio.Future]]) -> list:
        """The batch's EVALSHA commands packed here (redis-py's per-argument packing is most of the
        pipeline's cost) and written at once on one pooled connection; one reply per command."""
        q = self._redis
        sha = q._submit.sha.encode()
        data = b"".join(_resp(b"EVALSHA", sha, b"3", *(str(a).encode() for a in self._args(event)))
                        for event, _ in batch)
        pool = q.r.connection_pool
        try:
            conn = await pool.get_connection()  # redis-py >= 5.3
        except TypeError:
            conn = await pool.get_connection("EVALSHA")
        try:
            await conn.send_packed_command(data, check_health=False)
            results: list = []
            for _ in batch:
                try:
                    results.append(await conn.read_response())
                except ResponseError as exc:  # an error reply is read whole: go on with the next
                    results.append(exc)
            return results
        except BaseException:
            await conn.disconnect()  # replies may be left unread on it
            raise
        finally:
            await pool.release(conn)

    def _counter(self, accepted: bool, channel: str):
        key = (accepted, channel)
        counter = self._counters.get(key)
        if counter is None:
            counter = self._counters[key] = (metrics.INBOUND if accepted else metrics.DUPLICATES).labels(channel)
        return counter

    async def _one(self, event: InboundEvent, future: asyncio.Future) -> None:
        try:
            future.set_result(await self.rt.submit(event))
        except Exception as exc:
            if not future.done():
                future.set_exception(exc)
