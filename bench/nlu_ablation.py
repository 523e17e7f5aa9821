"""Ablation of the embedded classifier's settings: dev set, the own held-out splits (as written
and diacritic-stripped) and repeated k-fold cross-validation of the training data.

    .venv/bin/python bench/nlu_ablation.py                          # configured settings
    .venv/bin/python bench/nlu_ablation.py C=10 char_max=6          # overrides of nlu/embedded.yml
    .venv/bin/python bench/nlu_ablation.py --seeds 3 --folds 5 --no-cv

Only aggregate figures are printed (accuracy, macro F1, the F1 of the weakest intents); the
texts of the own splits are never shown. The held-out sets under nlu/tests/ other than dev.yml
are never read.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from nlu.calibrate import _macro_f1, cross_validate  # noqa: E402
from nlu.data import load_nlu_data  # noqa: E402
from nlu.embedded import CONFIG_FILE, DATA_FILE, EmbeddedNLU, load_config, train_model  # noqa: E402
from nlu.entities import ProcedureMatcher  # noqa: E402
from nlu.evaluate import evaluate  # noqa: E402

SETS = {
    "dev": ROOT / "nlu" / "tests" / "dev.yml",
    "own_a": ROOT / "tests" / "nlu" / "own_split.yml",
    "own_b": ROOT / "tests" / "nlu" / "own_split_b.yml",
    "own_c": ROOT / "tests" / "nlu" / "own_split_c.yml",
    "own_d": ROOT / "tests" / "nlu" / "own_split_d.yml",
    "own_e": ROOT / "tests" / "nlu" / "own_split_e.yml",
}


def _value(raw: str) -> object:
    for cast in (int, float):
        try:
            return cast(raw)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(raw.lower(), raw)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="nlu_ablation")
    ap.add_argument("overrides", nargs="*", help="key=value overrides of nlu/embedded.yml")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--no-cv", action="store_true")
    args = ap.parse_args(argv)
    cfg = load_config(CONFIG_FILE)
    for item in args.overrides:
        key, _, raw = item.partition("=")
        cfg[key] = _value(raw)
    data = load_nlu_data(DATA_FILE)
    t0 = time.process_time()
    model = train_model(data, cfg)
    train_cpu = time.process_time() - t0
    nlu = EmbeddedNLU(model, ProcedureMatcher.from_config(data.synonyms, cfg), cfg)
    print(f"overrides: {' '.join(args.overrides) or '-'}   train CPU {train_cpu:.2f} s")
    for name, path in SETS.items():
        if not path.exists():
            continue
        exs = load_nlu_data(path).examples
        r = evaluate(nlu.parse_sync, exs)
        s = evaluate(nlu.parse_sync, exs, strip=True)
        weak = sorted(r["per_intent"].items(), key=lambda kv: kv[1]["f1"])[:3]
        weak_s = ", ".join(f"{k} {v['f1']:.2f}" for k, v in weak)
        print(
            f"{name:6} n={r['examples']:4}  acc {r['accuracy']:.4f}  mF1 {r['macro_f1']:.4f}"
            f"  stripped acc {s['accuracy']:.4f}   weakest: {weak_s}"
        )
    if not args.no_cv:
        accs, f1s = [], []
        for seed in range(13, 13 + args.seeds):
            res = cross_validate(cfg, args.folds, seed=seed)
            gold = [g for g, _, _ in res]
            pred = [p if c >= float(cfg.get("threshold", 0.3)) else "out_of_scope" for _, p, c in res]
            accs.append(sum(g == p for g, p in zip(gold, pred)) / len(gold))
            f1s.append(_macro_f1(gold, pred))
        sd = statistics.pstdev(accs) if len(accs) > 1 else 0.0
        print(
            f"CV {args.seeds}x{args.folds}: acc {statistics.mean(accs):.4f} (sd {sd:.4f})"
            f"  mF1 {statistics.mean(f1s):.4f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
