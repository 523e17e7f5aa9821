"""Synthetic phone photos and PDFs of the paper documents of the contract (test/benchmark only).

    from ocr.synth.paper import make_document, write_set
    pages = make_document(seed=1, doc_type="giay_chung_sinh", cls="good")  # [(jpeg bytes, truth)]
    write_set("/tmp/set", good=44, bad=20, pdfs=6, seed=7000)            # + labels.jsonl

The labels file is the interface of `bench/pages.py --dir` (ocr/README.md): one JSON object a
line, {"file", "type", "pages", "good", "problem"}.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

from PIL import Image

from . import wear
from .render import TYPES, render
from .scene import BACK_SIDE, BAD, photograph

__all__ = [
    "TYPES",
    "BAD",
    "BACK_SIDE",
    "make_document",
    "make_pdf",
    "write_set",
    "write_curled_set",
    "render",
    "photograph",
]


def _jpeg(img: Image.Image, rng: random.Random, cls: str = "good") -> bytes:
    if cls == "too_small" and rng.random() < 0.3:  # a thumbnail: too few pixels for any page
        k = rng.uniform(300, 600) / max(img.size)
        img = img.resize((round(img.size[0] * k), round(img.size[1] * k)), Image.LANCZOS)
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=rng.randint(70, 90))
        return buf.getvalue()
    return wear.chat_app(img, rng)


def make_document(
    seed: int,
    doc_type: str,
    cls: str = "good",
    size: tuple[int, int] = (1200, 1600),
    hand: bool | None = None,
    curled: tuple[float, str] | None = None,
    sheet: tuple[float, str, int] | None = None,
) -> list[tuple[bytes, dict]]:
    """Photos of every page of one generated document, in page order (curled: every page bent
    so, scene.photograph; sheet: every page's whole sheet bent, its outline too, curlq22; the photos
    are otherwise the seed's own)."""
    rng = random.Random(seed)
    pages = render(doc_type, rng, scale=max(1.0, size[1] / 1754), hand=hand)
    out = []
    for i, pg in enumerate(pages):
        fills = dict(pg.info.get("fills") or {})
        img, info = photograph(pg, rng, cls, size, curled, sheet)
        info["fills"] = fills
        out.append((_jpeg(img, rng, cls), {"type": doc_type, "page": i + 1, "of": len(pages), **info}))
    return out


def make_pdf(seed: int, doc_type: str, photos: bool = False) -> tuple[bytes, int]:
    """A PDF of the document: flat scanned pages (or its page photos); returns (bytes, pages)."""
    rng = random.Random(seed)
    if photos:
        imgs = [Image.open(io.BytesIO(b)) for b, _ in make_document(seed, doc_type)]
    else:
        imgs = render(doc_type, rng, 1.0)
    buf = io.BytesIO()
    imgs[0].save(buf, "PDF", save_all=True, append_images=imgs[1:], resolution=150)
    return buf.getvalue(), len(imgs)


def write_set(
    out: str | Path,
    good: int = 44,
    bad: int = 20,
    pdfs: int = 6,
    seed: int = 7000,
    size=(1200, 1600),
    back: int = 0,
) -> Path:
    """A benchmark set: `good` good photos over the types (first pages, plus later pages of some),
    `bad` photos of the bad classes, `pdfs` PDF files, `back` photos of the back of a printed page
    (labelled {"good": false, "problem": "not_document", "side": "back", "show_through", "mirror"};
    from seeds of their own, so the rest of a set is the same with or without them); labels.jsonl
    beside them."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(good):
        t = TYPES[i % len(TYPES)]
        photos = make_document(seed + i, t, "good", size)
        pick = photos[(i // len(TYPES)) % len(photos)]
        name = f"good_{i:03d}_{t}.jpg"
        (out / name).write_bytes(pick[0])
        scene = {k: pick[1][k] for k in ("setting", "stock", "frame", "light")}
        rows.append(
            {
                "file": name,
                "type": t,
                "pages": 1,
                "good": True,
                "problem": None,
                "page": pick[1]["page"],
                **scene,
            }
        )
    classes = list(BAD)
    for i in range(bad):
        cls = classes[i % len(classes)]
        t = TYPES[(i * 7) % len(TYPES)]
        data, truth = make_document(seed + 10_000 + i, t, cls, size)[0]
        name = f"bad_{i:03d}_{cls}.jpg"
        (out / name).write_bytes(data)
        scene = {k: truth[k] for k in ("setting", "stock", "frame", "light")}
        rows.append(
            {"file": name, "type": t, "pages": 1, "good": False, "problem": truth["problem"], **scene}
        )
    for i in range(back):
        t = TYPES[(i * 5 + 2) % len(TYPES)]
        data, truth = make_document(seed + 30_000 + i, t, BACK_SIDE, size)[0]
        name = f"back_{i:03d}_{t}.jpg"
        (out / name).write_bytes(data)
        keep = ("setting", "stock", "frame", "light", "side", "show_through", "mirror")
        rows.append(
            {"file": name, "type": t, "pages": 1, "good": False, "problem": truth["problem"]}
            | {k: truth[k] for k in keep}
        )
    for i in range(pdfs):
        t = TYPES[(i * 3 + 1) % len(TYPES)]
        data, n = make_pdf(seed + 20_000 + i, t, photos=i % 2 == 1)
        name = f"doc_{i:03d}_{t}.pdf"
        (out / name).write_bytes(data)
        rows.append({"file": name, "type": t, "pages": n, "good": True, "problem": None})
    _labels(out, rows)
    return out


def _labels(out: Path, rows: list[dict]) -> None:
    with open(out / "labels.jsonl", "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def write_curled_set(
    out: str | Path,
    n: int = 24,
    seed: int = 330_000,
    amount=(0.025, 0.04),
    twins: bool = True,
    sheet: bool = False,
) -> Path:
    """Good photos of strongly curled pages (issue 19): page `amount` × its height bent, in
    both shapes by turns ("bow", "edge"), labelled with "curl" (the amount) and "shape"; with
    `twins`, each seed's photo without the bend beside it ("twin" names it), else the same.
    With `sheet` the whole sheet is bent, its outline too, in the shapes "lift", "middle" and
    "sides" by turns, with a bend's shading (scene.photograph's `sheet`, curlq22)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(n):
        t = TYPES[i % len(TYPES)]
        shapes = ("lift", "middle", "sides") if sheet else ("bow", "edge")
        bend = (round(random.Random(seed + i).uniform(*amount), 4), shapes[i % len(shapes)])
        for kind, curled in (("curl", bend), ("flat", None)) if twins else (("curl", bend),):
            how = {"sheet": (*curled, seed + 50_000 + i)} if sheet and curled else {"curled": curled}
            photos = make_document(seed + i, t, "good", **how)
            data, truth = photos[(i // len(TYPES)) % len(photos)]
            name = f"{kind}_{i:03d}_{t}.jpg"
            (out / name).write_bytes(data)
            row = {"file": name, "type": t, "pages": 1, "good": True, "problem": None, "page": truth["page"]}
            if curled is not None:
                row |= {"curl": bend[0], "shape": bend[1], "twin": f"flat_{i:03d}_{t}.jpg" if twins else None}
            rows.append(row)
    _labels(out, rows)
    return out
