"""Sentences and labels live in YAML data files; this loads them and fills their placeholders.

    TEXTS = Texts.load(Path(__file__).with_name("officer.yml"))
    TEXTS("notice.accepted", code="ABC-261206-0001")   # a dotted key, str.format placeholders
    TEXTS.get("labels.status")                        # a raw value (mapping, list, string)

A missing key is a programming error and raises KeyError at once (tests catch it)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent


class Texts:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data

    @classmethod
    def load(cls, *paths: Path) -> Texts:
        """Later files extend earlier ones (top-level keys only; a repeated key is an error)."""
        data: dict[str, Any] = {}
        for path in paths:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            clash = data.keys() & loaded.keys()
            if clash:
                raise ValueError(f"{path}: keys already defined: {sorted(clash)}")
            data.update(loaded)
        return cls(data)

    def get(self, key: str) -> Any:
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise KeyError(f"no text {key!r}")
            node = node[part]
        return node

    def __call__(self, key: str, **values: Any) -> str:
        text = self.get(key)
        if not isinstance(text, str):
            raise KeyError(f"text {key!r} is not a sentence")
        return text.format(**values) if values else text


#: Labels shared by every package (one wording per concept): ID-card fields, dossier statuses.
LABELS = Texts.load(HERE / "labels.yml")
