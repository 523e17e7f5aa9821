"""A citizen's paper document as the officer gets it: every page (a photo, or each page of a PDF)
checked, cleaned and typed; the cleaned pages as JPEGs ready for one PDF.

    r = scan(path)   # {"result": the first page's analyze() object (with "pages" for a PDF),
                     #  "pages": [{"jpeg": bytes, "type", "confidence", "problems", "turned"}],
                     #  "page_count": int}
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from . import analyze, intake, quality
from .pages import pdf as pdfmod
from .paper import read_paper

MAX_PAGES = 30  # pages of one PDF that are cleaned (the rest are counted, not kept)


def _page_entry(img: np.ndarray | None, doc: dict | None, problems: list[str]) -> dict[str, Any]:
    doc = doc or {}
    return {
        "jpeg": pdfmod.encode_page(img) if img is not None else None,
        "type": doc.get("type"),
        "confidence": (doc.get("confidence") or {}).get("type", 0.0),
        "problems": problems,
        "turned": (doc.get("checks") or {}).get("turned"),
    }


def _pdf_page(rgb: np.ndarray) -> tuple[np.ndarray, dict | None, list[str]]:
    info = {"format": "pdf", "width": rgb.shape[1], "height": rgb.shape[0]}
    q = quality.assess(rgb, info, "paper")
    problems = list(q["problems"])
    doc, _ = read_paper(rgb, q["quad"] if q["quad"] is not None and q["doc_kind"] == "paper" else None)
    return doc.pop("_page"), doc, problems


def scan(path: str | Path) -> dict[str, Any]:
    """Check, clean and type every page of a paper document file (never raises on bad input)."""
    t0 = time.perf_counter()
    first = analyze(path, expect="paper", keep_page=True)
    page = first.pop("_page", None)
    pages = [_page_entry(page, first.get("document"), first["quality"]["problems"])]
    count = 1
    fmt = first["quality"]["metrics"].get("format")
    if fmt == "pdf":
        count = int(first["quality"]["metrics"].get("pages", 1))
        if count > 1:
            try:
                imgs, count = pdfmod.split(path, max_pages=min(MAX_PAGES, intake.MAX_PDF_PAGES))
            except Exception:
                imgs = []
            for rgb in imgs[1:]:
                img, doc, problems = _pdf_page(rgb)
                pages.append(_page_entry(img, doc, problems))
    first["timings_ms"]["scan"] = round((time.perf_counter() - t0) * 1000, 1)
    return {"result": first, "pages": pages, "page_count": count}


def document_pdf(jpegs: list[bytes]) -> bytes:
    """One PDF of cleaned pages (in order)."""
    return pdfmod.build([j for j in jpegs if j])
