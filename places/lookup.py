"""Our own reading of an address's commune, beside the packages' parsers.

- `ward_slot`: the name written after the commune's kind word ("Xã An Thạnh, Sóc Trăng" -> "anthanh"),
  which the parsers may overlook for a street, a hamlet or an old province's name that a 2025
  commune now bears ("Phường Sóc Trăng");
- `Index`: the old communes of each old province and the 2025 communes of each province by name,
  to look that name up (exactly, then with one slip of the finger);
- `fix_province`: a province's name misspelt at the end of the address ("tnih Binh Phuc")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from core.vietnamese import strip_diacritics

from .units import Units, key

_SLOT = re.compile(r"(?:^|,)\s*(phuong|xa|thi\s+tran|dac\s+khu)\s+([^,]+)", re.IGNORECASE)
_SLOT_END = re.compile(r"\s(?:quan|huyen|thi xa|thanh pho|tinh)\s.*$", re.IGNORECASE)
_KIND = re.compile(r"^(?:t[inh]{3}h?|thanh pho|tp)\s+", re.IGNORECASE)  # "tỉnh", also misspelt ("tnih")
PROVINCE_MIN_SCORE = 86  # not 'Bình Thạnh' for 'Bình Thuận' (84)
# the kind words after which a name is a commune's or a district's, not a province's
_NAMED = frozenset({"phuong", "xa", "tran", "quan", "huyen", "khu", "p", "x", "q", "h", "tx", "tt"})


@dataclass(frozen=True)
class Slot:
    kind: str  # "phuong", "xa", "thi tran", "dac khu"
    words: tuple[str, ...]  # the name's words as written, lower case (diacritics kept)

    def keys(self) -> list[str]:
        """The name's key, then shorter ones (the words that follow it may be the district's or the
        province's when no comma was written: "Xã Chu Hương Bắc Kạn")."""
        return [key("".join(self.words[:n])) for n in range(len(self.words), 0, -1)]


def ward_slot(address: str) -> Slot | None:
    """The first name written after "Phường", "Xã", "Thị trấn" or "Đặc khu"."""
    m = _SLOT.search(strip_diacritics(address))
    if not m:
        return None
    name = _SLOT_END.sub("", " " + m.group(2)).strip()
    words = tuple(address[m.start(2) : m.start(2) + len(name)].lower().split())
    return Slot(" ".join(m.group(1).lower().split()), words) if words and key(name) else None


def _short(name: str) -> str:
    for kind in ("Thị trấn ", "Thị xã ", "Thành phố ", "Đặc khu ", "Phường ", "Xã ", "Tỉnh "):
        if name.startswith(kind):
            return name[len(kind) :]
    return name


@dataclass(frozen=True)
class Place:
    kind: str  # "phuong", "xa", "thi tran", "dac khu"
    name: str  # lower case, diacritics kept ("mỹ thọ")
    codes: tuple[str, ...]  # the 2025 codes (several for a divided old commune)
    district: str = ""


def _place(full: str, codes: list[str], district: str = "") -> Place:
    full = str(full)
    kind = next((k for k in ("Thị trấn ", "Đặc khu ", "Phường ", "Xã ") if full.startswith(k)), "")
    return Place(key_kind(kind), full[len(kind) :].lower(), tuple(codes), district)


def key_kind(kind: str) -> str:
    return " ".join(strip_diacritics(kind).lower().split())


@dataclass
class Index:
    # old province key -> {short name key -> [Place (district: the old district's key)]}
    old: dict[str, dict[str, list[Place]]] = field(default_factory=dict)
    # 2025 province code -> {short name key -> [Place]}
    new: dict[str, dict[str, list[Place]]] = field(default_factory=dict)
    olds_of: dict[str, list[str]] = field(default_factory=dict)  # 2025 province code -> old province keys
    provinces: dict[str, str] = field(default_factory=dict)  # province short key -> full name (old and new)
    words: frozenset[str] = frozenset()  # every word of the units' names (never read as telex)
    names: frozenset[str] = frozenset()  # every commune's and district's short key, old and new
    districts: dict[tuple[str, str], str] = field(
        default_factory=dict
    )  # (old province, district) -> short key


_INDEXES: dict[int, Index] = {}


def index(u: Units) -> Index:
    """The index of `u`, built on first use (read-only afterwards)."""
    if id(u) not in _INDEXES:
        _INDEXES[id(u)] = _build(u)
    return _INDEXES[id(u)]


def _build(u: Units) -> Index:
    ix = Index()
    words: set[str] = set()
    for pkey, districts in u.old_wards.items():
        for dkey, wards in districts.items():
            for wkey, (name, _short_key) in wards.items():
                codes = u.old_to_new.get(f"{pkey}_{dkey}_{wkey}", [])
                if codes:  # (the package's short key tells same-named communes apart: not ours)
                    short = key(_short(str(name)))
                    ix.old.setdefault(pkey, {}).setdefault(short, []).append(_place(name, codes, dkey))
                words.update(strip_diacritics(str(name)).lower().split())
    for c in u.communes.values():
        ix.new.setdefault(c.province_code, {}).setdefault(key(_short(c.name)), []).append(
            _place(c.name, [c.code])
        )
        words.update(strip_diacritics(c.name).lower().split())
    for old_p, new_p in u.old_province_to_new.items():
        pc = u.province_key_to_code.get(new_p)
        if pc:
            ix.olds_of.setdefault(pc, []).append(old_p)
    for pkey, short in u.old_provinces.items():
        ix.provinces.setdefault(
            key(short), f"Tỉnh {short}" if pkey.startswith("tinh") else f"Thành phố {short}"
        )
    for name in u.provinces.values():
        ix.provinces[key(_short(name))] = name
    names = {n for by_key in ix.old.values() for n in by_key} | {
        n for by_key in ix.new.values() for n in by_key
    }
    for pkey, districts in u.old_districts.items():
        for dkey, name in districts.items():
            words.update(strip_diacritics(str(name)).lower().split())
            short = key(_short(str(name)).removeprefix("Quận ").removeprefix("Huyện "))
            names.add(short)
            ix.districts[(pkey, dkey)] = short
    ix.words = frozenset(words)
    ix.names = frozenset(names)
    return ix


def by_name(
    u: Units,
    slot: Slot,
    old_province: str | None,
    district: str | None,
    province: str | None,
    fuzzy: bool,
    address: str = "",
) -> list[str]:
    """The 2025 codes of the commune written in `slot`: in the old district, else among the old
    province's old communes and the 2025 province's communes. Among several, the one of the kind
    written ("Xã Mỹ Thọ" is not "Phường Mỹ Tho"), then of the diacritics written, then the 2025 one
    unless the old province written was merged into another in 2025. `fuzzy`: one slip allowed.
    `address`: an old commune whose old district is written in it comes first (the district of
    another old province than the one the parser read)."""
    ix = index(u)
    rest = key(address).replace(key("".join(slot.words)), " ", 1)
    merged_away = bool(old_province) and u.old_province_to_new.get(old_province or "") != old_province
    written = " ".join(slot.words)
    # the 2025 province of the old one written first (the 2025 parser may read a commune's name
    # in an old province's: "Quảng Bình" -> Xã Quảng Bị, Hà Nội), then the one the parser found
    of_old = u.province_key_to_code.get(u.old_province_to_new.get(old_province or "", ""))
    provinces = list(dict.fromkeys(p for p in (of_old, province) if p))
    # the old province written, then the others merged into the same 2025 province (an old commune
    # written with its 2025 province: "Xã Hòa Tân Tây, huyện Tây Hòa, Đắk Lắk", once Phú Yên's)
    olds = list(dict.fromkeys([old_province, *ix.olds_of.get(provinces[0] if provinces else "", [])]))
    olds = [p for p in olds if p]

    def ranked(name: str) -> list[tuple[tuple[int, ...], Place]]:
        found: list[tuple[tuple[int, ...], Place]] = []
        for p in olds:
            for place in ix.old.get(p, {}).get(name, []):
                in_district = (bool(district) and place.district == district and p == old_province) or (
                    len(ix.districts.get((p, place.district), "")) >= 4
                    and ix.districts[(p, place.district)] in rest
                )
                mine = p == old_province or not old_province
                found.append(
                    (
                        (in_district, mine, 0, place.kind == slot.kind, place.name == written, merged_away),
                        place,
                    )
                )
        for rank, pc in enumerate(reversed(provinces)):
            for place in ix.new.get(pc, {}).get(name, []):
                found.append(
                    (
                        (False, True, rank, place.kind == slot.kind, place.name == written, not merged_away),
                        place,
                    )
                )
        return found

    found: list[tuple[tuple[int, ...], Place]] = []
    for name in slot.keys() if not fuzzy else slot.keys()[:1]:
        if fuzzy:
            if len(name) < 4:
                break
            names = {n for p in olds for n in ix.old.get(p, {})} | {
                n for pc in provinces for n in ix.new.get(pc, {})
            }
            for hit, _score, _i in process.extract(
                name, list(names), scorer=fuzz.ratio, score_cutoff=82, limit=3
            ):
                found += ranked(hit)
        else:
            found = ranked(name)
        if found:
            break
    if not found:
        return []
    best = max(found, key=lambda f: f[0])[1]
    return list(best.codes)


def fix_province(u: Units, address: str) -> str | None:
    """The address with a misspelt province at its end written right, or None."""
    ix = index(u)
    words = address.rsplit(",", 1)[-1].split()  # the last part: a tail never crosses a comma
    folded = strip_diacritics(" ".join(words)).lower().split()
    tails = [
        " ".join(words[-n:])
        for n in (1, 2, 3, 4)
        if n <= len(words) and (n == len(words) or folded[-n - 1] not in _NAMED)
    ]
    # a tail that is a unit's name after its kind word ("Phường Khánh Hội") is not a province
    tails = [t for t in tails if not _NAMED.intersection(strip_diacritics(t).lower().split())]
    best: tuple[float, str, str] | None = None
    for tail in tails:
        kind = _KIND.match(strip_diacritics(tail))
        k = key(_KIND.sub("", strip_diacritics(tail)))
        if len(k) < 5:
            continue
        if k in ix.provinces:
            return None  # a province written right
        if k in ix.names and not kind:
            continue  # a commune's or a district's name ("Bình Thạnh" is not "Bình Thuận" misspelt)
        hit = process.extractOne(k, list(ix.provinces), scorer=fuzz.ratio, score_cutoff=PROVINCE_MIN_SCORE)
        if hit and (best is None or hit[1] >= best[0]):
            best = (hit[1], tail, ix.provinces[hit[0]])
    if best is None:
        return None
    return address[: address.rindex(best[1])].rstrip(", ") + ", " + best[2]
