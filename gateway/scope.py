"""The gateway's own line of authorization, before anything is forwarded:
role, municipality and relation. Every service checks all of it again
(DESIGN §3: never only here).

- **role**: the route lists the roles that may ever call it (403);
- **municipality**: a technician or a SPAS head names only their own
  municipality — in a path (404, as if it did not exist), in the query or
  body (403); a list they ask for without one is narrowed to theirs;
- **relation**: where the path names a technician, a technician may name
  only themselves, a SPAS head only a technician of their municipality and a
  social worker only a technician they coordinate now (404 otherwise).

Relations of a resource addressed by its own id (a case, a document) are
the owning service's to check: it knows who is assigned to the case. Its
refusal is answered exactly like an unknown id (``problems.hidden``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from gateway.auth import Principal
from gateway.problems import ServiceError, forbidden_role, hidden, outside_municipality
from gateway.route import MUNICIPAL, RESOURCE_PARAMS, SOCIAL_WORKER, SPAS_HEAD, TECHNICIAN, Route

# who coordinates / where works a technician, as the coordination service says
Lookup = Callable[[str, str, dict[str, Any], dict[str, Any]], Any]


def check_role(route: Route, who: Principal) -> None:
    if who.role not in route.roles:
        raise forbidden_role(who.role, route.rule, route.operation)


def check_municipality(
    route: Route, who: Principal, path: dict[str, str], values: dict[str, Any]
) -> None:
    """``values``: the query's arguments or the command's fields."""
    if who.role not in MUNICIPAL:
        return
    if "siruta" in path and path["siruta"] != who.municipality:
        raise hidden(RESOURCE_PARAMS["siruta"])
    if "municipality" in values and values["municipality"] not in (None, who.municipality):
        raise outside_municipality("municipality")


def narrow_to_municipality(route: Route, who: Principal, kwargs: dict[str, Any]) -> None:
    """Social workers are the county's staff, of no municipality: a list of
    them is everyone's to read (a SPAS head picks a coordinator from it)."""
    if kwargs.get("role") == SOCIAL_WORKER:
        return
    if who.role in MUNICIPAL and any(p.argument == "municipality" for p in route.params):
        kwargs.setdefault("municipality", who.municipality)


class Relations:
    """Answers "may this person name this technician?", asking the
    coordination service and remembering the answer for a few seconds (a
    contract that ends is seen by the gateway at most that late; the
    services, which check again, see it at once)."""

    def __init__(self, ttl_seconds: float = 10.0) -> None:
        self.ttl = ttl_seconds
        self._seen: dict[tuple[str, str], tuple[float, Any]] = {}

    def check(self, who: Principal, path: dict[str, str], call: Lookup) -> None:
        if "technician_id" in path:
            self.check_technician(who, path["technician_id"], call)
        if "staff_id" in path:
            self.check_staff(who, path["staff_id"], call)

    def check_staff(self, who: Principal, staff_id: str, call: Lookup) -> None:
        """A technician or a SPAS head sees the staff of their municipality
        and the county's social workers (who have none)."""
        if who.role not in MUNICIPAL or staff_id == who.id:
            return
        staff = self._remember(call, "get_staff", staff_id, {"staff_id": staff_id})
        if not staff or staff.get("municipality") not in (None, who.municipality):
            raise hidden(RESOURCE_PARAMS["staff_id"])

    def check_technician(self, who: Principal, technician_id: str, call: Lookup) -> None:
        if who.role == TECHNICIAN:
            ok = technician_id == who.id
        elif who.role == SPAS_HEAD:
            staff = self._remember(call, "get_staff", technician_id, {"staff_id": technician_id})
            ok = bool(staff) and staff.get("municipality") == who.municipality
        elif who.role == SOCIAL_WORKER:
            coordination = self._remember(
                call, "coordination_of", technician_id, {"technician_id": technician_id}
            )
            ok = bool(coordination) and coordination.get("coordinator_id") == who.id
        else:  # the county's staff and auditors see every technician
            ok = True
        if not ok:
            raise hidden(RESOURCE_PARAMS["technician_id"])

    def _remember(
        self, call: Lookup, operation: str, technician_id: str, kwargs: dict[str, Any]
    ) -> Any:
        now = time.monotonic()
        seen = self._seen.get((operation, technician_id))
        if seen and now - seen[0] < self.ttl:
            return seen[1]
        try:
            answer = call("coordination", operation, GATEWAY_READER, kwargs)
        except ServiceError:  # unknown or malformed id: nobody's technician
            answer = None
        if len(self._seen) > 10_000:
            self._seen.clear()
        self._seen[(operation, technician_id)] = (now, answer)
        return answer


# The gateway's own reads of the registry (never a person's role).
GATEWAY_READER = {"id": "gateway", "role": "system", "municipality": None}
