"""``nlu compare FILE``: the embedded classifier and a live Rasa model, trained on the same
``nlu/data/nlu.yml``, scored on the same file side by side.

Both are asked the same messages, as written and with every diacritic removed; per-parse latency
is the wall time of one parse (in process for the embedded classifier, one HTTP round trip on
loopback for Rasa). Training time: the embedded classifier is trained here from scratch; Rasa's
comes from the ``train_seconds`` file the Rasa runner (``tools/rasa/run.sh``) writes beside the
model, when given.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .data import load_nlu_data
from .embedded import DATA_FILE, EmbeddedNLU, load_config, train_model
from .evaluate import evaluate
from .text import strip_diacritics


class RasaHTTP:
    """A blocking client of Rasa's ``POST /model/parse`` (the comparison is sequential)."""

    def __init__(self, url: str, timeout_s: float = 10.0) -> None:
        self.url = url.rstrip("/") + "/model/parse"
        self.timeout_s = timeout_s

    def parse(self, text: str) -> dict[str, Any]:
        body = json.dumps({"text": text}).encode("utf-8")
        req = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=self.timeout_s) as resp:
            out = json.loads(resp.read().decode("utf-8"))
        name = (out.get("intent") or {}).get("name") or "out_of_scope"
        if name == "nlu_fallback":  # Rasa's FallbackClassifier, reported as the app does
            name = "out_of_scope"
        return {"intent": {"name": name, "confidence": (out.get("intent") or {}).get("confidence", 0.0)}}


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def _timed(parse: Callable[[str], dict[str, Any]], latencies: list[float]) -> Callable[[str], dict[str, Any]]:
    def run(text: str) -> dict[str, Any]:
        t0 = time.perf_counter()
        out = parse(text)
        latencies.append((time.perf_counter() - t0) * 1000.0)
        return out

    return run


def score(parse: Callable[[str], dict[str, Any]], file: Path) -> dict[str, Any]:
    """Accuracy and macro-F1 as written and diacritic-stripped, with parse latency."""
    examples = load_nlu_data(file).examples
    latencies: list[float] = []
    timed = _timed(parse, latencies)
    plain = evaluate(timed, examples)
    stripped = evaluate(timed, examples, strip=True)
    no_diacritics = [e for e in examples if strip_diacritics(e.text) == e.text]
    subset = evaluate(timed, no_diacritics) if no_diacritics else None
    return {
        "examples": plain["examples"],
        "accuracy": plain["accuracy"],
        "macro_f1": plain["macro_f1"],
        "accuracy_stripped": stripped["accuracy"],
        "macro_f1_stripped": stripped["macro_f1"],
        "accuracy_written_without_diacritics": subset["accuracy"] if subset else None,
        "per_intent_f1": {k: v["f1"] for k, v in plain["per_intent"].items()},
        "parse_ms_p50": round(_percentile(latencies, 0.50), 3),
        "parse_ms_p99": round(_percentile(latencies, 0.99), 3),
    }


def embedded_train_seconds() -> float:
    data = load_nlu_data(DATA_FILE)
    t0 = time.perf_counter()
    train_model(data, load_config())
    return round(time.perf_counter() - t0, 2)


def compare(
    file: Path,
    embedded: EmbeddedNLU,
    rasa_url: str | None,
    rasa_train_seconds: float | None = None,
) -> dict[str, Any]:
    result: dict[str, Any] = {"file": str(file)}
    emb = score(embedded.parse_sync, file)
    emb["train_seconds"] = embedded_train_seconds()
    result["embedded"] = emb
    if rasa_url:
        client = RasaHTTP(rasa_url)
        try:
            client.parse("xin chào")
        except (OSError, urllib.error.URLError, ValueError) as exc:
            result["rasa"] = {"error": f"Rasa at {rasa_url} does not answer: {exc}"}
            return result
        ras = score(client.parse, file)
        ras["train_seconds"] = rasa_train_seconds
        result["rasa"] = ras
        if ras["parse_ms_p50"] and emb["parse_ms_p50"]:
            result["speedup_p50"] = round(ras["parse_ms_p50"] / emb["parse_ms_p50"], 1)
    else:
        result["rasa"] = {"error": "no Rasa URL (--rasa-url or RASA_URL)"}
    return result


ROWS = (
    ("examples", "examples"),
    ("accuracy", "accuracy"),
    ("macro F1", "macro_f1"),
    ("accuracy, diacritics stripped", "accuracy_stripped"),
    ("macro F1, diacritics stripped", "macro_f1_stripped"),
    ("accuracy, typed without diacritics", "accuracy_written_without_diacritics"),
    ("parse p50 (ms)", "parse_ms_p50"),
    ("parse p99 (ms)", "parse_ms_p99"),
    ("training (s)", "train_seconds"),
)


def format_table(result: dict[str, Any]) -> str:
    emb, ras = result["embedded"], result["rasa"]
    lines = [f"{'':<36}{'embedded':>12}{'rasa':>12}"]
    for label, key in ROWS:
        a = emb.get(key)
        b = ras.get(key) if "error" not in ras else None
        lines.append(f"{label:<36}{_cell(a):>12}{_cell(b):>12}")
    if "error" in ras:
        lines.append(f"rasa: {ras['error']}")
    if "speedup_p50" in result:
        lines.append(f"embedded is {result['speedup_p50']}x faster per parse (p50)")
    return "\n".join(lines)


def _cell(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.4f}" if v < 10 else f"{v:.1f}"
    return str(v)
