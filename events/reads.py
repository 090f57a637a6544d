"""A log of reads, kept from the log of events (``FollowedView``): who read
what, when, in which relation to it. Each service records its reads with an
aggregate of its own, so that its stored topic names the service, and lists
them with a ``ReadLog`` that names that aggregate.

One implementation serves every service: ``SubjectRead`` records the read;
a subclass only names what its reads say of their subject (the library
redefines the event class on each subclass, so the stored topic is the
subclass's). What is read about a technician (an evaluation, a task sheet,
a month of the journal) is a ``TechnicianRead``, which evaluations and
coordination subclass under their own names; the cases service names a
beneficiary and a case instead (``services.cases.audit.PersonalDataRead``)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from typing import Any, Self

from eventsourcing.domain import Aggregate

from events.actor import Actor, AuditedAggregate
from events.topics import topics
from events.views import FollowedView


class SubjectRead(AuditedAggregate):
    """One read of something by someone who is not a party to it."""

    class Recorded(Aggregate.Created, AuditedAggregate.Event):
        subject_kind: str  # evaluation, technician_record, task, journal, case, document, …
        subject_id: str
        relation: str

    def __init__(self, subject_kind: str, subject_id: str, **_: Any) -> None:
        """Written once; the read log reads its event."""
        self.subject_kind, self.subject_id = subject_kind, subject_id

    @classmethod
    def record(
        cls, actor: Actor, relation: str, subject_kind: str, subject_id: str, **keys: str | None
    ) -> Self:
        """``keys``: what the subclass's ``Recorded`` says of the subject."""
        return cls._create(
            cls.Recorded,
            id=uuid.uuid4(),
            subject_kind=subject_kind,
            subject_id=subject_id,
            relation=relation,
            **keys,
            **actor.event_fields(),
        )


class TechnicianRead(SubjectRead):
    """A read of something about a technician."""

    class Recorded(SubjectRead.Recorded):
        technician_id: str | None


class ReadLog(FollowedView):
    """The reads a service recorded with its ``READ`` aggregate; each lists
    the keys that aggregate's ``Recorded`` adds (``technician_id``, …)."""

    READ: type[SubjectRead]
    KEYS: Sequence[str] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.TOPICS = topics(cls.READ, "Recorded")
        common = {f.name for f in dataclasses.fields(SubjectRead.Recorded)}
        cls.KEYS = tuple(
            f.name for f in dataclasses.fields(cls.READ.Recorded) if f.name not in common
        )

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.reads: list[dict[str, Any]] = []

    def apply(self, event: Any) -> None:
        self.reads.append(
            {
                "at": event.timestamp.isoformat(),
                "actor_id": event.actor_id,
                "actor_role": event.actor_role,
                "relation": event.relation,
                "subject_kind": event.subject_kind,
                "subject_id": event.subject_id,
            }
            | {key: getattr(event, key) for key in self.KEYS}
        )

    def of(self, **wanted: str | None) -> list[dict[str, Any]]:
        """The reads whose keys match every value given (None: any)."""
        return [
            r
            for r in self.reads
            if all(value is None or r[key] == value for key, value in wanted.items())
        ]
