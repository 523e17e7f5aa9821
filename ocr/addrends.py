"""An address's province lost under a mark (an officer's signature stroke across the end of the
address: "Tỉnh Wm==ãã—", "TP. Hà vwx^/"): its district or commune, read before it, names it
when the units' list puts that unit in one province only. A guess, which the caller flags for
the citizen to check."""

from __future__ import annotations

import re

from .tuning import thresholds
from .unitnames import CITIES, LOCAL, canon, folded, name_key, provinces, split_prefix, syllables, within

# symbols a pen stroke is read as, between letters (never inside a house number: digits round it)
_JUNK = re.compile(r"(?<=[^\W\d_])\s*[/\\^`@¬§¡£=~|—]+[^\w\s]*\s*(?=\S)")


def _break(m: re.Match) -> str:
    """A stroke's symbols become a comma; a "/" in a house, alley or hamlet number ("123A/45",
    "12B/3", "Ấp 3A/1": its token has a digit, or a digit follows) stays as printed."""
    token = re.split(r"[\s,]", m.string[: m.start()])[-1]
    if "/" in m.group() and (re.search(r"\d", token) or m.string[m.end() : m.end() + 1].isdigit()):
        return m.group()
    return ", "


def junk_breaks(text: str) -> str:
    """A stroke's symbols between words read as a break between two parts ("Gò Vập/`Š Chí Minh")."""
    return _JUNK.sub(_break, text)


def _province_of(name: str) -> str | None:
    """The one province the unit `name` is in (a district first: the province whose units share
    the most with the district's own), or None."""
    key = canon(name).lower()
    if not key:
        return None
    w = within()
    inner = w.get(key, set())
    cands = []
    for prov in set(provinces().values()):
        units = w.get(canon(prov).lower(), set())
        if canon(name) in units:
            cands.append((len(units & inner), prov))
    if not cands:
        return None
    cands.sort(reverse=True)
    if len(cands) == 1 or (cands[0][0] >= 3 and cands[0][0] >= 2 * cands[1][0]):
        return cands[0][1]
    return None


def _prefix(garbled: str, unit_pre: str, prov: str) -> str:
    """The province's type word: as read when it was, else in the district's style (in full,
    abbreviated or none)."""
    pre, _ = split_prefix(garbled)
    if pre in ("Tỉnh", "Thành phố", "T.", "TP."):
        return pre
    f = folded(garbled)
    city = folded(prov) in CITIES
    if re.match(r"^\W*(th)?[aà]nh ph", f):
        return "Thành phố"
    if not unit_pre:
        return ""
    full = len(unit_pre) > 3
    return ("Thành phố" if full else "TP.") if city else ("Tỉnh" if full else "T.")


def _legible(parts: list[str]) -> bool:
    """Whether every word after the type words is a real syllable (a name cut at the line's end,
    "T. Hà", is print read right: not replaced by a guess)."""
    words = [w for p in parts for w in split_prefix(p)[1].split()]
    return bool(words) and all(canon(w).lower() in syllables() for w in words)


PROVINCE_PREFIXES = ("Tỉnh", "Thành phố", "T.", "TP.")


def province_by_unit(parts: list[str], known: list[bool]) -> list[str] | None:
    """The parts with the province put back from the unit before it (a district or commune in one
    province only), when the one or two parts after that unit are no known unit at all (`known`:
    per part), or None."""
    provs = {canon(v) for v in provinces().values()}
    for j in (len(parts) - 2, len(parts) - 3):
        if j < 0 or any(known[j + 1 :]) or canon(split_prefix(parts[-1])[1]) in provs:
            return None
        unit_pre, unit = split_prefix(parts[j])
        if unit_pre in PROVINCE_PREFIXES or _legible(parts[j + 1 :]):
            return None
        prov = _province_of(unit) if known[j] else None
        if prov:
            garbled = " ".join(parts[j + 1 :])
            return [*parts[: j + 1], f"{_prefix(garbled, unit_pre, prov)} {prov}".strip()]
    return None


def lone_prefixes(parts: list[str]) -> list[str]:
    """A unit's type word cut from its name by a comma read in a stroke ("Tỉnh, An Giang")."""
    out: list[str] = []
    for p in parts:
        if out and split_prefix(out[-1])[0] and not split_prefix(out[-1])[1] and out[-1] != p:
            out[-1] = f"{out[-1]} {p}"
        else:
            out.append(p)
    return out


def _plausible_name(word: str) -> bool:
    """A word a hamlet or village might be named: a syllable written as a name ("Ba", "Mới")."""
    return len(word) > 1 and word[0].isupper() and word[1:].islower() and canon(word).lower() in syllables()


def speck_before_province(parts: list[str], known: list[bool]) -> list[str]:
    """A short unknown part read before a bare province ("H. Hậu Lộc, VẦ, Thanh Hóa"): its
    abbreviation under a stroke, "T." or "TP."."""
    if len(parts) < 3 or known[-2] or split_prefix(parts[-1])[0]:
        return parts
    prov = provinces().get(name_key(parts[-1]))
    speck = re.sub(r"\W", "", parts[-2])
    if not prov or not 1 <= len(speck) <= 3 or any(ch.isdigit() for ch in speck):
        return parts
    # a hamlet or group read right is not a speck ("Tổ 5, Ấp B, Bình Dương", "KP B"): one token
    # only, no type word, no name a unit might have ("Ba": a syllable written as a name is)
    if (
        len(parts[-2].split()) > 1
        or folded(speck).lower() in (*LOCAL, *thresholds()["local_type_abbreviations"])
        or _plausible_name(speck)
    ):
        return parts
    return [*parts[:-2], f"{'TP.' if folded(prov) in CITIES else 'T.'} {prov}"]


_PLACE_EN = ("place of origin", "place of residence", "place of birth registration")
_EN_WINDOWS = {
    " ".join(ws[i:j])
    for e in _PLACE_EN
    for ws in [e.split()]
    for i in range(len(ws))
    for j in range(i + 1, len(ws) + 1)
}
_TYPE_WORDS = {"thôn", "xóm", "ấp", "tổ", "khu", "khóm", "bản", "làng", "số", "xã", "phường", "thị", "huyện", "quận", "tỉnh", "thành"}  # fmt: skip


def english_lead(text: str) -> str:
    """Without a place label's English half read garbled before the address ("Phace o1 sgm Thôn
    Nam, …", "of otgio, Xóm Trung, …"): up to three words, most of them no syllable of a unit's
    name, like a part of "Place of origin/residence/birth registration" (≥ 0.55), before a
    unit's or a village's type word."""
    import difflib

    words = text.split()
    for k in range(1, min(4, len(words))):
        head, nxt = words[:k], words[k].strip(".,").lower()
        if nxt not in _TYPE_WORDS or any(w.strip(".,:").lower() in _TYPE_WORDS for w in head):
            continue
        strange = sum(canon(w.strip(".,:;")).lower() not in syllables() for w in head)
        s = " ".join(re.sub(r"[^a-z0-9]+", " ", folded(" ".join(head))).split())
        if 2 * strange > k and len(s) >= 4:
            if max(difflib.SequenceMatcher(None, s, e).ratio() for e in _EN_WINDOWS) >= 0.55:
                return " ".join(words[k:])
    return text


def english_tail(text: str) -> str:
    """Without a label's English half read after the address (the line under it pulled in,
    "…, Đà Nẵng Placeofodgn, T572 3E"): from a run of one to three words whose letters are
    nearly those of "Place of origin/residence/birth registration" (≥ 0.75) on, once two of the
    address's units have been read."""
    import difflib

    words = text.split()
    halves = [e.replace(" ", "") for e in _PLACE_EN]
    for i in range(1, len(words)):
        if " ".join(words[:i]).count(",") < 2:
            continue
        for k in (1, 2, 3):
            s = re.sub(r"[^a-z]", "", folded(" ".join(words[i : i + k])))
            if len(s) >= 6 and any(
                difflib.SequenceMatcher(None, s, h[: len(s) + 2]).ratio() >= 0.75 for h in halves
            ):
                return " ".join(words[:i]).rstrip(" ,;")
    return text
