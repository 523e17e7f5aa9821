"""Routing benchmark: accuracy of the address resolver on the development set and time per lookup.

    PYTHONPATH=$PWD .venv/bin/python bench/routing.py [--set FILE] [--converter] [--errors]

Prints the start-up time (data read), accuracy overall and by writing style, and the time per
lookup: the first pass (each province's patterns compiled on first use) and a second pass over the
same strings (after start-up), as p50 / p99 in milliseconds of wall time, and the CPU time of the
second pass (on a shared machine the wall time's tail is mostly waiting for a core).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

import yaml

from places.resolver import Resolution, Resolver
from places.units import key, units

ROOT = Path(__file__).resolve().parent.parent


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


class Alone:
    """One package alone, its answer mapped to the official code by name (as ours does)."""

    def __init__(self, package: str) -> None:
        self.package = package

    def warm(self) -> None:
        if self.package == "vietnam-address-converter":
            from vietnam_address_converter import create_converter

            self.vac = create_converter()
        self.resolve("phuong ben thanh, quan 1, ho chi minh")

    def resolve(self, text: str) -> Resolution:
        u = units()
        code = None
        try:
            if self.package == "vietnamadminunits":
                from vietnamadminunits import convert_address

                code = u.package_code.get(convert_address(text).ward_code or "")
            else:
                new = self.vac.auto_convert_address(text).get("converted_new") or {}
                ward, prov = (
                    (new.get("ward") or {}).get("name_with_type"),
                    (new.get("province") or {}).get("name"),
                )
                code = next(
                    (
                        c.code
                        for c in u.communes.values()
                        if ward and prov and key(c.name) == key(ward) and prov in c.province
                    ),
                    None,
                )
        except Exception:  # noqa: BLE001 - a package's failure is a miss
            code = None
        c = u.commune(code)
        return Resolution(ward_code=c.code, ward=c.name, method=self.package) if c else Resolution()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", default=str(ROOT / "tests" / "data" / "addresses_dev.yml"))
    ap.add_argument("--converter", action="store_true", help="add vietnam-address-converter as a fallback")
    ap.add_argument("--errors", action="store_true", help="list the misses")
    ap.add_argument(
        "--alone",
        choices=["vietnamadminunits", "vietnam-address-converter"],
        help="measure one package alone on the raw strings (no normalisation of ours, no fallback)",
    )
    args = ap.parse_args()
    entries = yaml.safe_load(Path(args.set).read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    units()
    resolver: Any = Alone(args.alone) if args.alone else Resolver(converter=args.converter)
    resolver.warm()
    print(f"start-up (data read, first lookup): {time.perf_counter() - t0:.2f} s")
    by_style: dict[str, list[int]] = {}
    passes: list[list[float]] = [[], []]
    cpu: list[float] = []  # CPU time of the second pass (what a lookup costs without waiting for a core)
    misses = []
    for n in range(2):
        for e in entries:
            t, c = time.perf_counter(), time.thread_time()
            got = resolver.resolve(e["text"])
            passes[n].append(time.perf_counter() - t)
            if n:
                cpu.append(time.thread_time() - c)
            if n:
                continue
            ok = got.ward_code in {str(e["ward_code"]), *map(str, e.get("also", []))}
            for style in e.get("tags") or [e.get("style", "-")]:  # the independent set has tags
                tally = by_style.setdefault(style, [0, 0])
                tally[0] += ok
                tally[1] += 1
            if not ok:
                misses.append((e["text"], e["ward_code"], got.ward_code, got.ward, got.method))
    right = len(entries) - len(misses)
    print(f"accuracy: {right}/{len(entries)} = {100 * right / len(entries):.1f} %")
    for style, (ok, total) in sorted(by_style.items()):
        print(f"  {style:13s} {ok:3d}/{total:<3d} {100 * ok / total:5.1f} %")
    for name, times in zip(("first pass", "after start-up"), passes, strict=True):
        print(
            f"{name}: p50 {_pct(times, 0.5):.2f} ms, p99 {_pct(times, 0.99):.2f} ms, "
            f"mean {statistics.mean(times) * 1000:.2f} ms ({len(times)} lookups)"
        )
    print(
        f"after start-up, CPU time: p50 {_pct(cpu, 0.5):.2f} ms, p99 {_pct(cpu, 0.99):.2f} ms, "
        f"max {max(cpu) * 1000:.2f} ms"
    )
    if args.errors:
        for miss in misses:
            print("  miss:", miss)


if __name__ == "__main__":
    main()
