"""A worker killed with SIGKILL mid-job: another worker redoes the job; nothing is lost and no
reply is written twice. The killed worker is a real subprocess: this file run as a script, which
serves the runtime's sender and a `PausingWorker` (a worker that pauses inside the transaction
before its commit, or after the commit before the job is acknowledged)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import pytest
import redis.asyncio as aioredis
from citizen import Citizen
from sqlalchemy import func, select
from support import REDIS, ROOT, wait_for

from bot.runtime import Runtime
from bot.worker import Worker
from core.db import MessageLog, Outbox
from core.queue.redis import GROUP
from handlers.webchat import WebChannel


async def _pending(prefix: str) -> list:
    r = aioredis.Redis.from_url(REDIS, decode_responses=True)
    try:
        return await r.xpending_range(prefix + "{q0}:jobs", GROUP, min="-", max="+", count=10)
    finally:
        await r.aclose()


async def _counts(rt: Runtime) -> tuple[int, int, int]:
    async with rt.db.session() as s:
        inbound = (
            await s.execute(select(func.count()).select_from(MessageLog).where(MessageLog.direction == "in"))
        ).scalar()
        outbound = (await s.execute(select(func.count()).select_from(Outbox))).scalar()
        sent = (
            await s.execute(select(func.count()).select_from(Outbox).where(Outbox.status == "sent"))
        ).scalar()
    return inbound, outbound, sent


@pytest.mark.parametrize("moment", ["before_commit", "after_commit"])
async def test_killed_worker_job_is_redone_once(moment, production_settings):
    # Only with Redis: the in-process queue dies with its process (README says so).
    s = production_settings.with_overrides(claim_idle_ms=1500, lock_ttl_s=2.0)
    env = dict(
        os.environ,
        DATABASE_URL=s.database_url,
        REDIS_URL=s.redis_url,
        REDIS_PREFIX=s.redis_prefix,
        MEDIA_DIR=s.media_dir,
        VAR_DIR=s.var_dir,
        SECRET_KEY=s.secret_key,
        CLAIM_IDLE_MS="1500",
        LOCK_TTL_S="2",
        LOG_LEVEL="WARNING",
    )
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "tests")])
    proc = subprocess.Popen(
        [sys.executable, __file__, moment],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    rt = Runtime(s)  # used first only to submit and read; its worker starts after the kill
    rt.add_channel(WebChannel())
    try:
        citizen = Citizen(rt)
        event = await citizen.send("Xin chào", message_id="crash-1")
        await wait_for(lambda: _pending(s.redis_prefix), timeout=30)  # the subprocess took the job
        if moment == "after_commit":
            await wait_for(lambda: citizen.processed("crash-1"), timeout=30)  # committed, not yet acked
        else:
            await asyncio.sleep(1.0)  # inside the transaction, paused before its commit
            assert (await _counts(rt))[0] == 0
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert len(await _pending(s.redis_prefix)) == 1  # the job is still owed

        await rt.start(workers=1)
        await wait_for(lambda: citizen.processed(event.message_id), timeout=30)
        await wait_for(lambda: _no_pending(s.redis_prefix), timeout=30)  # acknowledged
        inbound, outbound, sent = await _counts(rt)
        assert inbound == 1
        assert outbound == 1 and sent == 1  # the greeting with the menu, once
        assert "Có em bé" in (await citizen.outbound())[0]
    finally:
        if proc.poll() is None:
            proc.kill()
        await rt.stop()


async def _no_pending(prefix: str) -> bool:
    return not await _pending(prefix)


class PausingWorker(Worker):
    """A worker that stops for a minute at `moment` of its first job, to be killed there."""

    def __init__(self, *args, moment: str, **kw) -> None:
        super().__init__(*args, **kw)
        self.moment = moment

    async def _turn(self, s, conv, state, event, *rest):
        outcome = await super()._turn(s, conv, state, event, *rest)
        if self.moment == "before_commit":
            await asyncio.sleep(60)  # inside the transaction
        return outcome

    async def apply(self, entry, **kw) -> None:
        await super().apply(entry, **kw)
        if self.moment == "after_commit":
            await asyncio.sleep(60)  # committed, the job not yet acknowledged

    async def apply_batch(self, batch):
        done = await super().apply_batch(batch)  # the batch path (a Redis queue) commits here
        if self.moment == "after_commit":
            await asyncio.sleep(60)  # committed, the jobs not yet acknowledged
        return done


async def _serve_pausing_worker(moment: str) -> None:
    from core.settings import load_settings

    rt = Runtime(load_settings())
    rt.add_channel(WebChannel())
    await rt.start(workers=0, sender=True)
    worker = PausingWorker(
        rt.settings,
        rt.db,
        rt.queue,
        rt.engine,
        rt.media,
        on_committed=rt.sender.nudge,
        prepare=rt.prepare,
        moment=moment,
    )
    await worker.run(asyncio.Event())


if __name__ == "__main__":
    asyncio.run(_serve_pausing_worker(sys.argv[1]))
