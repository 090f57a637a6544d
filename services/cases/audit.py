"""R9 on record: every read of personal data, and every erasure of a
person's data (crypto-shredding), is a stored fact an auditor can list."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from events import reads
from events.actor import Actor, AuditedAggregate
from events.topics import topics
from events.views import FollowedView


class PersonalDataRead(reads.SubjectRead):
    """A read of a person's data (subject: case, document, urgent_risk,
    benefit_check); stored as ``services.cases.audit:PersonalDataRead.Recorded``."""

    class Recorded(reads.SubjectRead.Recorded):
        case_id: str | None
        beneficiary_id: str


def erasure_id(beneficiary_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"https://coordonare.ro/cases/erasure/{beneficiary_id}")


class BeneficiaryErasure(AuditedAggregate):
    """One per person: deterministic id, so erasing twice collides."""

    class Erased(Aggregate.Created, AuditedAggregate.Event):
        beneficiary_id: str
        legal_basis: str
        reference: str

    def __init__(self, beneficiary_id: str, legal_basis: str, reference: str, **_: Any) -> None:
        self.beneficiary_id, self.legal_basis, self.reference = (
            beneficiary_id,
            legal_basis,
            reference,
        )

    @classmethod
    def record(
        cls, actor: Actor, beneficiary_id: str, legal_basis: str, reference: str
    ) -> BeneficiaryErasure:
        return cls._create(
            cls.Erased,
            id=erasure_id(beneficiary_id),
            beneficiary_id=beneficiary_id,
            legal_basis=legal_basis,
            reference=reference,
            **actor.event_fields(),
        )


class Erasures(FollowedView):
    """Every person whose data was erased, from the erasures on record: what
    is re-applied to the key table after a restore (``reapply_erasures``)."""

    TOPICS = topics(BeneficiaryErasure, "Erased")

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.beneficiary_ids: list[str] = []

    def apply(self, event: Any) -> None:
        self.beneficiary_ids.append(event.beneficiary_id)


class ReadLog(reads.ReadLog):
    """Who read which person's data, by case and by beneficiary."""

    READ = PersonalDataRead
