"""What the case's own records share — the person's consent, the follow-up
after closure, the case file's documents: one each per case, its id made
from the case's (so two commands cannot start two), and a first event that
names the case and its municipality. Pure domain."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from events.actor import AuditedAggregate
from events.team import Team
from services.cases.competence import CaseLike

R = TypeVar("R", bound="CaseRecord")


class CaseRecord(AuditedAggregate):
    KIND: ClassVar[str]  # the record's name in its id

    class Started(Aggregate.Created, AuditedAggregate.Event):
        case_id: str
        municipality: str

    def __init__(self, case_id: str, municipality: str, **_: Any) -> None:
        self.case_id, self.municipality = case_id, municipality

    @classmethod
    def id_for(cls, case_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"https://coordonare.ro/cases/{cls.KIND}/{case_id}")

    @classmethod
    def start(cls: type[R], team: Team, case: CaseLike) -> R:
        return cls._create(
            cls.Started,
            id=cls.id_for(str(case.id)),
            case_id=str(case.id),
            municipality=case.municipality,
            **team.actor.event_fields(),
        )
