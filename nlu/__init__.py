"""Vietnamese understanding for MotCua: intents and entities of citizens' chat messages.

Interface used by the dialogue::

    nlu = NLU.from_settings(settings)
    await nlu.parse(text) -> {"text", "intent": {"name", "confidence"},
                              "intent_ranking": [{"name", "confidence"}...],
                              "entities": [{"entity", "value", "start", "end"}...]}

``settings.nlu_backend`` chooses ``embedded`` (in-process classifier, the default) or ``rasa``
(HTTP to ``settings.rasa_url``, falling back to the embedded classifier). See nlu/README.md.
"""

from __future__ import annotations

from typing import Any

from .embedded import EmbeddedNLU
from .text import strip_diacritics

__all__ = ["NLU", "EmbeddedNLU", "strip_diacritics"]


class NLU:
    def __init__(self, embedded: EmbeddedNLU, rasa: Any = None) -> None:
        self.embedded = embedded
        self.rasa = rasa  # nlu.rasa_backend.RasaNLU when NLU_BACKEND=rasa
        self.backend = "rasa" if rasa is not None else "embedded"

    @classmethod
    def from_settings(cls, settings: Any = None) -> NLU:
        if settings is None:
            from core.settings import load_settings

            settings = load_settings()
        embedded = EmbeddedNLU.load(
            var_path=getattr(settings, "var_path", None),
            agency_code=getattr(settings, "agency_code", None),
        )
        backend = str(getattr(settings, "nlu_backend", "embedded") or "embedded").lower()
        if backend == "rasa":
            from .rasa_backend import RasaNLU

            return cls(embedded, RasaNLU(settings.rasa_url, float(settings.rasa_timeout_s), embedded))
        if backend != "embedded":
            raise ValueError(f"NLU_BACKEND must be 'embedded' or 'rasa', not {backend!r}")
        return cls(embedded)

    async def parse(self, text: str) -> dict[str, Any]:
        if self.rasa is not None:
            return await self.rasa.parse(text)
        return self.embedded.parse_sync(text)

    def parse_sync(self, text: str) -> dict[str, Any]:
        """Always the embedded backend (for the CLI and the benchmark)."""
        return self.embedded.parse_sync(text)

    async def close(self) -> None:
        if self.rasa is not None:
            await self.rasa.close()
