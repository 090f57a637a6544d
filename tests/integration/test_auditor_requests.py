"""Every auditor request on record, and the county lists who audited what
(issue 19, part 8), in the demo county on real PostgreSQL and RabbitMQ. The
auditor reads a case as it was, a contract, and the cases service's log;
the county admin then finds those three requests, in order, with the
auditor's id, each operation and what it named (a case's id withheld: casework
is never the county's; an auditor's list names it), and narrows the list by
auditor, subject, operation and time. The auditor's answers are what the
services answer them; the requests are stored in the gateway's own chained
store, which verifies, and published on the bus with ids only. A technician
may not read the list; the auditor's pages of the web app are on record
too."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from events.verify import main
from tests.support.gateway import County, county_behind_gateway
from tests.support.outside import OutsideSubscriber
from tests.support.published import stored_count, stored_since

LIST = "/audit/requests"
SERVED = "ro.coordonare.gateway.AuditorRequestServed.v1"
RECORDED = "gateway.auditor_requests:AuditorRequest.Recorded"


@pytest.fixture(scope="module")
def county(amqp_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[County]:
    with county_behind_gateway(amqp_uri, tmp_path_factory.mktemp("auditor-reads")) as county:
        yield county


@pytest.fixture(scope="module")
def audited(county: County, amqp_uri: str) -> dict[str, Any]:
    """The auditor's three requests: a case as it was a moment ago, a
    contract, and five events of the cases service's log; the ids the
    technician's lists gave, what each was answered, what the bus carried."""
    tech = county.as_("tehnician.cluj")
    me = county.user("tehnician.cluj")["sub"]
    case_id = tech.get(f"{county.url}/cases").json()["items"][0]["case_id"]
    contracts = tech.get(f"{county.url}/technicians/{me}/contracts").json()["items"]
    contract_id = contracts[0]["contract_id"]
    gateway_store = os.environ["GATEWAY_STORE_URL"]
    before = stored_count(gateway_store, "gateway")
    bus = OutsideSubscriber(amqp_uri, SERVED)
    auditor = county.as_("auditor")
    as_of = datetime.now(UTC).isoformat()
    answers = [
        auditor.get(f"{county.url}/cases/{case_id}", params={"as_of": as_of}),
        auditor.get(f"{county.url}/contracts/{contract_id}"),
        auditor.get(f"{county.url}/audit/cases/events", params={"limit": "5"}),
    ]
    try:
        published = bus.receive(3)
        assert bus.nothing_more()
    finally:
        bus.close()
    return {
        "case_id": case_id,
        "contract_id": contract_id,
        "as_of": as_of,
        "answers": answers,
        "published": published,
        "before": before,
        "auditor_id": county.user("auditor")["sub"],
    }


def listed(county: County, username: str = "judet", **params: str) -> requests.Response:
    return county.as_(username).get(f"{county.url}{LIST}", params=params)


def test_the_county_admin_finds_the_auditors_three_requests_in_order(
    county: County, audited: dict[str, Any]
) -> None:
    answer = listed(county, auditor=audited["auditor_id"])
    assert answer.status_code == 200, answer.text
    found = answer.json()["items"]
    assert [r["operation"] for r in found] == [
        "cases.get_case",
        "coordination.get_contract",
        "cases.audit_events",
    ]
    # casework is never the county's (DESIGN §1): what an auditor read of a
    # case, and what their own feed selected, is named without its values
    assert [r["subject"] for r in found] == [None, audited["contract_id"], None]
    assert [r["path"] for r in found] == [
        {"case_id": None},
        {"contract_id": audited["contract_id"]},
        {},
    ]
    assert [r["selection"] for r in found] == [{"as_of": None}, {}, {"limit": None}]
    assert audited["case_id"] not in answer.text
    assert {r["auditor_id"] for r in found} == {audited["auditor_id"]}
    assert [r["status"] for r in found] == [a.status_code for a in audited["answers"]]
    assert [r["status"] for r in found] == [200, 200, 200]
    assert [r["correlation_id"] for r in found] == [
        a.headers["X-Correlation-Id"] for a in audited["answers"]
    ]
    assert {r["channel"] for r in found} == {"api"}
    assert [r["number"] for r in found] == sorted(r["number"] for r in found)


def test_an_auditor_reads_the_same_list_with_every_id(
    county: County, audited: dict[str, Any]
) -> None:
    answer = listed(county, "auditor", auditor=audited["auditor_id"], limit="3")
    found = answer.json()["items"]
    assert [r["subject"] for r in found] == [audited["case_id"], audited["contract_id"], None]
    assert found[0]["path"] == {"case_id": audited["case_id"]}
    assert [r["selection"] for r in found] == [{"as_of": audited["as_of"]}, {}, {"limit": "5"}]
    on_the_case = listed(county, "auditor", subject=audited["case_id"]).json()["items"]
    assert [r["operation"] for r in on_the_case] == ["cases.get_case"]
    assert listed(county, subject=audited["case_id"]).json()["total"] == 0  # not the county's


def test_the_list_narrows_by_subject_operation_and_time_newest_first_and_paged(
    county: County, audited: dict[str, Any]
) -> None:
    on_the_contract = listed(county, subject=audited["contract_id"]).json()["items"]
    assert [r["operation"] for r in on_the_contract] == ["coordination.get_contract"]
    feed = listed(county, operation="cases.audit_events").json()["items"]
    assert [r["subject"] for r in feed] == [None]
    everything = listed(county, auditor=audited["auditor_id"]).json()["items"][:3]
    after_them = (
        datetime.fromisoformat(everything[2]["at"]) + timedelta(microseconds=1)
    ).isoformat()
    them = {"auditor": audited["auditor_id"], "until": after_them}  # the list's own, after
    since = listed(county, **them, since=everything[1]["at"])
    assert [r["operation"] for r in since.json()["items"]] == [
        "coordination.get_contract",
        "cases.audit_events",
    ]
    until = listed(county, auditor=audited["auditor_id"], until=everything[1]["at"])
    assert [r["operation"] for r in until.json()["items"]] == ["cases.get_case"]
    newest = listed(county, **them, order="newest", limit="2")
    assert [r["number"] for r in newest.json()["items"]] == [
        everything[2]["number"],
        everything[1]["number"],
    ]
    assert 'rel="next"' in newest.headers["Link"]
    rest = listed(county, **them, order="newest", cursor=newest.json()["next_cursor"])
    assert [r["number"] for r in rest.json()["items"]] == [everything[0]["number"]]
    assert listed(county, auditor="nobody-audits").json() == {
        "items": [],
        "next_cursor": None,
        "total": 0,
    }


def test_a_technician_may_not_read_who_audited_what(county: County) -> None:
    refused = listed(county, "tehnician.cluj")
    assert refused.status_code == 403
    assert (refused.json()["code"], refused.json()["rule"]) == ("role_not_allowed", "scope")


def test_the_auditors_answer_is_the_services_own(county: County, audited: dict[str, Any]) -> None:
    auditor = county.user("auditor")
    actor = {"id": auditor["sub"], "role": "auditor", "municipality": None}
    contract = county.rpc(
        "coordination", "get_contract", actor, {"contract_id": audited["contract_id"]}
    )
    assert audited["answers"][1].json() == contract


def test_the_requests_are_stored_in_the_gateways_chain_and_published_with_ids_only(
    county: County, audited: dict[str, Any]
) -> None:
    store = os.environ["GATEWAY_STORE_URL"]
    assert stored_since(store, audited["before"], "gateway")[:3] == [RECORDED] * 3
    assert main(["--service", "gateway", "--store", store]) == 0
    published = audited["published"]
    assert [e["data"]["operation"] for e in published] == [
        "cases.get_case",
        "coordination.get_contract",
        "cases.audit_events",
    ]
    assert {e["actor"] for e in published} == {audited["auditor_id"]}
    assert {e["actorrole"] for e in published} == {"auditor"}
    assert published[0]["data"]["audited_subject"] == audited["case_id"]
    assert all("selection" not in e["data"] for e in published)


def test_reading_the_list_is_an_auditors_request_too(county: County) -> None:
    auditor_id = county.user("auditor")["sub"]
    assert listed(county, "auditor", subject="x").status_code == 200
    answer = listed(county, "auditor", auditor=auditor_id, operation="gateway.auditor_requests")
    mine = answer.json()
    assert [r["selection"] for r in mine["items"]][-1:] == [{"subject": "x"}]


def test_the_auditors_pages_of_the_web_app_are_on_record(
    county: County, audited: dict[str, Any]
) -> None:
    browser = signed_in(county, "auditor")
    page = browser.get(f"{county.url}/cazuri/{audited['case_id']}")
    assert page.status_code == 200, page.text
    answer = listed(county, "auditor", subject=audited["case_id"], order="newest")
    on_the_case = answer.json()["items"]
    from_the_page = [r for r in on_the_case if r["channel"] == "web"]
    assert "cases.get_case" in {r["operation"] for r in from_the_page}
    assert {r["auditor_id"] for r in from_the_page} == {county.user("auditor")["sub"]}


def signed_in(county: County, username: str) -> requests.Session:
    """A browser signed in to the web app with the local issuer's form."""
    browser = requests.Session()
    form = browser.get(f"{county.url}/intrare", params={"next": "/"})
    nonce = re.search(r'name="nonce" value="([^"]+)"', form.text)
    assert nonce, form.text
    credentials = {"username": username, "password": f"demo-{username}"}
    answer = browser.post(
        f"{county.url}/intrare",
        data={"nonce": nonce.group(1), "next": "/"} | credentials,
        allow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return browser
