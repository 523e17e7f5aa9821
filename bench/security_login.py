"""Officer login latency while decompression bombs are checked: does the web process keep
answering when citizens upload hostile PNGs and PDFs?

    .venv/bin/python bench/security_login.py [--logins 40] [--bombs 4] [--ocr-processes 1]

A real server (`python -m bot serve`, role all: web and worker in one process, SQLite) is started;
web chat sessions are walked to the first document step; then officer logins
(POST /api/v1/auth/token, argon2 included) are timed one after another, first with nothing else
going on, then while the sessions upload bombs (tests/security/bombs.py: a 49-megapixel PNG and
PDFs of page-wide strokes, uploaded again as soon as each is answered). Prints p50 / p95 / p99 / max
of both runs, the server's CPU time per login (process_cpu_seconds_total: the load-independent
cost), the server's own event-loop figures during the bombs (core/loop_monitor.py: how late
its 20 ms ticker woke, and how much of that was its own work rather than the machine's load), and
the load average (`os.getloadavg`), since wall times on a shared machine depend on it.
`--ocr-processes 0` checks photos in a thread of the server instead (the old way);
`--ocr-nice 0` runs the check processes at the web process's priority.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "security"))

import bombs  # noqa: E402
import security_kit as kit  # noqa: E402
from support import served  # noqa: E402

PASSWORD = "mat-khau-bench-12345"
STEPS = ("1. Có em bé", "2. Khai sinh", "1. Đồng ý", "2. Tôi là bố/mẹ bé")


async def thread(http, base: str) -> list[dict]:
    return (await (await http.get(base + "/webchat/api/messages?after=0&wait=0")).json())["messages"]


async def to_document_step(http, base: str, n: int) -> None:
    await http.get(base + "/chat", headers={"X-Forwarded-For": f"198.51.100.{n + 1}"})
    await http.post(base + "/webchat/api/messages", json={"text": "xin chào"})
    for title in STEPS:
        for _ in range(300):
            offered = [
                q
                for m in await thread(http, base)
                for q in m.get("quick_replies") or []
                if q["title"] == title
            ]
            if offered:
                break
            await asyncio.sleep(0.2)
        else:
            raise SystemExit(f"the dialogue never offered {title!r}")
        await http.post(
            base + "/webchat/api/messages", json={"payload": offered[-1]["payload"], "text": title}
        )
    for _ in range(300):
        if any("Bước 1/2" in (m["text"] or "") for m in await thread(http, base)):
            return
        await asyncio.sleep(0.2)


async def bomb_loop(http, base: str, name: str, data: bytes, stop: asyncio.Event, counts: list[int]) -> None:
    while not stop.is_set():
        last = max(m["id"] for m in await thread(http, base))
        form = aiohttp.FormData()
        form.add_field("file", data, filename=name)
        await http.post(base + "/webchat/api/upload", data=form)
        while not stop.is_set():
            if any(m["id"] > last and m["author"] == "bot" for m in await thread(http, base)):
                counts.append(1)
                break
            await asyncio.sleep(0.3)


async def logins(base: str, n: int) -> tuple[list[float], list[float]]:
    """n timed logins, each followed by a timed GET /healthz (the event loop's own latency,
    without argon2's CPU): (login ms, health ms)."""
    out, health = [], []
    async with aiohttp.ClientSession() as http:
        for _ in range(n):
            t0 = time.perf_counter()
            r = await http.post(base + "/api/v1/auth/token", json={"username": "lan", "password": PASSWORD})
            out.append((time.perf_counter() - t0) * 1000)
            assert r.status == 200, await r.text()
            t0 = time.perf_counter()
            await (await http.get(base + "/healthz")).read()
            health.append((time.perf_counter() - t0) * 1000)
    return out, health


def figures(ms: list[float]) -> str:
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return f"n={len(ms)} p50={q[49]:.0f} ms p95={q[94]:.0f} ms p99={q[98]:.0f} ms max={max(ms):.0f} ms"


async def run(base: str, args) -> None:
    files = [("bomb.png", bombs.png_bomb()), ("strokes.pdf", bombs.pdf_bomb(strokes=5000))]
    sessions = [aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) for _ in range(args.bombs)]
    try:
        await asyncio.gather(*(to_document_step(h, base, i) for i, h in enumerate(sessions)))
        await logins(base, 3)  # warm up
        async with aiohttp.ClientSession() as http:
            cpu0 = await kit.counter(http, base, "process_cpu_seconds_total")
            quiet = await logins(base, args.logins)
            cpu_per_login = (await kit.counter(http, base, "process_cpu_seconds_total") - cpu0) / args.logins
        stop, counts = asyncio.Event(), []
        loops = [
            asyncio.create_task(bomb_loop(h, base, *files[i % len(files)], stop, counts))
            for i, h in enumerate(sessions)
        ]
        await asyncio.sleep(1.0)  # the first bombs are being checked
        async with aiohttp.ClientSession() as http:
            before = [
                await kit.histogram(http, base, f"motcua_event_loop_{n}_seconds") for n in ("lag", "block")
            ]
            load_before = os.getloadavg()
            loaded = await logins(base, args.logins)
            load_after = os.getloadavg()
            after = [
                await kit.histogram(http, base, f"motcua_event_loop_{n}_seconds") for n in ("lag", "block")
            ]
        stop.set()
        for result in await asyncio.gather(*loops, return_exceptions=True):
            if isinstance(result, Exception):
                print("a bomb loop failed:", repr(result)[:300])
    finally:
        for h in sessions:
            await h.close()
    print(
        f"ocr_processes={args.ocr_processes}, ocr_nice={args.ocr_nice}, {args.bombs} sessions uploading bombs; "
        f"load average {load_before[0]:.1f} before the loaded run, {load_after[0]:.1f} after"
    )
    print(f"  logins, quiet:         {figures(quiet[0])}")
    print(f"  server CPU per quiet login (with its /healthz): {cpu_per_login * 1000:.0f} ms")
    print(f"  logins, during bombs:  {figures(loaded[0])}  ({len(counts)} uploads answered meanwhile)")
    print(f"  /healthz, quiet:       {figures(quiet[1])}")
    print(f"  /healthz, during bombs: {figures(loaded[1])}")
    print(f"  loop lag, during bombs (20 ms ticks):  {kit.histogram_summary(before[0], after[0])}")
    print(f"  loop blocked by its own work, idem:    {kit.histogram_summary(before[1], after[1])}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--logins", type=int, default=40)
    ap.add_argument("--bombs", type=int, default=4)
    ap.add_argument("--ocr-processes", type=int, default=1)
    ap.add_argument("--ocr-nice", type=int, default=10)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "OCR_PROCESSES": str(args.ocr_processes),
            "OCR_NICE": str(args.ocr_nice),
            "TRUSTED_PROXIES": "127.0.0.1",
            "OCR_TIMEOUT_S": "60",
        }
        with served(Path(tmp), officers=(("lan", "DEMO", "officer", PASSWORD),), env=env) as base:
            asyncio.run(run(base, args))


if __name__ == "__main__":
    main()
