"""Read models that follow an application's notification log.

A view is kept in memory and brought up to date before it is read, so every
replica answers from the shared store, and a view can be rebuilt from zero
at any time (DESIGN §5). Subclasses say which stored topics they read (all,
when ``TOPICS`` is empty) and how each event changes them.

A catch-up costs the same on day 1,000 as on day 1: it reads the head of
the log first and then only the followed topics between its position and
that head, and its position moves to the head even when nothing there was
one of its topics. Scanning from the last *matching* event instead would
re-read every unrelated event stored since, on every command.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from typing import Any
from uuid import UUID

from eventsourcing.application import Application


class FollowedView(ABC):
    TOPICS: Sequence[str] = ()  # e.g. "services.coordination.tasks:TaskSheet.Delegated"

    def __init__(self, app: Application[UUID]) -> None:
        self.app = app
        self.position = 0
        self._lock = threading.Lock()

    def catch_up(self, head: int | None = None) -> None:
        """Applies what was stored up to ``head`` (default: the head now).

        Moving the position to the head when nothing matched is safe because
        notification ids become visible in order: the store inserts under a
        table lock held until commit (events/recorder.py), so once the head H
        is read no transaction can still commit an id ≤ H. A caller that
        knows an id it has just stored may pass it as ``head`` and save the
        query for the head: everything before its own commit is visible.
        Inside a unit of work, the unit's one head (``current_head`` of
        ``events.store``, issue 17): every view a call reads, whoever
        catches it up, agrees with the others."""
        with self._lock:
            if head is None:
                # (an EventSourcedApplication's; a plain Application has none)
                head = getattr(self.app, "current_head", lambda: None)()
            if head is None:
                head = self.app.recorder.max_notification_id() or 0
            _apply_up_to([self], head)

    def stored_of(self, originator_ids: Sequence[UUID], topics: Sequence[str]) -> list[Any]:
        """The events of these aggregates (of these topics), in the order
        stored, read from the store now: what a view need not hold (a case's
        timeline, what a pending reminder says)."""
        recorder: Any = self.app.recorder  # ours (events.recorder), which selects by originator
        found = recorder.select_notifications_of(originator_ids, topics)
        return [self.app.mapper.to_domain_event(n) for n in found]

    @abstractmethod
    def apply(self, event: Any) -> None:
        """How one stored event changes the view."""


def catch_up_together(views: Sequence[FollowedView]) -> None:
    """Brings views of one application up to the head in one pass over the
    log: each stored event read and decoded once, applied to every view
    that follows its topic (at a start, where each view alone would read
    the whole history again)."""
    if views:
        with ExitStack() as held:
            for view in views:
                held.enter_context(view._lock)
            _apply_up_to(views, views[0].app.recorder.max_notification_id() or 0)


# Notification ids per read. A window of ids, not a number of matches, so
# what one read costs stays bounded whatever plan PostgreSQL picks: with
# statistics gone stale after a bulk load it read every row from the
# position to the head and sorted them, on every page (143 s to start the
# cases service on a 437,170-event store).
WINDOW = 5000


class OwnLog:
    """The topic of each notification id this process committed to its store,
    the latest ``KEPT`` of them. A stretch of the log made only of those, none
    of a topic a view follows, would read as nothing: the view steps over it
    without the query (issue 17: on one replica, what a command's views catch
    up over is mostly the previous commands' own events).

    Only what is known committed is kept (a write rolled back stored nothing
    under its ids, and SQLite may give them out again), and a stored event
    never changes, so the stretch holds what is kept here. An id not kept
    (another replica's, a rolled-back one, one older than the last ``KEPT``)
    means reading."""

    KEPT = 20_000

    def __init__(self) -> None:
        self._topics: dict[int, str] = {}

    def committed(self, ids_and_topics: Iterable[tuple[int, str]]) -> None:
        self._topics.update(ids_and_topics)
        while len(self._topics) > self.KEPT:  # the oldest went in first
            del self._topics[next(iter(self._topics))]

    def topics_between(self, after: int, upto: int) -> frozenset[str] | None:
        """The topics of ids ``after`` < id ≤ ``upto``; None if one is not known."""
        if upto - after > self.KEPT:
            return None
        found = set()
        for notification_id in range(after + 1, upto + 1):
            topic = self._topics.get(notification_id)
            if topic is None:
                return None
            found.add(topic)
        return frozenset(found)


def _apply_up_to(views: Sequence[FollowedView], head: int) -> None:
    """Applies to each view (its lock held) what it follows up to ``head``."""
    app = views[0].app
    own: OwnLog | None = getattr(app, "own_log", None)
    wanted = [frozenset(v.TOPICS) for v in views]
    union: Sequence[str] = sorted(frozenset().union(*wanted)) if all(wanted) else ()
    position = min(v.position for v in views)
    while position < head:
        stop = min(position + WINDOW, head)
        known = own.topics_between(position, stop) if own is not None and union else None
        batch: Sequence[Any] = ()
        if known is None or not known.isdisjoint(union):
            # (else only this process's events, none followed: nothing to read)
            batch = app.recorder.select_notifications(
                start=position, limit=WINDOW, stop=stop, topics=union, inclusive_of_start=False
            )
        for notification in batch:
            event = None
            for view, topics in zip(views, wanted, strict=True):
                if view.position < notification.id and (not topics or notification.topic in topics):
                    if event is None:
                        event = app.mapper.to_domain_event(notification)
                    view.apply(event)
                    view.position = notification.id
        position = stop
        for view in views:  # nothing else of theirs up to the window's end
            view.position = max(view.position, stop)
