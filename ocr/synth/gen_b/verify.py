"""Self-check of a generated folder: QR decodes, MRZ check digits, ID-number rules.

usage: python verify.py OUTDIR   (reads OUTDIR/truth.jsonl)
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter

sys.path.insert(
    0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
)

import zxingcpp  # noqa: E402
from PIL import Image  # noqa: E402

from ocr.synth.gen_b.codes import verify_mrz  # noqa: E402


def ddmmyyyy(iso: str) -> str:
    y, m, d = iso.split("-")
    return d + m + y


def check_id(f: dict, errs: list):
    n = f.get("id_number", "")
    if len(n) != 12 or "date_of_birth" not in f:
        return
    y = int(f["date_of_birth"][:4])
    d4 = int(n[3])
    if d4 // 2 != y // 100 - 19:
        errs.append("century digit")
    if "sex" in f and (d4 % 2 == 1) != (f["sex"] == "Nữ"):
        errs.append("sex digit")
    if n[4:6] != f"{y % 100:02d}":
        errs.append("year digits")


def main(outdir: str) -> int:
    rows = [json.loads(line) for line in open(os.path.join(outdir, "truth.jsonl"), encoding="utf-8")]
    stats = Counter()
    bad = 0
    for r in rows:
        errs: list[str] = []
        f, kind, cls = r["fields"], r["kind"], r["cls"]
        check_id(f, errs)
        mrz = (r.get("extra") or {}).get("mrz")
        if mrz:
            stats["mrz"] += 1
            if not verify_mrz(mrz):
                errs.append("MRZ check digit")
            if mrz[0][15:27] != f["id_number"]:
                errs.append("MRZ id")
        if kind in ("cccd_front", "cancuoc_back") and cls in ("good", "glare", "too_small_card"):
            img = Image.open(os.path.join(outdir, r["file"])).convert("RGB")
            res = zxingcpp.read_barcodes(img)
            qr = [x.text for x in res if x.text.count("|") == 6]
            stats[f"qr_{cls}_total"] += 1
            if qr:
                stats[f"qr_{cls}_decoded"] += 1
                p = qr[0].split("|")
                if p[0] != f["id_number"] or p[3] != ddmmyyyy(f["date_of_birth"]) or p[4] != f["sex"]:
                    errs.append("QR fields")
                if p[1] != f.get("old_id_number", ""):
                    errs.append("QR old id")
                if p[2].upper() != f["full_name"] or p[5] != f["place_of_residence"]:
                    errs.append("QR name/address")
            elif cls == "good":
                errs.append("QR not decoded")
        if errs:
            bad += 1
            print(r["file"], errs)
    print(dict(stats), f"{len(rows)} rows, {bad} with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
