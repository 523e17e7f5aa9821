"""The Vietnamese texts about photos (hints.yml), loaded once."""

from __future__ import annotations

from pathlib import Path

from core.texts import Texts

TEXTS = Texts.load(Path(__file__).resolve().parent / "hints.yml")
