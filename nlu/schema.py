"""A small validator for the subset of pykwalify schemas that Rasa's own YAML schemas use, so
that the Rasa project files can be checked without installing Rasa:

    python -m nlu.schema            # validates nlu/config.yml, nlu/domain.yml, nlu/data/*.yml

Supported: ``type`` (str, int, float, number, bool, map, seq, any), ``mapping`` (with
``regex;(...)`` keys), ``sequence`` (one schema, or several with ``matching: any``),
``required``, ``allowempty`` (for maps: allow unknown keys; for strings: ``False`` forbids
the empty string) and ``range`` (min/max). Other keys are ignored.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
PACKAGE_DIR = Path(__file__).resolve().parent


def _type_ok(kind: str, value: Any) -> bool:
    if kind == "any":
        return True
    if kind == "str":
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in ("float", "number"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "map":
        return isinstance(value, dict)
    if kind == "seq":
        return isinstance(value, list)
    raise ValueError(f"unsupported schema type {kind!r}")


def validate(value: Any, schema: dict[str, Any], path: str = "") -> list[str]:
    """Errors (empty when valid) of ``value`` against a pykwalify-style ``schema``."""
    kind = schema.get("type", "map" if "mapping" in schema else "seq" if "sequence" in schema else "any")
    where = path or "/"
    if value is None:
        return []  # pykwalify treats a null as absent; ``required`` is checked by the parent
    if not _type_ok(kind, value):
        return [f"{where}: expected {kind}, got {type(value).__name__}"]
    errors: list[str] = []
    if kind == "str" and schema.get("allowempty") is False and value == "":
        errors.append(f"{where}: empty string")
    rng = schema.get("range")
    if rng and isinstance(value, (int, float)):
        if "min" in rng and value < rng["min"]:
            errors.append(f"{where}: {value} < {rng['min']}")
        if "max" in rng and value > rng["max"]:
            errors.append(f"{where}: {value} > {rng['max']}")
    if kind == "map":
        mapping: dict[str, Any] = schema.get("mapping") or {}
        plain = {k: v for k, v in mapping.items() if not k.startswith("regex;")}
        patterns = [(re.compile(k[len("regex;") :]), v) for k, v in mapping.items() if k.startswith("regex;")]
        for key, sub in plain.items():
            if sub.get("required") and (key not in value or value[key] is None):
                errors.append(f"{path}/{key}: required")
        for key, item in value.items():
            if key in plain:
                errors += validate(item, plain[key], f"{path}/{key}")
                continue
            for rx, sub in patterns:
                if rx.fullmatch(str(key)):
                    errors += validate(item, sub, f"{path}/{key}")
                    break
            else:
                if mapping and not schema.get("allowempty"):
                    errors.append(f"{path}/{key}: key not allowed here")
    elif kind == "seq":
        subs = schema.get("sequence") or []
        for i, item in enumerate(value):
            if not subs:
                continue
            results = [validate(item, sub, f"{path}/{i}") for sub in subs]
            if len(subs) == 1:
                errors += results[0]
            elif not any(not r for r in results):
                best = min(results, key=len)
                errors.append(f"{path}/{i}: matches none of the {len(subs)} allowed forms ({best[0]})")
    return errors


def load_schema(name: str) -> dict[str, Any]:
    return yaml.safe_load((SCHEMA_DIR / f"{name}.yml").read_text(encoding="utf-8"))


def validate_file(path: Path, schema_name: str) -> list[str]:
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [f"{path}: {e}" for e in validate(doc, load_schema(schema_name))]


def validate_project(root: Path = PACKAGE_DIR) -> list[str]:
    errors = validate_file(root / "config.yml", "config") + validate_file(root / "domain.yml", "domain")
    for f in sorted((root / "data").glob("*.yml")) + sorted((root / "tests").glob("*.yml")):
        errors += validate_file(f, "nlu")
    return errors


if __name__ == "__main__":  # pragma: no cover
    errs = validate_project()
    print("\n".join(errs) or "ok")
    raise SystemExit(1 if errs else 0)
