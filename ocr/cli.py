"""`python -m bot ocr FILE... [--json]`: quality verdict and ID-card fields for each file."""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bot ocr", description="Check photo quality and read ID cards."
    )
    ap.add_argument("files", nargs="+", metavar="FILE")
    ap.add_argument("--json", action="store_true", help="one JSON object per file (one per line)")
    ap.add_argument("--expect", choices=["id_card", "paper"], default=None, help="what the photo should show")
    args = ap.parse_args(argv)
    from . import analyze, verdict_text

    bad = 0
    for f in args.files:
        r = analyze(f, expect=args.expect)
        if not r["quality"]["ok"]:
            bad += 1
        if args.json:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
            continue
        q = r["quality"]
        print(
            f"{f}: {'OK' if q['ok'] else 'RETAKE: ' + ', '.join(q['problems'])}  ({r['timings_ms'].get('total')} ms)"
        )
        print(f"  {verdict_text(r)}")
        doc = r.get("document")
        if doc:
            print(f"  document: {doc['type']}")
            for k, v in doc.get("fields", {}).items():
                print(f"    {k:20s} {v}  [{doc['sources'].get(k, '')} {doc['confidence'].get(k, 0):.2f}]")
            bad_checks = {k: v for k, v in doc.get("checks", {}).items() if v not in ("ok", True)}
            if bad_checks:
                print(f"  checks: {json.dumps(bad_checks, ensure_ascii=False)}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
