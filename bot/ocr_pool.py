"""Photo and PDF checks in worker processes, so that a hostile upload (a decompression bomb, a
PDF of a thousand pages) costs a bounded number of other processes' CPU and never the event
loop of the process that answers HTTP (logins, webhooks) — in the `all` role they share one.

OCR_PROCESSES processes (spawned, not forked: the parent has threads) take the checks, at a
lower CPU priority (OCR_NICE added to their niceness): on a machine with few cores a stream of bombs
then takes the CPU the web process leaves, never the other way round. At most OCR_PROCESSES
checks (fewer if OCR_QUEUE_MAX says so) are handed to the pool at once per event loop, so each
starts at once in a process of its own and its time limit counts its own run, not a wait behind
a bomb; further callers wait their turn in the worker (at most WORKER_CONCURRENCY per worker). A
check that runs longer than OCR_TIMEOUT_S, or kills its process, ends with an "unreadable_file"
verdict and a fresh pool; a check whose process was killed for another check's sake (with
OCR_PROCESSES > 1) is run once more on the fresh pool. OCR_PROCESSES=0 runs the checks in a
thread instead.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import threading
import weakref
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import ocr

# imported with the server (175 ms of CPU), not on the event loop at the first paper's scan
from ocr.scan import scan as scan_pages

log = logging.getLogger(__name__)

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_config = {"processes": 1, "queue": 4, "timeout": 60.0, "nice": 10}
_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def configure(settings) -> None:
    _config.update(
        processes=settings.ocr_processes,
        queue=max(1, settings.ocr_queue_max),
        timeout=settings.ocr_timeout_s,
        nice=max(0, settings.ocr_nice),
    )


def _lower_priority(increment: int) -> None:
    """The pool processes' initializer: yield the CPU to the web process."""
    import os

    try:
        os.nice(increment)
    except OSError:  # not allowed here: keep the inherited priority
        pass


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=int(_config["processes"]),
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_lower_priority,
                initargs=(int(_config["nice"]),),
            )
        return _pool


def _reset(pool: ProcessPoolExecutor) -> None:
    """Drop a pool that broke or hangs: kill its processes, the next check starts a new one."""
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    for process in list((getattr(pool, "_processes", None) or {}).values()):  # no public way to kill
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def _gate() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    gate = _gates.get(loop)
    if gate is None:
        gate = _gates[loop] = asyncio.Semaphore(max(1, min(int(_config["queue"]), int(_config["processes"]))))
    return gate


def _failed(detail: str) -> dict[str, Any]:
    return {"file": "", "quality": {"ok": False, "problems": ["unreadable_file"], "metrics": {}},
            "document": None, "timings_ms": {}, "detail": detail}  # fmt: skip


async def analyze(path: str | Path, expect: str | None = None) -> dict[str, Any]:
    """`ocr.analyze(path, expect)` off this process (or in a thread with OCR_PROCESSES=0)."""
    return await _run(ocr.analyze, path, expect, failed=_failed)


def stray_check(path: str) -> dict[str, Any]:
    """A photo sent where none was asked for, in one pool job (one OCR_TIMEOUT_S for the whole):
    its quality, as any photo; a good one that is no ID card is also typed as a paper (a giấy báo
    tử: the dialogue names the life event it belongs to). Read only: nothing is stored."""
    result = ocr.analyze(path, None)
    kind = (result.get("document") or {}).get("type")
    if not result.get("quality", {}).get("ok") or kind not in (None, "other"):
        return result
    paper = ocr.analyze(path, "paper").get("document") or {}
    if paper.get("type") not in (None, "other"):
        result = {**result, "document": paper}
    return result


async def stray(path: str | Path) -> dict[str, Any]:
    """`stray_check(path)` off this process: the quality check and the paper typing share one
    job and one time limit, so a turn never waits two OCR_TIMEOUT_S."""
    return await _run(stray_check, path, failed=_failed)


async def scan(path: str | Path) -> dict[str, Any]:
    """`ocr.scan.scan(path)` (every page of a paper checked, cleaned and typed), off this process."""

    def failed(detail: str) -> dict[str, Any]:
        return {"result": _failed(detail), "pages": [], "page_count": 0}

    return await _run(scan_pages, path, failed=failed)


async def _run(fn: Any, path: str | Path, *args: Any, failed: Any) -> dict[str, Any]:
    if int(_config["processes"]) <= 0:
        return await asyncio.to_thread(fn, path, *args)
    async with _gate():
        for attempt in (1, 2):
            pool = _executor()
            try:
                future = asyncio.wrap_future(pool.submit(fn, str(path), *args))
                return await asyncio.wait_for(future, timeout=float(_config["timeout"]))
            except TimeoutError:
                log.warning("photo check of %s took over %ss: stopped", path, _config["timeout"])
                _reset(pool)
                return failed("timeout")
            except (BrokenProcessPool, RuntimeError, asyncio.CancelledError) as exc:
                task = asyncio.current_task()
                if isinstance(exc, asyncio.CancelledError) and task is not None and task.cancelling():
                    raise  # this caller is being cancelled, not the pool's future
                # its process died: this check's doing, or another's timeout killed the pool
                # (RuntimeError: submitted to a pool shut down meanwhile) — once more on a fresh one
                _reset(pool)
                if attempt == 2:
                    log.warning("photo check of %s ended its process: a new pool is started", path)
                    return failed("crashed")
        return failed("crashed")  # not reached
