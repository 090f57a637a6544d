"""The master keys of the beneficiaries' key table, and where that table
lives: the configuration side of ``personal.py``, which ``keys.py`` (the
operators' commands) shares."""

from __future__ import annotations

import base64
import binascii
import hashlib

from sqlalchemy.engine import make_url

_KEY_BYTES = 32  # AES-256

HOW_TO_MAKE_A_KEY = (
    'python -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"'
)


def master_key_id(master_key: bytes) -> str:
    """A master key's name in the key table: a fingerprint that does not
    reveal the key (SHA-256 of it under a label), short enough to read."""
    return hashlib.sha256(b"coordonare/master-key-id:" + master_key).hexdigest()[:16]


def keys_url_for(store_url: str) -> str:
    """The key database that goes with a store: ``coordonare_cases`` ->
    ``coordonare_cases_keys`` on the same server; an SQLite file gets a file
    of its own beside it (``cases.db`` -> ``cases-keys.db``)."""
    url = make_url(store_url)
    if not url.database or url.database == ":memory:":
        return store_url
    if url.get_backend_name() == "sqlite":
        root, dot, ext = url.database.rpartition(".")
        database = f"{root}-keys.{ext}" if dot else f"{url.database}-keys"
    else:
        database = f"{url.database}_keys"
    return url.set(database=database).render_as_string(hide_password=False)


def decode_key(variable: str, encoded: str) -> bytes:
    try:
        key = base64.b64decode(encoded, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise RuntimeError(
            f"{variable} is not urlsafe base64; make one with: {HOW_TO_MAKE_A_KEY}"
        ) from exc
    if len(key) != _KEY_BYTES:
        raise RuntimeError(
            f"{variable} must decode to {_KEY_BYTES} bytes, not {len(key)}; "
            f"make one with: {HOW_TO_MAKE_A_KEY}"
        )
    return key
