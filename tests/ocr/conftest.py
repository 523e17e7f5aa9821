"""Shared fixtures: small sets of generated photos, cached in a temp dir for the session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from ocr.synth import make_sample


def _generator_version() -> str:
    """A hash of the generator's sources: cached photos are regenerated when it changes."""
    import hashlib

    root = Path(__file__).resolve().parents[2] / "ocr"
    h = hashlib.sha1()
    for f in sorted(list((root / "synth").glob("*.py")) + [root / "layout.py"]):
        h.update(f.read_bytes())
    return h.hexdigest()[:10]


CACHE = Path(
    os.environ.get("OCR_TEST_CACHE", Path(tempfile.gettempdir()) / f"motcua-ocr-tests-{_generator_version()}")
)


@pytest.fixture(scope="session")
def sample():
    """sample(seed, kind, cls, size=(1600, 1200), fmt="jpeg") -> (path, truth)."""
    import json

    CACHE.mkdir(parents=True, exist_ok=True)

    def get(seed: int, kind: str = "cccd_front", cls: str = "good", size=(1600, 1200), fmt: str = "jpeg"):
        stem = CACHE / f"{kind}-{cls}-{seed}-{size[0]}x{size[1]}.{fmt}"
        meta = stem.with_suffix(stem.suffix + ".json")
        if not stem.exists() or not meta.exists():
            data, truth = make_sample(seed, kind, cls, size, fmt)
            stem.write_bytes(data)
            meta.write_text(json.dumps(truth, ensure_ascii=False))
        return stem, json.loads(meta.read_text())

    return get
