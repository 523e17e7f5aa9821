"""Secrets at rest: values the app must store and read back (a platform's OAuth tokens) are
sealed with Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) under a key derived from
the app's SECRET_KEY, so a database dump or backup alone does not give the OA away.

A stored value without the prefix is read as plain text (rows written before sealing). To
change SECRET_KEY, put the old one in SECRET_KEY_PREVIOUS (comma-separated, newest first):
values sealed under it are still opened, and `needs_reseal` tells the caller to write them again
under the new key. A value sealed under a key that is in neither cannot be opened: `unseal`
raises `SealError` and the caller asks the operator for a new token.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "fernet:"


class SealError(Exception):
    pass


@lru_cache(maxsize=8)
def _fernet(secret: str) -> Fernet:
    if not secret:
        raise SealError("no SECRET_KEY to seal with")
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"motcua: secrets at rest v1").derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str, value: str) -> str:
    return PREFIX + _fernet(secret).encrypt(value.encode()).decode("ascii")


def _keys(previous: str) -> list[str]:
    return [k.strip() for k in previous.split(",") if k.strip()]


def unseal(secret: str, stored: str, previous: str = "") -> str:
    """The plain value; `previous`: earlier SECRET_KEYs (comma-separated) also tried."""
    if not stored.startswith(PREFIX):
        return stored  # written before sealing
    token = stored[len(PREFIX) :].encode("ascii")
    try:
        return MultiFernet([_fernet(k) for k in [secret, *_keys(previous)]]).decrypt(token).decode()
    except (InvalidToken, ValueError) as e:
        raise SealError(
            "sealed under a SECRET_KEY that is neither the current one nor in SECRET_KEY_PREVIOUS, or damaged"
        ) from e


def needs_reseal(secret: str, stored: str) -> bool:
    """Whether a readable stored value should be written again: plain text, or sealed under a
    previous key."""
    if not stored or not stored.startswith(PREFIX):
        return bool(stored)
    try:
        _fernet(secret).decrypt(stored[len(PREFIX) :].encode("ascii"))
    except (InvalidToken, ValueError):
        return True
    return False


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)
