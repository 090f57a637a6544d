"""The auditor reads a record as it was (issue 19, parts 1 and 2): the
answer the API gave at a past moment is what ``as_of`` that moment answers
now, and what ``version`` of the record answers; a moment before the record
existed finds nothing, and a malformed or future moment is refused. Its
history lists each event with who, when, why (correlation id), where in the
log, and what it changed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.calendar import months_ahead
from tests.support.casework import CALENDAR
from tests.support.gateway import County, county_behind_gateway


@pytest.fixture(scope="module")
def county(amqp_uri, tmp_path_factory) -> Iterator[County]:
    with county_behind_gateway(amqp_uri, tmp_path_factory.mktemp("as-of")) as county:
        yield county


def revised_plan(objective: str) -> dict:
    return {
        "objectives": [
            {
                "objective": objective,
                "indicator": "prezență ≥ 90%",
                "responsible": "technician",
                "deadline": months_ahead(3),
            }
        ],
        "activities": CALENDAR,
    }


def test_a_case_read_as_of_the_moment_before_its_plan_was_revised(county: County) -> None:
    auditor, coordinator = county.as_("auditor"), county.as_("asistent.cluj")
    cases = coordinator.get(f"{county.url}/cases", params={"stage": "intervention"}).json()
    case_url = f"{county.url}/cases/{cases['items'][0]['case_id']}"
    served = auditor.get(case_url)
    assert served.status_code == 200, served.text
    before = served.json()
    moment = datetime.now(UTC)
    time.sleep(0.01)  # the revision is stored strictly after that moment

    revised = coordinator.post(
        f"{case_url}/intervention-plan", json=revised_plan("Frecvență școlară zilnică")
    )
    assert revised.status_code == 200, revised.text
    now = auditor.get(case_url).json()
    assert now["plan_version"] == before["plan_version"] + 1 and now != before

    then = auditor.get(case_url, params={"as_of": moment.isoformat()})
    assert then.status_code == 200, then.text
    assert then.json() == before
    at_version = auditor.get(case_url, params={"version": before["version"]})
    assert at_version.json() == before
    # the offset's "+" left unencoded in a hand-typed address still means +
    typed = auditor.get(f"{case_url}?as_of={moment.astimezone().isoformat()}")
    assert typed.json() == before, typed.text


def test_a_record_before_it_existed_and_malformed_moments(county: County) -> None:
    auditor = county.as_("auditor")
    case_id = county.as_("asistent.cluj").get(f"{county.url}/cases").json()["items"][0]["case_id"]
    case_url = f"{county.url}/cases/{case_id}"
    long_ago = (datetime.now(UTC) - timedelta(days=3650)).isoformat()
    assert auditor.get(case_url, params={"as_of": long_ago}).status_code == 404

    def refused(params: dict, status: int, field: str) -> None:
        answer = auditor.get(case_url, params=params)
        assert answer.status_code == status, answer.text
        assert answer.json()["field"] == field, answer.text

    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    # malformed, at the gateway; well-formed but impossible, by the service
    refused({"as_of": "2026-03-01T09:30:00"}, 400, "as_of")  # no offset: whose 09:30?
    refused({"as_of": "ieri"}, 400, "as_of")
    refused({"as_of": tomorrow}, 422, "as_of")
    refused({"as_of": long_ago, "version": "1"}, 422, "version")
    refused({"version": "0"}, 422, "version")
    refused({"version": str(2**40)}, 422, "version")  # past any aggregate's life
    refused({"version": str(2**70)}, 400, "version")  # past any number we keep
    assert auditor.get(case_url, params={"version": "999"}).status_code == 404


def test_other_records_are_read_as_they_were_too(county: County) -> None:
    """A contract and a staff member at their first version: as they were
    created, whatever happened to them since."""
    auditor = county.as_("auditor")
    technician = county.user("tehnician.cluj")["sub"]
    contracts = auditor.get(f"{county.url}/technicians/{technician}/contracts").json()
    contract = contracts["items"][0] if isinstance(contracts, dict) else contracts[0]
    first = auditor.get(
        f"{county.url}/contracts/{contract['contract_id']}", params={"version": 1}
    ).json()
    assert first["contract_id"] == contract["contract_id"]
    assert first["version"] == 1 and first["status"] != contract["status"]
    staff = auditor.get(f"{county.url}/staff/{technician}", params={"version": 1})
    assert staff.status_code == 200 and staff.json()["staff_id"] == technician, staff.text


def test_a_case_s_history_says_who_changed_what_and_when(county: County) -> None:
    auditor, coordinator = county.as_("auditor"), county.as_("asistent.cluj")
    cases = coordinator.get(f"{county.url}/cases", params={"stage": "intervention"}).json()
    case_url = f"{county.url}/cases/{cases['items'][0]['case_id']}"
    before = auditor.get(case_url).json()
    revised = coordinator.post(
        f"{case_url}/intervention-plan",
        json=revised_plan("Consiliere parentală lunară"),
        headers={"X-Correlation-Id": "revizuire-plan-42"},
    )
    assert revised.status_code == 200, revised.text

    answer = auditor.get(f"{case_url}/history")
    assert answer.status_code == 200, answer.text
    history = answer.json()
    assert [e["version"] for e in history] == list(range(1, before["version"] + 2))
    positions = [e["position"] for e in history]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    referred, last = history[0], history[-1]
    assert referred["event"] == "Case.Referred" and referred["actor_role"] == "technician"
    assert referred["changed"]["beneficiary"]["after"]  # the auditor sees it (R9)
    assert last["actor_id"] == county.user("asistent.cluj")["sub"]
    assert last["actor_role"] == "social_worker"
    assert last["correlation_id"] == "revizuire-plan-42"
    assert last["changed"]["plan_version"] == {
        "before": before["plan_version"],
        "after": before["plan_version"] + 1,
    }
    assert last["changed"]["plan"]["before"] == before["plan"]
    assert last["changed"]["plan"]["after"]["objectives"][0]["objective"] == (
        "Consiliere parentală lunară"
    )
    assert set(last["changed"]) == {"plan_version", "plan"}
    # another municipality's technician learns nothing, not even that it exists
    stranger = county.as_("tehnician.floresti").get(f"{case_url}/history")
    assert stranger.status_code == 404, stranger.text

