"""Benchmark of nlu/: training time, artefact load time and parse latency (p50/p99).

    .venv/bin/python bench/nlu.py                  # 20 000 parses of the dev, own-split + training texts
    .venv/bin/python bench/nlu.py --parses 5000 --json out.json

Parse = the whole embedded ``parse_sync``: normalisation, intent scoring and all entity
extractors. Training = fitting from nlu/data/nlu.yml with no cache (sklearn already imported,
and once more in a fresh interpreter to include imports).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# this file is called nlu.py: make sure `import nlu` finds the package, not this script
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from nlu.data import load_nlu_data  # noqa: E402
from nlu.embedded import DATA_FILE, EmbeddedNLU, load_config, train_model  # noqa: E402

# latency texts: the development set and the own split (the held-out sets are only ever scored)
LATENCY_SETS = (ROOT / "nlu" / "tests" / "dev.yml", ROOT / "tests" / "nlu" / "own_split.yml")


def pct(values: list[float], p: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--parses", type=int, default=20000)
    ap.add_argument("--train-runs", type=int, default=3)
    ap.add_argument("--json", help="write the figures to this file too")
    args = ap.parse_args(argv)

    data = load_nlu_data(DATA_FILE)
    cfg = load_config()
    out: dict[str, float | int | str] = {"examples": len(data.examples)}

    # cold training: a fresh interpreter, imports included, no cache
    code = (
        "import time; t=time.perf_counter();"
        "from nlu.embedded import EmbeddedNLU;"
        "EmbeddedNLU.load(var_path=None, use_cache=False, use_artefact=False);"
        "print(time.perf_counter()-t)"
    )
    cold = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    out["train_cold_s"] = round(float(cold.stdout.strip().splitlines()[-1]), 3)  # incl. imports

    train_model(data, cfg)  # warm-up (imports)
    times = []
    cpus = []
    for _ in range(args.train_runs):
        c0 = time.process_time()
        t0 = time.perf_counter()
        model = train_model(data, cfg)
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    out["train_warm_s"] = round(min(times), 3)
    out["train_warm_cpu_s"] = round(min(cpus), 3)
    out["features"] = len(model.vocab_list)

    with tempfile.TemporaryDirectory() as tmp:
        EmbeddedNLU.load(var_path=tmp, use_cache=False)  # trains and writes the artefact
        loads = []
        for _ in range(5):
            t0 = time.perf_counter()
            inst = EmbeddedNLU.load(var_path=tmp, use_cache=False)
            loads.append(time.perf_counter() - t0)
            assert inst.source == "artefact"
        out["artefact_load_ms"] = round(1000 * min(loads), 2)
        out["artefact_bytes"] = sum(f.stat().st_size for f in (Path(tmp) / "nlu").iterdir())
        EmbeddedNLU.load(var_path=tmp)
        t0 = time.perf_counter()
        for _ in range(100):
            EmbeddedNLU.load(var_path=tmp)  # memoised construction, as the app and tests do
        out["memo_construct_ms"] = round(1000 * (time.perf_counter() - t0) / 100, 3)

    nlu = EmbeddedNLU.load(var_path=None, agency_code="DEMO")
    texts = [e.text for e in load_nlu_data(*LATENCY_SETS).examples] + [e.text for e in data.examples]
    texts.append(
        "Dạ em chào anh chị, em tên Lan ở tổ 5, vợ chồng em vừa sinh bé thứ hai hôm 05/03/2026 "
        "tại bệnh viện huyện, sđt em 0912 345 678, cccd 001099012345, giờ em muốn làm khai sinh "
        "và bảo hiểm y tế cho bé luôn thì cần chuẩn bị những giấy tờ gì ạ, hồ sơ cũ DEMO-261120-0001"
    )
    for t in texts[:200]:
        nlu.parse_sync(t)  # warm-up
    lat = []
    cpu = []
    n = 0
    while n < args.parses:
        for t in texts:
            c0 = time.thread_time_ns()
            t0 = time.perf_counter_ns()
            nlu.parse_sync(t)
            lat.append((time.perf_counter_ns() - t0) / 1e6)
            cpu.append((time.thread_time_ns() - c0) / 1e6)
            n += 1
            if n >= args.parses:
                break
    out["parses"] = len(lat)
    out["parse_p50_ms"] = round(pct(lat, 50), 4)
    out["parse_p99_ms"] = round(pct(lat, 99), 4)
    out["parse_max_ms"] = round(max(lat), 4)
    out["parse_mean_ms"] = round(statistics.fmean(lat), 4)
    # CPU time of the parsing thread: what the code costs, without time lost to other
    # processes on a busy machine (compare with the wall-clock figures above)
    out["parse_cpu_p50_ms"] = round(pct(cpu, 50), 4)
    out["parse_cpu_p99_ms"] = round(pct(cpu, 99), 4)
    out["load_average_1m"] = round(os.getloadavg()[0], 2)
    out["cpu"] = f"{os.cpu_count()} cpu, python {sys.version.split()[0]}"

    width = max(len(k) for k in out)
    for k, v in out.items():
        print(f"{k:<{width}}  {v}")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
