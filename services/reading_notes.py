"""An ID-card reading's cross-checks as Vietnamese sentences for the officer (the console shows
them, the API gives them as `notes`): a check that passed says nothing; "expired": False is a
pass, not a warning. A check with no sentence here is shown as one plain generic sentence, never
as the reader's key or value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.texts import LABELS, Texts

TEXTS = Texts.load(Path(__file__).with_name("reading_notes.yml"))
FIELDS: dict[str, str] = LABELS.get("fields")
LOW_CONFIDENCE = 0.6
_ID_CHECKS = {"province_code": "id_province", "birth_year": "id_birth_year", "sex": "id_sex"}
# How the reader reached its result (which side, by which phrases, page geometry): diagnostics
# for the OCR's own tests, not checks that can fail; an officer is never shown them.
DIAGNOSTICS = frozenset(
    {
        "type_by", "type_scores", "type_margin", "text_lines", "id_phrases", "page_aspect",
        "title", "phrases", "runner_up", "turned", "up_score", "osd_conf", "page_size",
    }
)  # fmt: skip


def _label(name: str) -> str:
    return FIELDS.get(name, name)


def _check(name: str, value: Any) -> list[str]:
    if value in (True, "ok", None) or name == "confirmed" or name in DIAGNOSTICS:
        return []
    if name == "expired":
        return [TEXTS("expired")] if value is True else []
    if name == "qr":
        return [TEXTS("qr_unreadable" if value in ("unreadable", "unknown") else "qr_other", value=value)]
    if name == "mrz":
        if not isinstance(value, dict):
            return [TEXTS("mrz_unreadable")]
        failed = [_label(k) for k, ok in value.items() if not ok]
        return [TEXTS("mrz_failed", fields=", ".join(failed))] if failed else []
    if name == "full_name_mrz":
        return [TEXTS("full_name_mrz")]
    if name == "sources_agree" and isinstance(value, dict):
        sources: dict[str, str] = TEXTS.get("sources")
        out = []
        for field, seen in value.items():
            if isinstance(seen, dict):
                values = ", ".join(f"{sources.get(src, src)}: {v}" for src, v in seen.items())
                out.append(TEXTS("sources_disagree", field=_label(field), values=values))
        return out
    if name == "date_of_expiry_corrected" and isinstance(value, dict):
        return [TEXTS("expiry_corrected", ocr=value.get("ocr", ""))]
    if name == "year_corrected" and isinstance(value, dict):  # {field: the text read}
        return [TEXTS("year_corrected", field=_label(str(f)), ocr=read) for f, read in value.items()]
    if name == "id_number_corrected" and isinstance(value, dict):
        return [TEXTS("id_corrected", ocr=value.get("ocr", ""))]
    if name == "id_number" and isinstance(value, dict):
        out = []
        if value.get("format") == "bad":
            out.append(TEXTS("id_format"))
        elif value.get("format") == "cmnd9":
            out.append(TEXTS("id_cmnd9"))
        out += [TEXTS(key) for k, key in _ID_CHECKS.items() if value.get(k) not in (None, "ok")]
        return out
    if name == "expiry_rule":
        return [TEXTS("expiry_rule")]
    if name in ("fixed_position", "found_by_shape") and isinstance(value, list):
        return [TEXTS(name, fields=", ".join(_label(str(f)) for f in value))]
    return [TEXTS("other")]  # a check with no sentence yet: said, never as the reader's raw key or value


def reading_notes(reading: dict | None, confirmed: dict | None) -> list[str]:
    """Every cross-check of an ID reading that did not pass, low confidences and the citizen's
    corrections, as sentences."""
    if not reading:
        return []
    out: list[str] = []
    for name, value in (reading.get("checks") or {}).items():
        out += [note for note in _check(str(name), value) if note not in out]
    for name, conf in (reading.get("confidence") or {}).items():
        if isinstance(conf, (int, float)) and conf < LOW_CONFIDENCE:
            out.append(TEXTS("low_confidence", field=_label(name), percent=round(conf * 100)))
    for name, value in (confirmed or {}).items():
        read = (reading.get("fields") or {}).get(name)
        if read not in (None, "") and str(read) != str(value):
            out.append(TEXTS("corrected", field=_label(name)))
    return out
