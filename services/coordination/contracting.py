"""Coordination contract (instrument A; guide 2.1 §1a, Law 292/2011 art. 40(7)).

Pure domain, like ``domain.py``: the SPAS head drafts a contract between
their SPAS, one of its technicians and a coordinating social worker; both the
SPAS head and the coordinator sign; it is then active. Rules: R1 (one active
contract per technician, and no coordination without one), R5 (the
coordinator's experience covers the technician's categories), R6 (at least
40 hours a month), R10 (licensing ends coordination).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from events.actor import SYSTEM, Actor, AuditedAggregate
from events.errors import Conflict, Forbidden, InvalidCommand, RuleViolation

# Art. 40(7): (a) a service contract with the social worker, (b) a cooperation
# agreement inside an association or county structure, (c) a partnership
# contract with the DGASPC.
LEGAL_FORMS = ("service_contract", "cooperation_agreement", "dgaspc_partnership")

# The obligations the guide requires of each party (2.1 §1a); a contract
# lists every one of them and may add its own.
OBLIGATIONS: dict[str, dict[str, str]] = {
    "institution": {
        "legal_framework": "asigurarea cadrului legal al coordonării",
        "resources": "resursele necesare: timp, spațiu, instrumente de lucru",
        "administrative_support": (
            "sprijin administrativ pentru coordonare și formare profesională continuă"
        ),
    },
    "coordinator": {
        "set_objectives": "stabilirea obiectivelor profesionale",
        "monitor_activity": "monitorizarea activității tehnicianului",
        "feedback_and_guidance": "feedback și îndrumare metodologică",
        "evaluate_results": "evaluarea rezultatelor activității tehnicianului",
    },
    "technician": {
        "follow_guidance": "respectarea îndrumărilor profesionale",
        "report_activity": "raportarea activității conform cerințelor stabilite",
        "attend_training": "participarea la activitățile de formare",
        "ethical_standards": "respectarea standardelor etice și profesionale",
    },
}
MIN_HOURS_PER_MONTH = 40  # R6, guide 2.1 §2
TERMINATION_REASONS = (
    "technician_licensed",  # R10
    "coordinator_replaced",
    "expired",
    "by_agreement",
    "employment_ended",
    "coordinator_departed",
)

_NS = uuid5(NAMESPACE_URL, "https://coordonare.ro/coordination/contracts")


# -- errors ----------------------------------------------------------------
class InvalidContract(InvalidCommand):
    code = "invalid_contract"


class ContractAccessDenied(Forbidden):
    code = "contract_access_denied"


class ContractStateConflict(Conflict):
    code = "contract_state_conflict"


class AlreadySigned(Conflict):
    code = "contract_already_signed"


class TechnicianAlreadyCoordinated(RuleViolation):
    code = "technician_already_coordinated"

    def __init__(self, technician_id: str, contract_id: str) -> None:
        super().__init__(
            "R1",
            f"technician {technician_id} already has an active coordination contract "
            f"({contract_id}); terminate it or replace the coordinator",
            technician_id=technician_id,
            contract_id=contract_id,
        )


class ExperienceDoesNotCover(RuleViolation):
    code = "experience_does_not_cover"


class TooFewHours(RuleViolation):
    code = "too_few_coordination_hours"


# -- guards ----------------------------------------------------------------
def check_experience_covers(categories: list[str], domains: list[str]) -> None:
    """R5 (principle 9): a social worker coordinates only where they have
    relevant experience; the refusal names what is missing."""
    missing = [c for c in categories if c not in domains]
    if missing:
        raise ExperienceDoesNotCover(
            "R5",
            "the coordinator has no declared experience with "
            + ", ".join(missing)
            + ", which the technician works with",
            missing=missing,
        )


def check_hours(hours_per_month: int) -> None:
    if hours_per_month < MIN_HOURS_PER_MONTH:
        raise TooFewHours(
            "R6",
            f"coordination takes at least {MIN_HOURS_PER_MONTH} hours a month, "
            f"not {hours_per_month}",
            hours_per_month=hours_per_month,
        )


def check_period(starts_on: str, ends_on: str | None) -> None:
    start = parse_date(starts_on, "starts_on")
    if ends_on is not None and parse_date(ends_on, "ends_on") <= start:
        raise InvalidContract(
            f"the contract ends ({ends_on}) on or before it starts ({starts_on})",
            field="ends_on",
        )


def check_obligations(obligations: dict[str, list[str]]) -> dict[str, list[str]]:
    """Every obligation the guide names, for every party; extras allowed."""
    missing = {
        party: sorted(set(required) - set(obligations.get(party, [])))
        for party, required in OBLIGATIONS.items()
    }
    missing = {party: codes for party, codes in missing.items() if codes}
    if missing:
        listed = "; ".join(f"{p}: {', '.join(c)}" for p, c in missing.items())
        raise InvalidContract(
            f"the contract must state every obligation of the guide (2.1): missing {listed}",
            field="obligations",
            missing=missing,
        )
    return {party: list(obligations[party]) for party in OBLIGATIONS}


def check_is_head_of(actor: Actor, municipality: str) -> None:
    if actor.role == SYSTEM:
        return
    if actor.role != "spas_head" or actor.municipality != municipality:
        raise ContractAccessDenied(
            "only the head of the technician's SPAS "
            f"({municipality}) drafts, amends, suspends or ends the contract",
            role=actor.role,
        )


def parse_date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidContract(
            f"{field} must be a date (YYYY-MM-DD), got {value!r}", field=field
        ) from None


def active_on(status: str, starts_on: str, ends_on: str | None, day: date) -> bool:
    """R1: coordination exists on ``day`` (active, begun, not expired); the
    contract and the read models that count contracts ask the same."""
    if status != "active" or date.fromisoformat(starts_on) > day:
        return False
    return ends_on is None or day <= date.fromisoformat(ends_on)


def contract_id() -> UUID:
    return uuid.uuid4()


def coordination_index_id(technician_id: UUID | str) -> UUID:
    return uuid5(_NS, f"technician:{technician_id}")


# -- aggregates ------------------------------------------------------------
class CoordinationContract(AuditedAggregate):
    class Drafted(Aggregate.Created, AuditedAggregate.Event):
        municipality: str
        technician_id: str
        coordinator_id: str
        legal_form: str
        obligations: dict[str, list[str]]
        hours_per_month: int
        starts_on: str
        ends_on: str | None
        replaces: str | None

    class Signed(AuditedAggregate.Event):
        party: str  # "institution" (the SPAS head) or "coordinator"
        signer_id: str

        def apply(self, contract: CoordinationContract) -> None:
            contract.signatures[self.party] = self.signer_id

    class Parties(AuditedAggregate.Event):
        """Carried by every change of force, so that another service learns
        who coordinates whom (R1) from the event alone."""

        technician_id: str
        coordinator_id: str
        municipality: str

    class Activated(Parties):
        hours_per_month: int
        starts_on: str
        ends_on: str | None

        def apply(self, contract: CoordinationContract) -> None:
            contract.status = "active"

    class AmendmentProposed(AuditedAggregate.Event):
        changes: dict[str, Any]

        def apply(self, contract: CoordinationContract) -> None:
            contract.pending_amendment = dict(self.changes)

    class Amended(AuditedAggregate.Event):
        changes: dict[str, Any]

        def apply(self, contract: CoordinationContract) -> None:
            for field, value in self.changes.items():
                setattr(contract, field, value)
            contract.pending_amendment = None
            contract.amendments += 1

    class Suspended(Parties):
        reason: str

        def apply(self, contract: CoordinationContract) -> None:
            contract.status = "suspended"

    class Resumed(Parties):
        def apply(self, contract: CoordinationContract) -> None:
            contract.status = "active"

    class Terminated(Parties):
        reason: str
        replaced_by: str | None

        def apply(self, contract: CoordinationContract) -> None:
            contract.status = "terminated"
            contract.termination_reason = self.reason

    def __init__(
        self,
        municipality: str,
        technician_id: str,
        coordinator_id: str,
        legal_form: str,
        obligations: dict[str, list[str]],
        hours_per_month: int,
        starts_on: str,
        ends_on: str | None,
        replaces: str | None,
        **_meta: str,
    ) -> None:
        self.municipality, self.technician_id = municipality, technician_id
        self.coordinator_id, self.legal_form = coordinator_id, legal_form
        self.obligations = obligations
        self.hours_per_month, self.starts_on, self.ends_on = hours_per_month, starts_on, ends_on
        self.replaces = replaces
        self.signatures: dict[str, str] = {}
        self.status = "draft"
        self.pending_amendment: dict[str, Any] | None = None
        self.amendments = 0
        self.termination_reason: str | None = None

    @classmethod
    def draft(
        cls,
        actor: Actor,
        *,
        technician: dict[str, Any],
        coordinator: dict[str, Any],
        legal_form: str,
        obligations: dict[str, list[str]],
        hours_per_month: int,
        starts_on: str,
        ends_on: str | None = None,
        replaces: str | None = None,
    ) -> CoordinationContract:
        """``technician`` and ``coordinator`` are registry views (staff_view)."""
        municipality = technician.get("municipality") or ""
        check_is_head_of(actor, municipality)
        if technician["role"] != "technician" or not technician["active"]:
            raise InvalidContract(
                f"{technician['staff_id']} is not an active technician", field="technician_id"
            )
        if coordinator["role"] != "social_worker" or not coordinator["active"]:
            raise InvalidContract(
                f"{coordinator['staff_id']} is not an active registered social worker",
                field="coordinator_id",
            )
        if legal_form not in LEGAL_FORMS:
            raise InvalidContract(
                f"unknown legal form {legal_form!r}; one of {', '.join(LEGAL_FORMS)}",
                field="legal_form",
            )
        check_period(starts_on, ends_on)
        check_hours(hours_per_month)
        terms = check_obligations(obligations)
        check_experience_covers(
            technician["beneficiary_categories"], coordinator["experience_domains"]
        )
        return cls._create(
            cls.Drafted,
            id=contract_id(),
            municipality=municipality,
            technician_id=technician["staff_id"],
            coordinator_id=coordinator["staff_id"],
            legal_form=legal_form,
            obligations=terms,
            hours_per_month=hours_per_month,
            starts_on=starts_on,
            ends_on=ends_on,
            replaces=replaces,
            **actor.event_fields(),
        )

    # -- signatures ------------------------------------------------------
    def sign(self, actor: Actor) -> None:
        """The SPAS head signs for the institution, the coordinator for
        themselves; when both have, the contract is active. Who is a party
        is asked first: to anyone else the contract's state is not told."""
        party = self._party_of(actor)
        if self.status != "draft":
            raise ContractStateConflict(
                f"contract {self.id} is {self.status}; only a draft is signed",
                status=self.status,
            )
        if party in self.signatures:
            raise AlreadySigned(f"the {party} already signed contract {self.id}", party=party)
        self.trigger_event(self.Signed, party=party, signer_id=actor.id, **actor.event_fields())

    def activate(self, actor: Actor) -> None:
        self.trigger_event(
            self.Activated,
            hours_per_month=self.hours_per_month,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            **self._parties(),
            **actor.event_fields(),
        )

    def _parties(self) -> dict[str, str]:
        return {
            "technician_id": self.technician_id,
            "coordinator_id": self.coordinator_id,
            "municipality": self.municipality,
        }

    @property
    def fully_signed(self) -> bool:
        return {"institution", "coordinator"} <= self.signatures.keys()

    def _party_of(self, actor: Actor) -> str:
        if actor.role == "spas_head" and actor.municipality == self.municipality:
            return "institution"
        if actor.role == "social_worker" and actor.id == self.coordinator_id:
            return "coordinator"
        raise ContractAccessDenied(
            "a coordination contract is signed by the head of the technician's SPAS and by "
            f"its coordinator, not by a {actor.role}",
            role=actor.role,
        )

    # -- amendment, suspension, termination --------------------------------
    def propose_amendment(self, actor: Actor, changes: dict[str, Any]) -> None:
        check_is_head_of(actor, self.municipality)
        self.check_in_force()
        allowed = {"hours_per_month", "ends_on", "obligations"}
        unknown = sorted(set(changes) - allowed)
        if unknown or not changes:
            raise InvalidContract(
                f"an amendment changes {', '.join(sorted(allowed))}; got {unknown or 'nothing'}",
                field="changes",
            )
        if "hours_per_month" in changes:
            check_hours(changes["hours_per_month"])
        if "ends_on" in changes:
            check_period(self.starts_on, changes["ends_on"])
        if "obligations" in changes:
            changes = changes | {"obligations": check_obligations(changes["obligations"])}
        self.trigger_event(self.AmendmentProposed, changes=changes, **actor.event_fields())

    def accept_amendment(self, actor: Actor) -> None:
        """An amendment binds once the coordinator has signed it too."""
        if self._party_of(actor) != "coordinator":
            raise ContractAccessDenied("the coordinator signs the amendment", role=actor.role)
        if self.pending_amendment is None:
            raise ContractStateConflict(f"contract {self.id} has no amendment to sign")
        self.trigger_event(self.Amended, changes=self.pending_amendment, **actor.event_fields())

    def suspend(self, actor: Actor, reason: str) -> None:
        check_is_head_of(actor, self.municipality)
        if self.status != "active":
            raise ContractStateConflict(
                f"contract {self.id} is {self.status}; only an active one is suspended"
            )
        if not reason.strip():
            raise InvalidContract("say why the coordination is suspended", field="reason")
        self.trigger_event(
            self.Suspended, reason=reason.strip(), **self._parties(), **actor.event_fields()
        )

    def resume(self, actor: Actor) -> None:
        check_is_head_of(actor, self.municipality)
        if self.status != "suspended":
            raise ContractStateConflict(f"contract {self.id} is {self.status}, not suspended")
        self.trigger_event(self.Resumed, **self._parties(), **actor.event_fields())

    def terminate(self, actor: Actor, reason: str) -> None:
        """The SPAS head ends the coordination."""
        check_is_head_of(actor, self.municipality)
        self.close(actor, reason)

    def close(self, actor: Actor, reason: str, replaced_by: str | None = None) -> None:
        """Ends the contract as the consequence of another fact (the
        technician licensed, R10; a replacement signed; the employment
        ended), whoever recorded that fact."""
        if reason not in TERMINATION_REASONS:
            raise InvalidContract(
                f"unknown termination reason {reason!r}; one of {', '.join(TERMINATION_REASONS)}",
                field="reason",
            )
        if self.status == "terminated":
            raise ContractStateConflict(f"contract {self.id} has already ended")
        self.trigger_event(
            self.Terminated,
            reason=reason,
            replaced_by=replaced_by,
            **self._parties(),
            **actor.event_fields(),
        )

    def check_in_force(self) -> None:
        if self.status not in ("active", "suspended"):
            raise ContractStateConflict(
                f"contract {self.id} is {self.status}; it is not in force", status=self.status
            )

    def is_active_on(self, day: date) -> bool:
        return active_on(self.status, self.starts_on, self.ends_on, day)


class TechnicianCoordination(AuditedAggregate):
    """Index per technician: the contract in force and every contract ever
    made, so the whole history stays readable under the technician (R10:
    a replaced coordinator hands over, nothing is lost) and two contracts can
    never be in force at once (R1)."""

    class Opened(Aggregate.Created, AuditedAggregate.Event):
        technician_id: str

    class ContractAdded(AuditedAggregate.Event):
        contract_id: str

        def apply(self, index: TechnicianCoordination) -> None:
            index.contracts.append(self.contract_id)

    class InForce(AuditedAggregate.Event):
        contract_id: str | None

        def apply(self, index: TechnicianCoordination) -> None:
            index.in_force = self.contract_id

    def __init__(self, technician_id: str, **_meta: str) -> None:
        self.technician_id = technician_id
        self.contracts: list[str] = []
        self.in_force: str | None = None

    @classmethod
    def open(cls, actor: Actor, technician_id: str) -> TechnicianCoordination:
        return cls._create(
            cls.Opened,
            id=coordination_index_id(technician_id),
            technician_id=technician_id,
            **actor.event_fields(),
        )

    def add(self, actor: Actor, contract_id: str) -> None:
        self.trigger_event(self.ContractAdded, contract_id=contract_id, **actor.event_fields())

    def check_none_in_force(self, replacing: str | None = None) -> None:
        if self.in_force is not None and self.in_force != replacing:
            raise TechnicianAlreadyCoordinated(self.technician_id, self.in_force)

    def put_in_force(self, actor: Actor, contract_id: str | None) -> None:
        self.trigger_event(self.InForce, contract_id=contract_id, **actor.event_fields())
