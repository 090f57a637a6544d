"""How a case started and the person's informed consent to the processing of
their data (DGASPC page: "Cerere/solicitare/sesizare"; issue 20 item 16).

A case starts with the person's (or their family's) written request, a
report by someone else, or identification in the field. Consent is stated
on the case — given, refused, limited (within limits the person set, sealed
like every other personal data) or withdrawn — each statement with its date
and who recorded it, every one kept.

What refusing or withdrawing changes: nothing more is collected about the
person — no document drafted or revised, no initial evaluation recorded —
until they consent again. What was recorded before stays, sealed (the
record of the work done is kept; erasure is the county's, by law,
``erase_personal_data``). The social worker's acts go on (they decide and
close the case, R2), and so do urgent-risk reports: a danger to the person
comes before their refusal (4.6). Pure domain.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from eventsourcing.domain import event

from events.errors import Conflict
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

STOPS_COLLECTION = ("refused", "withdrawn")


class NoConsentToProcessing(Conflict):
    """The person refused or withdrew their consent: nothing more is
    collected about them (the case's state, no competence rule)."""

    code = "no_consent_to_processing"


def origin_of(referral_source: str, origin: str | None) -> str:
    """How the case started, as the referral source allows it: identified
    in the field only by field identification; the person's own referral is
    their request; their family's a request or a report; anyone else's a
    report. Unnamed, it is what the source says."""
    derived = {"self": "request", "field_identification": "field_identification"}
    if origin is None:
        return derived.get(referral_source, "report")
    check_choice(origin, names.CASE_ORIGINS, "origin")
    allowed = {
        "self": ("request",),
        "family": ("request", "report"),
        "field_identification": ("field_identification",),
    }.get(referral_source, ("report",))
    if origin not in allowed:
        raise InvalidCaseCommand(
            f"a case referred by {referral_source} starts as {' or '.join(allowed)}, not {origin}",
            field="origin",
        )
    return origin


def day_of(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidCaseCommand(f"{field} is a day, YYYY-MM-DD", field=field) from None


class CaseConsent(CaseRecord):
    """The person's consent on one case, every statement kept in order."""

    KIND = "consent"

    class Started(CaseRecord.Started):
        """Declared here, so that the record's __init__ defines no event."""

    def __init__(self, case_id: str, municipality: str, **_: Any) -> None:
        super().__init__(case_id, municipality)
        self.statements: list[dict[str, Any]] = []

    @property
    def status(self) -> str | None:
        return self.statements[-1]["status"] if self.statements else None

    Recorded: ClassVar[type[Any]]  # by ``_recorded``; its fields are the parameters

    @event("Recorded")
    def _recorded(
        self,
        case_id: str,
        status: str,
        on: str,
        limits: str | None,  # sealed: what the person limited their consent to
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.statements.append(
            {"status": status, "on": on, "limits": limits, "recorded_by": actor_id}
        )

    def record(
        self,
        team: Team,
        case: CaseLike,
        *,
        status: str,
        on: date,
        today: date,
        limits: str | None,
        stage: str,
    ) -> None:
        """The case's technicians collect it (R3), its social worker too."""
        check_field_work(team, case, "record the person's consent", coordinator_too=True)
        check_consent_statement(self.status, status, on, today, limits, stage)
        self._recorded(self.case_id, status, on.isoformat(), limits, **team.actor.event_fields())


def check_consent_statement(
    current: str | None, status: str, on: date, today: date, limits: str | None, stage: str
) -> None:
    """A statement is dated, not in the future; only a consent given (or
    limited) is withdrawn; a limited consent says its limits; an archived
    case's record is closed."""
    check_choice(status, names.CONSENT_STATUSES, "status")
    if stage == "archived":
        raise StageConflict("the case is archived; its record is closed", stage=stage)
    if on > today:
        raise InvalidCaseCommand(f"consent is recorded as stated, not on {on} ahead", field="on")
    if status == "withdrawn" and current not in ("given", "limited"):
        raise StageConflict(
            f"only a consent given is withdrawn; the person's is {current or 'not recorded'}",
            consent=current,
        )
    if (status == "limited") != (limits is not None):
        raise InvalidCaseCommand(
            "a limited consent, and only it, says what it is limited to", field="limits"
        )


def check_consents_to_collection(consent: CaseConsent | None, act: str) -> None:
    """What refusing or withdrawing changes: no new data about the person
    (documents, initial evaluation) until they consent again."""
    if consent is None or consent.status not in STOPS_COLLECTION:
        return
    last = consent.statements[-1]
    raise NoConsentToProcessing(
        f"the person {last['status']} consent to the processing of their data on "
        f"{last['on']}: {act} collects no more about them; what was recorded stays; "
        "the social worker decides how the case goes on",
        act=act,
        case_id=consent.case_id,
    )
