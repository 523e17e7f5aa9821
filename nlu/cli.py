"""``python -m bot nlu ...`` (wired by the bot to ``nlu.cli.main(argv)``); also
``python -m nlu.cli ...``.

    parse TEXT [--json] [--strip]   one parse
    test FILE [--json] [--strip] [--unseen]
                                    evaluate on a Rasa-format NLU YAML file

``--strip`` removes all diacritics from the input first (to measure diacritic-insensitivity).
``--unseen`` leaves out the examples that equal a training example once normalised (short
replies such as "ok" or "xin chào", which any independent set shares with the training data).
Always the embedded classifier, so results do not depend on a running Rasa server.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .data import load_nlu_data
from .text import strip_diacritics


def _embedded() -> Any:
    from .embedded import EmbeddedNLU

    var_path = None
    agency = None
    try:
        from core.settings import load_settings

        settings = load_settings()
        var_path, agency = settings.var_path, settings.agency_code
    except Exception:  # the CLI also works outside the app (no config.yml)
        pass
    return EmbeddedNLU.load(var_path=var_path, agency_code=agency)


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


def _print_report(r: dict[str, Any], out: Any) -> None:
    print(
        f"examples: {r['examples']}   accuracy: {r['accuracy']:.4f}   macro F1: {r['macro_f1']:.4f}", file=out
    )
    print(f"\n{'intent':<22}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}", file=out)
    for lab, v in r["per_intent"].items():
        print(
            f"{lab:<22}{v['precision']:>10.3f}{v['recall']:>10.3f}{v['f1']:>10.3f}{v['support']:>9}", file=out
        )
    if r["confusions"]:
        print("\ntop confusions (intent -> predicted: count)", file=out)
        for c in r["confusions"]:
            print(f"  {c['intent']} -> {c['predicted']}: {c['count']}", file=out)
    if r["errors"]:
        print("\nerrors", file=out)
        for e in r["errors"]:
            print(f"  [{e['intent']} -> {e['predicted']}] {e['text']}", file=out)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="nlu", description="MotCua NLU (embedded classifier)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("parse", help="parse one message")
    p.add_argument("text", nargs="+")
    p.add_argument("--json", action="store_true")
    p.add_argument("--strip", action="store_true", help="remove diacritics first")
    t = sub.add_parser("test", help="evaluate on a Rasa-format NLU YAML file")
    t.add_argument("file")
    t.add_argument("--json", action="store_true")
    t.add_argument("--strip", action="store_true", help="remove diacritics from every example first")
    t.add_argument(
        "--unseen",
        action="store_true",
        help="leave out examples equal to a training example after normalisation",
    )
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    nlu = _embedded()
    if args.cmd == "parse":
        text = " ".join(args.text)
        if args.strip:
            text = strip_diacritics(text)
        r = nlu.parse_sync(text)
        if args.json:
            out = {
                "intent": {"name": r["intent"]["name"], "confidence": r["intent"]["confidence"]},
                "entities": [{k: e[k] for k in ("entity", "value", "start", "end")} for e in r["entities"]],
            }
            print(json.dumps(out, ensure_ascii=False))
        else:
            print(f"intent: {r['intent']['name']} ({r['intent']['confidence']:.3f})")
            for alt in r["intent_ranking"][1:4]:
                print(f"   also: {alt['name']} ({alt['confidence']:.3f})")
            for e in r["entities"]:
                print(
                    f"entity: {e['entity']} = {e['value']}   [{e['start']}:{e['end']}] {text[e['start'] : e['end']]!r}"
                )
        return 0
    path = Path(args.file)
    if not path.exists():
        print(f"no such file: {path}", file=sys.stderr)
        return 2
    data = load_nlu_data(path)
    if not data.examples:
        print(f"no intent examples in {path}", file=sys.stderr)
        return 2
    examples = data.examples
    if args.unseen:
        from .embedded import DATA_FILE
        from .text import normalize

        seen = {normalize(e.text) for e in load_nlu_data(DATA_FILE).examples}
        examples = [e for e in examples if normalize(e.text) not in seen]
    report = evaluate(nlu.parse_sync, examples, strip=args.strip)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        try:
            _print_report(report, sys.stdout)
        except BrokenPipeError:  # `... | head`
            sys.stderr.close()
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
