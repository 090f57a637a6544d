"""Read models for listing and counting queries:

- ``RegistryView``: municipalities and staff;
- ``ContractIndex``: every contract once signed, for figures over all of
  them (the county's report).

Each an ``events.views.FollowedView``: in memory, brought up to date from the
notification log before each query."""

from __future__ import annotations

from typing import Any

from events.clock import LOCAL_TIME
from events.views import FollowedView, topics
from services.coordination.contracting import CoordinationContract
from services.coordination.domain import Municipality, StaffMember


class RegistryView(FollowedView):
    TOPICS = [
        *topics(Municipality, "Registered"),
        *topics(StaffMember, "Registered", "Licensed", "Transferred", "Departed"),
    ]

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.municipalities: dict[str, dict[str, Any]] = {}
        self.staff: dict[str, dict[str, Any]] = {}

    def apply(self, event: Any) -> None:
        if isinstance(event, Municipality.Registered):
            self.municipalities[event.siruta] = {
                "siruta": event.siruta,
                "name": event.name,
                "county": event.county,
            }
        elif isinstance(event, StaffMember.Registered):
            self.staff[str(event.originator_id)] = {
                "staff_id": str(event.originator_id),
                "role": event.role,
                "municipality": event.municipality,
                "full_name": event.full_name,
                "active": True,
            }
        elif isinstance(event, StaffMember.Licensed):
            self.staff[str(event.originator_id)]["role"] = "social_worker"
        elif isinstance(event, StaffMember.Transferred):
            self.staff[str(event.originator_id)]["municipality"] = event.municipality
        elif isinstance(event, StaffMember.Departed):
            self.staff[str(event.originator_id)]["active"] = False


class ContractIndex(FollowedView):
    """Contracts from their activation: parties, hours, period, status, and
    the county day they ended (an ended contract still counts for the months
    it was in force). Drafts never signed are not coordination and are not
    here."""

    TOPICS = topics(
        CoordinationContract, "Activated", "Amended", "Suspended", "Resumed", "Terminated"
    )

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.contracts: dict[str, dict[str, Any]] = {}

    def apply(self, event: Any) -> None:
        key = str(event.originator_id)
        if isinstance(event, CoordinationContract.Activated):
            self.contracts[key] = {
                "contract_id": key,
                "municipality": event.municipality,
                "technician_id": event.technician_id,
                "coordinator_id": event.coordinator_id,
                "hours_per_month": event.hours_per_month,
                "starts_on": event.starts_on,
                "ends_on": event.ends_on,
                "status": "active",
                "ended_on": None,
            }
            return
        contract = self.contracts.get(key)
        if contract is None:
            return
        if isinstance(event, CoordinationContract.Amended):
            contract.update(
                {k: v for k, v in event.changes.items() if k in ("hours_per_month", "ends_on")}
            )
        elif isinstance(event, CoordinationContract.Suspended):
            contract["status"] = "suspended"
        elif isinstance(event, CoordinationContract.Resumed):
            contract["status"] = "active"
        elif isinstance(event, CoordinationContract.Terminated):
            contract["status"] = "terminated"
            contract["ended_on"] = event.timestamp.astimezone(LOCAL_TIME).date().isoformat()
