"""The home pages' two scoped queries, through the HTTP API on the demo
county: a technician's own documents (``GET /technicians/{id}/documents``)
and a coordinator's contracts with the month's hours (``GET
/coordinators/{id}/hours``). Each answers what the home pages used to gather
with one call per case or per technician, and only to those who may ask:
anyone else is told what an id nobody has gets."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from events.clock import local_today
from tests.support.gateway import County, county_behind_gateway

OPEN = ("drafted", "returned")


@pytest.fixture(scope="module")
def county(amqp_uri, tmp_path_factory) -> Iterator[County]:
    with county_behind_gateway(amqp_uri, tmp_path_factory.mktemp("home")) as county:
        yield county


def items(answer: requests.Response) -> list[dict[str, Any]]:
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def hidden(answer: requests.Response) -> str:
    """The 404's detail, which an unknown id gets word for word."""
    assert answer.status_code == 404, answer.text
    assert answer.json()["code"] == "not_found"
    return answer.json()["detail"]


def month() -> str:
    return local_today().isoformat()[:7]


def draft(tech: requests.Session, url: str, case_id: str) -> str:
    moment = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    answer = tech.post(
        f"{url}/cases/{case_id}/documents",
        json={
            "kind": "visit_report",
            "content": {"text": "Vizită de probă."},
            "occurred_at": moment,
            "beneficiary_signature": "self",
        },
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["document_id"]


def case_by_case(session: requests.Session, url: str, technician_id: str) -> list[dict]:
    """The old way of the technician's home: every case, then each case's
    documents, keeping the technician's."""
    cases = items(session.get(f"{url}/cases", params={"technician_id": technician_id,
                                                      "limit": 200}))
    return [
        d
        for c in cases
        for d in items(session.get(f"{url}/cases/{c['case_id']}/documents",
                                   params={"limit": 200}))
        if d["author_id"] == technician_id
    ]


def by_id(documents: list[dict]) -> dict[str, dict]:
    return {d["document_id"]: d for d in documents}


def test_a_technicians_documents_in_one_query_are_those_found_case_by_case(
    county: County,
) -> None:
    url = county.url
    tech, coordinator = county.as_("tehnician.cluj"), county.as_("asistent.cluj")
    me = county.user("tehnician.cluj")["sub"]
    case_id = items(tech.get(f"{url}/cases", params={"stage": "intervention"}))[0]["case_id"]
    drafted = draft(tech, url, case_id)
    returned = draft(tech, url, case_id)
    assert tech.post(f"{url}/documents/{returned}/submit").status_code == 200
    sent_back = coordinator.post(
        f"{url}/documents/{returned}/return", json={"comments": "Completați observațiile."}
    )
    assert sent_back.status_code == 200, sent_back.text

    mine = f"{url}/technicians/{me}/documents"
    everything = items(tech.get(mine, params={"limit": 200}))
    assert by_id(everything) == by_id(case_by_case(tech, url, me))
    assert {d["status"] for d in everything} > set(OPEN)  # the demo's submitted report too
    still_mine = items(tech.get(mine, params={"open_only": "true", "limit": 200}))
    assert by_id(still_mine) == {i: d for i, d in by_id(everything).items() if d["status"] in OPEN}
    assert {drafted: "drafted", returned: "returned"}.items() <= {
        d["document_id"]: d["status"] for d in still_mine
    }.items()
    # their coordinator reads the same; the auditor too
    assert by_id(items(coordinator.get(mine, params={"limit": 200}))) == by_id(everything)
    assert by_id(items(county.as_("auditor").get(mine, params={"limit": 200}))) == by_id(
        everything
    )


def test_nobody_else_learns_whether_a_technician_has_documents(county: County) -> None:
    url, me = county.url, county.user("tehnician.cluj")["sub"]
    nobody = f"{url}/technicians/{uuid.uuid4()}/documents"
    mine = f"{url}/technicians/{me}/documents"
    for username in ("tehnician2.cluj", "tehnician.floresti", "asistent.dizabilitati",
                     "sef.floresti"):
        person = county.as_(username)
        assert hidden(person.get(mine)) == hidden(person.get(nobody)), username
    assert county.as_("judet").get(mine).status_code == 403
    # the SPAS head of the technician's municipality reads them, as the cases
    assert county.as_("sef.cluj").get(mine).status_code == 200


def technician_by_technician(
    coordinator: requests.Session, url: str, coordinator_id: str
) -> list[dict]:
    """The old way of the coordinator's home: every technician, who
    coordinates them, and each contract's hours."""
    found = []
    for technician in items(coordinator.get(f"{url}/staff", params={"role": "technician",
                                                                      "limit": 200})):
        coordination = coordinator.get(f"{url}/technicians/{technician['staff_id']}/coordination")
        if coordination.status_code != 200 or not coordination.json():
            continue
        if coordination.json()["coordinator_id"] != coordinator_id:
            continue
        contract_id = coordination.json()["contract_id"]
        hours = coordinator.get(f"{url}/contracts/{contract_id}/hours", params={"month": month()})
        assert hours.status_code == 200, hours.text
        found.append(hours.json() | {"technician_id": technician["staff_id"]})
    return found


def test_a_coordinators_hours_in_one_query_are_those_found_technician_by_technician(
    county: County,
) -> None:
    url = county.url
    for username in ("asistent.cluj", "asistent.dizabilitati"):
        coordinator, me = county.as_(username), county.user(username)["sub"]
        hours = f"{url}/coordinators/{me}/hours"
        answered = items(coordinator.get(hours, params={"month": month()}))
        old = technician_by_technician(coordinator, url, me)
        assert old, f"{username} coordinates nobody in the demo"
        assert {h["contract_id"]: {k: h[k] for k in old[0]} for h in answered} == {
            h["contract_id"]: h for h in old
        }
        assert all(h["technician_name"] for h in answered)
        below = items(coordinator.get(hours, params={"month": month(), "below_only": "true"}))
        assert [h["contract_id"] for h in below] == [
            h["contract_id"] for h in answered if not h["compliant"]
        ]
        assert items(county.as_("auditor").get(hours, params={"month": month()})) == answered


def test_a_month_of_the_hours_met_leaves_the_list_of_those_below(county: County) -> None:
    url = county.url
    coordinator, me = county.as_("asistent.cluj"), county.user("asistent.cluj")["sub"]
    hours = f"{url}/coordinators/{me}/hours"
    below = items(coordinator.get(hours, params={"month": month(), "below_only": "true"}))
    assert below, "the demo's coordinator is below the 40 hours of R6 this month"
    contract = below[0]
    needed, recorded = contract["required"] * 60 - contract["minutes"], 0
    while needed > 0:  # an entry lasts 12 hours at most
        minutes = min(needed, 720)
        entry = coordinator.post(
            f"{url}/contracts/{contract['contract_id']}/journal",
            json={
                "contract_id": contract["contract_id"],
                "occurred_on": local_today().isoformat(),
                "minutes": minutes,
                "channel": "in_person",
                "kind": "meeting",
            },
        )
        assert entry.status_code == 201, entry.text
        needed, recorded = needed - minutes, recorded + 1
    now = {h["contract_id"]: h for h in items(coordinator.get(hours, params={"month": month()}))}
    assert now[contract["contract_id"]]["compliant"]
    assert now[contract["contract_id"]]["entries"] == contract["entries"] + recorded
    still_below = items(coordinator.get(hours, params={"month": month(), "below_only": "true"}))
    assert contract["contract_id"] not in {h["contract_id"] for h in still_below}


def test_a_coordinator_reads_only_their_own_contracts(county: County) -> None:
    url, theirs = county.url, county.user("asistent.cluj")["sub"]
    asked = f"{url}/coordinators/{theirs}/hours"
    nobody = f"{url}/coordinators/{uuid.uuid4()}/hours"
    other = county.as_("asistent.dizabilitati")
    assert hidden(other.get(asked, params={"month": month()})) == hidden(
        other.get(nobody, params={"month": month()})
    )
    for username in ("tehnician.cluj", "sef.cluj", "judet"):
        answer = county.as_(username).get(asked, params={"month": month()})
        assert answer.status_code == 403, username
        assert answer.json()["code"] == "role_not_allowed"
    mine = county.as_("asistent.cluj").get(asked, params={"month": "2026-13"})
    assert mine.status_code in (400, 422), mine.text
