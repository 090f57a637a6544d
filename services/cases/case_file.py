"""The case file's documents (DGASPC page, "Acte necesare pentru oferirea
serviciilor"): the request, the identity card, proof of income, proof of
housing and a supporting document of the difficulty (medical papers, an
eviction notice, debts). Each case has that checklist; what was received,
when and by whom is recorded, and what is missing is work to do for the
case's technicians (R3: collecting data and documents).

The documents themselves stay outside the platform's bus: what is recorded
of one (its number, issuer, what it shows) is sealed like other personal
data; the bus carries the item and the day only. Pure domain.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from eventsourcing.domain import event

from events.team import Team
from events.vocabulary import cases as names
from services.cases.case_record import CaseRecord
from services.cases.competence import (
    CaseLike,
    InvalidCaseCommand,
    StageConflict,
    check_choice,
    check_field_work,
)

REQUIRED = names.CASE_FILE_DOCUMENTS


class CaseFile(CaseRecord):
    """The documents received for one case."""

    KIND = "case-file"

    class Started(CaseRecord.Started):
        """Declared here, so that the record's __init__ defines no event."""

    Received: ClassVar[type[Any]]  # by ``_received``; its fields are the parameters

    def __init__(self, case_id: str, municipality: str, **_: Any) -> None:
        super().__init__(case_id, municipality)
        self.received: list[dict[str, Any]] = []

    @event("Received")
    def _received(
        self,
        case_id: str,
        item: str,
        supporting: str | None,
        received_on: str,
        description: str | None,  # sealed: number, issuer, what it shows
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.received.append(
            {
                "item": item,
                "supporting": supporting,
                "received_on": received_on,
                "description": description,
                "by": actor_id,
            }
        )

    def receive(
        self,
        team: Team,
        case: CaseLike,
        stage: str,
        *,
        item: str,
        supporting: str | None,
        received_on: date,
        today: date,
        description: str | None,
    ) -> None:
        check_field_work(team, case, "record a document of the case file", coordinator_too=True)
        if stage in ("closed", "follow_up", "archived"):
            raise StageConflict(f"the case is {stage}; its file is complete", stage=stage)
        check_choice(item, REQUIRED, "item")
        if (item == "supporting_document") != (supporting is not None):
            raise InvalidCaseCommand(
                "a supporting document, and only it, says what it is (medical, eviction_notice, "
                "debts, other)",
                field="supporting",
            )
        if supporting is not None:
            check_choice(supporting, names.SUPPORTING_DOCUMENTS, "supporting")
        if received_on > today:
            raise InvalidCaseCommand(f"{received_on} has not come yet", field="received_on")
        self._received(
            self.case_id,
            item,
            supporting,
            received_on.isoformat(),
            description,
            **team.actor.event_fields(),
        )

    @property
    def missing(self) -> list[str]:
        return missing_of(self)


def missing_of(case_file: CaseFile | None) -> list[str]:
    """The checklist's items not received yet, in the page's order."""
    got = {r["item"] for r in case_file.received} if case_file is not None else set()
    return [item for item in REQUIRED if item not in got]
