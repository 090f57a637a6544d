"""The gateway's refusals on record (ADR 5, issue 19). A request refused
for role, municipality or relation never reaches the service, which would
have stored it as a service stores its own refusals: the gateway stores it
in a chained store of its own (``GATEWAY_STORE_URL``, beside its
idempotency keys) as an ``events.refusals.Refusal``, and its outbox relay
(``events.nameko.ApplicationProvider``) publishes it as
``ro.coordonare.gateway.CommandRefused.v1``. The same store keeps every
auditor request answered (``gateway.auditor_requests``).
"""

from __future__ import annotations

import logging

from events.actor import Actor
from events.mapping import publication_mapper
from events.refusals import Refusal
from events.store import EventSourcedApplication
from gateway import auditor_requests, metrics
from gateway.auditor_log import AuditorRequests
from gateway.auditor_requests import AuditorRequest
from gateway.auth import Principal
from gateway.problems import Problem
from gateway.route import Route
from gateway.rules import SCOPE

log = logging.getLogger(__name__)


class GatewayApplication(EventSourcedApplication):
    """The gateway's event store: its refusals and the auditors' requests,
    chained and verified as any service's store is (``coordonare-verify
    --service gateway``)."""

    name = "gateway"
    VIEWS = (AuditorRequests,)  # who audited what: built at start (events.nameko)

    def refused(self, actor: Actor, operation: str, refusal: Problem, subject: str | None) -> None:
        # a relation refused reads as an unknown id, naming no rule (it would
        # tell that the id exists); on record, it is the scope rule's
        rule = refusal.extensions.get("rule")
        rule = rule if isinstance(rule, str) else SCOPE
        recorded = Refusal.of(actor, operation, refusal.code, rule, refusal.detail, subject)
        with self.unit_of_work():
            self.save(recorded)

    def save_auditor_request(self, request: AuditorRequest) -> None:
        with self.unit_of_work():
            self.save(request)


# the gateway stores its refusals and the auditors' requests, and publishes both
publication_of = publication_mapper((), auditor_requests.publication)


def on_record(
    store: GatewayApplication | None,
    route: Route,
    who: Principal,
    path: dict[str, str],
    refusal: Problem,
    correlation_id: str,
) -> None:
    """``refusal`` of ``who`` logged, counted and stored (``store``: none
    where the gateway runs without one, as in unit tests). The refusal is
    the answer either way: a store that cannot take it (PostgreSQL down)
    never makes a 403 a 500; the log keeps what was not stored."""
    facts = {
        "actor_id": who.id,
        "actor_role": who.role,
        "operation": route.operation_id,
        "code": refusal.code,
        "rule": refusal.extensions.get("rule"),
    }
    log.warning("refused by the gateway: %s", refusal.detail, extra=facts)
    refusal.on_record = True  # never on record again as an auditor's request
    metrics.refusals.labels(route.operation_id, refusal.code).inc()
    if store is None:
        return
    actor = Actor(who.id, who.role, who.municipality, correlation_id)
    try:
        store.refused(actor, route.operation_id, refusal, subject_of(route, path))
    except Exception:  # whatever failed, the refusal stands as answered
        log.error("a refusal could not be stored: %s", refusal.detail, extra=facts, exc_info=True)
        metrics.refusals_unrecorded.inc()


def subject_of(route: Route, path: dict[str, str]) -> str | None:
    """The resource the request was aimed at: the first its path names
    (``/cases/{case_id}/open``: the case)."""
    named = [path[p] for p in route.path_params if p in path]
    return named[0] if named else None
