"""The photo-check pool: its processes run below the web process's CPU priority; a check that
runs too long is stopped without taking down a citizen's ordinary photo waiting behind it (the
time limit counts a check's own run, not its wait behind a bomb)."""

from __future__ import annotations

import asyncio
import os
from types import SimpleNamespace

import bombs
import pytest
import security_kit as kit

from bot import ocr_pool


@pytest.fixture
def pool_config():
    saved = dict(ocr_pool._config)
    if ocr_pool._pool is not None:  # a pool an earlier test started runs with its own settings
        ocr_pool._reset(ocr_pool._pool)
    ocr_pool.configure(SimpleNamespace(ocr_processes=1, ocr_queue_max=4, ocr_timeout_s=4.0, ocr_nice=7))
    yield
    if ocr_pool._pool is not None:
        ocr_pool._reset(ocr_pool._pool)
    ocr_pool._config.update(saved)


async def test_checks_run_at_a_lower_priority(pool_config):
    here = os.nice(0)
    there = await asyncio.wrap_future(ocr_pool._executor().submit(os.nice, 0))
    assert there == min(19, here + 7)


async def test_a_bomb_stopped_by_the_time_limit_spares_the_photo_behind_it(pool_config, tmp_path):
    endless, photo = tmp_path / "endless.pdf", tmp_path / "card.png"
    endless.write_bytes(bombs.pdf_bomb())
    photo.write_bytes(kit.png_bytes((640, 400)))
    await ocr_pool.analyze(photo)  # the pool is up (spawning is not part of the limit's test)
    bomb = asyncio.create_task(ocr_pool.analyze(endless))
    await asyncio.sleep(0.2)
    ordinary = await ocr_pool.analyze(photo)  # waits for the bomb's turn to end, then runs
    stopped = await bomb
    assert stopped["detail"] == "timeout" and stopped["quality"]["problems"] == ["unreadable_file"]
    assert ordinary.get("detail") not in ("timeout", "crashed")
