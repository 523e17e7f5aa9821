"""The reader's thresholds (`thresholds.yml`), loaded once for every module of `ocr` and
`ocr.pages` (this module imports nothing of theirs, so any of them may import it)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml


@lru_cache(maxsize=1)
def thresholds() -> dict:
    return yaml.safe_load((Path(__file__).parent / "thresholds.yml").read_text(encoding="utf-8"))
