"""Photos: intake, on-the-spot quality verdicts and ID-card reading (QR, MRZ, OCR, cross-checked).

Stable interface for the dialogue and the CLI:

- ``sniff(head: bytes) -> str | None`` — the format from the first bytes.
- ``analyze(path, expect=None) -> dict`` — the contract's ``ocr --json`` object. Synchronous and
  CPU-bound (call it via ``asyncio.to_thread``); never raises on bad input.
- ``hint(code) -> str`` — the Vietnamese retake hint of a quality problem code.
- ``verdict_text(result) -> str`` — one short message for the citizen.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

from core.sniff import sniff

from .intake import IntakeError
from .texts import TEXTS

__all__ = ["sniff", "analyze", "hint", "verdict_text"]

log = logging.getLogger(__name__)


def hint(code: str) -> str:
    """The Vietnamese retake hint for a quality problem code ('' for an unknown code)."""
    return TEXTS.get("problems").get(code, "")


def verdict_text(result: dict) -> str:
    """One short, friendly Vietnamese message about a photo: all problems' hints, most important first."""
    from .quality import PRIORITY

    q = (result or {}).get("quality") or {}
    problems = [p for p in q.get("problems", []) if p]
    if q.get("ok") and not problems:
        doc = (result or {}).get("document") or {}
        kind = TEXTS.get("kinds").get(doc.get("type", ""))
        return TEXTS("verdict.good_kind", kind=kind) if kind else TEXTS("verdict.good")
    problems.sort(key=lambda p: PRIORITY.index(p) if p in PRIORITY else len(PRIORITY))
    side = TEXTS.get("sides").get((q.get("metrics") or {}).get("page_side") or "")
    texts = [side if p == "not_document" and side else hint(p) for p in problems if hint(p)]
    if not texts:
        return TEXTS("verdict.retake")
    if len(texts) == 1:
        return TEXTS("verdict.one_problem", hint=texts[0])
    return TEXTS("verdict.many_problems") + "\n" + "\n".join(f"• {t}." for t in texts)


def _failed(path, code: str, t0: float, fmt: str | None = None, detail: str = "") -> dict:
    m: dict[str, Any] = {"format": fmt}
    if detail:
        m["detail"] = detail[:200]
    return {
        "file": str(path),
        "quality": {"ok": False, "problems": [code], "metrics": m},
        "document": None,
        "timings_ms": {
            "verdict": round((time.perf_counter() - t0) * 1000, 1),
            "total": round((time.perf_counter() - t0) * 1000, 1),
        },
    }


def _reduced(rgb, info: dict) -> bool:
    """Whether the verdict's image is smaller than the reading resolution (a big JPEG decoded
    at 1/4, a PDF rendered small, a grey decode)."""
    from .intake import WORK_MAX_SIDE

    full = max(info["width"], info["height"])
    return rgb.ndim == 2 or info["format"] == "pdf" or max(rgb.shape[:2]) < min(full, WORK_MAX_SIDE) * 0.9


def _at_reading_size(path, rgb, info: dict, q: dict):
    """The photo decoded again at reading resolution when the verdict used a reduced decode (its
    outline `q["quad"]` scaled to match); else `rgb` as it is."""
    if not _reduced(rgb, info):
        return rgb
    import numpy as np

    from . import intake

    img2, _ = intake.load(path, max_side=intake.WORK_MAX_SIDE, draft_min=1400)
    if q["quad"] is not None:
        q["quad"] = (np.asarray(q["quad"]) * (img2.width / rgb.shape[1])).tolist()
    return np.asarray(img2)


# (speed24 review) the decode ahead only where it has a core of its own: on two cores it moved
# ~20 ms of the read's decode into the verdict (12 MP p50 31 -> 40 ms) with no gain in total
AHEAD_MIN_CPUS = 3


def _cpus() -> int:
    """CPUs this process may run on (a container's or taskset's limit, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _decode_ahead(path, rgb, info: dict, expect: str | None, read: bool):
    """(speed24) The decode at reading resolution of a JPEG the verdict saw reduced, started on the
    reading pool while the verdict is computed (Pillow lets go of the GIL while it decodes); None
    when there is nothing to read, no such decode, or fewer than AHEAD_MIN_CPUS CPUs (it would
    share the verdict's cores). A photo refused after all has paid it for nothing."""
    if not read or expect == "paper" or info["format"] != "jpeg" or not _reduced(rgb, info):
        return None
    if _cpus() < AHEAD_MIN_CPUS:
        return None
    from . import intake
    from .read import pool

    return pool().submit(intake.load, path, max_side=intake.WORK_MAX_SIDE, draft_min=1400)


def _reading_decode(path, ahead):
    """The photo at reading resolution: the decode started ahead, else one now. A decode ahead
    still queued (the pool busy with other reads' work) is called off and done here at once
    rather than waited for behind that work."""
    from . import intake

    if ahead is not None and not ahead.cancel():
        return ahead.result()
    return intake.load(path, max_side=intake.WORK_MAX_SIDE, draft_min=1400)


def _page_side(path, rgb, info: dict, q: dict, metrics: dict):
    """The back of a printed page where a paper is asked (issue 19, side22): a page found with next
    to no print is the wrong side of the sheet (`not_document`, `metrics.page_side` "back"). A page
    with faint marks (`side_suspect`), or found too bright with no print, is read for the print of
    its other side showing through mirrored (`page_side_by` "mirrored_print"); a blank page found
    is taken for the back too (`page_side_by` "blank": a citizen sending a blank sheet for a paper
    step has most likely photographed the wrong side). Returns the image (reloaded at reading
    resolution when it was read)."""
    m = q["metrics"]
    # a page found with no print at all is `not_document` (quality.assess), and only that way
    blank = q["quad"] is not None and "not_document" in q["problems"]
    m["side_suspect"] = "ink_depth" in m and not blank  # next to no print, yet not blank
    if (
        m["side_suspect"]
        and q["quad"] is not None
        and set(q["problems"]) <= {"blurry", "too_bright", "glare"}
        and not ("legible_ms" in metrics and not q["problems"])  # read as legible: its own print
    ):
        from .paper import mirrored_print

        rgb = _at_reading_size(path, rgb, info, q)
        notes = mirrored_print(rgb, q["quad"])
        metrics.update({k: v for k, v in notes.items() if k != "mirrored"})
        if notes["mirrored"]:
            q["problems"], q["ok"] = ["not_document"], False
            metrics["page_side_by"] = "mirrored_print"
    if "not_document" in q["problems"] and (blank or "page_side_by" in metrics):
        metrics["page_side"] = "back"
        metrics.setdefault("page_side_by", "blank")
    return rgb


def analyze(
    path: str | Path, expect: str | None = None, read: bool = True, keep_page: bool = False
) -> dict[str, Any]:
    """Quality verdict and, for an ID card, the fields read from it (the contract's object).

    expect: "id_card", "paper" or None (a hint from the dialogue). read=False skips reading.
    keep_page: for a paper, add the cleaned page (RGB array) under "_page".
    """
    t0 = time.perf_counter()
    ahead = None
    try:
        from . import intake, quality

        try:
            # a paper is checked in colour: its page is told from coloured things around it
            img, info = intake.load(path, max_side=intake.CHECK_MAX_SIDE, gray_if_reduced=expect != "paper")
        except IntakeError as e:
            return _failed(path, e.code, t0, detail=e.detail)
        t_dec = time.perf_counter()
        import numpy as np

        rgb = np.asarray(img)
        ahead = _decode_ahead(path, rgb, info, expect, read)
        q = quality.assess(rgb, info, expect)
        t_q = time.perf_counter()
        metrics = {"format": info["format"], **q["metrics"]}
        if "pages" in info:
            metrics["pages"] = info["pages"]
        doc = None
        timings = {
            "decode": round((t_dec - t0) * 1000, 1),
            "quality": round((t_q - t_dec) * 1000, 1),
            "verdict": round((t_q - t0) * 1000, 1),
        }
        # read only what can be read: a retake is asked for anyway when the photo is blurry,
        # too dark/bright, cut off or too small (glare may leave most fields, and the QR, readable)
        # a dark object with bright print is read whatever its verdict: it may be no ID card at all
        dark = bool(q["metrics"].get("dark_object")) and expect != "paper" and q["doc_kind"] == "card"
        suspect = q["problems"] == ["too_bright"] and info["format"] != "pdf"
        if expect == "paper" and suspect:
            # too bright only when the text is lost: the page is read before it is refused
            from .paper import bright_but_legible

            rgb = _at_reading_size(path, rgb, info, q)
            legible, notes = bright_but_legible(rgb, q["quad"])
            metrics.update(notes)
            if legible:
                q["problems"] = ["blurry"] if q["metrics"].get("page_blurred") else []
                q["ok"], q["doc_kind"] = not q["problems"], "paper"
        if expect == "paper" and q["doc_kind"] == "paper" and info["format"] != "pdf":
            rgb = _page_side(path, rgb, info, q, metrics)
        if q["metrics"].get("object_colour_unseen") and "blurry" in q["problems"] and q["quad"] is not None:
            # (mendn23) judged blurry on a grey decode: its colours from a small colour decode
            from .exposure import odd_colours_at

            small3 = np.asarray(intake.load(path, max_side=400, draft_min=300)[0])
            k3 = small3.shape[1] / rgb.shape[1]
            if odd_colours_at(small3, np.asarray(q["quad"], np.float32) * k3, quality.thresholds(), metrics):
                q["problems"] = sorted(
                    {p if p != "blurry" else "not_document" for p in q["problems"]},
                    key=quality.PRIORITY.index,
                )
                q["ok"] = False
        # (mendn23) a card under a veil of light is refused only when it cannot be read
        haze = read and expect != "paper" and suspect and bool(q["metrics"].get("haze_suspect"))
        if haze:
            q["problems"], q["ok"] = [], True
        if read and q["quad"] is not None and (set(q["problems"]) <= {"glare"} or dark):
            if q["doc_kind"] == "card" and expect != "paper":
                from . import read as reader

                quad = q["quad"]
                full = max(info["width"], info["height"])
                if rgb.ndim == 2 or (
                    info["format"] == "jpeg" and max(rgb.shape[:2]) < min(full, intake.WORK_MAX_SIDE) * 0.9
                ):
                    # the verdict used a reduced decode: decode again at reading resolution
                    img2, _ = _reading_decode(path, ahead)
                    k = img2.width / rgb.shape[1]
                    rgb = np.asarray(img2)
                    quad = (np.asarray(quad) * k).tolist()
                    timings["decode_read"] = round((time.perf_counter() - t_q) * 1000, 1)
                doc, rt = reader.read_card(rgb, quad, q["problems"])
                timings.update(rt)
                sparse = (
                    q["metrics"].get("text_density", 0.0) < quality.thresholds()["card_print_min_density"]
                )
                # a few lines read (a business card); none read at all under plenty of print is
                # small print the card-scale reading cannot take: a paper, not "few lines"
                lines = doc["checks"].get("text_lines", 99)
                few = (
                    0 < lines < quality.thresholds()["card_other_min_lines"]
                    # a page's small print, dense but mostly unread at the card's scale, is not a
                    # business card's few lines (one line read of a paper was taken for one)
                    and q["metrics"].get("text_density", 0.0)
                    < quality.thresholds()["card_few_lines_max_density"]
                )
                from .exposure import legible_card

                if haze and not legible_card(doc):
                    q["problems"], q["ok"], doc = ["too_bright"], False, None
                elif (
                    doc["type"] == "other"
                    and not doc["checks"].get("type_scores")
                    and (sparse or dark or few)
                ):
                    # a card-shaped thing with nothing of a card on it (no title, label, QR nor
                    # MRZ) and little print or few lines of it (a business card), or a dark one
                    # (a bank card; no ID card nor paper is dark); with plenty of print it is a
                    # paper, not an ID card
                    q["problems"] = ["not_document"] if dark else q["problems"]
                    q["problems"] = sorted(set(q["problems"]) | {"not_document"}, key=quality.PRIORITY.index)
                    q["ok"], doc = False, None
                elif not set(q["problems"]) <= {"glare"}:
                    doc = None  # an ID card after all: the retake is asked for as before
            else:
                from .paper import read_paper

                if _reduced(rgb, info):  # the page is cleaned from the reading resolution
                    img2, _ = _reading_decode(path, ahead)
                    q["quad"] = (np.asarray(q["quad"]) * (img2.width / rgb.shape[1])).tolist()
                    rgb = np.asarray(img2)
                doc, rt = read_paper(rgb, q["quad"])
                timings.update(rt)
        elif read and q["doc_kind"] == "paper" and not q["problems"]:
            from .paper import read_paper

            if _reduced(rgb, info):
                rgb = np.asarray(_reading_decode(path, ahead)[0])
            doc, rt = read_paper(rgb, None)  # a page filling the frame
            timings.update(rt)
        if doc is not None and "pages" in info:
            doc["pages"] = info["pages"]
        page = doc.pop("_page", None) if doc is not None else None
        timings["total"] = round((time.perf_counter() - t0) * 1000, 1)
        out = {
            "file": str(path),
            "quality": {"ok": q["ok"], "problems": q["problems"], "metrics": metrics},
            "document": doc,
            "timings_ms": timings,
        }
        if keep_page and page is not None:
            out["_page"] = page  # the cleaned page (RGB array), not part of the contract's object
        return out
    except MemoryError:
        return _failed(path, "too_large", t0)
    except Exception as e:  # never raise on bad input
        log.exception("ocr.analyze failed on %s", path)
        return _failed(path, "unreadable_file", t0, detail=f"{type(e).__name__}: {e}")
    finally:
        if ahead is not None:
            ahead.cancel()  # not used (a refused photo, nothing read): not left queued on the pool
