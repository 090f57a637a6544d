"""The scope matrix: every route of the OpenAPI document
(``contracts/openapi.json``) × technician, coordinator, SPAS head of two
municipalities (Cluj-Napoca, Florești), the county admin and the auditor, on
the demo county behind the gateway (real broker, real databases).

For each person and route:

- a role the route does not list is refused: 403 ``role_not_allowed``;
- an id of a record outside their scope is answered exactly as an id
  nobody has (status, media type and body, word for word, apart from the
  correlation id and the id itself);
- no answer carries a record outside their scope: another municipality's
  (or, for the county admin, any) case, document, risk, benefit check, task,
  beneficiary id or beneficiary's name.

GETs are run with in-scope, out-of-scope and unknown ids; POSTs only with
out-of-scope and unknown ids (and, for the roles a route does not list, any
id), so that nothing a later check reads is changed. A POST carries the
smallest body its schema accepts, so that the gateway forwards it and the
owning service's own scope check answers. The routes come from
the document: a new route is in the matrix without a line here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from gateway.openapi import OPENAPI_FILE
from gateway.routes import ROUTES
from tests.support.gateway import County, county_behind_gateway, risk_report
from tests.support.scope import (
    CASEWORK,
    GROUPS,
    VIEWERS,
    Group,
    Viewer,
    benefit_check,
    items,
    learn,
    minimal,
    missing_value,
    month,
)
from tests.support.waiting import eventually

DOCUMENT = json.loads(OPENAPI_FILE.read_text())
OPERATIONS = [
    (method.upper(), path, operation)
    for path, methods in DOCUMENT["paths"].items()
    for method, operation in methods.items()
    if operation.get("security") != []  # the public ones: logging in, keys, this document
]
# the registry's people and places, which lists legitimately name
REGISTRY = {"siruta", "staff_id", "technician_id", "coordinator_id"}


@pytest.fixture(scope="module")
def county(amqp_uri, tmp_path_factory) -> Iterator[tuple[County, dict[str, Group]]]:
    with county_behind_gateway(amqp_uri, tmp_path_factory.mktemp("scope")) as county:
        yield county, prepared(county)


def prepared(county: County) -> dict[str, Group]:
    """In each municipality: an urgent risk (and so an alert and the
    coordinator's notification) and a benefit check in a case, an incident
    the SPAS head reports and an evaluation the coordinator opens; then
    every group's records as the auditor reads them."""
    checks: dict[str, str] = {}
    made: dict[str, dict[str, str]] = {}
    for name in ("A1", "B"):
        tech_name, coordinator_name, where = GROUPS[name]
        tech_id = county.user(tech_name)["sub"]
        head = county.as_("sef.cluj" if where == "54975" else "sef.floresti")
        coordinator = county.as_(coordinator_name)
        base = f"{county.url}/technicians/{tech_id}"
        made[name] = {
            "incident_id": created(
                head.post(
                    f"{base}/incidents",
                    json={
                        "difficulty_type": "roles_and_competences",
                        "description": "Dificultate de probă.",
                    },
                ),
                "incident_id",
            ),
            "evaluation_id": created(
                coordinator.post(f"{base}/evaluations", json={"kind": "initial"}), "evaluation_id"
            ),
        }
        technician = county.as_(tech_name)
        case_id = items(technician.get(f"{county.url}/cases"))[0]["case_id"]
        risk = technician.post(f"{county.url}/cases/{case_id}/urgent-risks", json=risk_report())
        assert risk.status_code == 201, risk.text
        check = technician.post(
            f"{county.url}/benefit-checks", json=benefit_check(f"Solicitant {name}", case_id)
        )
        assert check.status_code == 201, check.text
        checks[name] = check.json()["check_id"]
    auditor = county.as_("auditor")
    eventually(  # by the event log
        lambda: len(items(auditor.get(f"{county.url}/alerts"))) >= 2,
        30,
        every=0.2,
        message="no alert for the urgent risks",
    )
    groups = learn(county)
    for name, check_id in checks.items():
        groups[name].add("check_id", check_id)
        groups[name].names.add(f"Solicitant {name}")
        for param, value in made[name].items():
            groups[name].add(param, value)
        coordinator = county.as_(GROUPS[name][1])
        for note in items(coordinator.get(f"{county.url}/me/inbox", params={"limit": 200})):
            if note.get("case_id") in groups[name].ids["case_id"]:
                groups[name].add("notification_id", note["notification_id"])
    return groups


def created(answer: requests.Response, key: str) -> str:
    assert answer.status_code == 201, answer.text
    return answer.json()[key]


def test_the_matrix_covers_every_route_the_gateway_serves() -> None:
    served = {(r.method, r.path) for r in ROUTES if not r.public}
    assert {(method, path) for method, path, _ in OPERATIONS} == served


def path_params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


class Matrix:
    """One person's run over the routes, gathering every failure."""

    def __init__(self, county: County, groups: dict[str, Group], viewer: Viewer) -> None:
        self.county, self.groups, self.viewer = county, groups, viewer
        self.session = county.as_(viewer.username)
        self.failures: list[str] = []
        self.unseen = [g for name, g in groups.items() if name not in viewer.sees]
        self.leaks = {
            value: f"{param} of {g.name}"
            for g in self.unseen
            for param, values in g.ids.items()
            if param in viewer.scoped_for(g) - REGISTRY
            for value in values
        } | {name: f"a beneficiary of {g.name}" for g in self.unseen for name in g.names}

    def ids(self, path: str, group: Group | None) -> dict[str, str] | None:
        """Values for the path's parameters from ``group`` (None: unknown
        ids); None when the group has no record for one of them."""
        found = {}
        for param in path_params(path):
            value = missing_value(param) if group is None else group.one(param)
            if value is None:
                return None
            found[param] = value
        return found

    def call(self, method: str, path: str, operation: dict, ids: dict[str, str]) -> Any:
        url = self.county.url + path.format(**ids)
        if method == "POST":
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            return self.session.post(
                url, json=minimal(body["schema"], DOCUMENT) if body else {}, timeout=30
            )
        params = {
            p["name"]: month()
            for p in operation.get("parameters", [])
            if p["in"] == "query" and p.get("required")
        }
        if any(p["name"] == "limit" for p in operation.get("parameters", [])):
            params["limit"] = "200"
        return self.session.get(url, params=params, timeout=30)

    def fail(self, method: str, path: str, what: str) -> None:
        self.failures.append(f"{self.viewer.username} {method} {path}: {what}")

    def check_leaks(self, method: str, path: str, answer: Any) -> None:
        if answer.status_code >= 500:
            self.fail(method, path, f"{answer.status_code} {answer.text[:200]}")
        if answer.status_code != 200:
            return
        text = answer.text
        for value, what in self.leaks.items():
            if value in text:
                self.fail(method, path, f"leaks {what}")

    def run(self, method: str, path: str, operation: dict) -> None:
        home = self.groups[self.viewer.home]
        known = self.ids(path, home) or self.ids(path, None)
        assert known is not None
        if self.viewer.role not in operation["x-roles"]:
            answer = self.call(method, path, operation, known)
            if answer.status_code != 403 or answer.json().get("code") != "role_not_allowed":
                self.fail(method, path, f"not refused for the role: {answer.status_code}")
            self.check_leaks(method, path, answer)
            return
        if method == "GET":  # a POST with in-scope ids could act
            self.check_leaks(method, path, self.call(method, path, operation, known))
        missing = self.ids(path, None)
        if not missing or not set(missing) & self.viewer.scoped:
            return
        unknown = self.call(method, path, operation, missing)
        self.check_leaks(method, path, unknown)
        for group in self.unseen:
            foreign = self.ids(path, group)
            scoped = self.viewer.scoped_for(group)
            if method == "POST":
                scoped -= self.viewer.acts_on
            if foreign is None or not set(foreign) & scoped:
                continue
            answer = self.call(method, path, operation, foreign)
            self.check_leaks(method, path, answer)
            if seen_as(answer, foreign) != seen_as(unknown, missing):
                self.fail(
                    method,
                    path,
                    f"{group.name}'s id answers {answer.status_code} {answer.text[:300]}, "
                    f"an unknown id {unknown.status_code} {unknown.text[:300]}",
                )


def seen_as(answer: Any, ids: dict[str, str]) -> tuple[int, str, str]:
    """What a client can tell from an answer: status, media type and body,
    with the ids it asked for and the correlation id left out."""
    text = answer.text
    for param, value in ids.items():
        text = text.replace(value, "{" + param + "}")
    try:
        body = json.loads(text)
    except ValueError:
        return answer.status_code, answer.headers.get("Content-Type", ""), text
    if isinstance(body, dict):
        body.pop("correlation_id", None)
    return answer.status_code, answer.headers.get("Content-Type", ""), json.dumps(body)


@pytest.mark.parametrize("viewer", VIEWERS, ids=lambda v: v.username)
def test_no_route_answers_anything_outside_the_persons_scope(county, viewer: Viewer) -> None:
    county_, groups = county
    matrix = Matrix(county_, groups, viewer)
    for method, path, operation in OPERATIONS:
        matrix.run(method, path, operation)
    assert not matrix.failures, "\n".join(matrix.failures)


def test_the_matrix_has_records_of_every_kind_in_both_municipalities(county) -> None:
    """Otherwise the matrix would pass by having nothing to leak."""
    _, groups = county
    for name in ("A1", "B"):
        kinds = set(groups[name].ids)
        assert {"case_id", "risk_id", "check_id", "beneficiary_id", "contract_id"} <= kinds, name
        assert {"alert_id", "entry_id"} <= kinds and groups[name].names, name
        assert {"incident_id", "evaluation_id", "notification_id"} <= kinds, name
    assert {"document_id", "task_id"} <= set(groups["A1"].ids)


def test_each_auditor_read_of_personal_data_is_recorded(county) -> None:
    county_, groups = county
    auditor = county_.as_("auditor")
    group = groups["A1"]
    check = group.one("check_id")
    case_id = auditor.get(f"{county_.url}/benefit-checks/{check}").json()["case_id"]
    reads = [
        ("case", f"/cases/{case_id}", case_id),
        ("benefit_check", f"/benefit-checks/{check}", check),
    ] + [
        (kind, f"{prefix}/{item['id']}", item["id"])
        for kind, prefix, listing in (
            ("document", "/documents", f"/cases/{case_id}/documents"),
            ("urgent_risk", "/urgent-risks", "/urgent-risks"),
        )
        for item in [
            {"id": i.get("document_id") or i.get("risk_id")}
            for i in items(auditor.get(f"{county_.url}{listing}"))
            if i["case_id"] == case_id
        ][:1]
    ]
    assert [kind for kind, _, _ in reads] == ["case", "benefit_check", "document", "urgent_risk"]
    for kind, path, subject in reads:

        def logged(subject: str = subject) -> list[dict[str, Any]]:
            log = auditor.get(
                f"{county_.url}/personal-data-reads", params={"case_id": case_id, "limit": 200}
            )
            return [r for r in items(log) if r["subject_id"] == subject]

        before = len(logged())
        answer = auditor.get(f"{county_.url}{path}")
        assert answer.status_code == 200, (kind, answer.text)
        after = logged()
        assert len(after) == before + 1, kind
        assert after[-1]["actor_role"] == "auditor" and after[-1]["subject_kind"] == kind


def test_the_county_admin_reads_figures_not_cases(county) -> None:
    county_, groups = county
    judet = county_.as_("judet")
    report = judet.get(f"{county_.url}/reports/county", params={"month": month()})
    assert report.status_code == 200, report.text
    for group in groups.values():
        for param in CASEWORK:
            for value in group.ids.get(param, ()):
                assert value not in report.text
    refused = judet.get(f"{county_.url}/cases")
    assert refused.status_code == 403 and refused.json()["code"] == "role_not_allowed"


def test_the_auditors_reads_of_task_sheets_and_the_journal_are_recorded(county) -> None:
    """They name beneficiaries (instructions, decisions): the coordination
    service keeps its own read log, the auditor's to list."""
    county_, groups = county
    auditor, group = county_.as_("auditor"), groups["A1"]
    technician = group.one("technician_id")

    def logged(kind: str) -> list[dict[str, Any]]:
        log = auditor.get(
            f"{county_.url}/coordination-reads", params={"technician_id": technician, "limit": 200}
        )
        return [r for r in items(log) if r["subject_kind"] == kind]

    reads = (
        ("task", f"/tasks/{group.one('task_id')}", {}),
        ("tasks", f"/technicians/{technician}/tasks", {}),
        ("journal", f"/contracts/{group.one('contract_id')}/journal", {"month": month()}),
    )
    for kind, path, params in reads:
        before = len(logged(kind))
        answer = auditor.get(f"{county_.url}{path}", params=params)
        assert answer.status_code == 200, (kind, answer.text)
        after = logged(kind)
        assert len(after) == before + 1, kind
        assert after[-1]["actor_role"] == after[-1]["relation"] == "auditor"
    before = len(logged("task"))
    own = county_.as_(GROUPS["A1"][0]).get(f"{county_.url}/tasks/{group.one('task_id')}")
    assert own.status_code == 200 and len(logged("task")) == before  # a party's own: not logged
