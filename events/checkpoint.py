"""Checkpoints outside the database (issue 19, ADR 23).

The hash chain (``events.chain``) proves that no row was changed, removed or
reordered, but whoever can write the database can recompute the chain from
any point on, or drop its newest events, and the result is consistent. So
each service signs its chain head now and then — position, head hash, time —
with an Ed25519 key of its own and publishes the checkpoint on the event log
(``ro.coordonare.<service>.ChainCheckpointed.v1``, kept in the service's
stream, ``events.stream``) and, when configured, in an append-only file.
Verification checks the store against every checkpoint (``events.verify``).

The signature covers a canonical JSON text of the checkpoint, not the
CloudEvent around it: a checkpoint keeps its proof wherever it is copied to
(a file, an evidence bundle, another archive). Each names the key that signed
it (``kid``); a rotated key's public half stays published, so the
checkpoints it signed still verify (README, "Checkpoint keys").
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cloudevents.core.v1.event import CloudEvent
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from jwt import PyJWKSet
from jwt.utils import base64url_decode, base64url_encode

from events import cloudevent
from events.identity import SigningKey
from events.publisher import OutgoingMessage

NAME = "ChainCheckpointed"  # the published event's name, per service
# the JWKS documents the county publishes (space-separated paths): every
# service's public checkpoint key, current and rotated
PUBLISHED_KEYS = "CHECKPOINT_PUBLIC_KEYS"
FORMAT = "coordonare-checkpoint/1"  # in the signed text: a signature for nothing else


def key_issuer(service: str) -> str:
    """The issuer a service's checkpoint key is named for (its ``kid`` prefix)."""
    return f"{service}-checkpoint"


@dataclass(frozen=True)
class Checkpoint:
    service: str
    position: int  # notification id of the chain head
    head: str  # its chain hash, hex
    time: str  # when it was signed, ISO 8601 UTC
    kid: str  # the key that signed it
    signature: str = ""  # Ed25519 over ``signed_text()``, base64url

    def signed_text(self) -> bytes:
        fields = asdict(self) | {"format": FORMAT}
        del fields["signature"]
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Checkpoint:
        return cls(
            service=str(data["service"]),
            position=int(data["position"]),
            head=str(data["head"]),
            time=str(data["time"]),
            kid=str(data["kid"]),
            signature=str(data.get("signature", "")),
        )

    @property
    def head_bytes(self) -> bytes:
        return bytes.fromhex(self.head)


@dataclass(frozen=True)
class CheckpointKey:
    """A service's private checkpoint key (``<SERVICE>_CHECKPOINT_KEY``)."""

    service: str
    key: SigningKey

    @classmethod
    def from_file(cls, service: str, path: str | Path) -> CheckpointKey:
        return cls(service, SigningKey.from_file(key_issuer(service), path))

    @property
    def kid(self) -> str:
        return self.key.kid

    def jwks(self) -> dict[str, Any]:
        return self.key.jwks()

    def sign(self, position: int, head: bytes, at: datetime | None = None) -> Checkpoint:
        moment = (at or datetime.now(UTC)).astimezone(UTC)
        unsigned = Checkpoint(
            self.service, position, head.hex(), moment.isoformat(timespec="seconds"), self.kid
        )
        return replace(
            unsigned,
            signature=base64url_encode(self.key.private.sign(unsigned.signed_text())).decode(),
        )


class PublicKeys:
    """The published public keys, current and rotated, by ``kid``."""

    def __init__(self, keys: Mapping[str, Ed25519PublicKey]) -> None:
        self.keys = dict(keys)

    @classmethod
    def from_jwks(cls, documents: Iterable[Mapping[str, Any]]) -> PublicKeys:
        return cls(
            {
                str(jwk.key_id): jwk.key
                for document in documents
                for jwk in PyJWKSet.from_dict(dict(document)).keys
                if isinstance(jwk.key, Ed25519PublicKey)
            }
        )

    @classmethod
    def from_files(cls, paths: Iterable[str | Path]) -> PublicKeys:
        return cls.from_jwks(json.loads(Path(p).read_text()) for p in paths)

    def of(self, service: str, kid: str) -> Ed25519PublicKey | str:
        """The service's public key named ``kid``, or why there is none. Only
        the service's own: with every service's keys published together, a
        leaked key must not vouch for another service's chain."""
        if not kid.startswith(f"{key_issuer(service)}-"):
            return f"signed by {kid}, not a key of {service}'s"
        public = self.keys.get(kid)
        return f"signed by an unknown key {kid}" if public is None else public

    def problem(self, checkpoint: Checkpoint, service: str) -> str | None:
        """Why this checkpoint cannot be believed, or None if it can."""
        if checkpoint.service != service:
            return f"it is {checkpoint.service}'s, not {service}'s"
        public = self.of(service, checkpoint.kid)
        if isinstance(public, str):
            return public
        try:
            public.verify(base64url_decode(checkpoint.signature), checkpoint.signed_text())
        except (InvalidSignature, ValueError):
            return "its signature does not verify"
        return None


def published_keys(environ: Mapping[str, str] = os.environ) -> list[dict[str, Any]]:
    """The public checkpoint keys the county publishes (``PUBLISHED_KEYS``),
    one JWK per ``kid``, read afresh each time: a key added by a rotation is
    published without a restart."""
    keys: dict[str, dict[str, Any]] = {}
    for path in environ.get(PUBLISHED_KEYS, "").split():
        for jwk in json.loads(Path(path).read_text()).get("keys", []):
            keys.setdefault(str(jwk.get("kid")), jwk)
    return list(keys.values())


def message(checkpoint: Checkpoint) -> OutgoingMessage:
    """The checkpoint as a CloudEvent on the events exchange: routed like
    the service's own events, so its stream keeps it with them. ``position``
    is the head it signs; the id is the same for the same signed head."""
    event_type = cloudevent.event_type(checkpoint.service, NAME)
    event_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"coordonare:checkpoint:{checkpoint.signature}"))
    event = CloudEvent(
        {
            "specversion": "1.0",
            "id": event_id,
            "source": f"/coordonare/{checkpoint.service}",
            "type": event_type,
            "subject": f"{checkpoint.service}/chain",
            "time": datetime.fromisoformat(checkpoint.time),
            "datacontenttype": "application/json",
            "position": checkpoint.position,
            "actor": "system",
            "actorrole": "system",
        },
        checkpoint.to_dict(),
    )
    return OutgoingMessage.of(event, checkpoint.position)


def from_record(record: Mapping[str, Any]) -> Checkpoint | None:
    """A checkpoint from what a log holds: the checkpoint itself, or a
    CloudEvent carrying one; None for any other event (a stream holds the
    service's events too)."""
    if "specversion" in record:
        if cloudevent.name_of(str(record.get("type", ""))) != NAME:
            return None
        record = record["data"]
    return Checkpoint.from_dict(record)


def read_lines(lines: Iterable[str]) -> Iterator[Checkpoint]:
    """Checkpoints from JSON lines (the append-only file) or one JSON array."""
    text = "\n".join(lines).strip()
    if text.startswith("["):
        records: Iterable[Any] = json.loads(text)
    else:
        records = (json.loads(line) for line in text.splitlines() if line.strip())
    for record in records:
        checkpoint = from_record(record)
        if checkpoint is not None:
            yield checkpoint


def append(path: str | Path, checkpoint: Checkpoint) -> None:
    """One line more in the append-only file, flushed to disk before the
    checkpoint counts as taken."""
    line = json.dumps(checkpoint.to_dict(), sort_keys=True) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
