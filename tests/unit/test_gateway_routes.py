"""The HTTP API's description is what is served: the OpenAPI document and
the error table are generated (and fresh), every operation of every service
has its route, and each route's parameters are those of the operation."""

from __future__ import annotations

import inspect
import json

from nameko.rpc import Rpc

from events import error_codes
from events.contracts import CONTRACTS_DIR
from gateway import openapi
from gateway.routes import ROUTES
from services.cases.service import CasesService
from services.coordination.service import CoordinationService
from services.evaluations.service import EvaluationsService
from services.notifications.service import NotificationsService

SERVICES = {
    "coordination": CoordinationService,
    "cases": CasesService,
    "evaluations": EvaluationsService,
    "notifications": NotificationsService,
}
# served otherwise: the service ticks its own timers; the gateway's county
# report (GET /reports/county) asks both services for their figures
NOT_ROUTED = {"notifications.run_timers", "cases.county_figures", "coordination.county_figures"}


def rpc_operations(service: type) -> dict[str, object]:
    return {
        name: method
        for name, method in inspect.getmembers(service, inspect.isfunction)
        if any(isinstance(e, Rpc) for e in getattr(method, "nameko_entrypoints", ()))
    }


def test_the_openapi_document_is_generated_from_the_routes() -> None:
    committed = (CONTRACTS_DIR / "openapi.json").read_text()
    assert committed == openapi.render(), "contracts/openapi.json is stale: run `make catalogue`"


def test_the_error_table_is_generated_from_the_services_errors() -> None:
    committed = (CONTRACTS_DIR / "errors.json").read_text()
    assert committed == error_codes.render(), "contracts/errors.json is stale: `make catalogue`"
    table = json.loads(committed)["errors"]
    assert table["services.cases.competence.UnknownCase"]["status"] == 404
    assert table["services.cases.competence.NoActiveCoordination"] == {
        "code": "no_active_coordination",
        "kind": "rule_violation",
        "status": 403,
        "title": "No active coordination",
    }


def test_every_operation_of_every_service_has_one_route() -> None:
    # a record's history (``…/history``) is its read again, at each version
    routed = [
        f"{r.service}.{r.operation}"
        for r in ROUTES
        if r.service in SERVICES and not dict(r.fixed).get("history")
    ]
    assert len(routed) == len(set(routed))
    operations = {f"{s}.{name}" for s, cls in SERVICES.items() for name in rpc_operations(cls)}
    assert operations - NOT_ROUTED == set(routed)
    assert len({(r.method, r.path) for r in ROUTES}) == len(ROUTES)


def test_each_route_fills_exactly_what_its_operation_takes() -> None:
    for route in ROUTES:
        if route.service not in SERVICES:
            continue
        method = rpc_operations(SERVICES[route.service])[route.operation]
        arguments = set(inspect.signature(method).parameters) - {"self", "actor"}
        if route.is_command:
            schema_file = (
                CONTRACTS_DIR / "commands" / route.service / f"{route.operation}.schema.json"
            )
            fields = json.loads(schema_file.read_text())["properties"]
            assert arguments == {"command"}, route
            assert {route.argument(p) for p in route.path_params} <= set(fields), route
        else:
            given = {route.argument(p) for p in route.path_params}
            given |= {p.argument for p in route.params} | {k for k, _ in route.fixed}
            assert given <= arguments, route
            required = {
                n
                for n, p in inspect.signature(method).parameters.items()
                if p.default is inspect.Parameter.empty and n not in ("self", "actor")
            }
            assert required <= given, route


def test_the_document_names_who_may_call_each_operation() -> None:
    document = openapi.document()
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert len(operations) == len(ROUTES)
    for operation in operations:
        assert operation.get("security") == [] or operation["x-roles"]
        assert "application/problem+json" in operation["responses"]["404"]["content"]
