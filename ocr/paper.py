"""Paper documents: the page cleaned (ocr.pages), its type from the printed title and phrases, and
the fields some papers give the form (ocr.pages.fields: to be confirmed by the citizen)."""

from __future__ import annotations

import time

import cv2
import numpy as np

from . import pages
from .pages import fields as fields_mod
from .pages import flatten
from .pages import legible as legible_mod
from .pages import side as side_mod


def paper_type(text: str) -> str:
    """The paper type named by a text's title lines, or "other"."""
    return pages.classify_mod.classify(text)["type"]


def _id_card(rgb: np.ndarray, quad, page: np.ndarray, kind: dict) -> dict | None:
    """The card reader's document when the page is an ID card (sent at a paper's step): its
    cleaned proportions are a card's, or its text carries two of a card's phrases; else None.
    A page named by its title with confidence is never tried."""
    if quad is None or (kind["type"] != "other" and kind.get("by") == "title" and kind["confidence"] >= 0.8):
        return None
    spec = pages.classify_mod.id_cards()
    h, w = page.shape[:2]
    aspect = max(h, w) / max(1, min(h, w))
    found = pages.classify_mod.id_card_phrases(kind.get("text", ""))
    if not (spec["aspect"][0] <= aspect <= spec["aspect"][1] or len(found) >= 2):
        return None
    from .read import read_card

    q = np.asarray(quad, np.float32)
    if np.linalg.norm(q[1] - q[0]) < np.linalg.norm(q[3] - q[0]):  # the card reader wants it landscape
        q = np.roll(q, -1, axis=0)
    doc, _ = read_card(rgb, q, [])
    if doc["type"] == "other":
        return None
    score = float((doc["checks"].get("type_scores") or {}).get(doc["type"], 0.0))
    conf = round(min(1.0, 0.3 + score / 8 + 0.1 * len(found)), 2)
    if conf < spec["min_conf"]:
        return None
    doc["confidence"] = {"type": conf} | doc["confidence"]
    doc["checks"] |= {"type_by": "id_card", "id_phrases": found[:6], "page_aspect": round(aspect, 3)}
    return doc


def read_paper(rgb: np.ndarray, quad) -> tuple[dict, dict]:
    """Type of a paper document (the contract's `document` object) and timings.

    The cleaned page is returned under the private key "_page" (an RGB array) for callers that
    keep it (the dialogue's scan); `analyze` drops it before answering."""
    t0 = time.perf_counter()
    page = pages.clean(rgb, None if quad is None else np.asarray(quad, np.float32))
    t1 = time.perf_counter()
    kind = pages.identify(page["image"], page["sure"])
    img = page["image"]
    turned = page["turned"]
    if kind.get("tilt"):  # the title was found with the page levelled
        img = pages.orient.rotate(img, kind["tilt"])
    if kind.get("turn"):  # the title was found with the page turned
        img = pages._turn(img, kind["turn"])
        turned = (turned + kind["turn"]) % 360
    card = _id_card(rgb, quad, img, kind)
    if card is not None:  # an ID card where a paper was asked for: the card's side and fields
        t2 = time.perf_counter()
        card["_page"] = img
        ms = round((t2 - t1) * 1000, 1)
        return card, {"clean": round((t1 - t0) * 1000, 1), "identify": ms, "read": round((t2 - t0) * 1000, 1)}
    fields, conf = {}, {}
    if fields_mod.wants(kind["type"]):  # the papers whose fields pre-fill the form
        fields, conf = fields_mod.read(img, kind["type"])
    doc: dict = {
        "type": kind["type"],
        "fields": fields,
        "sources": {k: "ocr" for k in fields},
        "confidence": ({"type": kind["confidence"]} if kind["type"] != "other" else {}) | conf,
        "checks": {
            "type_by": kind["by"],
            "title": kind["title"],
            "phrases": kind["phrases"][:6],
            "runner_up": kind["runner_up"],
            "turned": turned,
            "tilt": kind.get("tilt") or 0.0,
            "curl": page.get("curl", 0.0),
            "reads": kind.get("reads"),
            "up_score": page["up_score"],
            "osd_conf": page["osd_conf"],
            "page_size": [int(img.shape[1]), int(img.shape[0])],
        },
        "_page": img,
    }
    t2 = time.perf_counter()
    return doc, {
        "clean": round((t1 - t0) * 1000, 1),
        "identify": round((t2 - t1) * 1000, 1),
        "read": round((t2 - t0) * 1000, 1),
    }


def bright_but_legible(rgb: np.ndarray, quad) -> tuple[bool, dict]:
    """Whether a page the verdict found too bright (its paper clipped around a lifted print) can
    still be read: cleaned as for reading and a band of its body read (ocr.pages.legible).
    Returns (legible, notes for the metrics)."""
    t0 = time.perf_counter()
    flat = rgb if quad is None else flatten.warp_page(rgb, np.asarray(quad, np.float32))
    g = flat if flat.ndim == 2 else cv2.cvtColor(flat, cv2.COLOR_RGB2GRAY)
    contrast = legible_mod.print_contrast(g)
    notes: dict = {"print_contrast": None if contrast is None else round(contrast, 2)}
    # printed at a readable contrast (also a page too small for Tesseract), or else read: the
    # Tesseract pass (0.2-1.5 s) only when the contrast alone does not tell
    ok = contrast is not None and contrast >= legible_mod.MIN_CONTRAST
    if not ok:
        page = pages.clean(rgb, None if quad is None else np.asarray(quad, np.float32))
        ok, read_notes = legible_mod.legible(page["image"])
        notes |= read_notes
    return ok, notes | {"legible_ms": round((time.perf_counter() - t0) * 1000, 1)}


def mirrored_print(rgb: np.ndarray, quad) -> dict:
    """Whether a page with next to no print (the verdict's blank-page path) shows the print of its
    other side through the paper, mirrored (ocr.pages.side): the page flattened at reading
    resolution and its faint marks read mirrored and as they are. Returns notes for the metrics
    ({"mirrored", "words_mirrored", "words_plain", "side_ms"})."""
    t0 = time.perf_counter()
    flat = rgb if quad is None else flatten.warp_page(rgb, np.asarray(quad, np.float32))
    g = flat if flat.ndim == 2 else cv2.cvtColor(flat, cv2.COLOR_RGB2GRAY)
    notes = side_mod.mirrored_print(g)
    return notes | {"side_ms": round((time.perf_counter() - t0) * 1000, 1)}
