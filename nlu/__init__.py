"""Vietnamese understanding. Placeholder keyword matcher until the embedded classifier lands.

Interface kept stable for the dialogue: ``NLU.from_settings(settings)`` and
``await nlu.parse(text) -> {"text", "intent": {"name", "confidence"}, "intent_ranking", "entities"}``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any


def strip_diacritics(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


_RULES: list[tuple[str, str, str | None]] = [
    (r"\b(khai sinh|ks|co em be|vo moi sinh|moi sinh)\b", "start_procedure", "khai_sinh"),
    (r"\b(huy|cancel|thoi)\b", "cancel", None),
    (r"\b(can bo|nguoi that|nhan vien)\b", "request_human", None),
    (r"\b(xin chao|chao|hello|hi|alo)\b", "greet", None),
    (r"\b(giup|help|huong dan)\b", "help", None),
    (r"\b(cam on|thanks|tks)\b", "thank", None),
]


class NLU:
    def __init__(self) -> None:
        self._rules = [(re.compile(p), i, v) for p, i, v in _RULES]

    @classmethod
    def from_settings(cls, settings: Any) -> "NLU":
        return cls()

    async def parse(self, text: str) -> dict[str, Any]:
        plain = strip_diacritics(text.lower())
        for rx, intent, value in self._rules:
            m = rx.search(plain)
            if m:
                entities = []
                if value:
                    entities.append({"entity": "procedure", "value": value, "start": m.start(), "end": m.end()})
                return {
                    "text": text,
                    "intent": {"name": intent, "confidence": 0.9},
                    "intent_ranking": [{"name": intent, "confidence": 0.9}],
                    "entities": entities,
                }
        return {
            "text": text,
            "intent": {"name": "out_of_scope", "confidence": 0.0},
            "intent_ranking": [],
            "entities": [],
        }
