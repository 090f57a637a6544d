"""The demo logins' file, which the gateway's local issuer reads: every
demo person with an argon2 hash of their public password, written only by
its owner (0600) and only when it changed."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from deploy.demo_county import PEOPLE


def write_users(path: Path, ids: dict[str, str]) -> list[dict[str, Any]]:
    """Every demo login, hashed with argon2; an existing hash that still
    verifies the demo password is kept, so a second run writes nothing."""
    hasher = PasswordHasher()
    previous = {u["username"]: u.get("password_hash", "") for u in read_users(path)}
    users = [
        {
            "username": p.username,
            "password_hash": kept_hash(hasher, previous.get(p.username, ""), p.password),
            "sub": ids[p.username],
            "role": p.role,
            "municipality": p.municipality,
            "name": p.full_name,
        }
        for p in PEOPLE
    ]
    text = json.dumps({"users": users}, ensure_ascii=False, indent=2) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        write_private(path, text)
    path.chmod(0o600)
    return users


def read_users(path: Path) -> list[dict[str, Any]]:
    try:
        users = json.loads(path.read_text(encoding="utf-8"))["users"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [u for u in users if isinstance(u, dict) and "username" in u]


def kept_hash(hasher: PasswordHasher, existing: str, password: str) -> str:
    try:
        if hasher.verify(existing, password) and not hasher.check_needs_rehash(existing):
            return existing
    except (VerificationError, InvalidHashError):
        pass
    return hasher.hash(password)


def write_private(path: Path, text: str) -> None:
    """Only the owner reads the file (0600) or enters its directory (0700);
    the file is replaced whole, never seen half written."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
        path.parent.chmod(0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(temporary, path)
