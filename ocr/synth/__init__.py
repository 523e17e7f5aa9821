"""Synthetic phone photos of Vietnamese ID cards and papers, for tests and the benchmark.

Generated identities only: random names from word lists and random valid numbers.

    from ocr.synth import make_sample
    data, truth = make_sample(seed=1, kind="cccd_front", cls="good", size=(1600, 1200))
"""

from __future__ import annotations

import random

from PIL import Image

from . import cards, photo
from .cards import KINDS
from .photo import BAD_CLASSES, EXPECTED

__all__ = ["make_sample", "KINDS", "BAD_CLASSES", "EXPECTED", "cards", "photo"]


def make_sample(
    seed: int,
    kind: str = "cccd_front",
    cls: str = "good",
    size: tuple[int, int] = (1600, 1200),
    fmt: str = "jpeg",
    title: str | None = None,
    variant: str | None = None,
) -> tuple[bytes, dict]:
    """One photo as encoded bytes plus its truth:
    {"kind", "cls", "expect_problems", "fields", "quad"}. kind may be "paper" (`title`: a page
    with this title, of no contract type, instead of a random contract title; `variant`: see
    photo.photograph)."""
    rng = random.Random(seed)
    if kind == "paper":
        flat = photo.paper_page(rng, 0.8, title)
        ident = None
    else:
        ident = cards.identity(rng, kind)
        flat = cards.render(ident, kind, rng, scale=max(1.0, size[0] * 0.7 / 1000), seed=seed)
    img, info = photo.photograph(
        flat, rng, cls, size, doc="paper" if kind == "paper" else "card", variant=variant, seed=seed
    )
    if fmt == "jpeg":
        data = photo.to_jpeg(img, rng)
    else:
        import io

        buf = io.BytesIO()
        img.save(buf, {"png": "PNG", "webp": "WEBP"}[fmt])
        data = buf.getvalue()
    truth = {
        "kind": kind if cls != "not_document" else None,
        "doc_type": flat.info.get("doc_type") if kind == "paper" and cls != "not_document" else None,
        "cls": cls,
        "expect_problems": sorted(EXPECTED[cls]),
        "fields": cards.truth_fields(ident, kind) if ident and cls != "not_document" else {},
        "quad": info["quad"],
        "variant": info.get("variant"),
    }
    return data, truth


def render_card(seed: int, kind: str, scale: float = 1.0) -> tuple[Image.Image, dict]:
    rng = random.Random(seed)
    ident = cards.identity(rng, kind)
    return cards.render(ident, kind, rng, scale, seed), cards.truth_fields(ident, kind)
