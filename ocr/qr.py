"""The QR code of the chip cards: decode it and tell its fields by their shape, not by position.

The 2021 card's QR is `id12|old9|name|ddmmyyyy|sex|address|ddmmyyyy`; the 2024 card's QR (on its
back) is not confirmed field by field, so every payload is read the same way: a 12-digit part is
the number, a 9-digit one the old CMND number, dates in order of time are birth, issue (and
expiry), `Nam`/`Nữ` the sex, a part of letters only the name, and parts with commas or house
numbers are addresses (which address is which is settled against the printed text, see
`assign_addresses`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata

from core.vietnamese import strip_diacritics

from . import idnum, unitnames
from .values import lexicon, parse_date


def read_qr(gray):
    """(text, (cx, cy)) of the first QR code zxing-cpp decodes in a grey image, or None."""
    import zxingcpp

    try:
        res = zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode)
    except Exception:
        return None
    for r in res:
        if r.valid and r.text:
            p = r.position
            cx = (p.top_left.x + p.top_right.x + p.bottom_left.x + p.bottom_right.x) / 4
            cy = (p.top_left.y + p.top_right.y + p.bottom_left.y + p.bottom_right.y) / 4
            return r.text, (cx, cy)
    return None


def read_qr_corners(gray, left_first: bool = False) -> str | None:
    """A second try for a QR the whole card did not give: each top corner alone (the QR is printed
    in a top corner on both sides that carry one), rescaled (zxing wants 3-8 px a module: a small,
    soft QR is brought up, a coarse one down), as it is, sharpened, or binarised with a local
    threshold. The right corner is tried first (the 2021 chip front's QR), the left one first with
    `left_first` (the 2024 back's): a card has one QR, so the order only saves the other corner's
    dozen tries."""
    import cv2

    H, W = gray.shape
    corners = [(int(W * 0.55), W), (0, int(W * 0.45))]
    for x0, x1 in corners[::-1] if left_first else corners:
        crop = gray[: int(H * 0.6), x0:x1]
        for f in (1.5, 0.75, 2.5, 3.0):
            up = cv2.resize(
                crop, None, fx=f, fy=f, interpolation=cv2.INTER_CUBIC if f > 1 else cv2.INTER_AREA
            )
            for how in ("plain", "sharpened", "binarised"):
                if how == "plain":
                    img = up
                elif how == "sharpened":  # modules of 1-2 px blurred together: an unsharp mask
                    img = cv2.addWeighted(up, 2.0, cv2.GaussianBlur(up, (0, 0), 2 * f), -1.0, 0)
                else:
                    img = cv2.adaptiveThreshold(
                        up, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, int(31 * f) | 1, 5
                    )
                r = read_qr(img)
                if r is not None:
                    return r[0]
    return None


_NOT_NAME = {"viet nam", "khong", "kinh", "khong thoi han"}  # nationality, religion, ethnicity ...
_ABBR = {"tp", "tt", "tx", "p", "q", "h", "x", "t"}  # "TP.", "H.", "X." ...
# the first word of an address: a unit's type ("Thành phố", "Thị xã" ...) or a village's, a street's
_TYPES = {"thôn", "xóm", "ấp", "tổ", "bản", "khóm", "đội", "khu", "đường", "ngõ", "ngách", "hẻm", "kiệt", "số",
          "làng", "buôn", "sóc", "xã", "phường", "quận", "huyện", "tỉnh", "thành", "thị"}  # fmt: skip
_FOLDED_TYPES = {strip_diacritics(t): t for t in _TYPES}


def _date(p: str) -> str | None:
    """A date field: ddmmyyyy (the 2021 QR), dd/mm/yyyy, or year first (yyyymmdd, yyyy-mm-dd)."""
    if re.fullmatch(r"\d{8}", p):
        return parse_date(p) or parse_date(f"{p[6:8]}/{p[4:6]}/{p[0:4]}")
    if re.fullmatch(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}", p):
        return parse_date(p)
    m = re.fullmatch(r"(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})", p)
    return parse_date(f"{m[3]}/{m[2]}/{m[1]}") if m else None


def _address_like(p: str) -> bool:
    """A part that is an address: commas, a house number, a unit's or a village's type word first
    ("Xã", "TP.", "Thôn"; compared with its marks, so the name "Tô Văn Huệ" is no "Tổ"; in a part
    without marks only when its first word is no family name), or a province's name alone."""
    if "," in p or re.search(r"\d", p):
        return True
    return _typed(p) or unitnames.name_key(p) in unitnames.provinces()


def _typed(p: str) -> bool:
    """Does the part begin with a unit's or a village's type word ("Xã", "TP.", "Thôn")?"""
    first = p.split()[0].lower()
    if first.rstrip(".") in _ABBR and first.endswith(".") or first.rstrip(".") == "tp":
        return True
    if strip_diacritics(p) == p:  # no marks: "NGO VAN AN" is a name, "Thon Dong" an address
        if first in {strip_diacritics(w).lower() for w in lexicon()["surname"]}:
            return False
        first = first if first not in _FOLDED_TYPES else _FOLDED_TYPES[first]
    return first in _TYPES


def _surname_first(p: str) -> bool:
    """Does the part begin with a family name ("Nguyễn", or "NGUYEN" written without marks)?"""
    first, surnames = p.split()[0], lexicon()["surname"]
    if strip_diacritics(first) != first:
        return first.upper() in surnames
    return first.upper() in {strip_diacritics(w) for w in surnames}


def _province_named(p: str) -> bool:
    """A province's name alone, without its type word, that is also a person's ("Cao Bằng")."""
    return bool(re.fullmatch(r"[^\W\d_]+( [^\W\d_]+){1,6}", p)) and _surname_first(p) and not _typed(p)


def _order_dates(dates: list[tuple[str, int]], no_expiry: bool) -> list[tuple[str, int, str]]:
    """Birth is the earliest date; an issue date is never in the future, so a later date (or one
    the age rule allows from an earlier one) is the expiry; of the rest, the latest is the issue
    (an old CMND's issue date, when given, is earlier)."""
    dates = sorted(dates)
    if not dates:
        return []
    out = [(dates[0][0], dates[0][1], "date_of_birth")]
    rest = dates[1:]
    today = dt.date.today().isoformat()
    if rest and not no_expiry and len(rest) >= 2:
        last, prev = rest[-1][0], rest[-2][0]
        if last > today or last in idnum.expected_expiry(dates[0][0], prev):
            out.append((last, rest[-1][1], "date_of_expiry"))
            rest = rest[:-1]
    elif rest and not no_expiry and rest[-1][0] > today:
        out.append((rest[-1][0], rest[-1][1], "date_of_expiry"))
        rest = rest[:-1]
    if rest:
        out.append((rest[-1][0], rest[-1][1], "date_of_issue"))
    return out


_ORDER_2021 = ["id_number", "old_id_number", "full_name", "date_of_birth", "sex", "address", "date_of_issue"]


def _as_2021(parts: list[str]) -> dict | None:
    """The 2021 chip QR, whose order is known (`id12|old9|name|ddmmyyyy|sex|address|ddmmyyyy`):
    read by position when every field has its shape there, so that a name spelled like a
    province ("Lâm Đồng") or an address without type words stays what its place says."""
    if len(parts) != 7:
        return None
    num, old, name, dob, sex, addr, issue = parts
    d, i = (parse_date(x) if re.fullmatch(r"\d{8}", x) else None for x in (dob, issue))
    if not (
        d
        and i
        and re.fullmatch(r"\d{12}", num)
        and re.fullmatch(r"(\d{9}|\d{12})?", old)
        and unitnames.name_key(sex) in ("nam", "nu")
        and re.fullmatch(r"[^\W\d_]+([ '.-]+[^\W\d_]+)*", name)
        and re.search(r"[^\W\d_]", addr)
    ):
        return None
    sx = "Nam" if unitnames.name_key(sex) == "nam" else "Nữ"
    fits = [all(v == "ok" for v in idnum.check_number(n, d, sx).values()) for n in (num, old)]
    if len(old) == 12 and fits == [False, True]:  # the number second: not the 2021 order
        return None
    f = {"id_number": num, "full_name": name.upper(), "date_of_birth": d, "sex": sx}
    f |= {"place_of_residence": addr, "date_of_issue": i} | ({"old_id_number": old} if old else {})
    return f


def parse_qr(text: str) -> tuple[dict, dict]:
    """Fields and checks of a card QR payload; extra addresses under "addresses". A payload of
    the 2021 card's shape is read by position; any other by the shape of each field (fields of
    other shapes, nationality, ethnicity, empty ones, are passed over)."""
    parts = [unicodedata.normalize("NFC", p).strip() for p in text.split("|")]
    checks: dict = {"fields": len(parts)}
    f: dict = {}
    if len(parts) < 5:
        checks["format"] = "unknown"
        return f, checks
    known = _as_2021(parts)
    if known is not None:
        checks["order"] = [k if parts[n] else "" for n, k in enumerate(_ORDER_2021)]
        checks["format"] = "ok"
        return known, checks
    order: list[str] = []
    dates, twelve, nine, addresses, names = [], [], [], [], []
    no_expiry = False
    for i, p in enumerate(parts):
        fold = unitnames.name_key(p)
        kind = "?"
        if not p:
            kind = ""
        elif re.fullmatch(r"\d{12}", p):
            twelve.append((p, i))
            kind = "number"
        elif re.fullmatch(r"\d{9}", p):
            nine.append((p, i))
            kind = "old_id_number"
        elif _date(p):
            dates.append((_date(p), i))
            kind = "date"
        elif fold in ("nam", "nu"):
            f["sex"], kind = ("Nam" if fold == "nam" else "Nữ"), "sex"
        elif fold == "khong thoi han":
            f["date_of_expiry"], kind, no_expiry = idnum.NO_EXPIRY, "date_of_expiry", True
        elif fold in _NOT_NAME:
            kind = "?"
        elif (
            re.fullmatch(r"[^\W\d_]+( [^\W\d_]+){1,6}", p)
            and strip_diacritics(p).replace(" ", "").isascii()
            and not _address_like(p)
        ):
            names.append((p, i))
        elif re.search(r"[^\W\d_]", p) and _address_like(p):
            addresses.append(p)
            kind = "address"
        order.append(kind)
    for d, i, name in _order_dates(dates, no_expiry):
        f[name] = d
        order[i] = name
    if not names:  # no other name: a province's name that begins with a family name ("Lâm Đồng")
        names = [(p, i) for i, p in enumerate(parts) if order[i] == "address" and _province_named(p)][:1]
        addresses = [a for a in addresses if (a, parts.index(a)) not in names]
    if names:  # of the parts shaped like a name, one that begins with a family name (not "Phật giáo")
        p, i = next((x for x in names if _surname_first(x[0])), names[0])
        f["full_name"], order[i] = p.upper(), "full_name"
    if twelve:  # the number agrees with the birth year and the sex; an old 12-digit CMND need not
        fits = [
            (p, i)
            for p, i in twelve
            if all(v == "ok" for v in idnum.check_number(p, f.get("date_of_birth"), f.get("sex")).values())
        ]
        p, i = (fits or twelve)[0]
        f["id_number"], order[i] = p, "id_number"
        nine += [x for x in twelve if x[1] != i]
    if nine:
        p, i = sorted(nine, key=lambda x: len(x[0]))[0]
        f["old_id_number"], order[i] = p, "old_id_number"
    if addresses:
        f["place_of_residence"] = addresses[0]
        if len(addresses) > 1:
            f["addresses"] = addresses
    checks["order"] = order
    ok = "id_number" in f and "date_of_birth" in f and "sex" in f
    checks["format"] = "ok" if ok else "unexpected"
    return f, checks


def _fold(s: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", strip_diacritics(s).lower()).split())


def _units(a: str) -> list[str]:
    return [u for u in (_fold(x) for x in a.split(",")) if u]


def _contained(part: str, text: str) -> float:
    """How much of `part` is found in `text`, in order, in runs of 3 characters or more (0.5 for an
    empty part: nothing to tell either way)."""
    if not part:
        return 0.5
    sm = difflib.SequenceMatcher(None, part, text, autojunk=False)
    return sum(m.size for m in sm.get_matching_blocks() if m.size >= 3) / len(part)


def _province_of_birth(addr: str, id_number: str | None) -> bool:
    """Does the address end in the province where the birth was registered (the number's first
    three digits, Decree 137/2015)?"""
    prov = idnum.PROVINCES.get((id_number or "")[:3])
    units = _units(addr)
    return bool(prov and units and _fold(prov) in units[-1])


def assign_addresses(
    addresses: list[str], printed: dict[str, str], id_number: str | None = None
) -> dict[str, str]:
    """Which QR address is the residence and which the place of origin/birth registration. Each
    address is told by what sets it apart from the others (units they share say nothing: two
    addresses in one commune differ by a village or a house number) and how much of that is found
    in the printed residence and the printed origin (the 2024 back prints the residence only);
    without print, the address in the province of the number's birth registration is the origin;
    else the QR's order (residence first)."""
    return told_addresses(addresses, printed, id_number)[0]


def told_addresses(
    addresses: list[str], printed: dict[str, str], id_number: str | None = None
) -> tuple[dict[str, str], bool]:
    """`assign_addresses`, and whether the print decided it (the chosen address's own part half
    found in it or more, by a margin of 0.2 over the other roles): when only the province of birth
    registration or the QR's order did, the roles are a guess, not to be reported as confirmed."""
    keys = ["place_of_residence", "place_of_origin"]
    if len(addresses) < 2:
        return ({keys[0]: addresses[0]} if addresses else {}), True
    res, org = (_fold(printed.get(k) or "") for k in keys)
    units = [_units(a) for a in addresses]
    own = []
    for i, us in enumerate(units):
        others = {u for j, vs in enumerate(units) if j != i for u in vs}
        own.append(" ".join(u for u in us if u not in others))

    def printed_score(r: int, o: int) -> float:
        s = 0.0
        if res:
            s += _contained(own[r], res) - _contained(own[o], res)
        if org:
            s += _contained(own[o], org) - _contained(own[r], org)
        return s

    def score(r: int, o: int) -> float:
        s = printed_score(r, o)
        if _province_of_birth(addresses[o], id_number) != _province_of_birth(addresses[r], id_number):
            s += 0.05 if _province_of_birth(addresses[o], id_number) else -0.05
        return s - 0.001 * (r + o) - 0.0005 * (r > o)

    pairs = [(r, o) for r in range(len(addresses)) for o in range(len(addresses)) if r != o]
    r, o = max(pairs, key=lambda ro: score(*ro))
    margin = printed_score(r, o) - max(printed_score(*ro) for ro in pairs if ro != (r, o))
    # the print decides when the chosen address's own part is mostly found in it (a line read
    # elsewhere, "Thắng, năm cấp, 21/08/2024", shares a syllable or two with any address)
    found = max(_contained(own[r], res) if res else 0.0, _contained(own[o], org) if org else 0.0)
    same = _fold(addresses[r]) == _fold(addresses[o])  # one place twice: no role to guess
    return {keys[0]: addresses[r], keys[1]: addresses[o]}, (margin >= 0.2 and found >= 0.5) or same


_TYPE_FOLDS = {
    "xa",
    "phuong",
    "thi",
    "tran",
    "huyen",
    "quan",
    "tinh",
    "thanh",
    "pho",
    "tp",
    "so",
    "to",
    "thon",
}


def lone_address(addr: str, printed_residence: str | None) -> str:
    """The one address of a 2024 QR (order unconfirmed): the residence, unless the residence
    printed beside it is read cleanly (four words or more of three letters or more that are
    syllables of units' names) and shares almost none of its names (under 0.2 of its words, type words aside): then it is
    the place of birth registration."""
    mine = [w for w in _fold(addr).split() if w not in _TYPE_FOLDS and not w.isdigit()]
    seen = _fold(printed_residence or "").split()
    clean = [w for w in seen if len(w) >= 3 and w in {strip_diacritics(s) for s in unitnames.syllables()}]
    if not mine or len(clean) < 4:
        return "place_of_residence"
    found = sum(w in seen for w in mine) / len(mine)
    return "place_of_origin" if found < 0.2 else "place_of_residence"
