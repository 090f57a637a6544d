"""What an evidence bundle (``events.bundle``) selects, and what it shows of
each selected event, for one service:

- a record and what belongs with it (``kind`` "case", "contract",
  "coordination": the application's ``bundle_records`` names them, each with
  its read): every event of those records, shown as the record's history
  shows it (``events.as_of.history``: what it changed, personal data as the
  auditor may see it, each read recorded);
- a period (``kind`` "period", ``since`` … ``until``): every event stored in
  it, shown as the auditor's feed shows it (``events.log_feed``: no personal
  data in clear, which stays sealed in the events themselves).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from events import bundle
from events.actor import Actor
from events.as_of import history
from events.checkpoint import Checkpoint, CheckpointKey
from events.errors import Conflict, InvalidCommand, NotFound
from events.log_feed import FeedFilter, LogFeed, moment

PERIOD = "period"
# a bundle is one file read whole: past this, the auditor narrows the period
MOST_EVENTS = 100_000

# what an application names for a kind of record: each aggregate with its read
Records = list[tuple[UUID, Callable[[], dict[str, Any]]]]


class Exports:
    def __init__(
        self,
        app: Any,
        feed: LogFeed,
        service: str,
        checkpoints: Callable[[int, int], list[Checkpoint]],
        key: CheckpointKey | None,
    ) -> None:
        self.app, self.feed, self.service = app, feed, service
        self.checkpoints, self.key = checkpoints, key

    def export(
        self,
        who: Actor,
        kind: str,
        subject: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> dict[str, Any]:
        if self.key is None:
            raise Conflict(
                f"the {self.service} service signs no checkpoints "
                f"({self.service.upper()}_CHECKPOINT_KEY is unset): nothing would vouch "
                "for a bundle"
            )
        if kind == PERIOD:
            selection: dict[str, Any] = {"kind": kind, "since": since, "until": until}
            seen = self._period(moment(since, "since"), moment(until, "until"))
        else:
            selection = {"kind": kind, "subject": subject}
            seen = self._records(who, kind, subject)
        if not seen:
            raise NotFound("nothing was stored in what the bundle selects", field="kind")
        if len(seen) > MOST_EVENTS:
            raise InvalidCommand(
                f"{len(seen)} events: a bundle holds at most {MOST_EVENTS}; narrow the period",
                field="until",
            )
        recorder = self.app.chained_recorder
        return bundle.build(
            self.service,
            recorder.chain_rows,
            sorted(seen),
            seen,
            self.checkpoints(min(seen), max(seen)),
            self.key,
            selection,
            who.id,
        )

    def _records(self, who: Actor, kind: str, subject: str | None) -> dict[int, dict[str, Any]]:
        if not subject:
            raise InvalidCommand(f"a bundle of a {kind} names it", field="subject")
        seen: dict[int, dict[str, Any]] = {}
        for aggregate_id, read in self.app.bundle_records(who, kind, subject):
            for entry in history(self.app, aggregate_id, read):
                seen[entry["position"]] = entry
        return seen

    def _period(self, since: Any, until: Any) -> dict[int, dict[str, Any]]:
        if since is None or until is None:
            raise InvalidCommand("a period has a beginning and an end", field="since")
        seen: dict[int, dict[str, Any]] = {}
        after: int | None = 0
        kept = FeedFilter(since=since, until=until)
        while after is not None and len(seen) <= MOST_EVENTS:
            page = self.feed.page(after, 500, kept)
            seen |= {e["position"]: e for e in page["items"]}
            after = page["next_after"]
        return seen


def unknown_kind(kind: str, known: tuple[str, ...]) -> InvalidCommand:
    """What an application answers for a kind of record it does not bundle."""
    return InvalidCommand(
        f"{kind!r}: this service bundles {', '.join((*known, PERIOD))}", field="kind"
    )
