"""An address written any way → the 2025 commune (`Resolver.resolve`).

The order, each step tried only when the ones before found no commune:

1. our normalisation (`normalise`): abbreviations, the big cities' nicknames, commas;
2. `vietnamadminunits`' parsers on it: the old (63-province) parser, whose commune and district are
   turned into the 2025 commune by the official mapping (`units`); the 2025 parser for addresses
   already written the new way. The old reading wins when it names both a commune and a district
   (an old name reused by a new commune means the old one: "Phường 12, Quận Bình Thạnh");
3. the same with the deployment's province added when the address names none;
4. `vietnam-address-converter` (slower, another data set and matcher);
5. our fuzzy match (typos) of the words against the communes of the district or province found.

A commune divided in 2025 gives the default new commune with every part as candidates, at a lower
confidence; the conversation then offers the candidates. No network is used (the old parser's
geolocation is never called: we map the keys ourselves)."""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import re
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from .lookup import by_name, fix_province, index, ward_slot
from .normalise import normalise
from .units import Commune, Units, key, units

log = logging.getLogger(__name__)

#: Confidences by how the commune was found (the conversation asks to confirm below `SURE`).
EXACT, DIVIDED, CONVERTER, FUZZY_MAX, PROVINCE_ONLY = 0.95, 0.6, 0.8, 0.75, 0.2
SURE = 0.7
FUZZY_MIN_SCORE = 82  # rapidfuzz ratio (0-100) of a word window against a commune's name


@dataclass
class Resolution:
    province_code: str | None = None
    province: str | None = None
    ward_code: str | None = None
    ward: str | None = None
    confidence: float = 0.0
    candidates: list[Commune] = field(default_factory=list)
    method: str = "none"  # how it was found (for the benchmark and the logs)

    @property
    def found(self) -> bool:
        return self.ward_code is not None

    def to_json(self) -> dict[str, Any]:
        """The contract's shape (`python -m bot agencies resolve ADDRESS --json`)."""
        return {
            "province_code": self.province_code,
            "province": self.province,
            "ward_code": self.ward_code,
            "ward": self.ward,
            "confidence": round(self.confidence, 2),
            "candidates": [
                {"ward_code": c.code, "ward": c.name, "province": c.province} for c in self.candidates
            ],
        }


def _of(u: Units, codes: list[str], confidence: float, method: str) -> Resolution:
    communes = [c for c in (u.commune(code) for code in codes) if c]
    if not communes:
        return Resolution()
    first = communes[0]
    return Resolution(
        first.province_code,
        first.province,
        first.code,
        first.name,
        confidence if len(communes) == 1 else min(confidence, DIVIDED),
        communes,
        method,
    )


class _CachedRe(types.SimpleNamespace):
    """`re` with an unbounded compile cache. vietnamadminunits builds one pattern per province and
    district on every call; `re`'s own cache (512 patterns) is too small for the whole country,
    and recompiling was 60 % of a lookup. Given to its parser modules as their `re` (once)."""

    compile = staticmethod(functools.lru_cache(maxsize=None)(re.compile))

    def __getattr__(self, name: str) -> Any:
        return getattr(re, name)


@functools.lru_cache(maxsize=1)
def _parse_address() -> Any:
    from vietnamadminunits import parse_address
    from vietnamadminunits.parser import parser_from_2025, parser_legacy

    for module in (parser_legacy, parser_from_2025):
        module.re = _CachedRe()  # type: ignore[attr-defined]
    return parse_address


class Resolver:
    def __init__(self, province_hint: str | None = None, converter: bool = True) -> None:
        """`province_hint`: a 2-digit province code assumed when the address names none (the
        deployment's province). `converter`: use vietnam-address-converter as a fallback."""
        self.province_hint = province_hint
        self.use_converter = converter
        self._vac: Any = None

    def warm(self) -> None:
        """Read the data now rather than at the first lookup."""
        units()
        self.resolve("phuong ben thanh, quan 1, ho chi minh")

    def resolve(self, text: str) -> Resolution:
        u = units()
        address = normalise(text or "", index(u).words)
        if not address:
            return Resolution()
        address = fix_province(u, address) or address  # a misspelt province ("tnih Binh Phuc")
        found, province, old = self._parsers(u, address)
        if not found.found and not province and self.province_hint in u.provinces:
            found, province, old = self._parsers(u, f"{address}, {u.provinces[self.province_hint]}")
        numbered = numbered_district_province()
        if not found.found and not province and numbered and NUMBERED_DISTRICT.search(address):
            # "Quận 1" … "Quận 12" were only Thành phố Hồ Chí Minh's
            found, province, old = self._parsers(u, f"{address}, {u.provinces[numbered]}")
        if not found.found and self.use_converter:
            found = self._converter(u, address)
        if not found.found:
            found = self._fuzzy(u, address, old, province or self.province_hint)
        if not found.found and (province or self.province_hint) in u.provinces:
            pc = province or self.province_hint
            assert pc is not None
            found = Resolution(pc, u.provinces[pc], confidence=PROVINCE_ONLY, method="province")
        return found

    # ---- vietnamadminunits -----------------------------------------------------------------
    def _parsers(self, u: Units, address: str) -> tuple[Resolution, str | None, Any]:
        """(the commune found, the 2025 province code found even without a commune, the old
        parser's reading for the fuzzy match)."""
        from vietnamadminunits import ParseMode

        parse_address = _parse_address()
        old = new = None
        with contextlib.suppress(Exception):
            old = parse_address(address, mode=ParseMode.LEGACY, keep_street=False, level=3)
        slot = ward_slot(address)
        if (
            old is not None
            and old.province_key
            and (old.district_key or old.ward_key or _names_province(address, old, None))
        ):
            # the old reading first: when it names the commune, the 2025 parser (two thirds of a
            # lookup's time) is not needed
            province = u.province_key_to_code.get(u.old_province_to_new.get(old.province_key, ""))
            found = self._read(u, address, old, slot, province)
            if found.found:
                return found, found.province_code, old
        with contextlib.suppress(Exception):
            new = parse_address(address, mode=ParseMode.FROM_2025, keep_street=False, level=2)
        province = None
        if new is not None and new.province_key:
            province = u.province_key_to_code.get(new.province_key)
        if old is not None and old.province_key and not province:
            province = u.province_key_to_code.get(u.old_province_to_new.get(old.province_key, ""))
        placed = (old is not None and bool(old.district_key or old.ward_key)) or (
            new is not None and bool(new.ward_key)
        )
        if province and not placed and not _names_province(address, old, new):
            # the parsers match a province's keyword inside other words ("thahn" holds "hn"):
            # a province neither written out nor implied by a district or commune is not believed
            return Resolution(), None, None
        found = self._read(u, address, old, slot, province)
        if found.found:
            return found, province, old
        if new is not None and new.ward_code:
            code = u.package_code.get(new.ward_code)
            if code:
                return _of(u, [code], EXACT, "new"), province, old
        return Resolution(), province, old

    def _read(self, u: Units, address: str, old: Any, slot: Any, province: str | None) -> Resolution:
        """The commune from the old parser's reading and the name written after its kind word."""
        where = _where(old, province)
        if slot:
            # the name after "Xã"/"Phường": exactly, in the old district, the old province, the 2025 one
            named = by_name(u, slot, *where, fuzzy=False, address=address)
            if named:
                return _of(u, named, EXACT, "slot")
        if slot and old is not None and old.ward_key and old.district_key and not _agrees(u, old, slot):
            # the old parser took another name of the district (a street, a hamlet) for the commune
            # written misspelt after "Xã": the name written, one slip allowed, first
            named = by_name(u, slot, *where, fuzzy=True, address=address)
            if named:
                return _of(u, named, FUZZY_MAX, "slot_fuzzy")
        if old is not None and old.ward_key and old.district_key:
            codes = u.old_to_new.get(f"{old.province_key}_{old.district_key}_{old.ward_key}", [])
            if codes:
                return _of(u, codes, EXACT, "old")
        if old is not None and old.district_key and not old.ward_key:
            # an old district named, its commune misspelt: look among that district's communes
            # first (the 2025 parser would take the district's name for a new commune's)
            near = self._fuzzy(u, address, old, None, district=True)
            if near.found:
                return near
        if slot:
            named = by_name(u, slot, *where, fuzzy=True, address=address)
            if named:
                return _of(u, named, FUZZY_MAX, "slot_fuzzy")
        return Resolution()

    # ---- vietnam-address-converter ---------------------------------------------------------
    def _converter(self, u: Units, address: str) -> Resolution:
        if self._vac is None:
            from vietnam_address_converter import create_converter

            with contextlib.redirect_stdout(io.StringIO()):
                self._vac = create_converter()
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                out = self._vac.auto_convert_address(address)
        except Exception:  # noqa: BLE001 - a third-party parser: any failure is "not found"
            log.debug("vietnam-address-converter failed on %r", address, exc_info=True)
            return Resolution()
        new = out.get("converted_new") or {}
        ward = (new.get("ward") or {}).get("name_with_type")
        province = (new.get("province") or {}).get("name")
        if not ward or not province:
            return Resolution()
        wanted = (key(ward), key(province))
        code = next(
            (c.code for c in u.communes.values() if (key(c.name), key(_short(c.province))) == wanted), None
        )
        return _of(u, [code], CONVERTER, "converter") if code else Resolution()

    # ---- our fuzzy match (typos) ---------------------------------------------------------------
    def _fuzzy(
        self, u: Units, address: str, old: Any, province: str | None, district: bool = False
    ) -> Resolution:
        """`district`: among the communes of the old district found, its name left out of the
        words; else among the old and new communes of the whole province (the district's name
        may then be a new commune's: "Xã Sơn Hà, Quảng Ngãi")."""
        parts = (
            ()
            if old is None
            else (old.short_district, old.short_province)
            if district
            else (old.short_province,)
        )
        named = [key(str(x)) for x in parts if x]
        words = without(key_words(address), named)
        if not words:
            return Resolution()
        windows = {"".join(words[i : i + n]) for n in (1, 2, 3, 4) for i in range(len(words) - n + 1)}
        windows = {w for w in windows if len(w) >= 4}
        choices: dict[str, list[str]] = {}  # a name's key -> 2025 codes
        if old is not None and old.province_key:
            districts = u.old_wards.get(old.province_key, {})
            scope = [old.district_key] if district and old.district_key in districts else list(districts)
            for dkey in scope:
                for wkey, (_name, short) in districts[dkey].items():
                    codes = u.old_to_new.get(f"{old.province_key}_{dkey}_{wkey}")
                    if codes and len(short) >= 4:
                        choices.setdefault(short, []).extend(codes)
        if province and not district:
            for c in u.in_province(province):
                short = key(_short(c.name))
                if len(short) >= 4:
                    choices.setdefault(short, []).append(c.code)
        if not choices or not windows:
            return Resolution()
        best: tuple[float, str] | None = None
        names = list(choices)
        for window in windows:
            hit = process.extractOne(window, names, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE)
            if hit and (
                best is None or hit[1] > best[0] or (hit[1] == best[0] and len(hit[0]) > len(best[1]))
            ):
                best = (hit[1], hit[0])
        if best is None:
            return Resolution()
        codes = list(dict.fromkeys(choices[best[1]]))
        return _of(u, codes, FUZZY_MAX * best[0] / 100, "fuzzy")


KINDS = ("thitran", "thixa", "thanhpho", "dackhu", "phuong", "xa", "quan", "huyen", "tinh")


def key_words(address: str) -> list[str]:
    """The address's words as keys, the units' kind words left out ("phuong", "quan" …)."""
    words = [key(w) for w in address.replace(",", " ").split()]
    skip = {
        "phuong",
        "xa",
        "quan",
        "huyen",
        "tinh",
        "thi",
        "tran",
        "thanh",
        "pho",
        "dac",
        "khu",
        "so",
        "duong",
    }
    return [w for w in words if w and w not in skip]


NUMBERED_DISTRICT = re.compile(r"\bquận \d{1,2}\b", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def numbered_district_province() -> str | None:
    """The province whose districts were numbered (aliases.yml)."""
    import yaml

    data = yaml.safe_load((Path(__file__).resolve().parent / "aliases.yml").read_text(encoding="utf-8"))
    return data.get("numbered_districts_province")


def _agrees(u: Units, old: Any, slot: Any) -> bool:
    """Whether the old parser's commune is the one written after its kind word."""
    name, _short_key = (
        u.old_wards.get(old.province_key, {}).get(old.district_key, {}).get(old.ward_key, ("", ""))
    )
    return key(_short(str(name))) in slot.keys()


def _where(old: Any, province: str | None) -> tuple[str | None, str | None, str | None]:
    """(old province key, old district key, 2025 province code) as the parsers read them."""
    if old is None:
        return None, None, province
    return old.province_key or None, old.district_key or None, province


def _names_province(address: str, old: Any, new: Any) -> bool:
    """Whether the address writes out the province either parser found, as whole words."""
    # every word kept: a province's name may hold a kind's word ("Hà Tĩnh", "Thanh Hóa")
    words = [w for w in (key(w) for w in address.replace(",", " ").split()) if w]
    names = [key(str(u.short_province)) for u in (old, new) if u is not None and u.short_province]
    return bool(names) and len(without(words, names)) < len(words)


def without(words: list[str], names: list[str]) -> list[str]:
    """The words less every run of them that spells one of `names` (the district, the province:
    a commune's name is looked for in what is left)."""
    out, i = [], 0
    while i < len(words):
        run = next((n for n in (4, 3, 2, 1) if "".join(words[i : i + n]) in names), 0)
        if run:
            i += run
            continue
        out.append(words[i])
        i += 1
    return out


def _short(name: str) -> str:
    """A unit's name without its kind ("Phường Xóm Chiếu" → "Xóm Chiếu")."""
    for kind in ("Thị trấn ", "Thị xã ", "Thành phố ", "Đặc khu ", "Phường ", "Xã ", "Tỉnh "):
        if name.startswith(kind):
            return name[len(kind) :]
    return name
