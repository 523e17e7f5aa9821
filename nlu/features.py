"""Feature strings of a message for the embedded classifier, and their weighting: folded word
uni/bigrams and char n-grams, the words typed with diacritics, the other-office flag; one L2
norm over all of them or one per channel (``group_weights`` in ``nlu/embedded.yml``)."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

import numpy as np

from .text import FILLERS, normalize


def features(norm: str, char_min: int = 2, char_max: int = 5) -> list[str]:
    """Feature strings of a normalised message: word unigrams and bigrams, and char n-grams
    inside each word padded with spaces (like scikit-learn's ``char_wb``)."""
    words = [w for w in norm.split() if w not in FILLERS] or norm.split()
    feats = ["w:" + w for w in words]
    feats += ["b:" + a + "_" + b for a, b in zip(words, words[1:])]
    for w in words:
        padded = " " + w + " "
        L = len(padded)
        for n in range(char_min, char_max + 1):
            if n > L:
                break
            for i in range(L - n + 1):
                feats.append(padded[i : i + n])
    if not words:
        feats.append("w:<empty>")
    return feats


_WORD = re.compile(r"[^\W\d_]+")
# Flag of a message that names a service of another office (embedded.yml, elsewhere_subjects).
ELSEWHERE_FEATURE = "g:elsewhere"


def message_features(text: str, spec: dict[str, Any]) -> list[str]:
    """All feature strings of a raw message: the folded features above and, when
    ``spec["diacritics"]``, a second channel of the words written with diacritics as typed
    ("d:"), so that "ủa" and "ừa", "bán" and "bạn" differ when the citizen typed the marks. A
    message typed without diacritics adds nothing to that channel and is read by the folded
    features alone."""
    norm = normalize(text)
    feats = features(norm, int(spec["char_min"]), int(spec["char_max"]))
    if spec.get("elsewhere_feature") and names_elsewhere(norm, spec):
        feats.append(ELSEWHERE_FEATURE)
    if spec.get("diacritics"):
        low = unicodedata.normalize("NFC", text).lower()
        feats += ["d:" + w for w in _WORD.findall(low) if not w.isascii()]
    return feats


def feature_spec(cfg: dict[str, Any]) -> dict[str, Any]:
    return {
        "char_min": int(cfg.get("char_min", 2)),
        "char_max": int(cfg.get("char_max", 5)),
        "diacritics": bool(cfg.get("diacritic_channel", False)),
        "temperature": float(cfg.get("temperature", 1.0)),
        "elsewhere": sorted({normalize(t) for t in cfg.get("elsewhere_subjects") or []} - {""}),
        "elsewhere_feature": float(cfg.get("elsewhere_weight", 0.0)) > 0,
        # per-channel L2 norms (char n-grams, words, diacritic words) scaled by these weights,
        # instead of one norm over all features
        "group_weights": _floats(cfg.get("group_weights")),
    }


def _floats(v: Any) -> list[float] | None:
    """A list of floats from a YAML list or a comma-separated string; None when empty."""
    if not v:
        return None
    return [float(x) for x in (v.split(",") if isinstance(v, str) else v)]


_GROUP = {"w:": 1, "b:": 1, "g:": 1, "d:": 2}


def row_groups(vocab: list[str]) -> np.ndarray:
    """The channel of each feature: 0 char n-grams, 1 words (and flags), 2 diacritic words."""
    return np.fromiter((_GROUP.get(f[:2], 0) for f in vocab), dtype=np.int64, count=len(vocab))


def row_weights(groups: np.ndarray, w: np.ndarray, spec: dict[str, Any]) -> np.ndarray:
    """The TF-IDF weights ``w`` of a message's features (of channels ``groups``), L2-normalised:
    as one vector, or per channel scaled by ``spec["group_weights"]``."""
    gw = spec.get("group_weights")
    if not gw:
        return w / (math.sqrt(float(w @ w)) or 1.0)
    gwa = np.asarray(gw, dtype=np.float64)
    norms = np.sqrt(np.bincount(groups, weights=w * w, minlength=len(gwa)))
    return w * (gwa / np.where(norms > 0, norms, 1.0))[groups]


def names_elsewhere(norm: str, spec: dict[str, Any]) -> bool:
    """Whether a normalised message names a service of another office (elsewhere_subjects)."""
    padded = " " + norm + " "
    return any(" " + s + " " in padded for s in spec.get("elsewhere") or ())
