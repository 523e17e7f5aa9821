"""Paper documents: the page cleaned (ocr.pages) and its type from the printed title and phrases."""

from __future__ import annotations

import time

import numpy as np

from . import pages


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
    doc: dict = {
        "type": kind["type"],
        "fields": {},
        "sources": {},
        "confidence": {"type": kind["confidence"]} if kind["type"] != "other" else {},
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
