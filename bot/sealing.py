"""Secrets at rest: values the app must store and read back (a platform's OAuth tokens) are
sealed with Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) under a key derived from
the app's SECRET_KEY, so a database dump or backup alone does not give the OA away.

A stored value without the prefix is read as plain text (rows written before sealing); the
next write seals it. A value sealed under another SECRET_KEY cannot be opened: `unseal`
raises `SealError` and the caller asks the operator for a new token.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "fernet:"


class SealError(Exception):
    pass


@lru_cache(maxsize=8)
def _fernet(secret: str) -> Fernet:
    if not secret:
        raise SealError("no SECRET_KEY to seal with")
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"motcua: secrets at rest v1").derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str, value: str) -> str:
    return PREFIX + _fernet(secret).encrypt(value.encode()).decode("ascii")


def unseal(secret: str, stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written before sealing
    try:
        return _fernet(secret).decrypt(stored[len(PREFIX):].encode("ascii")).decode()
    except (InvalidToken, ValueError) as e:
        raise SealError("sealed under another SECRET_KEY, or damaged") from e


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)
