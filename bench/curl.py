"""Curl flattening on strongly curled pages of generator A: the same photos read with it off and on.

    PYTHONPATH=$PWD .venv/bin/python bench/curl.py --seed 330000 --n 24

A set of `n` good photos whose pages are bent 2.5-4 % of their height (`--amount`) ("bow" and "edge" by turns),
each with its seed's own photo beside it (ocr.synth.paper.write_curled_set), is analysed twice
(ocr.pages.curl.ENABLED off, then on). Per kind of photo (curled, the seed's own) and per run:
type accuracy, Tesseract's word confidence on the cleaned page's body band (ocr.pages.legible:
the mean, and the share of words at 0.6 or more), how bent the lines of the cleaned page still are
(ocr.pages.curl.measure: the bend in line heights, median and 90th percentile), the pages the gate
let through, and the flattening's time per page (p50, p90).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ocr  # noqa: E402
from bench.pages import pct  # noqa: E402
from ocr.pages import curl, legible  # noqa: E402


def bend_lines(page) -> float | None:
    f, _ = curl.measure(page)
    return None if f is None else f["bend"] / f["line_h"]


def run(d: Path, on: bool) -> dict[str, dict]:
    curl.ENABLED = on
    rows = [json.loads(x) for x in (d / "labels.jsonl").read_text(encoding="utf-8").splitlines() if x]
    out = {}
    for r in rows:
        res = ocr.analyze(d / r["file"], expect="paper", keep_page=True)
        page = res.pop("_page", None)
        doc = res.get("document") or {}
        confs = legible.body_confidences(page) if page is not None else []
        out[r["file"]] = {
            "curled": "curl" in r,
            "type_ok": doc.get("type") == r["type"],
            "confs": confs,
            "bend": bend_lines(page) if page is not None else None,
            "gate": (doc.get("checks") or {}).get("curl", 0.0),
            "ms": res["timings_ms"].get("clean"),
        }
    return out


def summary(items: list[dict]) -> dict:
    confs = [c for it in items for c in it["confs"]]
    bends = [it["bend"] for it in items if it["bend"] is not None]
    return {
        "n": len(items),
        "type_accuracy": round(sum(it["type_ok"] for it in items) / max(1, len(items)), 3),
        "word_conf_mean": round(sum(confs) / max(1, len(confs)), 3),
        "words_sure_share": round(sum(c >= legible.WORD_CONF for c in confs) / max(1, len(confs)), 3),
        "words": len(confs),
        "bend_lines_p50": round(pct(bends, 50), 2),
        "bend_lines_p90": round(pct(bends, 90), 2),
        "flattened": sum(bool(it["gate"]) for it in items),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=330_000)
    ap.add_argument("--n", type=int, default=24)
    ap.add_argument("--amount", type=float, nargs=2, default=(0.025, 0.04), help="the bend's range")
    ap.add_argument("--dir", type=Path, help="a set written by write_curled_set")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)
    d = (
        a.dir
        or Path(os.environ.get("TMPDIR", "/tmp")) / f"motcua-curl-{a.seed}-{a.n}-{a.amount[0]}-{a.amount[1]}"
    )
    if not (d / "labels.jsonl").exists():
        from ocr.synth.paper import write_curled_set

        write_curled_set(d, a.n, a.seed, tuple(a.amount))
    first = sorted(d.glob("*.jpg"))[0]
    ocr.analyze(first, expect="paper")  # warm up
    runs = {"off": run(d, False), "on": run(d, True)}
    curl.ENABLED = True
    report: dict = {"set": str(d)}
    for kind in ("curled", "own"):
        for name, res in runs.items():
            items = [v for v in res.values() if v["curled"] == (kind == "curled")]
            report[f"{kind}_{name}"] = summary(items)
    ms = [v["ms"] for v in runs["on"].values() if v["ms"] is not None]
    report["clean_ms_p50_on"], report["clean_ms_p90_on"] = round(pct(ms, 50), 1), round(pct(ms, 90), 1)
    if a.verbose:
        per = defaultdict(dict)
        for name, res in runs.items():
            for f, v in res.items():
                c = v["confs"]
                per[f][name] = (
                    v["type_ok"],
                    round(sum(c) / max(1, len(c)), 2),
                    v["bend"] and round(v["bend"], 2),
                    v["gate"],
                )
        for f, v in sorted(per.items()):
            print(f"{f:44s} off={v['off']} on={v['on']}")
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
