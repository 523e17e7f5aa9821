"""Vietnamese text helpers shared by every package: diacritic folding."""

from __future__ import annotations

import unicodedata

_D_MAP = str.maketrans({"\u0111": "d", "\u0110": "D", "\u00f0": "d", "\u00d0": "D"})  # đ Đ ð Ð


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics (tones and vowel marks; đ -> d). Keeps case."""
    text = text.translate(_D_MAP)
    return unicodedata.normalize(
        "NFC", "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    )
