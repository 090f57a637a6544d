"""Read models that follow an application's notification log.

A view is kept in memory and brought up to date before it is read, so every
replica answers from the shared store, and a view can be rebuilt from zero
at any time (DESIGN §5). Subclasses say which stored topics they read (all,
when ``TOPICS`` is empty) and how each event changes them.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.application import Application


class FollowedView(ABC):
    TOPICS: Sequence[str] = ()  # e.g. "services.coordination.tasks:TaskSheet.Delegated"
    PAGE = 1000

    def __init__(self, app: Application[UUID]) -> None:
        self.app = app
        self.position = 0
        self._lock = threading.Lock()

    def catch_up(self) -> None:
        with self._lock:
            while True:
                batch = self.app.recorder.select_notifications(
                    start=self.position,
                    limit=self.PAGE,
                    topics=self.TOPICS,
                    inclusive_of_start=False,
                )
                for notification in batch:
                    self.apply(self.app.mapper.to_domain_event(notification))
                    self.position = notification.id
                if len(batch) < self.PAGE:
                    return

    @abstractmethod
    def apply(self, event: Any) -> None:
        """How one stored event changes the view."""


