"""The personal-data token: what an event holds instead of the data itself
(``services/cases/personal.py``). ``pd1:`` then urlsafe base64 of a random
GCM nonce and the AES-256-GCM ciphertext of the data as JSON, bound to the
beneficiary's id, so a token copied to another person's record does not
open."""

from __future__ import annotations

import base64
import binascii
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

TOKEN_PREFIX = "pd1:"
# Bound into every ciphertext as associated data, with the beneficiary id.
_TOKEN_AAD = b"coordonare/personal-data/v1:"
NONCE_BYTES = 12  # the GCM standard nonce; random per encryption
_TAG_BYTES = 16  # GCM authentication tag, at the end of every ciphertext


def seal_token(key: AESGCM, bid: str, data: dict[str, Any]) -> str:
    nonce = os.urandom(NONCE_BYTES)
    plain = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    sealed = nonce + key.encrypt(nonce, plain, _TOKEN_AAD + bid.encode())
    return TOKEN_PREFIX + base64.urlsafe_b64encode(sealed).decode("ascii")


def open_token(key: AESGCM, bid: str, token: str) -> dict[str, Any]:
    if not token.startswith(TOKEN_PREFIX):
        raise ValueError("not a personal-data token")
    try:
        sealed = base64.b64decode(token[len(TOKEN_PREFIX) :], altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("personal-data token is not valid base64") from exc
    if len(sealed) < NONCE_BYTES + _TAG_BYTES:
        raise ValueError("personal-data token is truncated")
    nonce, ciphertext = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    try:
        plain = key.decrypt(nonce, ciphertext, _TOKEN_AAD + bid.encode())
    except InvalidTag as exc:
        raise ValueError(
            "personal-data token does not open: altered, or sealed for another beneficiary"
        ) from exc
    data: dict[str, Any] = json.loads(plain)
    return data
