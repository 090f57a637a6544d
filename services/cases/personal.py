"""Beneficiaries' personal data, crypto-shredded (DESIGN §5 "Personal data").

Events are immutable and hash-chained, so a person's name, CNP, address,
contact and observations are never written to them in clear: they are sealed
with a data key of that beneficiary's own, and the token goes into the event.
The keys live in a table outside the event store (``beneficiary_keys``), in
a database of their own by default (the store's name + ``_keys``), each
wrapped with a master key from the environment (envelope encryption), so a
copy of the database alone opens nothing. Each row names the master key that
wraps it (``master_key_id``, a fingerprint), so the master key is rotated by
re-wrapping rows, a few at a time and resumably, without touching any event
or re-encrypting any data (``rewrap``; ``services/cases/keys.py``).

Erasing a person deletes their key: the events, their chain and every count
stay as written, and each personal field reads as ``ERASED`` from then on.
The erased row is kept as a tombstone (no key, ``erased_at`` set), so the
person can never be given a new key and their old tokens never open again.

Unwrapped keys may be kept in the process (``keys``, a ``KeyCache``): the
cases application does, and evicts them on the erasure events it follows
(``services/cases/key_cache.py``); a vault made alone caches nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import (
    Column,
    DateTime,
    LargeBinary,
    MetaData,
    Table,
    Text,
    create_engine,
    inspect,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from events import errors
from events.schema import schema_lock
from services.cases.key_cache import KeyCache
from services.cases.master_keys import HOW_TO_MAKE_A_KEY, decode_key, keys_url_for, master_key_id
from services.cases.tokens import NONCE_BYTES, open_token, seal_token

ERASED = "[erased]"  # what an erased personal field reads as, everywhere

# Bound into every wrapped key as associated data, with the beneficiary id: a
# wrapped key copied to another person's row does not open.
_WRAP_AAD = b"coordonare/beneficiary-key/v1:"
# First byte of a wrapped key names the master-key scheme, so the master key
# can be rotated later by re-wrapping rows without touching any event.
_WRAP_V1 = b"\x01"
_KEY_BYTES = 32  # AES-256

_metadata = MetaData()
beneficiary_keys = Table(
    "beneficiary_keys",
    _metadata,
    Column("beneficiary_id", Text, primary_key=True),
    # NULL once erased: the row stays as a tombstone
    Column("wrapped_key", LargeBinary, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("erased_at", DateTime(timezone=True), nullable=True),
    # which master key wraps it (master_key_id()); NULL: wrapped before the
    # column existed, by a master key the vault finds by trying those it has
    Column("master_key_id", Text, nullable=True),
)


class PersonalDataErased(errors.Conflict):
    """New personal data for a beneficiary whose key was deleted."""

    code = "personal_data_erased"


class PersonalDataVault:
    """Per-beneficiary data keys (AES-256-GCM) in a key table outside the event
    store, each wrapped (envelope encryption) with a master key that comes from
    the environment. ``previous`` master keys still open the rows they wrap,
    while a rotation re-wraps them with ``master_key``."""

    def __init__(
        self,
        url: str,
        master_key: bytes,
        previous: Sequence[bytes] = (),
        keys: KeyCache | None = None,
    ) -> None:
        for key in (master_key, *previous):
            if len(key) != _KEY_BYTES:
                raise ValueError(f"a master key must be {_KEY_BYTES} bytes, not {len(key)}")
        self._master = AESGCM(master_key)
        self.master_key_id = master_key_id(master_key)
        self._masters = {master_key_id(k): AESGCM(k) for k in (*previous, master_key)}
        self.keys = keys or KeyCache(maxsize=0)
        backend = make_url(url).get_backend_name()
        if backend not in ("postgresql", "sqlite"):
            raise ValueError(f"unsupported key store {backend!r}: use postgresql:// or sqlite:///")
        self._insert = postgresql.insert if backend == "postgresql" else sqlite.insert
        # Small pool: key look-ups are one short query each. SQLite keeps the
        # dialect's own pool (an in-memory database cannot take these sizes).
        small = {"pool_size": 2, "max_overflow": 3}
        pool: dict[str, Any] = small if backend == "postgresql" else {}
        self._engine = create_engine(url, pool_pre_ping=True, **pool)
        try:
            with schema_lock(self._engine):  # replicas starting together
                _metadata.create_all(self._engine, checkfirst=True)
        except OperationalError as exc:
            if "does not exist" not in str(exc):
                raise
            raise RuntimeError(
                f"the key database {make_url(url).database!r} does not exist: "
                "`make stores` (deploy/stack.py stores) creates it; CASES_KEYS_URL names another"
            ) from exc
        columns = {c["name"] for c in inspect(self._engine).get_columns(beneficiary_keys.name)}
        if "master_key_id" not in columns:  # a table made before master keys had names
            try:
                with self._engine.begin() as conn:
                    conn.execute(text("ALTER TABLE beneficiary_keys ADD COLUMN master_key_id TEXT"))
            except DBAPIError:  # another replica added it first
                pass

    @classmethod
    def from_env(cls, store_url: str) -> PersonalDataVault:
        """``CASES_KEYS_URL`` (default: ``keys_url_for`` the store, a
        database of its own), ``CASES_MASTER_KEY`` (urlsafe base64 of 32
        bytes) and, during a rotation, ``CASES_PREVIOUS_MASTER_KEYS`` (the
        same, comma-separated)."""
        encoded = os.environ.get("CASES_MASTER_KEY", "").strip()
        if not encoded:
            raise RuntimeError(
                "CASES_MASTER_KEY is not set: the cases service needs a master key "
                "(urlsafe base64 of 32 random bytes) to protect beneficiaries' personal "
                f"data; make one with: {HOW_TO_MAKE_A_KEY}"
            )
        master_key = decode_key("CASES_MASTER_KEY", encoded)
        previous = [
            decode_key("CASES_PREVIOUS_MASTER_KEYS", part.strip())
            for part in os.environ.get("CASES_PREVIOUS_MASTER_KEYS", "").split(",")
            if part.strip()
        ]
        keys_url = os.environ.get("CASES_KEYS_URL") or keys_url_for(store_url)
        vault = cls(keys_url, master_key, previous)
        if keys_url != store_url:
            vault._check_none_left_in(store_url)
        return vault

    def _check_none_left_in(self, store_url: str) -> None:
        """Keys left in the store's own database (the old default) would make
        every person's data seem lost, and erasures would not reach them."""
        store = create_engine(store_url)
        try:
            if not inspect(store).has_table(beneficiary_keys.name):
                return
            with store.connect() as conn, self._engine.connect() as keys:
                left = conn.execute(select(beneficiary_keys.c.beneficiary_id).limit(1)).first()
                ours = keys.execute(select(beneficiary_keys.c.beneficiary_id).limit(1)).first()
        finally:
            store.dispose()
        if left is not None and ours is None:
            self.close()
            raise RuntimeError(
                "the beneficiaries' keys are still in the cases store's own database "
                "(table beneficiary_keys) and the key database is empty: move the table "
                "(README, 'Keys and backups') or set CASES_KEYS_URL to the store's URL"
            )

    # -- sealing and opening ---------------------------------------------------
    def seal(self, beneficiary_id: UUID, data: dict[str, Any]) -> str:
        """An opaque ASCII token of ``data`` that only this beneficiary's key
        opens; creates the key on first use."""
        bid = _id(beneficiary_id)
        key = self.keys.key(bid, lambda: self._key_for_sealing(bid))
        assert key is not None  # sealing for an erased person raised
        return seal_token(AESGCM(key), bid, data)

    def open(self, beneficiary_id: UUID, token: str | None) -> dict[str, Any] | None:
        """The sealed data; ``None`` if there is no token or the beneficiary
        was erased. A token that is not this beneficiary's, or was altered,
        raises ``ValueError``."""
        return self.open_many(beneficiary_id, [token])[0]

    def open_many(
        self, beneficiary_id: UUID, tokens: Sequence[str | None]
    ) -> list[dict[str, Any] | None]:
        """``open`` for many tokens of one beneficiary, with one key look-up."""
        if all(t is None for t in tokens):
            return [None] * len(tokens)
        bid = _id(beneficiary_id)
        found = self.keys.key(bid, lambda: self._key_for_opening(bid))
        if found is None:  # erased
            return [None] * len(tokens)
        key = AESGCM(found)
        return [None if t is None else open_token(key, bid, t) for t in tokens]

    # -- erasure ---------------------------------------------------------------
    def erase(self, beneficiary_id: UUID) -> bool:
        """Deletes the beneficiary's key: True if one was deleted now, False if
        it was already erased or never existed (a tombstone is left anyway)."""
        bid = _id(beneficiary_id)
        self.keys.forget(bid)
        now = datetime.now(UTC)
        with self._engine.begin() as conn:
            # Tombstone first: if a concurrent seal is creating the key, this
            # waits for it and conflicts, and the UPDATE below (a new statement)
            # sees the committed key and deletes it. The other order could
            # miss a key created between the two statements.
            inserted = conn.execute(
                self._insert(beneficiary_keys)
                .values(beneficiary_id=bid, wrapped_key=None, created_at=now, erased_at=now)
                .on_conflict_do_nothing(index_elements=["beneficiary_id"])
            ).rowcount
            if inserted:
                return False
            deleted = conn.execute(
                update(beneficiary_keys)
                .where(
                    beneficiary_keys.c.beneficiary_id == bid,
                    beneficiary_keys.c.wrapped_key.is_not(None),
                )
                .values(wrapped_key=None, erased_at=now, master_key_id=None)
            ).rowcount
        return deleted == 1

    def known(self, beneficiary_id: UUID) -> bool:
        """Whether personal data was ever sealed for the person (or erased)."""
        return self._read_key(_id(beneficiary_id))[0]

    def is_erased(self, beneficiary_id: UUID) -> bool:
        found, wrapped, _ = self._read_key(_id(beneficiary_id))
        return found and wrapped is None

    def close(self) -> None:
        self._engine.dispose()

    # -- rotating the master key -------------------------------------------
    def to_rewrap(self) -> int:
        """Keys not yet wrapped by the current master key (erased ones aside)."""
        with self._engine.connect() as conn:
            stale = select(beneficiary_keys.c.beneficiary_id).where(self._stale)
            return len(conn.execute(stale).all())

    def rewrap(self, limit: int = 100) -> int:
        """Re-wraps up to ``limit`` keys with the current master key, each in
        a transaction of its own, so an interruption loses nothing and the
        next call goes on with the rest. A key is replaced only if its row is
        still as read: an erasure in between wins. Returns how many were."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(
                    beneficiary_keys.c.beneficiary_id,
                    beneficiary_keys.c.wrapped_key,
                    beneficiary_keys.c.master_key_id,
                )
                .where(self._stale)
                .order_by(beneficiary_keys.c.beneficiary_id)
                .limit(limit)
            ).all()
        done = 0
        for bid, wrapped, wrapped_by in rows:
            key = self._unwrap(bid, bytes(wrapped), wrapped_by)
            with self._engine.begin() as conn:
                done += conn.execute(
                    update(beneficiary_keys)
                    .where(
                        beneficiary_keys.c.beneficiary_id == bid,
                        beneficiary_keys.c.wrapped_key == wrapped,
                    )
                    .values(wrapped_key=self._wrap(bid, key), master_key_id=self.master_key_id)
                ).rowcount
        return done

    @property
    def _stale(self) -> Any:
        return beneficiary_keys.c.wrapped_key.is_not(None) & or_(
            beneficiary_keys.c.master_key_id.is_(None),
            beneficiary_keys.c.master_key_id != self.master_key_id,
        )

    # -- keys ------------------------------------------------------------------
    def _key_for_sealing(self, bid: str) -> bytes:
        with self._engine.begin() as conn:
            found, wrapped, wrapped_by = _select_key(conn, bid)
            if not found:
                # Two replicas may create a key for the same person at once:
                # the first insert wins, and both use what was stored.
                conn.execute(
                    self._insert(beneficiary_keys)
                    .values(
                        beneficiary_id=bid,
                        wrapped_key=self._wrap(bid, AESGCM.generate_key(bit_length=256)),
                        created_at=datetime.now(UTC),
                        master_key_id=self.master_key_id,
                    )
                    .on_conflict_do_nothing(index_elements=["beneficiary_id"])
                )
                found, wrapped, wrapped_by = _select_key(conn, bid)
        if wrapped is None:
            raise PersonalDataErased(
                "the beneficiary's personal data was erased; no new personal data "
                "can be recorded for them",
                beneficiary_id=bid,
            )
        return self._unwrap(bid, wrapped, wrapped_by)

    def _key_for_opening(self, bid: str) -> bytes | None:
        """The person's key; None if erased."""
        found, wrapped, wrapped_by = self._read_key(bid)
        if not found:
            raise ValueError("no personal-data key for this beneficiary: the token is not theirs")
        return None if wrapped is None else self._unwrap(bid, wrapped, wrapped_by)

    def _read_key(self, bid: str) -> tuple[bool, bytes | None, str | None]:
        with self._engine.connect() as conn:
            return _select_key(conn, bid)

    def _wrap(self, bid: str, key: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return _WRAP_V1 + nonce + self._master.encrypt(nonce, key, _WRAP_AAD + bid.encode())

    def _unwrap(self, bid: str, wrapped: bytes, wrapped_by: str | None) -> bytes:
        if not wrapped.startswith(_WRAP_V1):
            raise ValueError("unknown wrapping of the beneficiary's key")
        if wrapped_by is not None and wrapped_by not in self._masters:
            raise ValueError(
                f"the beneficiary's key is wrapped by master key {wrapped_by}, which is neither "
                "CASES_MASTER_KEY nor one of CASES_PREVIOUS_MASTER_KEYS"
            )
        nonce, sealed = wrapped[1 : 1 + NONCE_BYTES], wrapped[1 + NONCE_BYTES :]
        # a row of before master_key_id: whichever master key opens it
        candidates = [self._masters[wrapped_by]] if wrapped_by else list(self._masters.values())
        for master in candidates:
            try:
                return master.decrypt(nonce, sealed, _WRAP_AAD + bid.encode())
            except InvalidTag:
                continue
        raise ValueError(
            "the beneficiary's key does not open with this master key "
            "(wrong CASES_MASTER_KEY, or the key row was altered)"
        )


def redact(data: dict[str, Any] | None, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of opened personal data, each ``ERASED`` when the data
    is gone, so read models show ``{"full_name": "[erased]", …}``."""
    if data is None:
        return {f: ERASED for f in fields}
    return {f: data.get(f) for f in fields}


def text_of(opened: dict[str, Any] | str | None) -> Any:
    """The ``text`` of an opened free-text field, as erased or absent as the
    field itself."""
    return opened["text"] if isinstance(opened, dict) else opened  # else None or ERASED


def _id(beneficiary_id: UUID | str) -> str:
    # One canonical text per person, whatever form the caller holds: the id
    # is the key row's name and part of every ciphertext's associated data.
    return str(beneficiary_id if isinstance(beneficiary_id, UUID) else UUID(beneficiary_id))


def _select_key(conn: Connection, bid: str) -> tuple[bool, bytes | None, str | None]:
    """(row exists, wrapped key or None if erased, the master key's id)."""
    row = conn.execute(
        select(beneficiary_keys.c.wrapped_key, beneficiary_keys.c.master_key_id).where(
            beneficiary_keys.c.beneficiary_id == bid
        )
    ).first()
    if row is None:
        return False, None, None
    return True, None if row[0] is None else bytes(row[0]), row[1]
