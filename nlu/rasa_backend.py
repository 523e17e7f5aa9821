"""NLU_BACKEND=rasa: ask a Rasa server (``POST {rasa_url}/model/parse``), fall back to the
embedded classifier when it does not answer in time or answers nonsense.

The intent and ``procedure`` entities come from Rasa; ``dossier_code``, ``id_number``,
``phone`` and ``date`` always come from the embedded extractors, which also normalise their
values (Rasa would return the raw text). Rasa's ``nlu_fallback`` intent (FallbackClassifier)
is reported as ``out_of_scope``.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from prometheus_client import Counter

from core.http import LazySession

from .embedded import FALLBACK_INTENT, EmbeddedNLU

log = logging.getLogger(__name__)

RASA_FALLBACK = Counter(
    "motcua_nlu_rasa_fallback_total",
    "NLU parses answered by the embedded classifier because Rasa did not answer",
    ["reason"],
)

_RULE_ENTITIES = ("dossier_code", "id_number", "phone", "date")


class RasaUnavailable(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


class RasaNLU:
    def __init__(self, url: str, timeout_s: float, embedded: EmbeddedNLU) -> None:
        self.url = url.rstrip("/") + "/model/parse"
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)
        self.embedded = embedded
        self._http = LazySession(self.timeout)

    async def close(self) -> None:
        await self._http.close()

    async def _ask(self, text: str) -> dict[str, Any]:
        session = self._http()
        try:
            async with session.post(self.url, json={"text": text}) as resp:
                if resp.status != 200:
                    raise RasaUnavailable("status", str(resp.status))
                body = await resp.json(content_type=None)
        except TimeoutError as exc:
            raise RasaUnavailable("timeout", repr(exc)) from exc
        except aiohttp.ClientError as exc:
            raise RasaUnavailable("connection", repr(exc)) from exc
        except ValueError as exc:
            raise RasaUnavailable("bad_response", repr(exc)) from exc
        if not isinstance(body, dict) or not isinstance(body.get("intent"), dict):
            raise RasaUnavailable("bad_response", "no intent")
        return body

    async def parse(self, text: str) -> dict[str, Any]:
        try:
            body = await self._ask(text)
            return self._convert(text, body)
        except RasaUnavailable as exc:
            RASA_FALLBACK.labels(reason=exc.reason).inc()
            log.warning("nlu: Rasa at %s unavailable (%s); using the embedded classifier", self.url, exc)
            return self.embedded.parse_sync(text)

    def _convert(self, text: str, body: dict[str, Any]) -> dict[str, Any]:
        def intent_of(d: dict[str, Any]) -> dict[str, Any]:
            name = d.get("name") or FALLBACK_INTENT
            if name == "nlu_fallback":
                name = FALLBACK_INTENT
            return {"name": str(name), "confidence": round(float(d.get("confidence") or 0.0), 4)}

        try:
            intent = intent_of(body["intent"])
            ranking = [intent_of(r) for r in body.get("intent_ranking") or [] if isinstance(r, dict)]
        except (TypeError, ValueError) as exc:
            raise RasaUnavailable("bad_response", repr(exc)) from exc
        own = self.embedded.parse_sync(text)["entities"]
        procs = []
        for e in body.get("entities") or []:
            try:
                if e.get("entity") == "procedure" and e.get("value") in self.embedded.procedures.values:
                    procs.append(
                        {
                            "entity": "procedure",
                            "value": e["value"],
                            "start": int(e["start"]),
                            "end": int(e["end"]),
                        }
                    )
            except (AttributeError, KeyError, TypeError, ValueError):
                continue
        if not procs:
            procs = [e for e in own if e["entity"] == "procedure"]
        rules = [e for e in own if e["entity"] in _RULE_ENTITIES]
        kept: list[dict[str, Any]] = list(rules)
        for p in procs:
            if all(p["end"] <= k["start"] or p["start"] >= k["end"] for k in kept):
                kept.append(p)
        kept.sort(key=lambda e: (e["start"], e["end"]))
        return {"text": text, "intent": intent, "intent_ranking": ranking, "entities": kept}
