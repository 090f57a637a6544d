"""Takes a service's checkpoints (``events.checkpoint``, ADR 23): every
``CHECKPOINT_SECONDS`` (60 by default), if the chain head moved since the
last one, it signs the head and publishes it; with ``CHECKPOINT_LOG`` set it
also appends it to that file first. Runs beside the relay, in the service's
container (``events.nameko.ApplicationProvider``), when the service has a
checkpoint key (``<SERVICE>_CHECKPOINT_KEY``).

A checkpoint is not an event of the store: it signs the store's chain, and
an event inside the chain cannot sign the chain it is part of. Nor does it go
through the outbox: it is worth something only outside the database.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass

from events import checkpoint
from events.checkpoint import Checkpoint, CheckpointKey, PublicKeys
from events.publisher import ConfirmedPublisher
from events.recorder import ChainedProcessRecorder

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckpointSettings:
    key_path: str | None
    seconds: float
    log_path: str | None
    # JWKS files of the service's rotated keys' public halves: the checkpoints
    # they signed still count when the service verifies itself (the API's)
    rotated: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, service: str) -> CheckpointSettings:
        rotated = os.environ.get(f"{service.upper()}_CHECKPOINT_ROTATED_KEYS", "")
        return cls(
            key_path=os.environ.get(f"{service.upper()}_CHECKPOINT_KEY") or None,
            seconds=float(os.environ.get("CHECKPOINT_SECONDS", "60")),
            log_path=os.environ.get(f"{service.upper()}_CHECKPOINT_LOG")
            or os.environ.get("CHECKPOINT_LOG")
            or None,
            rotated=tuple(p for p in rotated.split(os.pathsep) if p),
        )

    def public_keys(self, service: str) -> PublicKeys | None:
        """The keys the service's checkpoints are believed by: its own key's
        public half and its rotated ones'; None without a key."""
        if self.key_path is None:
            return None
        own = PublicKeys.from_jwks([CheckpointKey.from_file(service, self.key_path).jwks()])
        return PublicKeys(own.keys | PublicKeys.from_files(self.rotated).keys)


class Checkpointer:
    def __init__(
        self,
        key: CheckpointKey,
        recorder: ChainedProcessRecorder,
        publisher: ConfirmedPublisher,
        seconds: float = 60.0,
        log_path: str | None = None,
    ) -> None:
        self.key, self.recorder, self.publisher = key, recorder, publisher
        self.seconds, self.log_path = seconds, log_path
        self.last: Checkpoint | None = None
        self._stopping = threading.Event()

    def take(self) -> Checkpoint | None:
        """Signs and publishes the head if it moved; returns the checkpoint
        taken, or None. Raises if the broker does not confirm it: the next
        round signs the head again (a new time, the same head)."""
        head = self.recorder.chain_head()
        if head is None or (self.last is not None and self.last.position == head[0]):
            return None
        taken = self.key.sign(*head)
        if self.log_path:
            checkpoint.append(self.log_path, taken)
        self.publisher.publish([checkpoint.message(taken)])
        self.last = taken
        log.info(
            "checkpoint %s: notification %d, head %s", taken.service, taken.position, taken.head
        )
        return taken

    def run(self) -> None:
        while not self._stopping.wait(self.seconds):
            try:
                self.take()
            except Exception as exc:  # the store or the broker away: next round
                log.warning("checkpoint %s not taken: %s", self.key.service, exc)
        self.publisher.close()

    def stop(self) -> None:
        self._stopping.set()
