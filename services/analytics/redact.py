"""Redaction for analysts: personal data replaced by keyed pseudonyms.

A pseudonym is `{kind}_{hex}`: HMAC-SHA256 of the normalised value under the analytics secret
(ANALYTICS_SECRET, from the environment like every secret; else generated once into
var/analytics_secret), so the same citizen, dossier or phone number has the same pseudonym in
every file and every export, and nobody without the secret can go back to the value.

In free text, in this order: the values known from the citizen's own dossiers (names, ID
numbers, phones, addresses, dates of birth, typed with or without diacritics, any spacing or
date format), dossier codes, e-mail addresses, runs of 8 to 13 digits (ID and phone numbers),
dates (d/m/y, y-m-d). Names the bot was never told cannot be known and stay.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from functools import lru_cache
from typing import Any

from core.vietnamese import strip_diacritics

HEX = 16
# the kind of a known value, by the catalog field's validator and the ID card's field name
VALIDATOR_KINDS = {
    "person_name": "name",
    "id_number": "id",
    "vn_phone": "phone",
    "date_past": "date",
    "date_any": "date",
    "address": "address",
    "text": "text",
}
CARD_KINDS = {
    "full_name": "name",
    "id_number": "id",
    "old_id_number": "id",
    "date_of_birth": "date",
    "place_of_origin": "address",
    "place_of_residence": "address",
}
CODE = re.compile(r"\b[A-Z][A-Z0-9]{1,15}-\d{6}-\d{4}\b")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
DIGITS = re.compile(r"(?<![\w])\+?\d(?:[ .\-]?\d){7,12}(?![\w])")
PHONE_LEAD = r"(?:\+?84[ .\-]?|0)"
DATE = re.compile(r"\b(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2})\b")


def analytics_secret(settings) -> bytes:
    """The key of the pseudonyms: ANALYTICS_SECRET, else one kept in var/analytics_secret."""
    if settings.analytics_secret:
        return settings.analytics_secret.encode()
    path = settings.var_path / "analytics_secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48) + "\n")
    return path.read_text().strip().encode()


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    folded = strip_diacritics(c).lower()
    return folded if len(folded) == 1 else c


_VIETNAMESE = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_FOLD = str.maketrans({c: _fold_char(c) for c in _VIETNAMESE})


def fold(text: str) -> str:
    """Lower case without diacritics, one character for one (positions stay those of `text`)."""
    lowered = text.lower()
    if len(lowered) == len(text) and lowered.isascii():
        return lowered
    if len(lowered) == len(text):
        folded = lowered.translate(_FOLD)
        if folded.isascii():
            return folded
    return "".join(_fold_char(c) for c in text)


def normal(kind: str, value: str) -> str:
    """The form a value is keyed by: digits only for numbers, folded words for the rest."""
    if kind in {"id", "phone"}:
        digits = re.sub(r"\D", "", value)
        return "0" + digits[2:] if digits.startswith("84") and len(digits) == 11 else digits
    return " ".join(fold(unicodedata.normalize("NFC", value)).split())


class Pseudonyms:
    def __init__(self, secret: bytes) -> None:
        self.secret = secret
        self._cached = lru_cache(maxsize=65536)(self._compute)

    def __call__(self, kind: str, value: Any) -> str:
        return self._cached(kind, value)

    def _compute(self, kind: str, value: Any) -> str:
        key = normal(kind, str(value))
        digest = hmac.new(self.secret, f"{kind}:{key}".encode(), hashlib.sha256).hexdigest()
        return f"{kind}_{digest[:HEX]}"


def _date_pattern(value: str) -> str | None:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
    if not m:
        m2 = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", value.strip())
        if not m2:
            return None
        d, mo, y = m2.groups()
    else:
        y, mo, d = m.groups()
    day, month = rf"0?{int(d)}", rf"0?{int(mo)}"
    return rf"(?<!\d)(?:{day}\s*[/.\-]\s*{month}\s*[/.\-]\s*{y}|{y}-{month}-{day})(?!\d)"


def value_pattern(kind: str, value: str) -> str | None:
    """A pattern finding `value` in folded text (any spacing, with or without diacritics)."""
    if kind in {"id", "phone"}:
        digits = normal(kind, value)
        if len(digits) < 6:
            return None
        body = r"[ .\-]?".join(digits[1:] if kind == "phone" else digits)
        lead = PHONE_LEAD if kind == "phone" else ""
        return rf"(?<!\d)(?:{lead}{body})(?!\d)"
    if kind == "date":
        return _date_pattern(value)
    words = re.findall(r"\w+", normal(kind, value))
    if not words or len("".join(words)) < 4:
        return None
    return r"(?<!\w)" + r"[\s,.\-]+".join(re.escape(w) for w in words) + r"(?!\w)"


class Redactor:
    """Redacts one citizen's texts: their known values, then the general patterns."""

    def __init__(self, pseudo: Pseudonyms, known: list[tuple[str, str]]) -> None:
        self.pseudo = pseudo
        parts, self.kinds = [], []
        # the longest first: a full name before a part of it
        for kind, value in sorted(set(known), key=lambda kv: -len(kv[1])):
            pattern = value_pattern(kind, value)
            if pattern:
                parts.append(f"(?P<k{len(self.kinds)}>{pattern})")
                self.kinds.append((kind, value))
        self.known = re.compile("|".join(parts)) if parts else None

    def text(self, text: str | None) -> str | None:
        if not text:
            return text
        text = unicodedata.normalize("NFC", text)
        if self.known is not None:
            folded = fold(text)
            out, last = [], 0
            for m in self.known.finditer(folded):
                kind, value = self.kinds[int(m.lastgroup[1:])]  # type: ignore[index]
                out.append(text[last : m.start()])
                out.append(f"[{self.pseudo(kind, value)}]")
                last = m.end()
            text = "".join(out) + text[last:]
        text = CODE.sub(lambda m: f"[{self.pseudo('dossier', m.group(0))}]", text)
        text = EMAIL.sub(lambda m: f"[{self.pseudo('email', m.group(0).lower())}]", text)
        text = DATE.sub(lambda m: f"[{self.pseudo('date', m.group(0))}]", text)
        return DIGITS.sub(lambda m: f"[{self.pseudo('number', m.group(0))}]", text)

    def value(self, value: Any) -> Any:
        """Every string inside a JSON value redacted (keys kept)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value
