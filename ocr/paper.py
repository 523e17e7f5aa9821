"""Paper documents: the page cleaned (ocr.pages), its type from the printed title and phrases, and
the fields some papers give the form (ocr.pages.fields: to be confirmed by the citizen)."""

from __future__ import annotations

import time

import numpy as np

from . import pages
from .pages import fields as fields_mod


def paper_type(text: str) -> str:
    """The paper type named by a text's title lines, or "other"."""
    return pages.classify_mod.classify(text)["type"]


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
    if kind.get("flipped"):
        img = np.ascontiguousarray(img[::-1, ::-1])
        turned = (turned + 180) % 360
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
