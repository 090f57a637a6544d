"""The HTTP API as people use it, on the demo county behind the gateway:
the README's walkthrough, who sees what (401, 403, 404 that never tells
whether something exists), problems for bad input, idempotency keys,
pagination, correlation ids and the county's consolidated report."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import requests

from events.checkpoint import key_issuer
from events.identity import write_key_pair
from gateway.routes import ROUTES
from tests.support.calendar import local_month
from tests.support.gateway import County, county_behind_gateway, risk_report
from tests.support.waiting import eventually


@pytest.fixture(scope="module")
def county(amqp_uri, tmp_path_factory) -> Iterator[County]:
    tmp = tmp_path_factory.mktemp("gateway")
    published = tmp / "coordination-checkpoint.jwks.json"
    write_key_pair(key_issuer("coordination"), tmp / "checkpoint.pem", published)
    with county_behind_gateway(amqp_uri, tmp, CHECKPOINT_PUBLIC_KEYS=str(published)) as county:
        yield county


def a_case_of(session: requests.Session, url: str, stage: str = "intervention") -> str:
    cases = session.get(f"{url}/cases", params={"stage": stage}).json()
    return cases["items"][0]["case_id"]


def problem(answer: requests.Response, status: int, code: str) -> dict:
    assert answer.status_code == status, answer.text
    assert answer.headers["Content-Type"] == "application/problem+json"
    body = answer.json()
    assert body["code"] == code and body["status"] == status
    assert body["correlation_id"] == answer.headers["X-Correlation-Id"]
    # what happened, for the person: in Romanian, with its English
    assert body["message"]["ro"] and body["message"]["en"] != body["message"]["ro"]
    return body


def test_the_readme_walkthrough(county: County) -> None:
    """A technician reports an urgent risk; their coordinator sees the alert,
    acknowledges the risk and validates the visit report waiting for them."""
    tech, coordinator = county.as_("tehnician.cluj"), county.as_("asistent.cluj")
    case_id = a_case_of(tech, county.url)
    reported = tech.post(f"{county.url}/cases/{case_id}/urgent-risks", json=risk_report())
    assert reported.status_code == 201, reported.text
    risk_id = reported.json()["risk_id"]

    def alerts() -> list[dict]:
        return coordinator.get(f"{county.url}/alerts", params={"open_only": "true"}).json()["items"]

    # the alert comes by the event log
    eventually(lambda: any(a["risk_id"] == risk_id for a in alerts()), 10, every=0.2)

    acknowledged = coordinator.post(f"{county.url}/urgent-risks/{risk_id}/acknowledge")
    assert acknowledged.status_code == 200, acknowledged.text
    assert acknowledged.json()["acknowledged_by"] == county.user("asistent.cluj")["sub"]

    queue = coordinator.get(f"{county.url}/validation-queue").json()["items"]
    document_id = queue[0]["document_id"]
    validated = coordinator.post(f"{county.url}/documents/{document_id}/validate", json={})
    assert validated.status_code == 200 and validated.json()["status"] == "validated"
    again = coordinator.post(f"{county.url}/documents/{document_id}/validate", json={})
    assert problem(again, 409, again.json()["code"])["detail"]


def test_no_token_no_answer(county: County) -> None:
    """Every operation but logging in and the API's description asks for a
    valid token, before it looks at anything else."""
    forged = county.token("tehnician.cluj")[:-4] + "AAAA"
    for route in ROUTES:
        if route.public:
            continue
        path = route.path
        for name in route.path_params:
            path = path.replace("{" + name + "}", str(uuid.uuid4()))
        answer = requests.request(route.method, county.url + path, json={}, timeout=10)
        body = problem(answer, 401, "unauthenticated")
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        assert body["instance"] == path
        forged_answer = requests.request(
            route.method,
            county.url + path,
            headers={"Authorization": f"Bearer {forged}"},
            timeout=10,
        )
        problem(forged_answer, 401, "invalid_token")


def test_a_technician_of_one_municipality_gets_nothing_of_another(county: County) -> None:
    cluj, floresti = county.as_("tehnician.cluj"), county.as_("tehnician.floresti")
    case_id = a_case_of(cluj, county.url)
    unknown = str(uuid.uuid4())

    theirs = floresti.get(f"{county.url}/cases/{case_id}")
    nobodys = floresti.get(f"{county.url}/cases/{unknown}")
    assert (
        problem(theirs, 404, "not_found")["detail"] == problem(nobodys, 404, "not_found")["detail"]
    )
    for path in (f"/cases/{case_id}/documents", f"/cases/{case_id}/timeline"):
        problem(floresti.get(county.url + path), 404, "not_found")
    refused = floresti.post(f"{county.url}/cases/{case_id}/urgent-risks", json=risk_report())
    problem(refused, 404, "not_found")
    listed = floresti.get(f"{county.url}/cases").json()["items"]
    assert listed and {c["municipality"] for c in listed} == {"57706"}
    problem(
        floresti.get(f"{county.url}/cases", params={"municipality": "54975"}),
        403,
        "outside_your_municipality",
    )
    assert all(
        r["municipality"] == "57706"
        for r in floresti.get(f"{county.url}/urgent-risks").json()["items"]
    )
    problem(floresti.get(f"{county.url}/municipalities/54975"), 404, "not_found")
    cluj_tech = county.user("tehnician.cluj")["sub"]
    problem(floresti.get(f"{county.url}/staff/{cluj_tech}"), 404, "not_found")
    problem(floresti.get(f"{county.url}/technicians/{cluj_tech}/tasks"), 404, "not_found")
    staff = floresti.get(f"{county.url}/staff").json()["items"]
    assert {s["municipality"] for s in staff} == {"57706"}


def test_roles_and_rules_are_refused_with_their_codes(county: County) -> None:
    tech = county.as_("tehnician.cluj")
    coordinator = county.as_("asistent.cluj")
    case_id = a_case_of(tech, county.url)
    # the gateway's first line: a technician never validates (R2)
    queue = coordinator.get(f"{county.url}/validation-queue").json()["items"]
    target = queue[0]["document_id"] if queue else str(uuid.uuid4())
    problem(
        tech.post(f"{county.url}/documents/{target}/validate", json={}), 403, "role_not_allowed"
    )
    # the service's own check, its error's stable code from contracts/errors.json
    bad = tech.post(
        f"{county.url}/cases/{case_id}/urgent-risks",
        json=risk_report() | {"category": "not-a-category"},
    )
    assert problem(bad, 422, bad.json()["code"])["field"] == "category"
    problem(
        county.as_("auditor").post(
            f"{county.url}/cases/{case_id}/urgent-risks", json=risk_report()
        ),
        403,
        "role_not_allowed",
    )


def test_a_refused_request_says_what_happened_in_romanian_and_english(county: County) -> None:
    tech = county.as_("tehnician.cluj")
    case_id = a_case_of(tech, county.url)
    closed = tech.post(f"{county.url}/cases/{case_id}/close", json={})
    wrong_role = problem(closed, 403, "role_not_allowed")
    assert wrong_role["message"] == {
        "ro": "Rolul dumneavoastră nu permite acest act.",
        "en": "Your role does not allow this act.",
    }
    assert wrong_role["rule_text"]["ro"] == "doar asistentul social coordonator închide cazul"
    unknown = problem(tech.get(f"{county.url}/cases/{uuid.uuid4()}"), 404, "not_found")
    assert unknown["message"]["ro"] == "Nu există sau nu îl puteți vedea."
    risks = f"{county.url}/cases/{case_id}/urgent-risks"
    malformed = tech.post(risks, data=b"{", headers={"Content-Type": "application/json"})
    assert problem(malformed, 400, "malformed_json")["message"] == {
        "ro": "Cererea nu este un JSON valid.",
        "en": "The request is not valid JSON.",
    }
    # a service's own refusal: its code's sentence, its detail still English
    invalid = tech.post(risks, json=risk_report() | {"category": "not-a-category"})
    said = problem(invalid, 422, invalid.json()["code"])
    assert said["message"] == {"ro": "Datele nu sunt valide.", "en": "The data are not valid."}


def test_bad_requests_are_problems_that_change_nothing(county: County) -> None:
    tech = county.as_("tehnician.cluj")
    case_id = a_case_of(tech, county.url)
    url = f"{county.url}/cases/{case_id}/urgent-risks"
    before = tech.get(f"{county.url}/urgent-risks").json()["total"]
    problem(
        tech.post(url, data=b'{"category": ', headers={"Content-Type": "application/json"}),
        400,
        "malformed_json",
    )
    problem(
        tech.post(url, data=b"x" * 70_000, headers={"Content-Type": "application/json"}),
        413,
        "payload_too_large",
    )
    problem(
        tech.post(
            url,
            data=b"category=neglect",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        415,
        "unsupported_media_type",
    )
    problem(tech.post(url, json=[1, 2]), 422, "invalid_command")
    problem(
        tech.post(url, json=risk_report() | {"case_id": str(uuid.uuid4())}),
        422,
        "conflicting_field",
    )
    problem(tech.get(f"{county.url}/cases", params={"colour": "red"}), 400, "unknown_parameter")
    problem(
        tech.get(f"{county.url}/urgent-risks", params={"open_only": "maybe"}),
        400,
        "invalid_parameter",
    )
    problem(tech.delete(f"{county.url}/cases"), 405, "method_not_allowed")
    problem(tech.get(f"{county.url}/no/such/thing"), 404, "no_such_route")
    assert tech.get(f"{county.url}/urgent-risks").json()["total"] == before


def test_a_retried_request_never_acts_twice(county: County) -> None:
    tech = county.as_("tehnician.cluj")
    case_id = a_case_of(tech, county.url)
    url = f"{county.url}/cases/{case_id}/urgent-risks"
    report, key = risk_report(), {"Idempotency-Key": f"retry-{uuid.uuid4()}"}
    before = tech.get(f"{county.url}/urgent-risks").json()["total"]
    first = tech.post(url, json=report, headers=key)
    retried = tech.post(url, json=report, headers=key)
    assert first.status_code == retried.status_code == 201
    assert retried.json() == first.json() and retried.headers["Idempotency-Replayed"] == "true"
    assert tech.get(f"{county.url}/urgent-risks").json()["total"] == before + 1
    problem(
        tech.post(url, json=report | {"category": "abuse"}, headers=key),
        422,
        "idempotency_key_reused",
    )
    # a key is the person's own: another user's same key is another request
    other = county.as_("tehnician2.cluj").post(url, json=report, headers=key)
    assert other.status_code in (403, 404), other.text
    problem(
        tech.post(url, json=report, headers={"Idempotency-Key": "é"}),
        400,
        "invalid_idempotency_key",
    )


def test_lists_come_in_pages(county: County) -> None:
    admin = county.as_("judet")
    everything = admin.get(f"{county.url}/staff", params={"limit": 200}).json()
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        answer = admin.get(f"{county.url}/staff", params=params)
        page = answer.json()
        assert len(page["items"]) <= 2 and page["total"] == everything["total"]
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            assert "Link" not in answer.headers
            break
        assert 'rel="next"' in answer.headers["Link"]
    assert seen == everything["items"] and len(seen) > 2
    problem(admin.get(f"{county.url}/staff", params={"cursor": "nonsense!"}), 400, "invalid_cursor")
    problem(admin.get(f"{county.url}/staff", params={"limit": 0}), 400, "invalid_parameter")


def paged_one_by_one(session: requests.Session, url: str) -> tuple[list, dict]:
    """Every page of one item of a list, and the list whole."""
    everything = session.get(url, params={"limit": 200}).json()
    assert everything["next_cursor"] is None and everything["total"] == len(everything["items"])
    seen, cursor = [], None
    while True:
        params = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        answer = session.get(url, params=params)
        page = answer.json()
        assert len(page["items"]) == 1 and page["total"] == everything["total"]
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            assert "Link" not in answer.headers
            break
        assert 'rel="next"' in answer.headers["Link"]
    return seen, everything


def test_a_list_that_grows_with_the_county_is_paged_by_its_service(county: County) -> None:
    """The coordinator's cases and the technician's coming reminders: their
    service cuts each page (a county's list never travels whole, and only a
    page of reminders is read from the store); the envelope and the Link are
    the same."""
    coordinator = county.as_("asistent.cluj")
    seen, everything = paged_one_by_one(coordinator, f"{county.url}/cases")
    assert seen == everything["items"] and len(seen) > 1
    reminders, all_coming = paged_one_by_one(coordinator, f"{county.url}/me/reminders")
    assert reminders == all_coming["items"] and len(reminders) > 1
    due = [datetime.fromisoformat(r["due_at"]) for r in reminders]
    assert due == sorted(due)  # the soonest first, across pages
    # a cursor of a list the gateway pages is not one of this list
    staff = county.as_("judet").get(f"{county.url}/staff", params={"limit": 1}).json()
    refused = coordinator.get(f"{county.url}/cases", params={"cursor": staff["next_cursor"]})
    problem(refused, 400, "invalid_cursor")


def test_every_answer_carries_a_correlation_id(county: County) -> None:
    tech = county.as_("tehnician.cluj")
    given = tech.get(f"{county.url}/me", headers={"X-Correlation-Id": "support-ticket-42"})
    assert given.headers["X-Correlation-Id"] == "support-ticket-42"
    assert given.json() == {
        "id": county.user("tehnician.cluj")["sub"],
        "role": "technician",
        "municipality": "54975",
    }
    made = requests.get(f"{county.url}/me", timeout=10)
    assert uuid.UUID(made.headers["X-Correlation-Id"])
    case_id = a_case_of(tech, county.url)
    traced = tech.get(
        f"{county.url}/cases/{case_id}/timeline", headers={"X-Correlation-Id": "trace-1"}
    )
    assert traced.headers["X-Correlation-Id"] == "trace-1"


def test_the_county_report_aggregates_per_municipality(county: County) -> None:
    month = local_month()  # the county's month, which the report counts
    report = county.as_("judet").get(f"{county.url}/reports/county", params={"month": month})
    assert report.status_code == 200, report.text
    rows = {row["siruta"]: row for row in report.json()["municipalities"]}
    assert {"54975", "57706", "57887"} <= set(rows)
    assert rows["54975"]["name"] == "Cluj-Napoca"
    without_contract = sum(
        row["coordination"]["technicians"]["without_active_contract"] for row in rows.values()
    )
    assert without_contract == 1  # the demo's technician left without a contract (R1)
    assert rows["54975"]["cases"]["active_cases"]["total"] >= 1
    text = report.text
    for user in county.seeded["users"]:  # aggregates only: nobody is named
        assert user["sub"] not in text and (not user.get("name") or user["name"] not in text)
    head = county.as_("sef.floresti").get(f"{county.url}/reports/county", params={"month": month})
    assert [row["siruta"] for row in head.json()["municipalities"]] == ["57706"]
    problem(
        county.as_("tehnician.cluj").get(f"{county.url}/reports/county", params={"month": month}),
        403,
        "role_not_allowed",
    )
    problem(county.as_("judet").get(f"{county.url}/reports/county"), 400, "missing_parameter")
    future = county.as_("judet").get(f"{county.url}/reports/county", params={"month": "2099-01"})
    assert problem(future, 422, future.json()["code"])["field"] == "month"
    one = county.as_("auditor").get(
        f"{county.url}/reports/county", params={"month": month, "municipality": "57887"}
    )
    assert [row["siruta"] for row in one.json()["municipalities"]] == ["57887"]


def test_the_readme_walkthrough_works_verbatim(county: County) -> None:
    """The curl commands of the README, run as a newcomer would paste them."""
    if not shutil.which("jq") or not shutil.which("curl"):
        pytest.skip("the README's walkthrough needs curl and jq")
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = readme.split("<!-- walkthrough:")[1].split("```sh\n", 1)[1].split("```", 1)[0]
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block],
        env=os.environ | {"G": county.url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    submitted, alert, acknowledged, queue, validated = lines
    assert submitted["status"] == "submitted" and alert["category"] == "neglect"
    assert acknowledged["status"] == "acknowledged" and acknowledged["acknowledged_at"]
    assert submitted["document_id"] in queue
    assert validated == {"document_id": submitted["document_id"], "status": "validated"}


def test_an_auditor_finds_the_checkpoint_keys_where_the_api_is(county: County) -> None:
    """ADR 23: the public halves that verify the services' checkpoints,
    served to anyone (an auditor verifies offline with them)."""
    answer = requests.get(f"{county.url}/.well-known/checkpoint-keys.json", timeout=10)
    assert answer.status_code == 200, answer.text
    (key,) = answer.json()["keys"]
    assert key["kid"].startswith("coordination-checkpoint-") and key["crv"] == "Ed25519"
    assert "d" not in key
