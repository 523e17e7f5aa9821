"""Reading Rasa 3 NLU training data (YAML) without Rasa.

Supports what this project's files use and Rasa accepts: ``intent`` blocks with ``examples``
as a block string of ``- `` lines, ``synonym`` blocks, and the inline entity annotations
``[text](entity)``, ``[text](entity:value)`` (deprecated but still read) and
``[text]{"entity": "e", "value": "v"}``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<short>[^)]+)\)|(?P<json>\{[^}]*\}))")


@dataclass
class Example:
    text: str
    intent: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class NLUData:
    examples: list[Example]
    synonyms: dict[str, str]  # synonym text -> value

    @property
    def intents(self) -> list[str]:
        return sorted({e.intent for e in self.examples})


def parse_example(line: str, intent: str) -> Example:
    """Strip the annotations from one example line, keeping entity spans and values."""
    out: list[str] = []
    entities: list[dict[str, Any]] = []
    pos = 0
    length = 0
    for m in _ANNOTATION.finditer(line):
        before = line[pos : m.start()]
        out.append(before)
        length += len(before)
        span = m.group("text")
        if m.group("json"):
            meta = json.loads(m.group("json"))
            name = meta["entity"]
            value = meta.get("value", span)
        else:
            name, _, value = m.group("short").partition(":")
            value = value or span
        entities.append({"entity": name, "value": value, "start": length, "end": length + len(span)})
        out.append(span)
        length += len(span)
        pos = m.end()
    out.append(line[pos:])
    return Example("".join(out), intent, entities)


def _lines(block: Any) -> list[str]:
    if isinstance(block, list):  # the "examples: [{text: ...}]" form
        return [str(item["text"]).strip() for item in block]
    lines = []
    for raw in str(block).splitlines():
        raw = raw.strip()
        if raw.startswith("- "):
            lines.append(raw[2:].strip())
        elif raw == "-":
            continue
    return [ln for ln in lines if ln]


def load_nlu_data(*paths: Path | str) -> NLUData:
    examples: list[Example] = []
    synonyms: dict[str, str] = {}
    for path in paths:
        doc = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_Loader) or {}
        for item in doc.get("nlu") or []:
            if "intent" in item:
                for line in _lines(item.get("examples", "")):
                    ex = parse_example(line, item["intent"])
                    examples.append(ex)
                    for ent in ex.entities:
                        if ent["value"] != ex.text[ent["start"] : ent["end"]]:
                            synonyms.setdefault(ex.text[ent["start"] : ent["end"]], ent["value"])
            elif "synonym" in item:
                for line in _lines(item.get("examples", "")):
                    synonyms[line] = str(item["synonym"])
    return NLUData(examples, synonyms)
