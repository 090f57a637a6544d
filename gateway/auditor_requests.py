"""Every auditor request on record (DESIGN §1: "every auditor read is
itself recorded"; issue 19, part 8). Each request the gateway answers to a
person whose role is ``auditor`` — the API's, and the web app's operations
on their behalf — is stored in the gateway's own chained store
(``gateway.refused.GatewayApplication``) as an ``AuditorRequest`` of its
own: who, when, which operation, the ids its path named, the query
parameters that selected what was shown, the answer's status and the
correlation id. Its relay publishes it as
``ro.coordonare.gateway.AuditorRequestServed.v1`` (ids and the operation
only); the county lists them at ``GET /audit/requests``
(``gateway.auditor_log``).

A request refused for role, municipality or relation is on record as its
refusal already (``gateway.refused``), never twice. A store that cannot
take the record never changes the auditor's answer: it is logged and
counted, as a refusal is.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from eventsourcing.domain import Aggregate
from werkzeug.wrappers import Request, Response

from events.actor import Actor, AuditedAggregate
from events.cloudevent import Publication
from events.vocabulary import REQUEST_CHANNELS
from gateway import metrics
from gateway.auth import Principal
from gateway.inputs import PAGE_ARGS
from gateway.problems import Problem
from gateway.route import AUDITOR, Route

log = logging.getLogger(__name__)
API, WEB = REQUEST_CHANNELS  # where the request came from: the API, or a page of the web app
LONGEST = 200  # characters of a selecting value kept: enough for any id, code or moment
T = TypeVar("T")


class AuditorRequest(AuditedAggregate):
    """One request answered to an auditor: written once, read by the log."""

    class Recorded(Aggregate.Created, AuditedAggregate.Event):
        operation: str  # its operationId: cases.get_case
        method: str
        route: str  # the path's template: /cases/{case_id}
        path: dict[str, str]  # the ids the path named: {"case_id": ...}
        subject: str | None  # the first of them: what was audited
        selection: dict[str, str]  # the query parameters that selected (as_of, filters, page)
        status: int  # of the answer
        channel: str  # API or WEB

    def __init__(self, operation: str, status: int, **_: Any) -> None:
        self.operation, self.status = operation, status

    @classmethod
    def of(
        cls,
        actor: Actor,
        route: Route,
        path: Mapping[str, str],
        selection: Mapping[str, str],
        status: int,
        channel: str,
    ) -> AuditorRequest:
        named = {p: str(path[p]) for p in route.path_params if p in path}
        return cls._create(
            cls.Recorded,
            id=uuid.uuid4(),
            operation=route.operation_id,
            method=route.method,
            route=route.path,
            path=named,
            subject=next(iter(named.values()), None),
            selection=dict(selection),
            status=status,
            channel=channel,
            **actor.event_fields(),
        )


def publication(event: Any) -> Publication | None:
    """On the bus: the operation, the ids and the status; never what was
    selected (it stays in the store, listed to the county)."""
    if not isinstance(event, AuditorRequest.Recorded):
        return None
    return Publication(
        "AuditorRequestServed",
        {
            "operation": event.operation,
            "method": event.method,
            "path": event.path,
            "audited_subject": event.subject,
            "status": event.status,
            "channel": event.channel,
        },
    )


class Store(Protocol):
    """What of the gateway's store this needs (``GatewayApplication``)."""

    def save_auditor_request(self, request: AuditorRequest) -> None: ...


def audited(who: Principal, route: Route) -> bool:
    """Whether ``who``'s request on ``route`` goes on record: an auditor's,
    on any route but the public ones (logging in, the keys, the API's
    description), which identify nobody."""
    return who.role == AUDITOR and not route.public


def selection_of(route: Route, given: Mapping[str, Any], *, by_argument: bool) -> dict[str, str]:
    """The query parameters that selected: only those the route declares
    (ids, codes, moments, versions, filters; never personal data) and, on a
    list, its page. ``given`` by parameter name (the API's query string) or
    ``by_argument`` (the service's argument names, a page's values)."""
    names = {(p.argument if by_argument else p.name): p.name for p in route.params}
    if route.paged:
        names |= {a: a for a in PAGE_ARGS}
    return {
        names[key]: str(value)[:LONGEST]
        for key, value in given.items()
        if key in names and value is not None
    }


def served(
    store: Store | None,
    route: Route,
    who: Principal,
    path: Mapping[str, str],
    selection: Callable[[], dict[str, str]],
    correlation_id: str,
    answer: Callable[[], T],
    *,
    status_of: Callable[[T], int],
    channel: str = API,
) -> T:
    """``answer()``, and the request on record once answered (an auditor's,
    ``audited``): its status, or the problem's it raised; a refusal of the
    gateway is on record already (``gateway.refused``)."""
    if store is None or not audited(who, route):
        return answer()

    def on_record(status: int) -> None:
        record(store, route, who, path, selection(), status, correlation_id, channel)

    try:
        result = answer()
    except Problem as problem:
        if not problem.on_record:  # a refusal is on record as one already
            on_record(problem.status)
        raise
    except Exception:
        on_record(500)
        raise
    on_record(status_of(result))
    return result


def record(
    store: Store,
    route: Route,
    who: Principal,
    path: Mapping[str, str],
    selection: dict[str, str],
    status: int,
    correlation_id: str,
    channel: str,
) -> None:
    """The request stored; the store failing, logged and counted, the
    answer unchanged."""
    actor = Actor(who.id, who.role, who.municipality, correlation_id)
    try:
        store.save_auditor_request(
            AuditorRequest.of(actor, route, path, selection, status, channel)
        )
    except Exception:  # whatever failed, the auditor's answer stands
        facts = {"actor_id": who.id, "operation": route.operation_id, "status": status}
        log.error("an auditor request could not be stored", extra=facts, exc_info=True)
        metrics.auditor_requests_unrecorded.inc()


def on_api(
    store: Store | None,
    route: Route,
    who: Principal,
    path: Mapping[str, str],
    request: Request,
    cid: str,
    answer: Callable[[], Response],
) -> Response:
    """An API request's ``answer``, on record if an auditor's (``served``)."""

    def selection() -> dict[str, str]:
        return selection_of(route, request.args, by_argument=False)

    return served(store, route, who, path, selection, cid, answer, status_of=_status)


def on_web(
    store: Store | None,
    route: Route,
    who: Principal,
    path: Mapping[str, str],
    values: Mapping[str, Any],
    wait: Callable[[], T],
) -> Callable[[], T]:
    """A page's query, sent; what it returns waits for the answer and puts
    the query on record if an auditor's (``served``)."""
    if store is None or not audited(who, route):
        return wait

    def selection() -> dict[str, str]:
        return selection_of(route, values, by_argument=True)

    def answered() -> T:
        return served(store, route, who, path, selection, "", wait, status_of=_ok, channel=WEB)

    return answered


def _status(response: Response) -> int:
    return response.status_code


def _ok(answer: Any) -> int:
    return 200
