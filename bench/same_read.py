"""The full read of two versions of the code on the very same photos: outputs compared (every field,
source, confidence, check, type and verdict; only `timings_ms` left out) and CPU / wall time per photo.

    # "before": another checkout of the code, e.g. main as a git archive
    git archive main | (mkdir -p /tmp/before && tar -x -C /tmp/before)
    PYTHONPATH=$PWD .venv/bin/python bench/same_read.py --before /tmp/before --seed 30200000 \\
        --small 40 --big 20 --dir /tmp/same30200000 [--rounds 2] [--json out.json]

Photos come from generator A (`bench/ocr.py`'s naming; good photos of the five sides in turn,
1600x1200 from seed+10000, 12 MP from seed+30000, as `bench/ocr.py --seed-offset` makes them).
Each version runs in its own process (one warm-up read first); the two read the photos in turn,
photo by photo, so the machine's load falls on both alike. Exit status 1 when any output differs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WORKER = r"""
import json, sys, time
import ocr
for line in sys.stdin:
    p = line.strip()
    c0, w0 = time.process_time(), time.perf_counter()
    r = ocr.analyze(p, expect="id_card")
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    t = r.pop("timings_ms", {})
    print(json.dumps({"cpu": cpu * 1000, "wall": wall * 1000, "steps": t, "out": r},
                     ensure_ascii=False, sort_keys=True, default=str), flush=True)
"""


def _worker(code: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(code), PYTHONHASHSEED="0")
    return subprocess.Popen(
        [sys.executable, "-c", WORKER], cwd=str(code), env=env, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True, bufsize=1,
    )  # fmt: skip


def _ask(w: subprocess.Popen, path: Path) -> dict:
    assert w.stdin is not None and w.stdout is not None
    w.stdin.write(f"{path}\n")
    w.stdin.flush()
    return json.loads(w.stdout.readline())


def photos(seed: int, small: int, big: int, outdir: Path) -> list[Path]:
    sys.path.insert(0, str(ROOT))
    from bench.ocr import gen
    from ocr.synth import KINDS

    tasks = [(seed + 10_000 + i, KINDS[i % 5], "good", (1600, 1200), "a") for i in range(small)]
    tasks += [(seed + 30_000 + i, KINDS[i % 5], "good", (4000, 3000), "a") for i in range(big)]
    outdir.mkdir(parents=True, exist_ok=True)
    return [p for p, _t in gen(tasks, outdir)]


def pct(v: list[float], p: float) -> float:
    v = sorted(v)
    k = (len(v) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True, help="root of the other version of the code")
    ap.add_argument("--after", default=str(ROOT), help="root of this version (default: this checkout)")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--small", type=int, default=40, help="1600x1200 photos")
    ap.add_argument("--big", type=int, default=20, help="12 MP photos")
    ap.add_argument("--rounds", type=int, default=1, help="read every photo this many times")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--json", default=None)
    a = ap.parse_args(argv)
    paths = photos(a.seed, a.small, a.big, Path(a.dir))
    ws = {"before": _worker(Path(a.before)), "after": _worker(Path(a.after))}
    for w in ws.values():
        _ask(w, paths[0])  # warm-up: the models load in the pool's threads
    rows: dict[str, dict[str, list]] = {k: {} for k in ws}
    diffs = []
    for rnd in range(a.rounds):
        for i, p in enumerate(paths):
            order = ["before", "after"] if (i + rnd) % 2 == 0 else ["after", "before"]
            got = {k: _ask(ws[k], p) for k in order}
            for k in ws:
                rows[k].setdefault(str(p), []).append(got[k])
            if rnd == 0 and got["before"]["out"] != got["after"]["out"]:
                diffs.append(p.name)
                print(f"DIFFERENT {p.name}", file=sys.stderr)
    for w in ws.values():
        assert w.stdin is not None
        w.stdin.close()
        w.wait()
    res: dict = {"photos": len(paths), "different": diffs, "time": {}}
    for size, big in (("1600x1200", False), ("12MP", True)):
        sel = [str(p) for p in paths if ("-4000.jpg" in p.name) == big]
        for k in ws:
            cpu = [r["cpu"] for s in sel for r in rows[k][s]]
            wall = [r["wall"] for s in sel for r in rows[k][s]]
            if cpu:
                res["time"][f"{size} {k}"] = {
                    "n": len(cpu),
                    "cpu_p50": round(pct(cpu, 50)), "cpu_p90": round(pct(cpu, 90)),
                    "wall_p50": round(pct(wall, 50)), "wall_p90": round(pct(wall, 90)),
                }  # fmt: skip
    print(json.dumps(res, indent=1))
    if a.json:
        Path(a.json).write_text(json.dumps({"summary": res, "rows": rows}, ensure_ascii=False, default=str))
    return 1 if diffs else 0


if __name__ == "__main__":
    t0 = time.time()
    rc = main()
    print(f"{time.time() - t0:.0f} s", file=sys.stderr)
    sys.exit(rc)
