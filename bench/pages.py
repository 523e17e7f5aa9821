"""Benchmark of paper pages: document type, wrong-paper detection, verdicts, cleaning speed, PDF size.

    .venv/bin/python bench/pages.py                          # a fresh set from ocr/synth/paper
    .venv/bin/python bench/pages.py --seed 91000 --good 66 --bad 20 --pdfs 8 --big 10
    .venv/bin/python bench/pages.py --dir DIR                # score any set: DIR/labels.jsonl

`--dir` reads DIR/labels.jsonl, one JSON object a line (the format is in ocr/README.md):
    {"file": "x.jpg", "type": CONTRACT_TYPE, "pages": N, "good": true|false, "problem": CODE|null}
A bad row labelled "side": "back" (the back of a printed page) is its own class `back_side`,
recalled when "not_document" is among the problems and `metrics.page_side` is "back".

Scored:
- document type: good photos and PDFs whose recognised type is the labelled one; apart, that of
  the good photos labelled with a "curl" (the bend's amount: curled pages), `curled_type_accuracy`;
- wrong-paper detection: each good item presented to a step that asks for another paper (a
  different type chosen by the item's index); detected when ocr.pages.other_paper names a paper.
  Its false alarms: the same items presented to the step of their own type;
- good photos rejected (any quality problem) and, per bad class, the labelled problem reported;
- PDF page count ("pages" of ocr --json) against the label;
- cleaning time: the page decoded, checked, found, flattened, turned upright and evened out
  (analyze's decode + verdict + clean), p50 and p90, on the set and on `--big` 12 MP photos;
  wall-clock, so on a shared machine it carries the others' load: the CPU time of the whole
  check (clean and type, all threads: time.process_time) is given beside it;
- output PDF size per page (the cleaned page as the dossier's JPEG page).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ocr  # noqa: E402
from ocr.pages import other_paper  # noqa: E402
from ocr.pages.classify import catalog  # noqa: E402
from ocr.pages.pdf import build, encode_page  # noqa: E402


def pct(v, p):
    v = sorted(v)
    if not v:
        return float("nan")
    k = (len(v) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def clean_ms(t: dict) -> float:
    return t.get("verdict", 0.0) + t.get("decode_read", 0.0) + t.get("clean", 0.0)


def score(d: Path, verbose: bool = False) -> dict:
    rows = [json.loads(x) for x in (d / "labels.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    types = sorted(catalog())
    ocr.analyze(d / rows[0]["file"], expect="paper")  # warm up (models loaded in the threads)
    n_good = type_ok = rejected = 0
    curled = [0, 0]  # good photos labelled with a "curl" (issue 19): typed right, all
    wrong_n = wrong_hit = own_n = own_alarm = 0
    pdf_n = pdf_pages_ok = 0
    bad = defaultdict(lambda: [0, 0])
    per_type = defaultdict(lambda: [0, 0])
    confusions: Counter = Counter()
    times, sizes, total_ms = [], [], []
    cpu: list[float] = []
    for i, r in enumerate(rows):
        c0 = time.process_time()
        res = ocr.analyze(d / r["file"], expect="paper", keep_page=True)
        c1 = time.process_time()
        page = res.pop("_page", None)
        q, doc = res["quality"], res.get("document") or {}
        got = doc.get("type")
        if r["good"]:
            n_good += 1
            per_type[r["type"]][1] += 1
            if "curl" in r:
                curled[0] += got == r["type"]
                curled[1] += 1
            if got == r["type"]:
                type_ok += 1
                per_type[r["type"]][0] += 1
            else:
                confusions[(r["type"], got)] += 1
            if q["problems"]:
                rejected += 1
            if r["type"] in types:  # an "other" paper is never another contract paper
                asked = types[(types.index(r["type"]) + 1 + i % (len(types) - 1)) % len(types)]
                wrong_n += 1
                wrong_hit += other_paper(doc, asked) is not None
                own_n += 1
                own_alarm += other_paper(doc, r["type"]) is not None
            if str(r["file"]).lower().endswith(".pdf"):
                pdf_n += 1
                pdf_pages_ok += doc.get("pages", q["metrics"].get("pages")) == r.get("pages")
            if "clean" in res["timings_ms"]:
                times.append(clean_ms(res["timings_ms"]))
                total_ms.append(res["timings_ms"]["total"])
                cpu.append((c1 - c0) * 1000)
            if page is not None:
                sizes.append(len(encode_page(page)))
        elif r.get("side") == "back":  # the back of a printed page: its own class (side22)
            b = bad["back_side"]
            b[1] += 1
            b[0] += "not_document" in q["problems"] and q["metrics"].get("page_side") == "back"
        else:
            b = bad[r.get("problem") or "?"]
            b[1] += 1
            b[0] += (r.get("problem") in q["problems"]) if r.get("problem") else (not q["ok"])
        if verbose:
            print(
                f"{r['file']:44s} want={r['type']}/{r.get('problem')} got={got} {q['problems']}"
                f"{' side=' + str(q['metrics'].get('page_side')) if r.get('side') else ''}"
                f" {res['timings_ms'].get('total')} ms"
            )
    return {
        "items": len(rows),
        "good": n_good,
        "type_accuracy": type_ok / max(1, n_good),
        "curled_type_accuracy": curled[0] / curled[1] if curled[1] else None,
        "per_type": {k: f"{v[0]}/{v[1]}" for k, v in sorted(per_type.items())},
        "confusions": {f"{a}->{b}": c for (a, b), c in confusions.most_common(8)},
        "wrong_paper_detected": wrong_hit / max(1, wrong_n),
        "wrong_paper_false_alarm": own_alarm / max(1, own_n),
        "good_rejected": rejected / max(1, n_good),
        "bad_recall": {k: f"{v[0]}/{v[1]}" for k, v in sorted(bad.items())},
        "pdf_page_count_right": f"{pdf_pages_ok}/{pdf_n}",
        "clean_ms_p50": pct(times, 50),
        "clean_ms_p90": pct(times, 90),
        "clean_and_type_ms_p50": pct(total_ms, 50),
        "clean_and_type_cpu_ms_p50": pct(cpu, 50),
        "page_kb_p50": pct(sizes, 50) / 1000,
        "page_kb_max": max(sizes, default=0) / 1000,
    }


def big(n: int, seed: int) -> dict:
    """Cleaning time on 12 MP (3000x4000) JPEG photos, and the PDF of their pages."""
    from ocr.synth.paper import TYPES, make_document

    tmp = Path(tempfile.mkdtemp(prefix="pages-big-"))
    paths = []
    for i in range(n):
        data, _ = make_document(seed + i, TYPES[i % len(TYPES)], "good", (3000, 4000))[0]
        p = tmp / f"big_{i}.jpg"
        p.write_bytes(data)
        paths.append(p)
    ocr.analyze(paths[0], expect="paper")
    times, totals, jpegs, cpu = [], [], [], []
    for p in paths:
        t0, c0 = time.perf_counter(), time.process_time()
        res = ocr.analyze(p, expect="paper", keep_page=True)
        totals.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        times.append(clean_ms(res["timings_ms"]))
        if res.get("_page") is not None:
            jpegs.append(encode_page(res["_page"]))
    pdf = build(jpegs) if jpegs else b""
    return {
        "n": n,
        "clean_ms_p50": pct(times, 50),
        "clean_ms_p90": pct(times, 90),
        "pages_per_s_p50": 1000 / pct(times, 50) if times else 0.0,
        "clean_and_type_ms_p50": pct(totals, 50),
        "clean_and_type_cpu_ms_p50": pct(cpu, 50),
        "pdf_kb_per_page": len(pdf) / 1000 / max(1, len(jpegs)),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", type=Path, help="score DIR/labels.jsonl instead of generating a set")
    ap.add_argument("--seed", type=int, default=90000)
    ap.add_argument("--good", type=int, default=44)
    ap.add_argument("--bad", type=int, default=20)
    ap.add_argument("--pdfs", type=int, default=6)
    ap.add_argument("--back", type=int, default=0, help="photos of the back of a printed page")
    ap.add_argument("--big", type=int, default=6, help="12 MP photos for timing (0: none)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)
    if a.dir:
        d = a.dir
    else:
        from ocr.synth.paper import write_set

        name = f"motcua-pages-{a.seed}-{a.good}-{a.bad}-{a.pdfs}" + (f"-back{a.back}" if a.back else "")
        d = Path(os.environ.get("TMPDIR", "/tmp")) / name
        if not (d / "labels.jsonl").exists():
            write_set(d, a.good, a.bad, a.pdfs, a.seed, back=a.back)
    out = {"set": str(d), **score(d, a.verbose)}
    if a.big and not a.dir:
        out["12mp"] = big(a.big, a.seed + 50_000)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    if a.json:
        a.json.write_text(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
