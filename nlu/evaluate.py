"""Scoring an intent classifier on labelled examples: accuracy, macro F1, per-intent P/R/F1."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from .text import strip_diacritics


def evaluate(
    parse: Callable[[str], dict[str, Any]], examples: list[Any], strip: bool = False
) -> dict[str, Any]:
    """Accuracy, macro F1 (over the gold intents), per-intent P/R/F1 and the top confusions."""
    gold: list[str] = []
    pred: list[str] = []
    errors = []
    for ex in examples:
        text = strip_diacritics(ex.text) if strip else ex.text
        got = parse(text)["intent"]["name"]
        gold.append(ex.intent)
        pred.append(got)
        if got != ex.intent:
            errors.append({"text": text, "intent": ex.intent, "predicted": got})
    labels = sorted(set(gold))
    per: dict[str, dict[str, float]] = {}
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred) if g == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[lab] = {
            "precision": round(prec, 4),
            "recall": round(rec, 4),
            "f1": round(f1, 4),
            "support": tp + fn,
        }
    n = len(gold)
    accuracy = sum(1 for g, p in zip(gold, pred) if g == p) / n if n else 0.0
    macro = sum(v["f1"] for v in per.values()) / len(per) if per else 0.0
    conf = Counter((g, p) for g, p in zip(gold, pred) if g != p)
    return {
        "examples": n,
        "accuracy": round(accuracy, 4),
        "macro_f1": round(macro, 4),
        "per_intent": per,
        "confusions": [{"intent": g, "predicted": p, "count": c} for (g, p), c in conf.most_common(10)],
        "errors": errors,
    }
