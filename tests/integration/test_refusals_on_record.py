"""Every refusal on record (issue 19), tried as an auditor would: a
technician of the demo county, through the API, attempts six acts the guide
reserves to the social worker or to nobody (R2) — open a case, write its
intervention plan, close it, validate their own report, notify the police,
sign for the beneficiary. Six refusals, each naming R2 in Romanian and
English; six ``CommandRefused`` events stored (five in the gateway's own
store, refused there by role; one in the cases service's, refused there by
the rule) and published on the bus; and no other change in any store but
the notification that tells the coordinator of the signature refused."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import requests

from events.verify import main
from tests.support.gateway import County, county_behind_gateway
from tests.support.outside import OutsideSubscriber
from tests.support.published import REFUSAL, stored_count, stored_since
from tests.support.waiting import eventually

NOTIFICATION = "services.notifications.domain:Notification"
STORES = ("coordination", "cases", "evaluations", "notifications", "gateway")
REFUSED = ("ro.coordonare.gateway.CommandRefused.v1", "ro.coordonare.cases.CommandRefused.v1")


@pytest.fixture(scope="module")
def county(amqp_uri, tmp_path_factory) -> Iterator[County]:
    with county_behind_gateway(amqp_uri, tmp_path_factory.mktemp("refusals")) as county:
        yield county


def heads() -> dict[str, int]:
    """Each store's newest position (the county's stores, named in the
    environment ``county_behind_gateway`` sets)."""
    return {s: stored_count(os.environ[f"{s.upper()}_STORE_URL"], s) for s in STORES}


def settled() -> dict[str, int]:
    """The stores' heads once the demo's seeding has stopped echoing (the
    subscriptions' and the alerts' work, after the last seeded command)."""
    seen: list[dict[str, int]] = [heads()]

    def still() -> bool:
        seen.append(heads())
        return seen[-1] == seen[-2]

    eventually(still, 30, every=1.0, message="the county's stores kept changing")
    return seen[-1]


def test_a_technician_attempting_six_acts_of_the_social_worker_is_refused_on_record(
    county: County, amqp_uri: str
) -> None:
    tech = county.as_("tehnician.cluj")
    me = county.user("tehnician.cluj")["sub"]
    url = county.url
    case_id = tech.get(f"{url}/cases", params={"stage": "intervention"}).json()["items"][0]
    case_id = case_id["case_id"]
    own = tech.get(f"{url}/technicians/{me}/documents").json()["items"]
    report_id = next(d["document_id"] for d in own if d["status"] == "submitted")
    risk_id = str(uuid.uuid4())  # refused for the role before any risk is looked up
    bus = OutsideSubscriber(amqp_uri, *REFUSED)
    before = settled()

    attempts = {
        "open_case": (f"/cases/{case_id}/open", {}),
        "write_intervention_plan": (
            f"/cases/{case_id}/intervention-plan",
            {"objectives": ["Școlarizarea copiilor"]},
        ),
        "close_case": (
            f"/cases/{case_id}/close",
            {"outcome": "plan_achieved", "rationale": "Obiectivele au fost atinse."},
        ),
        "validate_document": (f"/documents/{report_id}/validate", {}),
        "notify_institution": (
            f"/urgent-risks/{risk_id}/notifications",
            {"institution": "police", "summary": "Sesizare privind copilul."},
        ),
        "draft_document": (  # signed on the beneficiary's behalf
            f"/cases/{case_id}/documents",
            {
                "kind": "observation_sheet",
                "content": {"text": "Am semnat eu în locul mamei."},
                "beneficiary_signature": "on_behalf",
            },
        ),
    }
    for act, (path, body) in attempts.items():
        answer = tech.post(f"{url}{path}", json=body)
        refused(answer, act)

    events = bus.receive(6)
    try:
        assert bus.nothing_more()
    finally:
        bus.close()
    assert sorted(e["data"]["command"] for e in events) == sorted(
        [f"cases.{a}" for a in attempts if a != "draft_document"] + ["draft_document"]
    )
    assert {e["data"]["rule"] for e in events} == {"R2"}
    assert {e["actor"] for e in events} == {me} and {e["actorrole"] for e in events} == {
        "technician"
    }
    assert {e["municipality"] for e in events} == {county.user("tehnician.cluj")["municipality"]}
    by_source = sorted(e["source"] for e in events)
    assert by_source == ["/coordonare/cases"] + ["/coordonare/gateway"] * 5

    after = settled()
    assert {s: after[s] - before[s] for s in STORES if s != "notifications"} == {
        "coordination": 0,
        "cases": 1,
        "evaluations": 0,
        "gateway": 5,
    }
    # the signature refused reaches the coordinator (4.6 case 1): their
    # notification and its deliveries, and nothing else
    told = stored_since(
        os.environ["NOTIFICATIONS_STORE_URL"], before["notifications"], "notifications"
    )
    assert told and {t.rsplit(".", 1)[0] for t in told} == {NOTIFICATION}
    for store in ("cases", "gateway"):
        url_of = os.environ[f"{store.upper()}_STORE_URL"]
        assert set(stored_since(url_of, before[store], store)) == {REFUSAL}
    # the gateway's chain verifies as a service's does
    assert main(["--service", "gateway", "--store", os.environ["GATEWAY_STORE_URL"]]) == 0


def refused(answer: requests.Response, act: str) -> None:
    """A 403 problem naming R2, said in Romanian and English."""
    assert answer.status_code == 403, f"{act}: {answer.status_code} {answer.text}"
    body = answer.json()
    assert body["rule"] == "R2", act
    assert body["rule_text"]["ro"].startswith(("doar asistentul social", "nimeni nu semnează"))
    assert body["rule_text"]["en"].startswith(("only the coordinating", "nobody signs"))
    assert body["correlation_id"] == answer.headers["X-Correlation-Id"]
