"""Beneficiaries' data keys, unwrapped once and kept in the process.

Opening or sealing personal data needs the person's key: a look-up in the
key database and an unwrap with the master key. A bounded LRU (``KeyCache``)
keeps the unwrapped keys, so a command that reads a file already opened in
this process asks nothing of the key database.

Erasure must still make the data unreadable at once, in every replica. An
erasure is first a stored event (``BeneficiaryErasure.Erased``), and only
then the key's deletion, so by the time the key is gone the event is in the
log. ``ErasureWatch`` follows that topic and evicts the person's key before
any key is used: the application catches it up before each seal, and before
each open up to the notification id of the read it has just recorded (all
that was stored before it is visible then, ``events.views``), which costs no
query of its own for the head. A replica whose cached key was erased
elsewhere therefore drops it on its very next use, and goes to the key
database, which says "erased". Checking the key database on every use
instead would be the per-command look-up this cache exists to save.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.application import LRUCache

from services.cases.audit import Erasures


class KeyCache:
    """Unwrapped data keys by beneficiary id, the least recently used
    dropped past ``maxsize`` (the library's ``LRUCache``; 0: nothing is
    kept). A person once seen erased is never cached again, even by a
    look-up that began before the erasure was seen (it would otherwise put
    back a key just evicted)."""

    def __init__(self, maxsize: int = 10_000) -> None:
        self.maxsize = maxsize
        self._keys: LRUCache[str, bytes] = LRUCache(max(maxsize, 1))
        self._erased: set[str] = set()
        self._lock = threading.Lock()  # the erased check and the put, together

    def key(self, bid: str, load: Callable[[], bytes | None]) -> bytes | None:
        """The cached key, or ``load()``'s (kept unless None or erased)."""
        with contextlib.suppress(KeyError):
            return self._keys.get(bid)
        loaded = load()
        if loaded is not None and self.maxsize > 0:
            with self._lock:
                if bid not in self._erased:
                    self._keys.put(bid, loaded)
        return loaded

    def forget(self, bid: str) -> None:
        """The person was erased: their key is dropped and never kept again."""
        with self._lock:
            self._erased.add(bid)
            with contextlib.suppress(KeyError):
                self._keys.get(bid, evict=True)

    def __len__(self) -> int:
        return len(self._keys.cache)


class ErasureWatch(Erasures):
    """The erasures on record (``Erasures``), each evicting the person's key
    from the cache the moment the application catches up with it."""

    def __init__(self, app: Any, keys: KeyCache) -> None:
        super().__init__(app)
        self.keys = keys

    def apply(self, event: Any) -> None:
        super().apply(event)
        self.keys.forget(str(UUID(event.beneficiary_id)))  # the vault's form of the id
