"""Development bench of the 2021 chip card's front (generator A only): per-field and whole-card
reading of good cccd_front photos, optionally with the QR ignored (every field then read from the
print, as when a photo's QR does not decode).

    PYTHONPATH=$PWD .venv/bin/python bench/chip_front.py --n 60 --seed 25000000 --dir /tmp/chip23/d25 [--noqr] [-v]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ocr  # noqa: E402
from ocr import read  # noqa: E402
from ocr.synth import make_sample  # noqa: E402


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("--seed", type=int, default=25000000)
    ap.add_argument("--dir", default="/tmp/chip23/dev")
    ap.add_argument("--noqr", action="store_true", help="ignore the QR: fields from the print only")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args(argv)
    out = Path(a.dir)
    out.mkdir(parents=True, exist_ok=True)
    if a.noqr:
        merge0 = read.merge
        read.merge = lambda doc, kind, qr_text, mrz_res, raw: merge0(doc, kind, None, mrz_res, raw)
        read.read_qr_corners = lambda gray, **_: None
    tot: dict = {}
    ok: dict = {}
    whole = 0
    for i in range(a.n):
        seed = a.seed + i
        p = out / f"{seed}.jpg"
        if not p.exists():
            data, truth = make_sample(seed, "cccd_front", "good", (1600, 1200))
            p.write_bytes(data)
            p.with_suffix(".json").write_text(json.dumps(truth, ensure_ascii=False))
        truth = json.loads(p.with_suffix(".json").read_text())
        r = ocr.analyze(p, expect="id_card")
        got = (r["document"] or {}).get("fields", {})
        allok = True
        for f, v in truth["fields"].items():
            if a.noqr and f == "old_id_number":
                continue  # printed nowhere but in the QR
            tot[f] = tot.get(f, 0) + 1
            hit = got.get(f) == v
            ok[f] = ok.get(f, 0) + hit
            allok &= hit
            if not hit and a.v:
                print(f"{seed} {f}: {got.get(f)!r} != {v!r}")
        whole += allok
    print(f"whole card {100 * whole / a.n:.1f} % ({whole}/{a.n})" + ("  [no QR]" if a.noqr else ""))
    print("  ".join(f"{f} {100 * ok[f] / tot[f]:.1f}" for f in tot))


if __name__ == "__main__":
    main()
