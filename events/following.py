"""What a service keeps of the coordination service's events: staff (role,
municipality, RNASR code, still employed) and contracts (who coordinates
whom, when, and the plan's terms). Each upstream event is stored as a fact of
the following service's own, with its position, in one transaction
(exactly-once effect, DESIGN §5), and ``TeamView`` turns them into the
``Team`` that every rule is checked against (R1). ``FollowsCoordination`` is
the application side: the cases and evaluations services mix it in.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Tracking

from events.actor import Actor, AuditedAggregate
from events.clock import local_today
from events.store import ApplicationPart
from events.team import DEFAULT_TERMS, Coordination, Team
from events.topics import moved, topics
from events.views import FollowedView

FOLLOWED = [
    "StaffRegistered",
    "StaffTransferred",
    "TechnicianLicensed",
    "StaffDeparted",
    "ContractActivated",
    "ContractSuspended",
    "ContractResumed",
    "ContractTerminated",
    "ContractAmended",
    "CoordinationPlanVersioned",
]


class StaffRecord(AuditedAggregate):
    class Noted(Aggregate.Created, AuditedAggregate.Event):
        role: str
        municipality: str | None
        rnasr_code: str | None

    class Changed(AuditedAggregate.Event):
        changes: dict[str, Any]

        def apply(self, staff: StaffRecord) -> None:
            for key, value in self.changes.items():
                setattr(staff, key, value)

    def __init__(self, role: str, municipality: str | None, rnasr_code: str | None, **_: Any):
        self.role, self.municipality, self.rnasr_code = role, municipality, rnasr_code
        self.active = True


class ContractRecord(AuditedAggregate):
    class Noted(Aggregate.Created, AuditedAggregate.Event):
        technician_id: str
        coordinator_id: str
        municipality: str
        starts_on: str
        ends_on: str | None

    class Changed(AuditedAggregate.Event):
        changes: dict[str, Any]  # status, ends_on, or the plan's terms

        def apply(self, contract: ContractRecord) -> None:
            for key, value in self.changes.items():
                setattr(contract, key, value)

    def __init__(
        self,
        technician_id: str,
        coordinator_id: str,
        municipality: str,
        starts_on: str,
        ends_on: str | None,
        **_: Any,
    ) -> None:
        self.technician_id, self.coordinator_id = technician_id, coordinator_id
        self.municipality, self.starts_on, self.ends_on = municipality, starts_on, ends_on
        self.status = "active"
        self.terms: dict[str, int] = {}


def plan_terms(data: dict[str, Any]) -> dict[str, int]:
    """The R7 deadlines and the visits objective of a plan version."""
    reporting = data.get("reporting", {})
    terms = {
        key: reporting[key]
        for key in (
            "observation_sheet_hours",
            "suspected_abuse_hours",
            "follow_up_from_months",
            "follow_up_until_months",
            "evaluation_every_months",
        )
        if key in reporting
    }
    for objective in data.get("objectives", []):
        if objective["indicator"] == "field_visits_per_active_case":
            per_month = objective["target"] * (4 if objective["period"] == "week" else 1)
            terms["visits_per_month"] = per_month
    return terms


def upstream_change(
    name: str, data: dict[str, Any], municipality: str | None, found: Any, actor: Actor
) -> Any | None:
    """The aggregate an upstream event creates or changes (unsaved), or None
    when it tells this service nothing it keeps."""
    fields = actor.event_fields()
    if name == "StaffRegistered":
        if found is not None:
            return None
        return StaffRecord._create(
            StaffRecord.Noted,
            id=UUID(data["staff_id"]),
            role=data["role"],
            municipality=data["municipality"],
            rnasr_code=data["rnasr_code"],
            **fields,
        )
    if name == "ContractActivated":
        if found is not None:
            return None
        return ContractRecord._create(
            ContractRecord.Noted,
            id=UUID(data["contract_id"]),
            technician_id=data["technician_id"],
            coordinator_id=data["coordinator_id"],
            municipality=municipality,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            **fields,
        )
    if found is None:
        return None  # about someone or a contract this service never saw begin
    changes: dict[str, Any] = {
        "StaffTransferred": lambda: {"municipality": data["municipality"]},
        "TechnicianLicensed": lambda: {"role": "social_worker", "rnasr_code": data["rnasr_code"]},
        "StaffDeparted": lambda: {"active": False},
        "ContractSuspended": lambda: {"status": "suspended"},
        "ContractResumed": lambda: {"status": "active"},
        "ContractTerminated": lambda: {"status": "terminated"},
        "ContractAmended": lambda: {"ends_on": data["ends_on"]} if data["ends_on"] else {},
        "CoordinationPlanVersioned": lambda: {"terms": plan_terms(data)},
    }[name]()
    if not changes:
        return None
    found.trigger_event(type(found).Changed, changes=changes, **fields)
    return found


def upstream_id(data: dict[str, Any]) -> UUID:
    return UUID(data["staff_id"] if "staff_id" in data else data["contract_id"])


# The records were first written by the cases service from a module of its
# own; stores written then keep those topics, so they still resolve and are
# still read.
moved("services.cases.following:StaffRecord", StaffRecord)
moved("services.cases.following:ContractRecord", ContractRecord)


class TeamView(FollowedView):
    """Staff and contracts, in memory, for the ``Team`` of each command."""

    TOPICS = [
        *topics(StaffRecord, "Noted", "Changed"),
        *topics(ContractRecord, "Noted", "Changed"),
    ]

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.staff: dict[str, dict[str, Any]] = {}
        self.contracts: dict[str, dict[str, Any]] = {}
        self.of_technician: dict[str, list[str]] = {}
        self.of_coordinator: dict[str, list[str]] = {}

    def apply(self, event: Any) -> None:
        key = str(event.originator_id)
        if isinstance(event, StaffRecord.Noted):
            self.staff[key] = {
                "role": event.role,
                "municipality": event.municipality,
                "rnasr_code": event.rnasr_code,
                "active": True,
            }
        elif isinstance(event, StaffRecord.Changed):
            self.staff[key].update(event.changes)
        elif isinstance(event, ContractRecord.Noted):
            self.contracts[key] = {
                "technician_id": event.technician_id,
                "coordinator_id": event.coordinator_id,
                "municipality": event.municipality,
                "starts_on": event.starts_on,
                "ends_on": event.ends_on,
                "status": "active",
                "terms": {},
            }
            self.of_technician.setdefault(event.technician_id, []).append(key)
            self.of_coordinator.setdefault(event.coordinator_id, []).append(key)
        elif isinstance(event, ContractRecord.Changed):
            self.contracts[key].update(event.changes)

    def coordination(self, contract_id: str, today: date) -> Coordination | None:
        c = self.contracts[contract_id]
        in_period = c["starts_on"] <= today.isoformat() and (
            c["ends_on"] is None or today.isoformat() <= c["ends_on"]
        )
        employed = all(
            self.staff.get(c[k], {}).get("active", True)
            for k in ("technician_id", "coordinator_id")
        )
        if c["status"] != "active" or not in_period or not employed:
            return None
        return Coordination(
            c["technician_id"],
            c["coordinator_id"],
            contract_id,
            c["municipality"],
            replace(DEFAULT_TERMS, **c["terms"]),
            c["starts_on"],
        )

    def coordination_of(self, technician_id: str, today: date) -> Coordination | None:
        """The technician's contract in force today, whoever coordinates."""
        in_force = (self.coordination(c, today) for c in self.of_technician.get(technician_id, []))
        return next(filter(None, in_force), None)

    def in_force(self, today: date, municipality: str | None = None) -> list[Coordination]:
        """Every contract in force today (of one municipality's technicians)."""
        found = (self.coordination(c, today) for c in list(self.contracts))
        return [c for c in found if c is not None and municipality in (None, c.municipality)]

    def team(self, actor: Actor, today: date) -> Team:
        """The registry wins over the caller's claims: a role or municipality
        the registry does not know for this id is no role at all."""
        staff = self.staff.get(actor.id)
        if staff is None or not staff["active"]:
            if actor.role in ("county_admin", "auditor", "system"):
                return Team(actor, actor.role, actor.municipality)
            return Team(actor, "unknown", None)
        role = staff["role"] if staff["role"] == actor.role else "unknown"
        own = self.coordination_of(actor.id, today) if role == "technician" else None
        coordinated: dict[str, Coordination] = {}
        if role == "social_worker":
            for contract_id in self.of_coordinator.get(actor.id, []):
                found = self.coordination(contract_id, today)
                if found is not None:
                    coordinated[found.technician_id] = found
        return Team(actor, role, staff["municipality"], staff["rnasr_code"], own, coordinated)


class FollowsCoordination(ApplicationPart):
    """Application mixin: who is asking (``team``) and one upstream event in
    (``follow_coordination``)."""

    def team(self, actor: Actor) -> Team:
        return self.view(TeamView).team(actor, local_today())

    def registered(self, staff_id: str) -> dict[str, Any] | None:
        """The registry's entry for a caller (role, municipality, active), as
        this service follows it; None for an id it never heard of."""
        return self.view(TeamView).staff.get(staff_id)

    def follow_coordination(self, name: str, event: Any, tracking: Tracking) -> None:
        """One upstream event: the fact kept and the position, together."""
        fact = self.coordination_fact(name, event)
        self.save_processed(tracking, *([fact] if fact is not None else []))

    def coordination_fact(self, name: str, event: Any) -> Any | None:
        """The fact an upstream event creates or changes (unsaved), for a
        host that stores it together with effects of its own."""
        if name not in FOLLOWED:
            return None
        data = event.get_data()
        found = self.find(upstream_id(data), AuditedAggregate)
        return upstream_change(
            name, data, event.get_extension("municipality"), found, upstream_actor(event)
        )


def upstream_actor(event: Any) -> Actor:
    """Who caused an upstream event, as its CloudEvent says: the follower's
    fact records them too."""
    return Actor(
        event.get_extension("actor") or "coordination",
        event.get_extension("actorrole") or "system",
        None,
        event.get_extension("correlationid") or "",
    )
