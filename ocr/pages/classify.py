"""Which paper is it: the printed title and key phrases (ocr/paper_types.yml), matched on the
OCR'd text with diacritics folded and fuzzy spelling (rapidfuzz)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz

from core.vietnamese import strip_diacritics

DATA = Path(__file__).resolve().parent.parent / "paper_types.yml"
TITLE_MIN = 84  # a line this close to a title (0..100) names the paper
PHRASE_MIN = 88  # a key phrase this close somewhere in the text counts as found
TITLE_CAPS = 0.6  # a title found inside a longer line: at least this share of its letters capitals


def fold_case(text: str) -> str:
    """No diacritics, letters and digits only, single spaces; the case kept."""
    t = strip_diacritics(text)
    return re.sub(r"\s+", " ", re.sub(r"[^A-Za-z0-9]+", " ", t)).strip()


def fold(text: str) -> str:
    """Upper case, no diacritics, letters and digits only, single spaces."""
    return fold_case(text).upper()


def _caps(raw: str) -> float:
    letters = [c for c in raw if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict]:
    """{type: {"name", "titles" (folded), "phrases" (folded), "pages"}} from paper_types.yml."""
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    out = {}
    for key, spec in raw.items():
        if key.startswith("_"):
            continue
        out[key] = {
            "name": spec["name"],
            "titles": [fold(t) for t in spec["titles"]],
            "phrases": [fold(p) for p in spec.get("phrases", []) if len(fold(p)) >= 6],
            "pages": spec.get("pages"),
        }
    return out


def _has_words(title: str, span: str) -> bool:
    """Every word of the title is in the span (spaces ignored: OCR runs words together), within
    an OCR slip. "GIAY CHUNG NHAN" is then not "GIAY CHUNG SINH", nor "GIAY BAO" "GIAY BAO TU",
    though their spellings are close."""
    s = span.replace(" ", "")
    return all(fuzz.partial_ratio(w, s) >= (60 if len(w) >= 4 else 50) for w in title.split())


@lru_cache(maxsize=1)
def id_cards() -> dict:
    """{"aspect": (lo, hi), "min_conf", "phrases" (folded), "names": {card side: name}}
    (paper_types.yml _id_cards): an ID card sent at a paper's step."""
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))["_id_cards"]
    return {
        "aspect": tuple(raw["aspect"]),
        "min_conf": float(raw["min_conf"]),
        "phrases": [fold(p) for p in raw["phrases"]],
        "names": dict(raw["names"]),
    }


def id_card_phrases(text: str) -> list[str]:
    """The ID card's printed phrases found in a page's text (folded, fuzzy)."""
    t = fold(text)
    if not t:
        return []
    return [p for p in id_cards()["phrases"] if fuzz.partial_ratio(p, t) >= PHRASE_MIN]


@lru_cache(maxsize=1)
def request_words() -> tuple[str, ...]:
    """Folded openings of requests' titles (paper_types.yml _request_titles)."""
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return tuple(fold(t) for t in raw.get("_request_titles", []))


def _title_score(line: str, title: str, raw: str = "") -> float:
    """How close a folded line is to a folded title (0..100). raw: the line folded with its case
    kept (fold_case; same length): a title found inside a longer line counts only when printed
    in capitals there, as titles are. Body text such as "... cá ngày khai sinh" must not name
    the paper (it once typed a neutral page giay_khai_sinh)."""
    if not line:
        return 0.0
    if len(title) < 10:  # a short code ("MAU CT01"): as whole words, the 0/O slip forgiven
        pat = r"\b" + re.escape(title).replace("0", "[0O]").replace(r"\ ", r"\s?") + r"\b"
        return 100.0 if re.search(pat, line) else 0.0
    score = fuzz.ratio(line, title)
    # OCR runs words together or splits them: compared without spaces too
    score = max(score, fuzz.ratio(line.replace(" ", ""), title.replace(" ", "")) - 1)
    if not _has_words(title, line):
        score = 0.0
    if len(line) > len(title) * 1.15 and not _request(line, title):  # other words on its line
        al = fuzz.partial_ratio_alignment(title, line)
        if al is not None:
            a = line.rfind(" ", 0, al.dest_start) + 1
            b = line.find(" ", al.dest_end)
            b = len(line) if b < 0 else b
            caps = not raw or _caps(raw[al.dest_start : al.dest_end]) >= TITLE_CAPS
            if caps and _has_words(title, line[a:b]):
                score = max(score, al.score * 0.97)
    return float(score)


def _request(line: str, title: str) -> bool:
    """A line opening with a request's own title ("ĐƠN XIN CẤP LẠI GIẤY KHAI SINH"): the paper
    named inside it is what is asked for, not what the page is."""
    return any(line.startswith(p + " ") and not title.startswith(p) for p in request_words())


def match_title(text: str, caps_only: bool = False) -> list[tuple[float, str, str]]:
    """[(score, type, title)] best first, one per type, for the lines of `text`. caps_only: only
    lines in capitals that are a title on their own (a title searched for in the body of the page,
    where "bản sao GIẤY KHAI SINH" or "Kèm theo: GIẤY ỦY QUYỀN" name another paper)."""
    raws = [fold_case(x) for x in text.splitlines()]
    raws = [
        x for x in raws if len(x) >= 2 and (not caps_only or _caps(x) >= 0.9)
    ]  # "TỜ" alone: a title over lines
    lines = [x.upper() for x in raws]
    best: dict[str, tuple[float, str, str]] = {}
    for kind, spec in catalog().items():
        for title in spec["titles"]:
            for i, line in enumerate(lines):
                if caps_only and len(line) > 1.3 * len(title) + 3:
                    continue
                s = _title_score(line, title, raws[i])
                if i + 1 < len(lines):  # a title broken over two lines
                    two = _title_score(line + " " + lines[i + 1], title, raws[i] + " " + raws[i + 1])
                    s = max(s, two - 2)
                if i + 2 < len(lines) and len(line) < len(title):  # over three (paper21)
                    three = " ".join(lines[i : i + 3])
                    s = max(s, _title_score(three, title, " ".join(raws[i : i + 3])) - 3)
                # a longer title matched as well as a shorter one is the more specific
                s += min(len(title), 40) / 1000
                if s > best.get(kind, (0.0, "", ""))[0]:
                    best[kind] = (s, kind, title)
    return sorted(best.values(), reverse=True)


def phrase_hits(text: str) -> dict[str, list[str]]:
    """{type: [key phrases found in text]}."""
    t = fold(text)
    out: dict[str, list[str]] = {}
    if not t:
        return out
    for kind, spec in catalog().items():
        hits = [p for p in spec["phrases"] if fuzz.partial_ratio(p, t) >= PHRASE_MIN]
        if hits:
            out[kind] = hits
    return out


def classify(title_text: str, body_text: str = "") -> dict:
    """{"type", "confidence" 0..1, "by": "title"|"phrases"|None, "title", "phrases", "runner_up"}."""
    titles = match_title(title_text)
    lower = False
    if body_text and not (titles and titles[0][0] >= TITLE_MIN):
        # a title set lower than the top band (a landscape certificate, a form with a long
        # header): in the body, in capitals only, and trusted a little less
        titles, lower = match_title(body_text, caps_only=True), True
    hits = phrase_hits(title_text + "\n" + body_text)
    res: dict = {
        "type": "other",
        "confidence": 0.0,
        "by": None,
        "title": None,
        "phrases": [],
        "runner_up": None,
    }
    if titles and titles[0][0] >= TITLE_MIN:
        score, kind, title = titles[0]
        second = titles[1][0] if len(titles) > 1 else 0.0
        n = len(hits.get(kind, []))
        conf = min(1.0, score / 100) * (0.8 + 0.2 * min(1.0, n / 2))
        if second >= score - 4:  # two titles nearly as close: unsure
            conf *= 0.6
            res["runner_up"] = titles[1][1]
        conf *= 0.9 if lower else 1.0
        res.update(type=kind, confidence=round(conf, 2), by="title", title=title, phrases=hits.get(kind, []))
        return res
    if hits:
        ranked = sorted(hits.items(), key=lambda kv: -len(kv[1]))
        kind, found = ranked[0]
        runner = len(ranked[1][1]) if len(ranked) > 1 else 0
        if len(found) >= 2 and len(found) > runner:
            conf = min(0.8, 0.35 + 0.1 * len(found)) * (0.7 if runner and len(found) - runner < 2 else 1.0)
            res.update(type=kind, confidence=round(conf, 2), by="phrases", phrases=found)
            res["runner_up"] = ranked[1][0] if len(ranked) > 1 else None
    return res
