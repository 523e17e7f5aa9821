"""`python -m bot agencies resolve ADDRESS [--json] | import FILE | list` (the outside contract)."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from core.settings import load_settings

from .agencies import AgenciesError, Directory, load_directory


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot agencies", description="agencies and communes")
    sub = ap.add_subparsers(dest="cmd", required=True)
    res = sub.add_parser("resolve", help="the 2025 commune of an address written any way")
    res.add_argument("address", nargs="+")
    res.add_argument("--json", action="store_true")
    imp = sub.add_parser("import", help="check an agencies file and install it for this deployment")
    imp.add_argument("file")
    sub.add_parser("list", help="the agencies of this deployment and the communes they serve")
    args = ap.parse_args(argv)
    settings = load_settings()
    if args.cmd == "import":
        try:
            directory = Directory.load(Path(args.file))
        except AgenciesError as e:
            print(e, file=sys.stderr)
            return 2
        target = settings.agencies_path
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(directory.dump(), encoding="utf-8")
        shutil.move(tmp, target)
        print(f"{len(directory.agencies)} agencies installed in {target}")
        return 0
    try:
        directory = load_directory(settings.agencies_path, settings.agency_code, settings.agency_name)
    except AgenciesError as e:
        print(e, file=sys.stderr)
        return 2
    if args.cmd == "list":
        for agency in directory.agencies:
            communes = (
                "all communes"
                if agency.serves_all
                else ", ".join(f"{c.name} ({c.code})" for c in directory.communes_of(agency))
            )
            procedures = "all procedures" if agency.procedures is None else ", ".join(agency.procedures)
            print(f"{agency.code}\t{agency.name}\t{communes}\t{procedures}")
        return 0
    found = directory.resolver.resolve(" ".join(args.address))
    if args.json:
        print(json.dumps(found.to_json(), ensure_ascii=False))
        return 0 if found.found else 1
    if not found.found:
        print(f"no commune found{f' (province: {found.province})' if found.province else ''}")
        return 1
    print(
        f"{found.ward} ({found.ward_code}), {found.province} ({found.province_code})  confidence {found.confidence:.2f}"
    )
    for c in found.candidates[1:]:
        print(f"  or {c.name} ({c.code}), {c.province}")
    agency = directory.serving(found.ward_code or "") if directory.routed else None
    if agency:
        print(f"served by {agency.code} ({agency.name})")
    return 0
