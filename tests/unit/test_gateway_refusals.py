"""Every refusal names its rule, in Romanian and English (issue 19): the
gateway's own (role, municipality) and a service's that names one; and a
refusal of the gateway goes on record in its own store, or, that store
down, is answered all the same. The whole county: tests/integration/
test_refusals_on_record.py."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import sqlalchemy.exc

from events.actor import Actor
from events.refusals import Refusal
from gateway import metrics
from gateway.auth import Principal
from gateway.problems import (
    Problem,
    ServiceError,
    forbidden_role,
    from_service,
    outside_municipality,
)
from gateway.refused import GatewayApplication, publication_of
from gateway.routes import ROUTES
from gateway.rules import RULES, SCOPE
from gateway.scope import check_role
from tests.support.gateway_alone import DELEGATE, a_gateway
from tests.support.published import as_published

ANA = Principal("tech-1", "technician", "54975")
BY_ID = {r.operation_id: r for r in ROUTES}
# what a technician tries and the guide reserves to the social worker (R2)
EXCLUSIVE = (
    "cases.open_case",
    "cases.write_intervention_plan",
    "cases.close_case",
    "cases.validate_document",
    "cases.notify_institution",
)


def refusal_of(operation_id: str, who: Principal = ANA) -> Problem:
    with pytest.raises(Problem) as refused:
        check_role(BY_ID[operation_id], who)
    return refused.value


def test_a_technician_opening_a_case_is_told_r2_in_romanian_and_english() -> None:
    body = refusal_of("cases.open_case").body("c-1", "/cases/x/open")
    assert (body["status"], body["code"], body["rule"]) == (403, "role_not_allowed", "R2")
    assert body["rule_text"] == {
        "ro": "doar asistentul social coordonator deschide cazul",
        "en": "only the coordinating social worker opens the case",
    }
    assert body["detail"] == "R2: a technician may not do this"


@pytest.mark.parametrize("operation_id", EXCLUSIVE)
def test_each_exclusive_act_of_the_social_worker_is_refused_under_r2(operation_id: str) -> None:
    problem = refusal_of(operation_id)
    assert problem.extensions["rule"] == "R2"
    assert set(problem.extensions["rule_text"]) == {"ro", "en"}


def test_every_command_refused_to_a_technician_names_a_rule_with_its_text() -> None:
    refused = [r for r in ROUTES if r.is_command and not r.public and ANA.role not in r.roles]
    assert refused
    for route in refused:
        problem = refusal_of(route.operation_id)
        rule, text = problem.extensions["rule"], problem.extensions["rule_text"]
        assert rule == (route.rule or SCOPE) and rule in RULES, route.operation_id
        assert text["ro"] and text["en"] and text["ro"] != text["en"], route.operation_id


def test_where_no_rule_of_the_guide_applies_the_scope_rule_refuses() -> None:
    auditor = refusal_of("cases.report_urgent_risk", Principal("a-1", "auditor"))
    elsewhere = outside_municipality("municipality")
    for problem in (auditor, elsewhere, forbidden_role("technician")):
        assert problem.extensions["rule"] == SCOPE
        assert problem.extensions["rule_text"]["en"].startswith("each person does only")


def service_said(error: str, details: dict[str, str], operation: str) -> dict[str, str]:
    """The ``rule_text`` of a service's refusal ``error`` (its class's path
    in contracts/errors.json) as the gateway answers it."""
    message = f"{details['rule']}: refused"
    problem = from_service(
        ServiceError(f"services.cases.competence.{error}", message, details), operation
    )
    assert problem.extensions["rule"] == details["rule"]
    return problem.extensions["rule_text"]


def test_a_service_refusal_naming_its_rule_says_it_the_same_way() -> None:
    validated = {"rule": "R2", "act": "validate_document"}
    assert service_said("ExclusiveActOfSocialWorker", validated, "")["ro"] == (
        "doar asistentul social coordonator validează documentul"
    )
    signed = {"rule": "R2", "field": "beneficiary_signature"}
    assert service_said("NobodySignsForTheBeneficiary", signed, "draft_document")["en"] == (
        "nobody signs on the beneficiary's behalf, not even the social worker"
    )
    unruled = from_service(ServiceError("events.errors.Conflict", "taken"))
    assert "rule" not in unruled.extensions and "rule_text" not in unruled.extensions


def test_a_refusal_of_the_gateway_is_stored_in_its_own_store(tmp_path: Path) -> None:
    store = GatewayApplication(f"sqlite:///{tmp_path / 'gateway.db'}")
    route = BY_ID["cases.close_case"]
    post, service, keys = a_gateway(
        tmp_path, [], [], route=route, path="/cases/c-9/close", refusals=store
    )
    answer = post()
    assert (answer.status_code, answer.json["rule"]) == (403, "R2")
    assert service.calls == 0  # never forwarded
    (stored,) = store.chained_recorder.select_notifications(start=1, limit=10)
    event = store.mapper.to_domain_event(stored)
    assert isinstance(event, Refusal.Recorded)
    assert (event.command, event.code, event.rule, event.subject) == (
        "cases.close_case",
        "role_not_allowed",
        "R2",
        "c-9",
    )
    assert (event.actor_id, event.actor_role, event.municipality) == (
        "tech-1",
        "technician",
        "54975",
    )
    assert event.correlation_id == answer.headers["X-Correlation-Id"]
    published = as_published(event, 1, "gateway", publication_of)  # checked by its contract
    assert published is not None
    assert published["type"] == "ro.coordonare.gateway.CommandRefused.v1"
    store.close()
    keys.close()


class StoreDown(GatewayApplication):
    """The gateway's store with its PostgreSQL gone."""

    def __init__(self) -> None:  # nothing to open
        pass

    def refused(self, actor: Actor, operation: str, refusal: Problem, subject: str | None) -> None:
        raise sqlalchemy.exc.OperationalError("INSERT", {}, Exception("connection refused"))


def test_a_refusal_the_store_cannot_take_is_answered_all_the_same_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    post, service, keys = a_gateway(
        tmp_path, [], [], route=DELEGATE, path="/technicians/tech-1/tasks", refusals=StoreDown()
    )
    before = metrics.refusals_unrecorded._value.get()
    with caplog.at_level(logging.WARNING, logger="gateway.refused"):
        answer = post()
    assert answer.status_code == 403, answer.json  # never a 500
    assert service.calls == 0
    assert (answer.json["code"], answer.json["rule"]) == ("role_not_allowed", SCOPE)
    assert metrics.refusals_unrecorded._value.get() == before + 1
    unstored = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert unstored and unstored[0].operation == "coordination.delegate_task"
    assert unstored[0].actor_id == "tech-1" and unstored[0].rule == SCOPE
    keys.close()
