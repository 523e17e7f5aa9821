"""More development addresses (round 2), written by `bench/routing_devset.py` after the first round.

The same source of truth (the official old->new mapping in `vietnamadminunits`' data, communes that
were not divided) and a fixed seed of its own, in the writing styles the first round lacked:

- typos of every kind in the commune's name and sometimes the province's (a letter dropped,
  doubled, swapped, replaced by a neighbouring key, one letter too many), with or without
  diacritics;
- telex leftovers (the keyboard's Vietnamese mode off: "phuowngf Beens Thanhf");
- provinces merged in 2025 written the old way (old province, old district, sometimes only the old
  province), their short forms ("BD", "BR-VT", "TT Huế") and the new commune with the old province;
- teencode and shorthand ("p", "f", "q", "h", "x", "tx", "tp", no commas, "-" between units);
- what citizens write before the commune: house numbers, alleys, hamlets, residential groups.

Each entry has `tags` (several per address, like the independent set's) instead of one style.
"""

from __future__ import annotations

import random
import unicodedata

from core.vietnamese import strip_diacritics

STREETS = [
    "Lê Lợi",
    "Nguyễn Huệ",
    "Phan Đình Phùng",
    "Hai Bà Trưng",
    "Trần Phú",
    "Điện Biên Phủ",
    "Võ Thị Sáu",
]
BEFORE = [
    "Tổ {n}, Khu phố {m}",
    "tổ {n} KP{m}",
    "Thôn {m}",
    "thôn Đông",
    "Ấp {m}",
    "ấp Tân Lập",
    "xóm {n}",
    "ngõ {n} ngách {m}",
    "hẻm {n}/{m}",
    "kiệt {n}",
    "số {n}",
    "{n}/{m}A",
    "Tổ dân phố {n}",
]
KINDS_SHORT = {
    "Phường": ["P.", "P", "p", "F", "f", "Ph."],
    "Xã": ["X.", "X", "x", "xa"],
    "Thị trấn": ["TT.", "TT", "tt"],
    "Quận": ["Q.", "Q", "q"],
    "Huyện": ["H.", "H", "h", "huyen"],
    "Thị xã": ["TX.", "TX", "tx"],
    "Thành phố": ["TP.", "TP", "tp"],
}
# short forms of old provinces seen on paper and in chat
PROVINCE_SHORT = {
    "Bình Dương": ["BD", "Bình Dương", "binh duong", "tỉnh BD"],
    "Bà Rịa - Vũng Tàu": ["BR-VT", "BRVT", "Bà Rịa Vũng Tàu", "ba ria vung tau", "Vũng Tàu"],
    "Thừa Thiên Huế": ["TT Huế", "TTH", "Thừa Thiên Huế", "thua thien hue"],
    "Hồ Chí Minh": ["TP.HCM", "tphcm", "Sài Gòn", "sg", "HCM"],
    "Hà Nội": ["HN", "Hà Nội", "ha noi", "Hanoi"],
}
NEIGHBOURS = {
    "a": "sqwz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "g": "ftyhbv", "h": "gyujnb",
    "i": "ujko", "k": "jiolm", "l": "kop", "m": "njk", "n": "bhjm", "o": "iklp", "p": "ol",
    "q": "wa", "r": "edft", "s": "awedxz", "t": "rfgy", "u": "yhji", "v": "cfgb", "x": "zsdc", "y": "tghu",
}  # fmt: skip
TONES = {"\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j"}
SHAPES = {"\u0306": "w", "\u0302": "", "\u031b": "w"}  # breve, circumflex (letter doubled), horn


def typo(rng: random.Random, word: str, kind: str | None = None) -> str:
    """One slip in a word of 4+ letters (diacritics kept where the letter stays)."""
    letters = list(word)
    spots = [i for i, c in enumerate(letters[1:-1], 1) if c.isalpha()]
    if len(word) < 4 or not spots:
        return word
    i = rng.choice(spots)
    kind = kind or rng.choice(["drop", "double", "swap", "neighbour", "extra"])
    if kind == "drop":
        del letters[i]
    elif kind == "double":
        letters.insert(i, letters[i])
    elif kind == "swap":
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
    elif kind == "neighbour":
        base = strip_diacritics(letters[i]).lower()
        letters[i] = rng.choice(NEIGHBOURS.get(base, base))
    else:
        letters.insert(i, rng.choice("aeiounhtg"))
    return "".join(letters)


def telex(word: str) -> str:
    """A word as typed with the keyboard's Vietnamese mode off: "phường" -> "phuowngf"."""
    out, tone = [], ""
    for ch in unicodedata.normalize("NFD", word):
        if ch in TONES:
            tone = TONES[ch]
        elif ch in SHAPES:
            out.append(SHAPES[ch] or out[-1].lower())
        elif ch in "đĐ":
            out.append("dd" if ch == "đ" else "Dd")
        else:
            out.append(ch)
    text = "".join(out).replace("uwow", "uow")
    return text + tone


def short_kind(rng: random.Random, unit: str) -> tuple[str, str]:
    """("P.", "Bến Thành") for "Phường Bến Thành"; the kind as written in full sometimes."""
    for kind, forms in KINDS_SHORT.items():
        if unit.startswith(kind + " "):
            return rng.choice([*forms, kind]), unit[len(kind) + 1 :]
    return "", unit


def province_as_written(rng: random.Random, name: str) -> str:
    for full, forms in PROVINCE_SHORT.items():
        if name.endswith(full):
            return rng.choice(forms)
    short = name.removeprefix("Tỉnh ").removeprefix("Thành phố ")
    return rng.choice([short, short, name, f"tỉnh {short}" if name.startswith("Tỉnh") else f"TP {short}"])


def before(rng: random.Random) -> str:
    lead = rng.choice(BEFORE).format(n=rng.randint(1, 60), m=rng.randint(1, 12))
    if rng.random() < 0.5:
        lead = f"{lead}, {rng.randint(1, 200)} {rng.choice(STREETS)}"
    return lead


def join(rng: random.Random, parts: list[str]) -> str:
    return rng.choice([", ", ", ", ",", " - ", " "]).join(p for p in parts if p)


def write(rng: random.Random, style: str, ward: str, district: str, province: str) -> tuple[str, list[str]]:
    """An old commune (`ward`, `district`, `province` as named before 2025) written in `style`."""
    tags = ["old_district"]
    wk, ws = short_kind(rng, ward)
    dk, ds = short_kind(rng, district)
    prov = province_as_written(rng, province)
    lead = before(rng) if rng.random() < 0.5 else ""
    if lead:
        tags.append("house_number")
    if style == "typo":
        words = ws.split()
        spots = [i for i, w in enumerate(words) if len(w) >= 4]
        if not spots:
            return "", []
        i = rng.choice(spots)
        words[i] = typo(rng, words[i])
        ws = " ".join(words)
        if rng.random() < 0.25:
            prov = " ".join(typo(rng, w) if len(w) >= 4 and rng.random() < 0.5 else w for w in prov.split())
        tags.append("typo")
    if style == "telex":
        ward_part = " ".join(telex(w) for w in f"{wk} {ws}".split())
        text = join(rng, [lead, ward_part, f"{dk} {ds}", prov])
        return text, [*tags, "telex"]
    if style == "teencode":
        wk = rng.choice(["p", "f", "P", "F"]) if ward.startswith("Phường") else wk
        text = " ".join(
            [lead, f"{wk}{'' if ws.isdigit() else ' '}{ws}", f"{dk}{'' if ds.isdigit() else ' '}{ds}", prov]
        )
        text = strip_diacritics(text).lower() if rng.random() < 0.7 else text
        return " ".join(text.split()), [*tags, "teencode", "abbreviation"]
    if style == "no_district":
        return join(rng, [lead, f"{wk} {ws}", prov]), ["merged_no_district", *tags[1:]]
    text = join(rng, [lead, f"{wk} {ws}", f"{dk} {ds}", prov])
    if rng.random() < 0.45:
        text = strip_diacritics(text)
        tags.append("no_diacritics")
        if rng.random() < 0.5:
            text = text.lower()
    if rng.random() < 0.1:
        text += rng.choice([", Việt Nam", " VN", ", Viet Nam"])
    return text, tags


def write_new(rng: random.Random, ward: str, old_province: str) -> tuple[str, list[str]]:
    """A 2025 commune written with the province it was in before 2025 ("Phường Thủ Dầu Một, BD")."""
    wk, ws = short_kind(rng, ward)
    text = join(
        rng, [before(rng) if rng.random() < 0.5 else "", f"{wk} {ws}", province_as_written(rng, old_province)]
    )
    tags = ["new_name", "old_province"]
    if rng.random() < 0.4:
        text = strip_diacritics(text).lower()
        tags.append("no_diacritics")
    return text, tags


def entries(
    rng: random.Random, undivided: list, old_parts, new_wards: dict, new_provinces: dict
) -> list[dict]:
    """Round 2: 300 old communes (half in provinces merged in 2025) and 40 new ones with the old
    province. `undivided`: (old key, new province key, new commune key); `old_parts(old)`: its
    (commune, district, province) names or None."""
    merged = [x for x in undivided if x[0].split("_")[0] != x[1]]
    kept = [x for x in undivided if x[0].split("_")[0] == x[1]]
    names: dict[str, list[str]] = {}  # old province -> the old communes' short names (unique ones)
    for old, *_ in undivided:
        parts = old_parts(old)
        if parts:
            names.setdefault(old.split("_")[0], []).append(strip_diacritics(parts[0]).lower())
    out = []
    styles = ["plain", "typo", "telex", "teencode", "typo", "no_district"]
    for pool, n, extra in ((merged, 150, ["merged", "old_province"]), (kept, 150, [])):
        for i, (old, nprov, nward) in enumerate(rng.sample(pool, n)):
            parts = old_parts(old)
            if parts is None:
                continue
            style = styles[i % len(styles)]
            if (
                style == "no_district"
                and names[old.split("_")[0]].count(strip_diacritics(parts[0]).lower()) > 1
            ):
                style = "plain"  # a name several old communes of the province had: the district is needed
            text, tags = write(rng, style, *parts)
            if text:
                out.append(
                    {"text": text, "ward_code": new_wards[nprov][nward]["wardCode"], "tags": tags + extra}
                )
    seen = set()
    for old, nprov, nward in rng.sample(merged, 60):
        if nward in seen or len(seen) >= 40:
            continue
        seen.add(nward)
        parts = old_parts(old)
        if parts is None:
            continue
        text, tags = write_new(rng, new_wards[nprov][nward]["ward"], parts[2])
        out.append(
            {"text": text, "ward_code": new_wards[nprov][nward]["wardCode"], "tags": [*tags, "merged"]}
        )
    return out


def with_new_province(
    rng: random.Random, undivided: list, old_parts, new_wards: dict, new_provinces: dict
) -> list[dict]:
    """40 old communes of provinces merged in 2025 written with the 2025 province instead of the old
    one ("Xã Hòa Tân Tây, huyện Tây Hòa, Đắk Lắk", once Phú Yên's), with or without the district."""
    merged = [x for x in undivided if x[0].split("_")[0] != x[1]]
    out = []
    for old, nprov, nward in rng.sample(merged, 40):
        parts = old_parts(old)
        if parts is None:
            continue
        wk, ws = short_kind(rng, parts[0])
        dk, ds = short_kind(rng, parts[1])
        province = province_as_written(rng, new_provinces[nprov]["province"])
        text = join(rng, [before(rng) if rng.random() < 0.4 else "", f"{wk} {ws}", f"{dk} {ds}", province])
        tags = ["old_district", "merged", "new_province"]
        if rng.random() < 0.4:
            text = strip_diacritics(text).lower()
            tags.append("no_diacritics")
        out.append({"text": text, "ward_code": new_wards[nprov][nward]["wardCode"], "tags": tags})
    return out
