"""``python -m bot nlu ...`` (wired by the bot to ``nlu.cli.main(argv)``); also
``python -m nlu.cli ...``.

    parse TEXT [--json] [--strip]   one parse
    test FILE [--json] [--strip] [--unseen]
                                    evaluate on a Rasa-format NLU YAML file
    compare FILE [--json] [--rasa-url URL] [--rasa-train-seconds S|FILE]
                                    the embedded classifier beside a live Rasa model

``--strip`` removes all diacritics from the input first (to measure diacritic-insensitivity).
``--unseen`` leaves out the examples that equal a training example once normalised (short
replies such as "ok" or "xin chào", which any independent set shares with the training data).
`parse` and `test` always use the embedded classifier, so they do not depend on a running Rasa
server; `compare` asks a live one as well.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .data import load_nlu_data
from .evaluate import evaluate
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
    c = sub.add_parser("compare", help="the embedded classifier beside a live Rasa model, on one file")
    c.add_argument("file")
    c.add_argument("--json", action="store_true")
    c.add_argument("--rasa-url", default=None, help="Rasa server (default: RASA_URL from the settings)")
    c.add_argument(
        "--rasa-train-seconds",
        default=None,
        help="Rasa's training time: a number, or a file holding it (tools/rasa/run.sh writes one)",
    )
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    nlu = _embedded()
    if args.cmd == "compare":
        return _compare(args, nlu)
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


def _compare(args: argparse.Namespace, nlu: Any) -> int:
    from .compare import compare, format_table

    path = Path(args.file)
    if not path.exists():
        print(f"no such file: {path}", file=sys.stderr)
        return 2
    url = args.rasa_url
    if url is None:
        try:
            from core.settings import load_settings

            url = load_settings().rasa_url
        except Exception:
            url = None
    train_s = None
    if args.rasa_train_seconds:
        raw = args.rasa_train_seconds
        p = Path(raw)
        train_s = float(p.read_text().strip() if p.exists() else raw)
    result = compare(path, nlu, url, train_s)
    print(json.dumps(result, ensure_ascii=False) if args.json else format_table(result))
    return 0 if "error" not in result["rasa"] else 3


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
