"""Layout-independent reading of a card: find its text lines, read them, find the printed labels
by their text (diacritics folded, fuzzy) and take each value relative to its label: the rest of
the label's line, or the line(s) under it.

No field position is assumed: only that a value follows its label on the same line or below it.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml
from rapidfuzz import fuzz

from core.vietnamese import strip_diacritics

from . import valuewords
from .valuewords import INTO_DOTS, garbled, median, name_line, name_words, starts_under, uncovered, wrapped
from .valuewords import cy as _cy
from .valuewords import overlap as _overlap

ADDRESS = {"place_of_origin", "place_of_residence"}
DATES = {"date_of_birth", "date_of_issue", "date_of_expiry"}


@lru_cache(maxsize=1)
def spec() -> dict:
    data = yaml.safe_load((Path(__file__).resolve().parent / "card_labels.yml").read_text(encoding="utf-8"))
    variants = []  # (field, tokens, bonus): both halves, the Vietnamese alone, the English alone
    for field, labels in data["fields"].items():
        for lab in labels:
            vn, _, en = lab.partition(" / ")
            variants.append((field, tokens(lab), 0.05))
            if en:  # the English alone only when no Vietnamese label of the field is read at all
                variants += [(field, tokens(vn), 0.0), (field, tokens(en), -0.3)]
    data["variants"] = variants
    data["english"] = [tokens(e) for e in data["english_only"]]
    return data


def fold(s: str) -> str:
    return strip_diacritics(s).lower()


def tokens(s: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(s))


# ---------------------------------------------------------------- labels
def _tok_index(row: list[dict]) -> tuple[list[str], list[int]]:
    toks, idx = [], []
    for i, w in enumerate(row):
        for t in tokens(w["text"]):
            toks.append(t)
            idx.append(i)
    return toks, idx


def find_labels(rows: list[list[dict]]) -> list[dict]:
    """Label hits: {"field", "row", "w0", "w1" (word span, end exclusive), "score"}."""
    sp = spec()
    hits = []
    for ri, row in enumerate(rows):
        toks, idx = _tok_index(row)
        cands = []
        spans: dict[tuple[int, int], tuple[str, float] | None] = {}  # the same for every label
        for field, vt, bonus in sp["variants"]:
            target = " ".join(vt)
            n = len(vt)
            for i in range(len(toks)):
                for m in (n - 1, n, n + 1):
                    if m < 1 or i + m > len(toks):
                        continue
                    if (i, m) not in spans:
                        spans[i, m] = (
                            None  # labels hold no numbers
                            if any(t.isdigit() for t in toks[i : i + m])
                            else (
                                " ".join(toks[i : i + m]),
                                0.9 if _caps(row[idx[i] : idx[i + m - 1] + 1]) else 0.78,
                            )
                        )
                    span = spans[i, m]
                    if span is None:
                        continue
                    s, need = span
                    if len(target) <= 4:
                        sc = 1.0 if s == target and _number_follows(rows, ri, toks[i + m :]) else 0.0
                    else:
                        sc = _ratio(s, target, need)
                    if sc >= need:
                        # longer labels win over their prefixes ("Ngày, tháng, năm sinh" > "Ngày")
                        cands.append((sc + 0.02 * len(target) ** 0.5 + bonus, field, i, i + m))
        cands.sort(reverse=True)
        used: set[int] = set()
        for sc, field, a, b in cands:
            if used & set(range(a, b)):
                continue
            used |= set(range(a, b))
            hits.append(
                {"field": field, "row": ri, "w0": idx[a], "w1": idx[b - 1] + 1, "score": sc, "t": (a, b)}
            )
    best: dict[str, float] = {}
    for h in hits:
        best[h["field"]] = max(best.get(h["field"], 0.0), h["score"])
    # one label per field: a weaker second hit is most likely a value that looks like a label
    return [h for h in hits if h["field"].startswith("_") or h["score"] >= best[h["field"]]]


def _ratio(s: str, target: str, need: float) -> float:
    """difflib's ratio of s and target, or 0 when its cheap upper bounds (the lengths, then the
    letters in common) already fall short of `need`: the same matches at a fraction of the cost
    (this loop ran some 4,000 full ratios a card and held the GIL for most of the read)."""
    if 2 * min(len(s), len(target)) / (len(s) + len(target)) < need:
        return 0.0
    # difflib's matching blocks are a common subsequence, so its ratio is never above the
    # longest common subsequence's (rapidfuzz's ratio, in C): a bound as exact as quick_ratio's
    # and cheaper to take
    if fuzz.ratio(s, target) < 100 * need - 1e-6:
        return 0.0
    return difflib.SequenceMatcher(None, s, target).ratio()


def _caps(ws: list[dict]) -> bool:
    """Words in capitals: a name or a title, printed so; a label matches it only nearly exactly
    (the name "NGUYỄN ANH" is not the label "Nguyên quán")."""
    return all(w["text"].isupper() for w in ws if re.search(r"[^\W\d_]", w["text"]))


def _number_follows(rows: list[list[dict]], ri: int, rest: list[str]) -> bool:
    """A bare "Số" is the number's label only when a long number follows it (not "Số 12 Lê Lợi")."""
    after = "".join(rest)
    if not rest and ri + 1 < len(rows):
        after = "".join(w["text"] for w in rows[ri + 1])
    return len(re.sub(r"\D", "", after)) >= 8


def _english(ws: list[dict], need: float = 0.8, start: bool = False) -> bool:
    """The words are an English half (`start`: two or more words that begin one, its last words
    read as one garbled word, "Plạce eo" for "Place of origin:")."""
    toks = [t for w in ws for t in tokens(w["text"])]
    s = " ".join(toks)
    if not toks or (start and (len(toks) < 2 or len(s) < 6)):
        return False
    for e in (" ".join(e) for e in spec()["english"]):
        for c in [e[:n] for n in range(len(s) - 2, min(len(s) + 3, len(e)))] if start else [e]:
            if difflib.SequenceMatcher(None, s, c).ratio() >= need:
                return True
    return False


def _english_head(ws: list[dict]) -> int:
    """How many words at the start of a value are the label's English half, read on the label's
    line (garbled: "Ploce oƒ orlgín", "7 Surname, rniddle name", "Plạce eo"), a stray mark before it."""
    lead = 0
    while lead < len(ws) and len(re.sub(r"\W", "", ws[lead]["text"])) <= 1:
        lead += 1
    for k in range(len(ws), lead, -1):  # a short one ("No.") would match a name ("NGÔ")
        if len("".join(t for w in ws[lead:k] for t in tokens(w["text"]))) >= 5 and _english(ws[lead:k]):
            return k
    for k in range(min(len(ws) - 1, lead + 3), lead + 1, -1):  # its end garbled into one word
        if _english(ws[lead:k], 0.86, start=True):
            return k
    return 0


def _fits(f: str, text: str) -> bool:
    """A number or a date needs its digits (or "Không thời hạn" for an expiry)."""
    if f in ("sex", "nationality") and len(text.split()) > 3:
        return False  # one or two words (the line under it is another field)
    need = 8 if f == "id_number" else 6 if f in DATES else 0
    return len(re.sub(r"\D", "", text)) >= need or (f == "date_of_expiry" and "khong" in fold(text))


def _joined(out: list[dict], w: dict) -> bool:
    """`w` is in the same run of print as the word before it: the print between them is
    continuous (a word unread in between, "H." in "…, H. Năm Căn"), so a wide gap between the
    words read is no end of the value."""
    return bool(out) and out[-1].get("blob") is not None and out[-1].get("blob") == w.get("blob")


def _chain(
    cands: list[dict],
    y0: float,
    y1: float,
    x_from: float,
    lh: float,
    label_words: set[int],
    reach: float = 6.0,
):
    """Words right of a label on its line: the first overlaps the label vertically, each next one
    the word before it (so a line printed or photographed a little askew is followed). The first
    word may sit up to `reach` label heights away (a front's value typed far along its line),
    beyond 6 only when it is print (three letters or digits, or two read with some confidence)."""
    out: list[dict] = []
    for w in sorted(cands, key=lambda w: w["x0"]):
        if w["x1"] <= x_from or _overlap(w, y0, y1) < 0.35:
            continue
        if not (y0 - 0.3 * lh <= _cy(w) <= y1 + 0.3 * lh):
            continue  # a word of the line above or below (lines set close together)
        if id(w) in label_words:
            break
        gap = w["x0"] - (max(v["x1"] for v in out) if out else x_from)
        if not out and 6.0 * lh < gap <= reach * lh and not _print(w):
            continue  # a speck far along the line: look further
        if gap > (3.0 if out else reach) * lh and not _joined(out, w):
            break
        out.append(w)
        if 0.5 * lh <= w["y1"] - w["y0"] <= 1.4 * lh:  # neither a mark nor a box over two lines
            y0, y1 = w["y0"], w["y1"]  # moves the band
    if out:  # the words before the first in its run of print, on its line: a value typed a little
        # above its label's line had its first word ("Số") just short of the label's band
        first = out[0]
        lead = [
            w
            for w in cands
            if _joined([first], w)
            and x_from < w["x0"] < first["x0"]
            and id(w) not in label_words
            and _overlap(w, first["y0"], first["y1"]) >= 0.5
        ]
        out = sorted(lead, key=lambda w: w["x0"]) + out
    return out


def _print(w: dict) -> bool:
    n = len(re.sub(r"[\W_]", "", w["text"]))
    return n >= 3 or (n == 2 and w["conf"] >= 0.5)


def _run(band: list[dict], x_from: float, lh: float, label_words: set[int], reach: float = 12) -> list[dict]:
    """Words of one line from x_from on, left to right, up to a wide gap or the next label."""
    out: list[dict] = []
    for w in sorted(band, key=lambda w: w["x0"]):
        if w["x1"] <= x_from:
            continue
        if id(w) in label_words:
            if out:
                break
            continue
        if out and w["x0"] - max(v["x1"] for v in out) > 3.0 * lh and not _joined(out, w):
            break
        if not out and w["x0"] - x_from > reach * lh:
            break
        out.append(w)
    return out


def values(rows: list[list[dict]], hits: list[dict], reach: float = 6.0) -> dict[str, dict]:
    """{field: {"text", "conf", "words", "lines"}} from the label hits, by geometry alone: the
    words right of the label on its line (the first up to `reach` label heights away), else the
    line(s) under it. A name typed on the label's line goes on over the next line when that line
    holds capitals only (an old CMND's "Họ tên: NGUYỄN" / "VĂN AN" on its second dotted line)."""
    words = [w for r in rows for w in r]
    # a dotted line read as text ("2007200200000" 6 px high): letters or digits far flatter than print
    flat = 0.4 * median([w["y1"] - w["y0"] for w in words]) if words else 0
    # ... but a word run into its dotted line ("Minh...") is boxed by Tesseract on the dots alone
    words = [
        w
        for w in words
        if w["y1"] - w["y0"] >= flat or len(re.sub(r"[\W_]", "", w["text"])) < 2 or INTO_DOTS.match(w["text"])
    ]
    words = uncovered(words, 4.0 * flat)  # 1.6 x the median print height
    label_words = {id(rows[h["row"]][i]) for h in hits for i in range(h["w0"], h["w1"])}
    out: dict[str, dict] = {}
    for h in sorted(hits, key=lambda x: -x["score"]):
        f = h["field"]
        if f.startswith("_") or f in out:
            continue
        lab = rows[h["row"]][h["w0"] : h["w1"]]
        own = {id(w) for w in lab}
        lh = max(w["y1"] - w["y0"] for w in lab)
        lx0, lx1 = lab[0]["x0"], lab[-1]["x1"]
        ly0, ly1 = min(w["y0"] for w in lab), max(w["y1"] for w in lab)
        tail = valuewords.glued_tail(lab[-1]) if f in DATES or f == "id_number" else None  # "ngày:27"
        lx1 = tail["x0"] if tail else lx1
        cands = [w for w in words if w["x0"] >= lx1 - 2] + ([tail] if tail else [])
        same = _chain(cands, ly0, ly1, lx1 - 1, lh, label_words, max(6.0, reach))
        same = [w for w in same if re.search(r"[0-9A-Za-zÀ-ỹ]", w["text"])]
        same = same[_english_head(same) :]
        if f == "full_name":
            same = name_words(same)
        if f in ("sex", "nationality"):  # the value ends the run (an unread English half before it)
            same = same[-(2 if f == "nationality" else 1) :]
        st = " ".join(w["text"] for w in same)
        if not _fits(f, st):
            same = []
        if f in ADDRESS:  # specks read as a lone letter or digit
            same = [w for w in same if len(w["text"]) > 1 or w["conf"] > 0.8]
        parts = [same] if same else []
        want = 3 if f in ADDRESS else 2 if f == "full_name" and same else 1
        skip: set[int] = set()
        last_y = sorted(w["y1"] for w in lab)[len(lab) // 2]  # one mis-boxed word must not move it
        if same:  # typed values set larger than the label: the gap to their next line is theirs
            last_y = max(last_y, median([w["y1"] for w in same]))
        for _ in range(5):
            if len(parts) >= want or (len(parts) >= 2 and not wrapped(parts, lh)):
                break  # a third line only after a second one as long as the first (wrapped)
            vx = min(w["x0"] for w in parts[0]) if parts else lx0  # a wrapped value's start
            below = [
                w
                for w in words
                if _cy(w) > last_y
                and id(w) not in skip
                and w["x1"] > lx0 - 2 * lh
                and starts_under(w["x0"], lx0, lh, vx)
                # not print on the label's own line right of it (the next column's label set lower)
                and not (w["x0"] >= lx1 and _overlap(w, ly0, ly1) >= 0.5)
            ]
            if not below:
                break
            t = min(below, key=lambda w: w["y0"])
            # an address goes on over a second line; an old card spaces its lines widely
            vh = max(lh, median([w["y1"] - w["y0"] for w in parts[-1]])) if parts else lh
            if t["y0"] - last_y > (
                (1.8 if f in ADDRESS or f == "full_name" else 1.0) * vh if parts else 2.2 * lh
            ):
                break
            line = [w for w in words if abs(_cy(w) - _cy(t)) < 0.45 * (t["y1"] - t["y0"])]
            # with the rest of their runs of print (one run is one line): the line found from a
            # speck or a tall capital ("Í", "VŨ") reaches its words set lower ("THU NHUNG")
            runs_in = {w.get("blob") for w in line} - {None}
            line += [w for w in words if w.get("blob") in runs_in and not any(w is v for v in line)]
            start = min(w["x0"] for w in line if starts_under(w["x0"], lx0, lh, vx))
            if any(id(w) in label_words - own and start - 1 <= w["x0"] < start + 6 * lh for w in line):
                break  # the next label
            if any(
                id(w) in label_words - own
                and lx0 - 3 * lh <= w["x0"] < start + 6 * lh  # not a label left of the column
                and _overlap(w, t["y0"], t["y1"]) >= 0.3
                for w in words
            ):
                break  # the next label, its value typed a little off its line (not this field's own)
            under = _run([w for w in line if id(w) not in label_words], start - 1, lh, label_words)
            if (
                f == "full_name"
                and under
                and not any(len(re.sub(r"[\W\d_]", "", w["text"])) >= 2 for w in under)
            ):
                skip |= {id(w) for w in under}
                continue  # specks or a seal's mark under the label, not the name: look under them
            last_y = max(w["y1"] for w in under) if under else t["y1"]
            if not under or _english(under) or not _fits(f, " ".join(w["text"] for w in under)):
                continue
            english = abs(start - lx0) <= 1.5 * lh and _english(under, 0.6)  # garbled: "FUL NƯNE"
            if english or (f in ADDRESS and parts and garbled(under)):
                continue  # the label's English half under it ("Piạce of ockoin"), or marks
            if f == "full_name" and parts and not name_line(under):
                break  # the name ends on the label's line (its second dotted line left empty)
            if f in ADDRESS:
                under = [w for w in under if len(w["text"]) > 1 or w["conf"] > 0.8]
                if not under:
                    continue
            parts.append(under)
        if f == "full_name" and parts:  # every family name has two letters or more: specks before it
            while len(parts[0]) > 1 and len(re.sub(r"[\W\d_]", "", parts[0][0]["text"])) < 2:
                parts[0] = parts[0][1:]
        ws = [w for p in parts for w in p]
        if not ws:
            continue
        out[f] = {
            "text": " ".join(w["text"] for w in ws),
            "conf": sum(w["conf"] for w in ws) / len(ws),
            "words": ws,
            "lines": [" ".join(w["text"] for w in p) for p in parts],
        }
    if "id_number" not in out:  # label unread (e.g. printed in red): the card's lone long number
        for row in rows:
            for w in row:
                d = re.sub(r"\D", "", w["text"])
                if len(d) in (9, 12) and len(d) >= 0.8 * len(w["text"]) and "<" not in w["text"]:
                    out["id_number"] = {"text": d, "conf": w["conf"] * 0.8, "words": [w], "lines": [d]}
                    break
            if "id_number" in out:
                break
    return out


def title(rows: list[list[dict]]) -> str | None:
    text = " ".join(fold(" ".join(w["text"] for w in r)).upper() for r in rows)
    text = re.sub(r"[^A-Z ]", " ", text)
    text = " ".join(text.split())
    for t, kind in spec()["titles"]:
        if t in text:
            return kind
    return None


def value_crop(gray: np.ndarray, ws: list[dict]) -> np.ndarray:
    x0 = min(w["x0"] for w in ws)
    x1 = max(w["x1"] for w in ws)
    y0 = min(w["y0"] for w in ws)
    y1 = max(w["y1"] for w in ws)
    h = y1 - y0
    H, W = gray.shape
    return gray[max(0, y0 - h // 3) : min(H, y1 + h // 4), max(0, x0 - h // 2) : min(W, x1 + h // 2)]
