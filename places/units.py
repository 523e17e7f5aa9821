"""The administrative units, from well-kept packages (never a hand-written table).

- the 2025 units (34 provinces, 3,321 communes with their official codes): `vietnam-provinces`;
- the old units (63 provinces, districts, communes before 1 July 2025) and which 2025 commune each
  became: the data shipped in `vietnamadminunits` (its official old→new mapping; a divided commune
  lists every new commune that took a part, one of them marked the default).

Everything is read once, on first use (`units()`), and kept in dictionaries keyed the packages' way
(`key`: no diacritics, no spaces, lower case)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

from core.vietnamese import strip_diacritics

_LOCK = threading.Lock()


def key(text: str) -> str:
    """The packages' key of a name: no diacritics, only letters and digits, lower case."""
    return "".join(c for c in strip_diacritics(text).lower() if c.isalnum())


@dataclass(frozen=True)
class Commune:
    code: str  # 5 digits, official (e.g. "27259")
    name: str  # "Phường Xóm Chiếu"
    province_code: str  # 2 digits ("79")
    province: str  # "Thành phố Hồ Chí Minh" / "Tỉnh Lâm Đồng"


@dataclass
class Units:
    communes: dict[str, Commune] = field(default_factory=dict)  # by code
    provinces: dict[str, str] = field(default_factory=dict)  # code -> full name
    # 2025 province key (vietnamadminunits) -> {new commune key -> code}
    new_by_key: dict[str, dict[str, str]] = field(default_factory=dict)
    # old "province_district_commune" key -> (2025 codes, default first)
    old_to_new: dict[str, list[str]] = field(default_factory=dict)
    # old province key -> {old district key -> {old commune key: (full name, short key)}}
    old_wards: dict[str, dict[str, dict[str, tuple[str, str]]]] = field(default_factory=dict)
    old_districts: dict[str, dict[str, str]] = field(default_factory=dict)  # province -> {district key: name}
    province_key_to_code: dict[str, str] = field(default_factory=dict)  # 2025 province key -> code
    old_province_to_new: dict[str, str] = field(default_factory=dict)  # old province key -> 2025 key
    old_provinces: dict[str, str] = field(default_factory=dict)  # old province key -> its short name
    package_code: dict[str, str] = field(default_factory=dict)  # vietnamadminunits' code -> official

    def commune(self, code: str | None) -> Commune | None:
        return self.communes.get(code or "")

    def in_province(self, province_code: str) -> list[Commune]:
        return [c for c in self.communes.values() if c.province_code == province_code]


def _json(name: str) -> dict:
    return json.loads((files("vietnamadminunits") / "data" / name).read_text(encoding="utf-8"))


def _province_name(province) -> str:
    """vietnam-provinces names a province "Lâm Đồng" and a city "Thành phố Hà Nội": say both."""
    name = province.name
    return name if name.startswith("Thành phố") else f"Tỉnh {name}"


@lru_cache(maxsize=1)
def _load() -> Units:
    from vietnam_provinces import Province, Ward

    u = Units()
    for p in Province.iter_all():
        u.provinces[f"{int(p.code):02d}"] = _province_name(p)
    for w in Ward.iter_all():
        pc = f"{int(w.province_code):02d}"
        code = f"{int(w.code):05d}"
        u.communes[code] = Commune(code, w.name, pc, u.provinces[pc])
    # vietnamadminunits' 2025 codes differ from the official ones for some communes (a merged
    # commune took the code of another of its parts): its communes are matched by name instead
    official = {(c.province_code, key(c.name)): c.code for c in u.communes.values()}
    new = _json("parser_from_2025.json")
    for pkey, info in new["DICT_PROVINCE"].items():
        u.province_key_to_code[pkey] = info["provinceCode"]
    for table in ("DICT_PROVINCE_WARD_NO_ACCENTED", "DICT_PROVINCE_WARD_ACCENTED"):
        for pkey, wards in new[table].items():
            pc = u.province_key_to_code[pkey]
            for wkey, info in wards.items():
                code = official.get((pc, key(info["ward"])))
                if code:
                    u.new_by_key.setdefault(pkey, {})[wkey] = code
                    u.package_code[info["wardCode"]] = code
    conv = _json("converter_2025.json")
    for new_p, olds in conv["DICT_PROVINCE"].items():
        for old_p in olds:
            u.old_province_to_new[old_p] = new_p
    for pkey, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for wkey, olds in wards.items():
            code = u.new_by_key.get(pkey, {}).get(wkey)
            if code:
                for old in olds:
                    u.old_to_new.setdefault(old, []).append(code)
    for pkey, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, targets in olds.items():
            ordered = sorted(targets, key=lambda t: not t["isDefaultNewWard"])
            codes = [u.new_by_key.get(pkey, {}).get(t["newWardKey"]) for t in ordered]
            u.old_to_new[old] = [c for c in dict.fromkeys(codes) if c]
    legacy = _json("parser_legacy.json")
    for table in ("DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED", "DICT_PROVINCE_DISTRICT_WARD_ACCENTED"):
        for pkey, districts in legacy[table].items():
            for dkey, wards in districts.items():
                for wkey, info in wards.items():
                    u.old_wards.setdefault(pkey, {}).setdefault(dkey, {})[wkey] = (
                        info["ward"],
                        key(str(info.get("wardShort") or info["ward"])),
                    )
    for pkey, info in legacy["DICT_PROVINCE"].items():
        u.old_provinces[pkey] = info["provinceShort"]
    for pkey, districts in legacy["DICT_PROVINCE_DISTRICT"].items():
        u.old_districts[pkey] = {dkey: info["district"] for dkey, info in districts.items()}
    return u


def units() -> Units:
    """The units, read on first use (about a second), then shared."""
    with _LOCK:
        return _load()
