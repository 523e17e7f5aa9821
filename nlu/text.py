"""Text normalisation shared by the classifier and the entity extractors.

Two views of a message:

* ``fold(text)`` — lower case, diacritics removed, *one output character per input character*
  (plus an index map), so that matches found in the folded text map back to offsets in the
  original text. Used by the entity extractors.
* ``normalize(text)`` — the classifier's view: folded, teencode and abbreviations expanded,
  repeated letters collapsed, numbers and dossier codes masked. Lossy; no offsets needed.

Both the training examples and incoming messages go through the same function, so the
classifier does not care whether a citizen typed diacritics or teencode.
"""

from __future__ import annotations

import re
import unicodedata

from core.vietnamese import _D_MAP, strip_diacritics

__all__ = ["strip_diacritics", "fold"]


def _fold_char(c: str) -> str:
    low = c.lower().translate(_D_MAP)
    return "".join(x for x in unicodedata.normalize("NFD", low) if unicodedata.category(x) != "Mn")


def fold(text: str) -> tuple[str, list[int]]:
    """Lower-cased, diacritic-free text and, for each of its characters, the index of the
    original character it came from. Combining marks (NFD input) vanish; offsets stay exact."""
    fast = strip_diacritics(text.lower())
    if len(fast) == len(text) and unicodedata.is_normalized("NFC", text):
        return fast, list(range(len(text)))  # one character per character: the usual case
    out: list[str] = []
    index: list[int] = []
    for i, c in enumerate(text):
        f = _fold_char(c)
        for x in f:
            out.append(x)
            index.append(i)
    return "".join(out), index


def span_to_original(text: str, index: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a [start, end) span of the folded text back to the original text. The end is
    extended over trailing combining marks of the original."""
    o_start = index[start]
    o_end = index[end - 1] + 1
    while o_end < len(text) and unicodedata.category(text[o_end]) == "Mn":
        o_end += 1
    return o_start, o_end


# Teencode / chat abbreviations -> the words they stand for (all on folded text).
# Applied token by token. Ambiguous short forms are resolved towards the public-service
# reading ("dk" is "dang ky" here, not "duoc").
TEENCODE: dict[str, str] = {
    # negation / question words
    "ko": "khong",
    "k": "khong",
    "kh": "khong",
    "khg": "khong",
    "hok": "khong",
    "hem": "khong",
    "k0": "khong",
    "kg": "khong",
    "khum": "khong",
    "hk": "khong",
    "hog": "khong",
    "kp": "khong phai",
    "j": "gi",
    "ji": "gi",
    "gj": "gi",
    "zi": "gi",
    "ntn": "nhu the nao",
    "bn": "bao nhieu",
    "bnh": "bao nhieu",
    "nhiu": "nhieu",
    "bh": "bao gio",
    "bgio": "bao gio",
    "bjo": "bao gio",
    "z": "vay",
    "v": "vay",
    "zay": "vay",
    "vz": "vay",
    "dzay": "vay",
    # verbs, pronouns, particles
    "dc": "duoc",
    "dk": "dang ky",
    "dky": "dang ky",
    "dki": "dang ky",
    "dangky": "dang ky",
    "r": "roi",
    "wa": "qua",
    "qa": "qua",
    "ik": "di",
    "lun": "luon",
    "ns": "noi",
    "vs": "voi",
    "ms": "moi",
    "mn": "moi nguoi",
    "ng": "nguoi",
    "ngta": "nguoi ta",
    "mk": "minh",
    "mik": "minh",
    "mh": "minh",
    "t": "toi",
    "tui": "toi",
    "e": "em",
    "c": "chi",
    "ad": "admin",
    "b": "ban",
    "trc": "truoc",
    "ck": "chong",
    "vk": "vo",
    "bme": "bo me",
    "bm": "bo me",
    "lm": "lam",
    "nx": "nua",
    "cx": "cung",
    "cug": "cung",
    "bik": "biet",
    "bit": "biet",
    "dag": "dang",
    "dg": "dang",
    "bt": "biet",
    "oke": "ok",
    "okie": "ok",
    "oki": "ok",
    "okla": "ok",
    "okay": "ok",
    "okey": "ok",
    "uk": "u",
    "uhm": "u",
    "um": "u",
    "uh": "u",
    "uki": "u",
    "vg": "vang",
    "tks": "cam on",
    "thanks": "cam on",
    "thank": "cam on",
    "ty": "cam on",
    "thx": "cam on",
    "camon": "cam on",
    "cmon": "cam on",
    "hnay": "hom nay",
    "hqua": "hom qua",
    "thg": "thang",
    "ib": "nhan tin",
    "inbox": "nhan tin",
    "rep": "tra loi",
    "nv": "nhan vien",
    "nvien": "nhan vien",
    "operator": "tong dai vien",
    "staff": "nhan vien",
    "cskh": "cham soc khach hang",
    "onl": "online",
    "ol": "online",
    # public-service abbreviations
    "dkkh": "dang ky ket hon",
    "dkks": "dang ky khai sinh",
    "dktt": "dang ky thuong tru",
    "dkkd": "dang ky kinh doanh",
    "gpkd": "giay phep kinh doanh",
    "hkd": "ho kinh doanh",
    "hs": "ho so",
    "tt": "thu tuc",
    "tthc": "thu tuc hanh chinh",
    "sdt": "so dien thoai",
    "dt": "dien thoai",
    "kt": "kiem tra",
    "ks": "khai sinh",
    "gks": "giay khai sinh",
    "cccd": "can cuoc cong dan",
    "cc": "can cuoc",
    "cmnd": "chung minh nhan dan",
    "cmt": "chung minh thu",
    "bhyt": "bao hiem y te",
    "attp": "an toan thuc pham",
    "vsattp": "ve sinh an toan thuc pham",
    "ubnd": "uy ban",
    "ct01": "to khai cu tru",
}

# Politeness particles and vocatives ("ạ", "nhé", "ad ơi", "bạn"): they say who is addressed,
# not what is wanted, and would otherwise tie short replies to greetings. Dropped from the
# classifier's features unless nothing else is left.
FILLERS = frozenset({"a", "ad", "admin", "nhe", "nha", "oi", "ban", "ah", "ak", "nhi", "ha", "hen"})

_TOKEN = re.compile(r"[a-z0-9]+")
_REPEAT = re.compile(r"([a-z])\1{2,}")
_LAUGH = re.compile(r"\bk{2,}\b")  # "kkk" is laughter, not a run of "k" (= không)
_DOSSIER = re.compile(r"\b[a-z][a-z0-9]{1,11}\s*[-_ ]\s*\d{6}\s*[-_ ]\s*\d{4}\b")
_DIGITS = re.compile(r"\d+")


def normalize(text: str) -> str:
    """The classifier's view of a message (see module doc)."""
    folded, _ = fold(unicodedata.normalize("NFC", text))
    folded = _DOSSIER.sub(" mahoso ", folded)
    folded = _LAUGH.sub("haha", folded)
    folded = _REPEAT.sub(r"\1", folded)
    words: list[str] = []
    for tok in _TOKEN.findall(folded):
        if tok.isdigit():
            words.append("so" if len(tok) < 8 else "soday")
            continue
        if any(ch.isdigit() for ch in tok) and tok not in TEENCODE:
            tok = _DIGITS.sub("", tok) or "so"
        words.append(TEENCODE.get(tok, tok))
    return " ".join(words)
