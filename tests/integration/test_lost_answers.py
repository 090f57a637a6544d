"""No answer is lost (issue 18): the demo county behind the gateway, where
a command's answer never reached the person — the gateway that waited for
it died — and the retry with the same ``Idempotency-Key`` gets the outcome
the service recorded, without acting again; a correlation id the client
gives reaches the stored event and the published one."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from uuid import UUID

import kombu
import pytest
import requests
import sqlalchemy as sa

from events.verify import open_recorder
from tests.support.gateway import County, county_behind_gateway, risk_report
from tests.support.outside import OutsideSubscriber
from tests.support.published import stored_count

RISKS = "ro.coordonare.cases.UrgentRiskReported.#"


@pytest.fixture(scope="module")
def county(amqp_uri, tmp_path_factory) -> Iterator[County]:
    with county_behind_gateway(amqp_uri, tmp_path_factory.mktemp("lost")) as county:
        yield county


def a_case(tech: requests.Session, county: County) -> str:
    cases = tech.get(f"{county.url}/cases", params={"stage": "intervention"}).json()
    return cases["items"][0]["case_id"]


def stored() -> int:
    return stored_count(os.environ["CASES_STORE_URL"], "cases")


def the_gateway_forgets(key: str, seconds_ago: float) -> None:
    """What a gateway that died while waiting leaves: the key claimed, with no
    answer, since ``seconds_ago``."""
    engine = sa.create_engine(os.environ["GATEWAY_STORE_URL"])
    try:
        with engine.begin() as db:
            db.execute(
                sa.text(
                    "UPDATE idempotent_requests SET status = NULL, body = NULL, "
                    "created_at = now() - make_interval(secs => :ago) WHERE key = :key"
                ),
                {"key": key, "ago": seconds_ago},
            )
    finally:
        engine.dispose()


def test_the_answer_a_dead_gateway_never_gave_comes_on_retry(county: County) -> None:
    """Ana reports a risk from the field; the answer never reaches her phone.
    Her phone retries with the same key: while the first request may still be
    answered it is told to wait; after that it gets the risk the service
    recorded — the same one, stored once."""
    tech = county.as_("tehnician.cluj")
    url = f"{county.url}/cases/{a_case(tech, county)}/urgent-risks"
    report, key = risk_report(), {"Idempotency-Key": f"lost-{uuid.uuid4()}"}
    first = tech.post(url, json=report, headers=key)
    assert first.status_code == 201, first.text
    before = stored()

    the_gateway_forgets(key["Idempotency-Key"], seconds_ago=0)
    waiting = tech.post(url, json=report, headers=key)
    assert waiting.status_code == 409 and waiting.json()["code"] == "request_in_progress"
    assert waiting.headers["Retry-After"]

    the_gateway_forgets(key["Idempotency-Key"], seconds_ago=120)
    retried = tech.post(url, json=report, headers=key)
    assert retried.status_code == 201, retried.text
    assert retried.json() == first.json()
    assert stored() == before  # the service answered from its record: nothing acted again
    again = tech.post(url, json=report, headers=key)
    assert again.json() == first.json() and again.headers["Idempotency-Replayed"] == "true"


def test_a_command_that_never_reached_the_service_acts_on_retry(county: County) -> None:
    """The gateway claimed the key and died before it sent anything: the
    retry, past the time limit, acts — once."""
    tech = county.as_("tehnician.cluj")
    url = f"{county.url}/cases/{a_case(tech, county)}/urgent-risks"
    report, key = risk_report(), {"Idempotency-Key": f"never-{uuid.uuid4()}"}
    first = tech.post(url, json=report, headers=key)
    assert first.status_code == 201
    # the same request under a new key never sent: claimed, then abandoned
    unsent = {"Idempotency-Key": f"unsent-{uuid.uuid4()}"}
    engine = sa.create_engine(os.environ["GATEWAY_STORE_URL"])
    with engine.begin() as db:
        db.execute(
            sa.text(
                "INSERT INTO idempotent_requests (principal, key, fingerprint, created_at) "
                "SELECT principal, :unsent, fingerprint, now() - interval '2 minutes' "
                "FROM idempotent_requests WHERE key = :key"
            ),
            {"unsent": unsent["Idempotency-Key"], "key": key["Idempotency-Key"]},
        )
    engine.dispose()
    before = stored()
    acted = tech.post(url, json=report, headers=unsent)
    assert acted.status_code == 201, acted.text
    assert acted.json()["risk_id"] != first.json()["risk_id"]
    assert stored() > before
    after = stored()
    assert tech.post(url, json=report, headers=unsent).json() == acted.json()
    assert stored() == after


def test_the_clients_correlation_id_reaches_the_stored_and_published_event(
    county: County, amqp_uri: str
) -> None:
    outside = OutsideSubscriber(amqp_uri, RISKS)
    try:
        tech = county.as_("tehnician.cluj")
        url = f"{county.url}/cases/{a_case(tech, county)}/urgent-risks"
        reported = tech.post(url, json=risk_report(), headers={"X-Correlation-Id": "ticket-7.a"})
        assert reported.status_code == 201 and reported.headers["X-Correlation-Id"] == "ticket-7.a"
        risk_id = reported.json()["risk_id"]
        (published,) = outside.receive(1)
        assert published["subject"] == risk_id and published["correlationid"] == "ticket-7.a"
        recorder = open_recorder("cases", os.environ["CASES_STORE_URL"])
        (event,) = recorder.select_events(UUID(risk_id))
        assert b"ticket-7.a" in event.state
    finally:
        outside.close()


def test_a_call_and_its_answer_ride_transient_and_the_fact_persistent(
    county: County, amqp_uri: str
) -> None:
    """What the broker keeps on disk is what must outlive it: the published
    fact. The gateway's call and the service's answer are worth nothing once
    the caller stopped waiting, and what a lost one leaves is settled by the
    retry above (ADR 28): they ride in memory, still confirmed."""
    rpc = kombu.Exchange("nameko-rpc", "topic", durable=True)
    with kombu.Connection(amqp_uri) as connection:
        spy = kombu.Queue(f"spy-{uuid.uuid4().hex[:8]}", rpc, routing_key="#", exclusive=True)
        spying = spy(connection.default_channel)
        spying.declare()
        outside = OutsideSubscriber(amqp_uri, RISKS)
        try:
            tech = county.as_("tehnician.cluj")
            url = f"{county.url}/cases/{a_case(tech, county)}/urgent-risks"
            reported = tech.post(url, json=risk_report(), headers={"X-Correlation-Id": "spied"})
            assert reported.status_code == 201, reported.text
            (published,) = outside.receive(1)
            assert published["subject"] == reported.json()["risk_id"]
            assert outside.messages[0].properties["delivery_mode"] == 2  # persistent
            seen = []
            while (message := spying.get(no_ack=True)) is not None:
                seen.append(message)
        finally:
            outside.close()
    (call,) = [m for m in seen if m.delivery_info["routing_key"] == "cases.report_urgent_risk"]
    answers = [
        m for m in seen if m.properties["correlation_id"] == call.properties["correlation_id"]
    ]
    assert len(answers) == 2  # the call, and the answer sent back to the gateway's queue
    assert all(m.properties["delivery_mode"] == 1 for m in answers)  # transient
