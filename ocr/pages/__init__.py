"""Paper pages: find, flatten, turn upright, clean, and tell which paper it is.

    from ocr import pages
    page = pages.clean(rgb, quad)            # {"image": RGB array (clean), "turned", "osd_conf", ...}
    kind = pages.identify(page["image"], page["sure"])   # {"type", "confidence", ...}

The run-time reader never imports ocr.synth (the generators).
"""

from __future__ import annotations

import re
import time

import cv2
import numpy as np

from .. import tess
from ..tuning import thresholds
from . import classify as classify_mod
from . import curl, flatten, orient

TITLE_BAND = 0.36  # the title is in the top third of an upright page (lower on a landscape one)
READ_WIDTH = 1240  # px: the page is read at about 150 dpi


def clean(rgb: np.ndarray, quad=None) -> dict:
    """The page in `quad` (or the whole image when None: a scan or a page filling the frame),
    flat, evened out, upright, its curl flattened. Returns {"image", "turned", "osd_conf", "sure",
    "curl", "curl_ms", "ms"}."""
    t0 = time.perf_counter()
    page = flatten.warp_page(rgb, quad) if quad is not None else rgb
    page = flatten.trim_edges(page, 0.008 if quad is not None else 0.0) if quad is not None else page
    even = flatten.even_out(page)
    up, notes = orient.upright(even)
    up, bent = curl.flatten(up)  # text lines bent by a curled page straightened (a flat one kept)
    return {"image": up, **notes, **bent, "ms": round((time.perf_counter() - t0) * 1000, 1)}


class Reads:
    """The Tesseract reads of one page's identification, counted against a budget
    (thresholds.yml `identify`): the first read of the title band and the read of the body are
    always made; the further tries (psm 6, the other three ways, levelled, upside down) only
    while reads are left, and not once the page read as it is shows upright plain text."""

    def __init__(self) -> None:
        lim = identify_limits()
        self.left = int(lim["max_reads"])
        self.done = 0
        self.upright = False  # the page read as it is gave plenty of confident words

    def read(self, gray: np.ndarray, psm: int = 4) -> tuple[str, float]:
        self.done += 1
        self.left -= 1
        g = cv2.copyMakeBorder(gray, 12, 12, 12, 12, cv2.BORDER_CONSTANT, value=255)
        return tess.ocr(g, psm)

    def spare(self, n: int = 1) -> bool:
        """n more tries can be made, one read kept for the body."""
        return self.left - 1 >= n

    def plain(self, text: str, conf: float) -> bool:
        """The text read shows an upright page of plain text (words of two letters or more, many
        and confident): turning it another way finds no title."""
        lim = identify_limits()
        return conf >= lim["upright_conf"] and len(_WORDS.findall(text)) >= lim["upright_words"]

    def texty(self, text: str, conf: float) -> bool:
        """The band read as text at all (a page read sideways or upside down reads as marks or
        unsure words): only then is it worth reading once more as one block."""
        lim = identify_limits()
        return conf >= lim["text_conf"] and len(_WORDS.findall(text)) >= lim["text_words"]


_WORDS = re.compile(r"[^\W\d_]{2,}")


def identify_limits() -> dict:
    return thresholds()["identify"]


def _gray(img: np.ndarray) -> np.ndarray:
    g = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    h, w = g.shape
    k = READ_WIDTH / w if w < h else READ_WIDTH * 1.41 / w
    return cv2.resize(g, (int(w * k), int(h * k)), interpolation=cv2.INTER_AREA if k < 1 else cv2.INTER_CUBIC)


def _titled(g: np.ndarray, reads: Reads, again: bool = True, first: bool = False) -> tuple[dict, str]:
    """(classification, text) of the title band of an upright grey page read at READ_WIDTH.
    again: read the band once more as one block when no title is found (reads left, and the band
    read as text). first: the
    page as it is (its read tells whether it is upright plain text)."""
    H = g.shape[0]
    top, conf = reads.read(g[: int(H * TITLE_BAND)])
    res = classify_mod.classify(top)
    if first and res["by"] != "title":
        reads.upright = reads.plain(top, conf)
    if res["by"] != "title" and again and reads.spare() and reads.texty(top, conf):
        # psm 4 sometimes drops a short centred title under a two-column header (seen on a
        # giấy báo tử); psm 6 reads the band as one block and keeps it
        top6, _ = reads.read(g[: int(H * TITLE_BAND)], 6)
        r6 = classify_mod.classify(top6)
        if r6["by"] == "title":
            return r6, top6
    return res, top


def _turn(img: np.ndarray, deg: int) -> np.ndarray:
    return np.ascontiguousarray(np.rot90(img, -(deg // 90))) if deg % 360 else img


def _four_ways(img: np.ndarray, reads: Reads, again: bool = False) -> tuple[dict, str, np.ndarray, int]:
    """(classification, title band's text, grey page read, turn) of the page read as it is,
    then, without a title, turned 180°, 90° and 270° clockwise (a quarter turn read once, psm
    4, unless `again`), while reads are left and the page did not read as upright plain text."""
    g0 = _gray(img)
    res, top = _titled(g0, reads, first=True)
    if res["by"] == "title":
        return res, top, g0, 0
    for deg in (180, 90, 270):
        if reads.upright or not reads.spare():
            break
        gt = _gray(_turn(img, deg)) if deg != 180 else np.ascontiguousarray(g0[::-1, ::-1])
        r2, top2 = _titled(gt, reads, again or deg == 180)  # a quarter turn: one read (it is rarer)
        if r2["by"] == "title":
            return r2, top2, gt, deg
    return res, top, g0, 0


def identify(img: np.ndarray, sure: bool = True) -> dict:
    """Which paper an upright clean page is: its title first, then its key phrases.

    When no title is found the way the page was put upright, the other three ways are tried
    (the orientation step can be wrong, even when it is sure: a landscape form, a sparse page);
    a title found so gives "turn" (degrees clockwise the caller turns the page; "flipped" when
    180). `sure` is kept for callers; every page without a title is tried all four ways (on the
    development set 81000, three of seven misses were pages the orientation step had turned
    wrong while sure). A page with no title found any way round whose text lines lie tilted
    (`orient.skew`, 2.5° or more: a page on a white table with no outline found, or an outline
    found on a part of it) is levelled and tried the four ways again; found so, "tilt" gives the
    degrees the caller turns the page by (`orient.rotate`) before "turn". The tries are bounded
    (`Reads`): none once the page read as it is shows upright plain text (a contract's page 2),
    and at most thresholds.yml `identify.max_reads` reads in all. Adds "text" (what was read),
    "reads" and "ms"."""
    t0 = time.perf_counter()
    reads = Reads()
    res, top, g, turn = _four_ways(img, reads)
    tilt = 0.0
    if res["by"] != "title" and not reads.upright and reads.spare(2):  # perhaps tilted (paper21)
        a = orient.skew(g if g.ndim == 2 else _gray(img))
        if abs(a) >= orient.SKEW_MIN:
            r5, top5, g5, turn5 = _four_ways(orient.rotate(img, a), reads, again=True)
            if r5["by"] == "title":
                res, top, g, turn, tilt = r5, top5, g5, turn5, a
    res["turn"], res["flipped"], res["tilt"] = turn, turn == 180, tilt
    body = ""
    if res["by"] != "title" or res["confidence"] < 0.8:
        H = g.shape[0]
        body, _ = reads.read(g[int(H * TITLE_BAND * 0.8) :])
        r3 = classify_mod.classify(top, body)
        res = {**r3, "turn": turn, "flipped": turn == 180, "tilt": tilt}
        # no title (a contract's page 2) and no phrase: perhaps upside down (two reads)
        if r3["type"] == "other" and turn == 0 and not reads.upright and reads.left >= 2:
            f = np.ascontiguousarray(g[::-1, ::-1])
            (top_f, _), (body_f, _) = (
                reads.read(f[: int(H * TITLE_BAND)]),
                reads.read(f[int(H * TITLE_BAND * 0.8) :]),
            )
            r4 = classify_mod.classify(top_f, body_f)
            if r4["type"] != "other":
                res, top, body = {**r4, "turn": 180, "flipped": True, "tilt": tilt}, top_f, body_f
    res["text"] = (top + "\n" + body).strip()
    res["reads"] = reads.done
    res["ms"] = round((time.perf_counter() - t0) * 1000, 1)
    return res


def wrong_paper_min_conf() -> float:
    return float(thresholds()["wrong_paper_min_conf"])


def names() -> dict[str, str]:
    """{paper type or ID card side: its name for citizens}."""
    return {k: v["name"] for k, v in classify_mod.catalog().items()} | classify_mod.id_cards()["names"]


def page_counts() -> dict[str, int | None]:
    """{paper type: the page count the form has, or None}."""
    return {k: v["pages"] for k, v in classify_mod.catalog().items()}


def other_paper(doc: dict | None, asked: str | None, min_conf: float | None = None) -> str | None:
    """The type of paper a page clearly is when that is not the `asked` one, else None.

    "Clearly": recognised (not "other") with a type confidence of at least `min_conf`
    (thresholds.yml wrong_paper_min_conf). An unrecognised page is never called another paper.
    An ID card sent for a paper is another paper (its side is its type)."""
    if not doc or not asked:
        return None
    kind = doc.get("type")
    known = classify_mod.catalog().keys() | classify_mod.id_cards()["names"].keys()
    if not kind or kind == "other" or kind == asked or kind not in known:
        return None
    if min_conf is None:
        min_conf = wrong_paper_min_conf()
    conf = float((doc.get("confidence") or {}).get("type", 0.0))
    return kind if conf >= min_conf else None
