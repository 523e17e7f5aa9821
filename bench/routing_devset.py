"""Writes tests/data/addresses_dev.yml: the routing development set.

Each entry is an address written the way citizens write it, with the 2025 commune it belongs to.
The truth comes from the official old→new mapping shipped in `vietnamadminunits`' data (the
communes that were not divided: one old commune, exactly one new one; for a divided one the
package's default new commune, with the others listed as `also`); the writing styles (no
diacritics, abbreviations, house numbers and streets first, typos, "Sài Gòn", the new names
themselves) are applied by this script with a fixed seed. Hand-written entries are in
tests/data/addresses_dev_hand.yml and are appended as they are.

    PYTHONPATH=$PWD .venv/bin/python bench/routing_devset.py
    PYTHONPATH=$PWD .venv/bin/python bench/routing_devset.py --check

`--check` writes tests/data/addresses_check.yml instead: round 2's styles drawn again with another
seed (2027), a set to score the resolver on without tuning on it (a check on over-fitting to the
development set, not a substitute for an independent one: same generator, same source of truth).
"""

from __future__ import annotations

import json
import random
import sys
from importlib.resources import files
from pathlib import Path

import yaml

from bench import routing_devset_more
from core.vietnamese import strip_diacritics
from places.units import units

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "addresses_dev.yml"
CHECK = ROOT / "tests" / "data" / "addresses_check.yml"
HAND = ROOT / "tests" / "data" / "addresses_dev_hand.yml"
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hùng Vương", "Quang Trung", "Lý Thường Kiệt"]
ABBR = {"Phường": "P.", "Xã": "X.", "Quận": "Q.", "Huyện": "H.", "Thị xã": "TX.", "Thị trấn": "TT."}
CITY = {
    "Thành phố Hồ Chí Minh": ["TP.HCM", "TP HCM", "Sài Gòn", "tphcm", "HCM"],
    "Thành phố Hà Nội": ["HN", "Hà Nội"],
}


def _data(name: str) -> dict:
    return json.loads((files("vietnamadminunits") / "data" / name).read_text(encoding="utf-8"))


def _key(text: str) -> str:
    """The packages' key: no diacritics, no spaces or punctuation, lower case."""
    return "".join(c for c in strip_diacritics(text.strip()).lower() if c.isalnum())


def _typo(rng: random.Random, word: str) -> str:
    """One slip of the finger in a name of 5+ letters: a letter dropped, doubled or swapped."""
    letters = list(word)
    spots = [i for i, c in enumerate(letters[1:-1], 1) if c.isalpha()]
    if len(word) < 5 or not spots:
        return word
    i = rng.choice(spots)
    kind = rng.choice(["drop", "double", "swap"])
    if kind == "drop":
        del letters[i]
    elif kind == "double":
        letters.insert(i, letters[i])
    else:
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
    return "".join(letters)


def _short(unit: str) -> tuple[str, str]:
    for kind in ("Thị trấn", "Thị xã", "Thành phố", "Phường", "Xã", "Quận", "Huyện", "Tỉnh"):
        if unit.startswith(kind + " "):
            return kind, unit[len(kind) + 1 :]
    return "", unit


def _province(rng: random.Random, name: str) -> str:
    if name in CITY and rng.random() < 0.7:
        return rng.choice(CITY[name])
    kind, short = _short(name)
    return rng.choice([name, short, f"{'TP' if kind == 'Thành phố' else 'tỉnh'} {short}"])


def _write(rng: random.Random, style: str, ward: str, district: str, province: str) -> str:
    wk, ws = _short(ward)
    dk, ds = _short(district)
    prov = _province(rng, province)
    street = f"{rng.randint(1, 300)} {rng.choice(STREETS)}"
    if style == "full":
        return f"{ward}, {district}, {province}"
    if style == "plain":
        return strip_diacritics(f"{ward} {district} {prov}").lower()
    if style == "abbr":
        w = f"{ABBR.get(wk, wk)}{'' if ws.isdigit() else ' '}{ws}"
        d = f"{ABBR.get(dk, dk)}{ws if False else ''}{ds}" if ds.isdigit() else f"{ABBR.get(dk, dk)} {ds}"
        return f"{w}, {d}, {prov}"
    if style == "street":
        return f"{street}, {ward}, {district}, {prov}"
    if style == "street_plain":
        return strip_diacritics(f"so {street} {ws} {ds} {prov}")
    if style == "typo":
        wrong = " ".join(_typo(rng, w) if len(w) >= 5 else w for w in ws.split()) if not ws.isdigit() else ws
        text = f"{wk} {wrong}, {district}, {prov}"
        return strip_diacritics(text).lower() if rng.random() < 0.5 else text
    if style == "no_province":
        return f"{ward}, {district}"
    raise ValueError(style)


def main() -> None:
    check = "--check" in sys.argv[1:]
    rng = random.Random(2025)
    legacy = _data("parser_legacy.json")
    new = _data("parser_from_2025.json")
    conv = _data("converter_2025.json")
    old_names = legacy["DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED"]
    old_accented = legacy["DICT_PROVINCE_DISTRICT_WARD_ACCENTED"]
    districts = legacy["DICT_PROVINCE_DISTRICT"]
    provinces = legacy["DICT_PROVINCE"]
    new_wards = new["DICT_PROVINCE_WARD_NO_ACCENTED"]
    for nprov, wards in new["DICT_PROVINCE_WARD_ACCENTED"].items():
        new_wards.setdefault(nprov, {}).update(wards)
    new_provinces = new["DICT_PROVINCE"]
    undivided = []
    for nprov, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for nward, olds in wards.items():
            for old in olds:
                undivided.append((old, nprov, nward))
    divided = [
        (old, nprov, targets)
        for nprov, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items()
        for old, targets in olds.items()
    ]
    entries = []
    styles = ["full", "plain", "abbr", "street", "street_plain", "typo", "typo", "no_province"]

    def old_parts(old: str) -> tuple[str, str, str] | None:
        p, d, w = old.split("_")
        try:
            ward = (old_names[p][d].get(w) or old_accented[p][d][w])["ward"]
            return ward, districts[p][d]["district"], provinces[p]["province"]
        except KeyError:
            return None

    for old, nprov, nward in rng.sample(undivided, 150):
        parts = old_parts(old)
        if parts is None:
            continue
        style = styles[len(entries) % len(styles)]
        target = new_wards[nprov][nward]
        entries.append({"text": _write(rng, style, *parts), "ward_code": target["wardCode"], "style": style})
    for old, nprov, targets in rng.sample(divided, 20):
        parts = old_parts(old)
        if parts is None:
            continue
        codes = [
            new_wards[nprov][t["newWardKey"]]["wardCode"]
            for t in targets
            if t["newWardKey"] in new_wards[nprov]
        ]
        default = next(
            new_wards[nprov][t["newWardKey"]]["wardCode"] for t in targets if t["isDefaultNewWard"]
        )
        entries.append(
            {
                "text": _write(rng, "full", *parts),
                "ward_code": default,
                "also": sorted(set(codes) - {default}),
                "style": "divided",
            }
        )
    # the new names themselves, as written after 1 July 2025
    for nprov in rng.sample(sorted(new_wards), 20):
        nward = rng.choice(sorted(new_wards[nprov]))
        w = new_wards[nprov][nward]
        prov = new_provinces[nprov]["province"]
        style = rng.choice(["new", "new_plain"])
        text = f"{rng.randint(1, 99)} {rng.choice(STREETS)}, {w['ward']}, {_province(rng, prov)}"
        if style == "new_plain":
            text = strip_diacritics(text).lower()
        entries.append({"text": text, "ward_code": w["wardCode"], "style": style})
    if check:
        entries = []
    # round 2: the styles the first round lacked (its own seed: the first round stays as it was)
    entries += routing_devset_more.entries(
        random.Random(2027 if check else 2026), undivided, old_parts, new_wards, new_provinces
    )
    if not check:  # round 2b, written after the check set: not in it
        entries += routing_devset_more.with_new_province(
            random.Random(2028), undivided, old_parts, new_wards, new_provinces
        )
    # vietnamadminunits' codes -> the official codes of vietnam-provinces (131 communes differ)
    official = units().package_code
    for entry in entries:
        entry["ward_code"] = official[entry["ward_code"]]
        if "also" in entry:
            entry["also"] = [official[c] for c in entry["also"]]
    if check:
        CHECK.write_text(
            "# Routing check set (bench/routing_devset.py --check, seed 2027): never tuned on.\n"
            + yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=200),
            encoding="utf-8",
        )
        print(f"{len(entries)} entries -> {CHECK.relative_to(ROOT)}")
        return
    hand = []
    for item in yaml.safe_load(HAND.read_text(encoding="utf-8")):
        if "old" in item:
            w, d, p = (_key(x) for x in item["old"].split("|"))
            found = [(np, nw) for (old, np, nw) in undivided if old == f"{p}_{d}_{w}"]
            also: list[str] = []
            if found:
                code = new_wards[found[0][0]][found[0][1]]["wardCode"]
            else:
                np = next(k for k, v in conv["DICT_PROVINCE"].items() if p in v)
                targets = conv["DICT_PROVINCE_WARD_DIVIDED"].get(np, {}).get(f"{p}_{d}_{w}")
                if not targets:
                    raise SystemExit(f"no such old commune: {item['old']}")
                codes = [new_wards[np][t["newWardKey"]]["wardCode"] for t in targets]
                code = next(
                    new_wards[np][t["newWardKey"]]["wardCode"] for t in targets if t["isDefaultNewWard"]
                )
                also = sorted(set(codes) - {code})
        else:
            w, p = (_key(x) for x in item["new"].split("|"))
            code = new_wards[p][w]["wardCode"]
            also = []
        entry = {"text": item["text"], "ward_code": official[code], "style": "hand"}
        if also:
            entry["also"] = [official[c] for c in also]
        hand.append(entry)
    header = (
        "# Routing development set, generated by bench/routing_devset.py (seed 2025) from the official\n"
        "# old->new mapping in vietnamadminunits' data, plus the hand-written addresses_dev_hand.yml.\n"
        "# ward_code: the official 2025 commune code (vietnam-provinces); also: other acceptable codes (divided).\n"
    )
    OUT.write_text(
        header + yaml.safe_dump(entries + hand, allow_unicode=True, sort_keys=False, width=200),
        encoding="utf-8",
    )
    print(f"{len(entries) + len(hand)} entries -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
