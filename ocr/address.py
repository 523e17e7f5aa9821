"""Addresses read off a card, cleaned against the real administrative units (ocr/lexicon/units.txt,
generated from the packages places/ reads: tools/make_ocr_lexicon.py).

The text is kept as printed (abbreviations such as "TP." or "X." included); a unit's name is only
replaced when it is not a known name and one known name is clearly meant (the same letters with
other marks, or one or two letters off). A correct name missing from the list is never spoiled
into another one: unknown and not close means kept."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .addrends import (
    PROVINCE_PREFIXES,
    english_lead,
    english_tail,
    junk_breaks,
    lone_prefixes,
    province_by_unit,
    speck_before_province,
)
from .unitnames import (
    CITIES,
    LOCAL,
    NUMBERED,
    UNIT_PREFIXES,
    as_province,
    canon,
    fix_name,
    folded,
    hyphenated,
    name_key,
    names,
    provinces,
    split_prefix,
    syllables,
    within,
)

__all__ = ["canon", "fix_name", "fix_place", "names", "segment", "split_prefix"]

#: The one-letter unit abbreviations (xã, phường, huyện, quận, tỉnh), never a speck.
ABBREVIATIONS = frozenset("XPHQT")


def _province_end(part: str) -> str:
    """An address's last part is its province: a misread province ("Quảng Nan", "An Giai") is put
    to the one province it is clearly meant for (the list is short: one or two letters off, and
    nearer than any other), even when its words are real syllables; a short speck read for the
    abbreviation before it ("lv Hà Nội", "đề Thừa Thiên Huế") becomes "TP." or "T."."""
    pre, name = split_prefix(part)
    provs = provinces()
    if canon(name) in {canon(v) for v in provs.values()}:
        return part
    end = _cut_end(pre, name)
    if end:
        return f"{pre} {end}"
    if canon(name) in names()["exact"]:
        return part  # a real unit's name (a district closing an address) stays
    ws = part.split()
    if not pre and len(ws) >= 2 and len(ws[0]) <= 3:
        rest = " ".join(ws[1:])  # a speck for "T." ("1 Bình Đinh"): the rest checked alone
        if name_key(rest) not in provs and (
            re.search(r"[^\w]|\d", ws[0]) or canon(ws[0]).lower() not in syllables()
        ):
            rest = _province_end(rest)
        if name_key(rest) in provs:
            prov = provs[name_key(rest)]
            return f"{'TP.' if folded(prov) in CITIES else 'T.'} {prov}"
    f = name_key(name)
    if len(f) < 5:
        return part
    (k1, d1, _), (_, d2, _) = process.extract(f, list(provs), scorer=Levenshtein.distance, limit=2)
    if d1 <= min(2, len(f) // 3) and d2 > d1:
        return f"{pre} {provs[k1]}".strip()
    return part


def _cut_end(pre: str, name: str) -> str | None:
    """The one province a name cut at the line's end begins ("TP. Hà": Hà Nội), or None. A guess:
    "TP. Hà Tĩnh" (a city in its province) cut there reads the same."""
    if pre not in ("T.", "Tỉnh", "TP.", "Thành phố") or not name:
        return None
    city = pre in ("TP.", "Thành phố")
    ends = [v for k, v in provinces().items() if k.startswith(name_key(name) + " ") and (k in CITIES) == city]
    return ends[0] if len(ends) == 1 else None


def _fragment(read: str, fixed: str) -> bool:
    """Whether `read` is only the last words of `fixed` (its first ones lost: "Chí Minh")..."""
    r, f = folded(read).lower().split(), folded(fixed).lower().split()
    if 0 < len(r) < len(f):
        return f[-len(r) :] == r
    # ... or a word of it a speck in place of the name's ("Š Chí Minh": no letter of "Hồ")
    return len(r) == len(f) and any(not set(a) & set(b) for a, b in zip(r, f))


def _guessed_end(part: str) -> bool:
    """Whether `part`, an address's last, is a province completed from its cut beginning."""
    pre, name = split_prefix(part)
    return canon(name) not in {canon(v) for v in provinces().values()} and _cut_end(pre, name) is not None


_AS_LETTER = str.maketrans("605821", "GOSBZI")  # digits OCR reads for capitals


def _letters_for_digits(name: str) -> str:
    """The digits inside words of letters read as the capitals they look like ("6ò" -> "Gò")."""
    return " ".join(
        w.translate(_AS_LETTER) if re.search(r"[^\W\d_]", w) and re.search(r"\d", w) else w
        for w in name.split()
    )


def _hyphens(parts: list[str]) -> list[str]:
    """A hyphenated name with its hyphen lost ("Bà Rịa Vũng Tàu") or, at the end of the address
    where the province is, read as a comma ("..., Bà Rịa, Vũng Tàu"): written as officially."""
    out = []
    for p in parts:
        pre, name = split_prefix(p)
        full = hyphenated().get(name_key(name)) if len(name.split()) >= 3 else None
        out.append(f"{pre} {full}".strip() if full else p)
    if len(out) >= 3 and not split_prefix(out[-1])[0]:
        pre, name = split_prefix(out[-2])
        prov = provinces().get(name_key(f"{name} {out[-1]}"), "")
        if " - " in prov:
            out[-2:] = [f"{pre} {prov}".strip()]
    return out


def _lead_speck(p: str, more: bool) -> str:
    """A speck read as one or two letters before an address's first part ("Xt Thôn 3", "In Xã
    Tân Hòa", or cut off by a comma put back): not a word, not an abbreviation, and what follows
    reads as an address."""
    ws = p.split()
    w = ws[0] if ws else ""
    if not re.fullmatch(r"[A-Za-zÀ-ỹĐđ]{1,2}", w) or w in ("TP", "Tp", "TX", "TT") or w in ABBREVIATIONS:
        return p
    if canon(w).lower() in syllables() or folded(w) in LOCAL:
        return p
    if len(ws) == 1:
        return "" if more else p
    rest = " ".join(ws[1:])
    f = folded(rest)
    if any(f.startswith(u + " ") for u in LOCAL + UNIT_PREFIXES) or re.match(r"^(S\S?\s*)?\d", rest):
        return rest
    return rest if _known(ws[1:]) else p


def _marks_by_context(parts: list[str]) -> list[str]:
    """Two real units whose names differ only in their marks ("Tiên Phong", "Tiền Phong"): the one
    that lies in the district or province the address names after it, the nearest first (a lost
    grave accent)."""
    bare = [split_prefix(p) for p in parts]
    ctx = [canon(n).lower() for _, n in bare]
    out = list(parts)
    for j, (pre, name) in enumerate(bare[:-1]):
        variants = {canon(v) for v in names()["by_fold"].get(folded(name), []) if not split_prefix(v)[0]}
        if len(variants) < 2 or re.search(r"\d", name):
            continue
        if j + 2 >= len(parts):
            continue  # the province alone is too wide a hint (and a 2025 commune's is new)
        inside = variants & within().get(ctx[j + 1], set())  # its district, right after it
        if len(inside) == 1 and canon(name) not in inside:
            out[j] = f"{pre} {next(iter(inside))}".strip()
    return out


def _stray_stops(text: str) -> str:
    """Dots left by a leader line ("Phường.Thanh", "Tỉnh .Hà.. Tĩnh"): only an abbreviation keeps
    its full stop (one capital, TP, TX, TT)."""

    def keep(m: re.Match) -> str:
        word = m.group(1)
        return m.group(0) if word in ("TP", "Tp", "TX", "TT") or re.fullmatch(r"[A-ZĐ]", word) else word + " "

    text = re.sub(r"\.{2,}", " ", text)
    text = re.sub(r"(?<!\w)\.(?=\w)", " ", text)  # a stop before a word
    text = re.sub(r"(\w+)\.", keep, text)
    return re.sub(r"\s+", " ", text).strip()


def _known(words: list[str]) -> bool:
    pre, name = split_prefix(" ".join(words))
    return bool(name) and canon(name) in names()["exact"]


def segment(part: str) -> list[str] | None:
    """A run of units whose commas were not read ("Phú Mỹ Hải Châu Đà Nẵng"): cut into known unit
    names (fewest pieces), or None when the words are not all covered."""
    ws = part.split()
    if len(ws) < 4 or len(ws) > 16:
        return None
    best: list[list[str] | None] = [[]] + [None] * len(ws)
    for i in range(1, len(ws) + 1):
        for j in range(max(0, i - 6), i):
            prev = best[j]
            if prev is not None and _known(ws[j:i]) and (best[i] is None or len(prev) + 1 < len(best[i])):
                best[i] = prev + [" ".join(ws[j:i])]
    out = best[len(ws)]
    return out if out and len(out) >= 2 else None


_UNIT_START = re.compile(
    r"(?<=[\w.])\s+(?=(?:Thành phố|Thị trấn|Thị xã|Xã|Phường|Huyện|Quận|Tỉnh|TP\.|[XPHQT]\.)\s*[A-ZÀ-ỸĐ0-9])"
)


def _commas_before_units(text: str) -> str:
    """Commas too small to be read: a unit's type word in capitals ("Xã", "Thị xã", "TP.") after a
    word starts a new part ("Khu phố 7 Xã Xuân Phương" -> "Khu phố 7, Xã Xuân Phương"); not right
    after a bare house number (the street "Số 5 Xã Đàn")."""
    out, last = [], 0
    for m in _UNIT_START.finditer(text):
        before = text[last : m.start()].rsplit(",", 1)[-1].strip()
        if re.fullmatch(r"(S[ốoóôồổỗộ]\s*)?\d+[A-Za-z]?(/\d+)*", before):
            continue
        out.append(text[last : m.start()] + ",")
        last = m.start()
    return "".join(out) + text[last:]


def fix_place(text: str) -> tuple[str, float]:
    """An address as printed, each comma-separated unit checked against the real units: (text,
    share of the parts that are known units or house numbers; 0 when its province was completed
    from a cut end, a guess the citizen and the officer are to check)."""
    text = unicodedata.normalize("NFC", text).replace("\u2044", "/")  # a fraction slash ("45⁄45")
    text = english_tail(english_lead(re.sub(r"\s+", " ", text).strip(" .,:;-_|'\"?")))
    broke = junk_breaks(text)  # a pen stroke read as symbols between words
    broke, text = broke != text, broke
    # an abbreviation's full stop read as a comma ("H, Cam Lâm"): the letter belongs to the next unit
    text = re.sub(r"[„“”*\"]", "", text)
    # a dash glued to a word's start: the dotted line it is typed on ("P. Quang -Trung")
    text = re.sub(r"(?<=\s)[-–_]+(?=[^\W\d_])", "", text)
    # ... or between two words, no space either side ("Phường-Hòa", "xã-Điện": a name's own
    # hyphen is printed with spaces, "Bà Rịa - Vũng Tàu"), after a comma read so ("Bàn;- Tỉnh"),
    # or a dot of it read as a quote before a word ("'Bình")
    text = re.sub(r"(?<=[^\W\d_])[-–_]+(?=[^\W\d_])", " ", text)
    text = re.sub(r"(?<=\w)\s*([,;:])\s*[-–_]+\s+(?=\w)", r"\1 ", text)
    text = re.sub(r"(?<=\s)['`‘’]+(?=[^\W\d_])", "", text)
    # an abbreviation read in lower case ("q. Thủy Nguyên")
    text = re.sub(r"(^|,\s*)([xphqt])\.(?=\s)", lambda m: m.group(1) + m.group(2).upper() + ".", text)
    text = _stray_stops(text)
    # an alley number's slash read as a letter ("94I50": 94/50), an abbreviation's stop read as a
    # digit before a name ("T1 Hà Tĩnh": T. Hà Tĩnh)
    text = re.sub(r"(?<=\d)[Il|!](?=\d)", "/", text)
    text = re.sub(r"(^|,\s*)(TP|T|H|X)[1lI|]\s+(?=[A-ZÀ-ỸĐ][a-zà-ỹđ])", r"\1\2. ", text)
    text = re.sub(r"(^|,\s*)(TP|Tp|TX|TT|[PXHQT])\.?\s*[,;:]\s*", r"\1\2. ", text)
    # "Thị" with its "ị" read as a digit ("Th1 xã"); a colon or semicolon read for a comma
    text = re.sub(r"\bTh[1lI|!]\s+(xã|trấn)\b", r"Thị \1", text)
    text = re.sub(r"(?<=\w)\s*[:;]\s+(?=\w)", ", ", text)
    text = _commas_before_units(text)
    parts = [p.strip(" .:;_|'\"„“”*") if not re.search(r"\b[A-Za-z]{1,2}\.$", p.strip()) else p.strip()
             for p in re.split(r",", text)]  # fmt: skip
    parts = [p for p in parts if re.search(r"[0-9A-Za-zÀ-ỹĐđ]", p)]
    parts = _hyphens(lone_prefixes(parts))
    if len(parts) >= 3 and re.fullmatch(r"[1lI|!]", parts[-2]) and name_key(parts[-1]) in provinces():
        parts[-2:] = [f"T. {parts[-1]}"]  # "T." read as a digit and its stop as a comma
    cut: list[str] = []
    for p in parts:  # commas lost: the known units put them back
        whole = _known(p.split()) or re.search(r"\d", p)
        pieces = None if whole else segment(p)
        m = re.match(r"^(\w+(?: \w+)? \d+[A-Za-z]?) (\D+)$", p)
        if m and folded(m.group(1).rsplit(" ", 1)[0]) in NUMBERED:  # "Thôn 3 Tân Hòa Hậu Lộc ..."
            tail = [m.group(2)] if _known(m.group(2).split()) else segment(m.group(2))
            pieces = [m.group(1), *tail] if tail else None
        cut += pieces or [p]
    parts = cut
    out, hits, guessed = [], 0, False
    for i, p in enumerate(parts):
        p = " ".join(w for w in p.split() if w == "-" or re.search(r"[0-9A-Za-zÀ-ỹĐđ]", w))
        ws = p.split()
        if (
            len(ws) > 2
            and len(ws[0]) == 1
            and any(folded(" ".join(ws[1:])).startswith(u + " ") for u in UNIT_PREFIXES)
        ):
            p = " ".join(ws[1:])  # a speck before the unit's type word
        if len(p) == 1 and not p.isdigit():
            continue  # a speck read as a letter
        if i == 0:
            p = _lead_speck(p, len(parts) > 1)
            if not p:
                continue
        if i == len(parts) - 1 and i > 0 and re.match(r"^[1lI|!]\.?\s+[^\d\s]+", p):
            p = _province_end(p)  # "1 Bình Định": "T." read as a digit, not a house number
        m = re.match(r"^([Ss][ốoóôồổỗộ0ỐOÓÔỒỔỖỘ]\s*)?(\d+[A-Za-z]?(?:/\d+)*)\s+(.*)$", p)
        if m and m.group(1):  # house number + street
            out.append(f"Số {m.group(2)} {m.group(3)}")
            hits += 1
            continue
        m = re.match(r"^(\w+(?: \w+)?) (\d+[A-Za-z]?)$", p)
        if m and folded(m.group(1)).lower() in NUMBERED:  # "Tố 1" -> "Tổ 1"
            p = f"{NUMBERED[folded(m.group(1)).lower()]} {m.group(2)}"
        m = re.match(r"^(\w+ \w+ \w+) (?=\w)", p)
        if m and folded(m.group(1)).lower() in NUMBERED:  # "Tố dân phố Phú Lộc": a named group
            p = NUMBERED[folded(m.group(1)).lower()] + p[m.end(1) :]
        m = re.match(r"^\d (\D.*)$", p)
        if m and i > 0 and _known(m.group(1).split()):
            p = m.group(1)  # a speck read as a digit before a unit (house numbers come first)
        if any(folded(p).startswith(w + " ") for w in LOCAL) or re.match(r"^\d", p):
            out.append(p)
            hits += 1
            continue
        if i == len(parts) - 1 and i > 0:
            guessed, read = _guessed_end(p), p
            p = _province_end(p)
            guessed = guessed or _fragment(split_prefix(read)[1], split_prefix(p)[1])
        pre, name = split_prefix(p)
        ws = name.split()
        if len(ws) > 1 and not name.replace(" ", "").isdigit():  # "Tiên 1 Du": a speck
            name = " ".join(w for w in ws if len(w) > 1 or w == "-")
        fixed, known = fix_name(name)
        if re.search(r"\d[^\W\d_]|[^\W\d_]\d", name):  # (a name with digits counts as known)
            # a capital read as a digit inside a word ("6ò Vấp"): kept only when a known unit comes
            # out (a district's number, "Q. 6", is a word of its own and never touched)
            f2, k2 = fix_name(_letters_for_digits(name))
            if k2 and not re.search(r"\d", f2):
                fixed, known = f2, True
        if known and i == len(parts) - 1 and i > 0 and _fragment(name, fixed):
            guessed = True  # the province completed from its end ("Š Chí Minh"): a guess
        if not known and i == len(parts) - 1:  # the last unit with a stray word read after it
            for cut in (1, 2):
                ws = name.split()
                if len(ws) > cut + 1:
                    f2, k2 = fix_name(" ".join(ws[:-cut]))
                    if k2:
                        fixed, known = f2, True
                        break
        if (
            i == len(parts) - 1
            and i > 0
            and pre not in ("X.", "P.", "H.", "Q.", "Xã", "Phường", "Huyện", "Quận")
        ):
            fixed = as_province(fixed)  # an address ends with its province ("Thạnh Hóa": Thanh Hóa)
        hits += known
        out.append(f"{pre} {fixed}".strip())
    out = _marks_by_context(out)
    if broke and len(out) >= 3 and not _known(out[-1].split()):
        pre, name = split_prefix(out[-2])  # the stroke's tail after the province (or its start)
        if pre in PROVINCE_PREFIXES or canon(name) in {canon(v) for v in provinces().values()}:
            guessed = _guessed_end(out[-2])
            out = [*out[:-2], _province_end(out[-2])]
    known = [_known(p.split()) or bool(re.search(r"\d", p)) for p in out]
    out = speck_before_province(out, known)
    ends = province_by_unit(out, known[: len(out)])
    if ends:  # the province lost under a stroke, named by its district: a guess too
        out, guessed = ends, True
    if guessed:  # the province completed from a cut end: a guess, for the citizen to check
        return ", ".join(out), 0.0
    return ", ".join(out), (min(1.0, hits / len(out)) if out else 0.0)
