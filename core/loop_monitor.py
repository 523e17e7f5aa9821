"""Event-loop lag, measured from inside the process: a ticker that asks to wake every 20 ms
records how late it woke (LOOP_LAG, wall time) and how much of that lateness the loop's own thread
spent on the CPU (LOOP_BLOCK).

On a shared machine wall-time lag mixes two causes: the loop busy with work (a decode, a hash, a
big JSON answer on the loop: our fault) and the process waiting for a core (the machine's load).
The CPU time of the loop's thread only grows with the first, so `min(lag, cpu)` is the part of the
lag the loop caused itself; tests assert on it, benchmarks report both. (Work in another thread
that holds the GIL would show as lag without CPU: the checks that matter here — argon2, image
decoding — release it.)
"""

from __future__ import annotations

import asyncio
import time

from core import metrics as m

TICK_S = 0.02


async def watch(tick_s: float = TICK_S) -> None:
    """Run until cancelled (bot/app.py starts it with the server)."""
    loop = asyncio.get_running_loop()
    while True:
        planned = loop.time() + tick_s
        cpu0 = time.thread_time()
        await asyncio.sleep(tick_s)
        lag = max(0.0, loop.time() - planned)
        cpu = time.thread_time() - cpu0
        m.LOOP_LAG.observe(lag)
        m.LOOP_BLOCK.observe(min(lag, cpu))


def start() -> asyncio.Task:
    return asyncio.get_running_loop().create_task(watch(), name="loop-monitor")
