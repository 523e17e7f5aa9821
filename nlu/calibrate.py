"""Calibrate the embedded classifier on the *training* data only (k-fold cross-validation):

    python -m nlu.calibrate [--folds 5] [--grid]

Prints cross-validated accuracy / macro F1 for the configured settings (or a small grid of
C and char n-gram ranges with --grid) and, for a range of thresholds, the macro F1 obtained
when every prediction under the threshold becomes ``out_of_scope``. The chosen threshold is
then written by hand into nlu/embedded.yml. The evaluation files nlu/tests/heldout.yml and
dev.yml are never read here.
"""

from __future__ import annotations

import argparse
import random
import sys
from typing import Any

from .data import load_nlu_data
from .embedded import CONFIG_FILE, DATA_FILE, FALLBACK_INTENT, IntentModel, elsewhere_rule, load_config
from .entities import ProcedureMatcher, extract_entities


def _macro_f1(gold: list[str], pred: list[str]) -> float:
    labels = sorted(set(gold))
    f1s = []
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred) if g == lab and p != lab)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s)


def cross_validate(cfg: dict[str, Any], folds: int, seed: int = 13) -> list[tuple[str, str, float]]:
    """(gold, predicted, confidence) for every training example, predicted by a model that
    did not see it. Folds are stratified by intent."""
    data = load_nlu_data(DATA_FILE)
    by_intent: dict[str, list[Any]] = {}
    for ex in data.examples:
        by_intent.setdefault(ex.intent, []).append(ex)
    rng = random.Random(seed)
    fold_of: dict[int, int] = {}
    for exs in by_intent.values():
        exs = exs[:]
        rng.shuffle(exs)
        for i, ex in enumerate(exs):
            fold_of[id(ex)] = i % folds
    # the elsewhere rule (embedded.yml) needs the procedure matcher (synonyms of all the data)
    rule = ProcedureMatcher.from_config(data.synonyms, cfg) if cfg.get("elsewhere_rule") else None
    out = []
    for k in range(folds):
        train = [e for e in data.examples if fold_of[id(e)] != k]
        test = [e for e in data.examples if fold_of[id(e)] == k]
        model = IntentModel.train([e.text for e in train], [e.intent for e in train], cfg)
        for e in test:
            ranking, _ = model.predict(e.text)
            if rule is not None:
                ents = extract_entities(e.text, rule)
                ranking = elsewhere_rule(e.text, ranking, ents, rule, model.spec)
            name, conf = ranking[0] if ranking else (FALLBACK_INTENT, 1.0)
            out.append((e.intent, name, conf))
    return out


def report(results: list[tuple[str, str, float]], label: str) -> None:
    gold = [g for g, _, _ in results]
    pred = [p for _, p, _ in results]
    acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    print(f"{label}: accuracy {acc:.4f}  macro F1 {_macro_f1(gold, pred):.4f}")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="nlu.calibrate")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--grid", action="store_true")
    args = ap.parse_args(argv)
    base = load_config(CONFIG_FILE)
    if args.grid:
        for C in (5.0, 10.0, 20.0, 50.0):
            for cmin, cmax in ((1, 4), (2, 5), (2, 6)):
                cfg = dict(base, C=C, char_min=cmin, char_max=cmax)
                report(cross_validate(cfg, args.folds), f"C={C:<5} chars {cmin}-{cmax}")
        return 0
    results = cross_validate(base, args.folds)
    report(results, "configured")
    gold = [g for g, _, _ in results]
    print("\nthreshold  macroF1  accuracy  in-scope answered  out_of_scope recall")
    for t in [x / 100 for x in range(10, 62, 4)]:
        pred = [p if c >= t else FALLBACK_INTENT for _, p, c in results]
        acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
        ins = [(g, p) for g, p in zip(gold, pred) if g != FALLBACK_INTENT]
        answered = sum(1 for g, p in ins if p != FALLBACK_INTENT) / len(ins)
        oos = [(g, p) for g, p in zip(gold, pred) if g == FALLBACK_INTENT]
        oos_rec = sum(1 for g, p in oos if p == FALLBACK_INTENT) / len(oos) if oos else 0.0
        print(f"{t:9.2f}  {_macro_f1(gold, pred):7.4f}  {acc:8.4f}  {answered:17.4f}  {oos_rec:19.4f}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
