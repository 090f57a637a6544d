"""The broker unreachable for a minute, under load (issue 18): the demo
county behind the gateway, where every process — the gateway, the four
services, their outbox relays and their subscriptions — reaches RabbitMQ
through a TCP proxy the story cuts. Technicians' phones report urgent
risks and the coordinator's phone acknowledges each, every request with its
own ``Idempotency-Key``, sent again with that key on 409, 503 and 504 after
the ``Retry-After`` it was given; in the middle of it the broker is cut for
``OUTAGE_SECONDS``, then restored.

While it is cut the gateway answers 503 with ``Retry-After``, never a 500.
Once it is back, nobody restarting anything: every request ends answered,
each command is stored once, every stored event is published, the
notifications service raises an alert for each risk and then sees it
acknowledged, and the events of each risk arrive in the order they were
stored."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import eventlet
import pytest
import requests
from eventlet.greenthread import GreenThread

from events.nameko import ApplicationProvider
from services.notifications.domain import Alert, alert_id
from tests.support.gateway import County, county_behind_gateway, risk_report
from tests.support.outside import OutsideSubscriber
from tests.support.proxy import CuttableProxy
from tests.support.published import stored_of
from tests.support.waiting import eventually

OUTAGE_SECONDS = 60.0  # what the issue asks the county to live through
PHONES = 6  # technicians' phones reporting at once
ANSWERED = {200, 201}
RETRIED = {409, 503, 504}  # in progress, unavailable, no answer in time: try again
RISKS = ("ro.coordonare.cases.UrgentRiskReported.*", "ro.coordonare.cases.UrgentRiskAcknowledged.*")


@pytest.fixture(scope="module")
def proxy(amqp_uri: str) -> Iterator[CuttableProxy]:
    proxy = CuttableProxy.in_front_of(amqp_uri)
    yield proxy
    proxy.close()


@pytest.fixture(scope="module")
def county(amqp_uri, proxy, tmp_path_factory) -> Iterator[County]:
    # a short time limit: a request whose answer the cut lost is retried
    # within seconds, as a phone would
    with county_behind_gateway(
        amqp_uri,
        tmp_path_factory.mktemp("outage"),
        broker=proxy.uri(amqp_uri),
        GATEWAY_RPC_TIMEOUT="5",
    ) as county:
        yield county


@pytest.fixture
def outside(amqp_uri: str) -> Iterator[OutsideSubscriber]:
    """The risks' events as the broker routes them (not through the proxy)."""
    subscriber = OutsideSubscriber(amqp_uri, *RISKS)
    yield subscriber
    subscriber.close()


@dataclass(frozen=True)
class Seen:
    """One answer, and whether the broker was cut when it was asked and answered."""

    status: int
    retry_after: str | None
    asked_while_cut: bool
    answered_while_cut: bool


@dataclass
class Phones:
    """The phones' requests and what came back; ``cut`` as the story sets it."""

    url: str
    tech: requests.Session
    coordinator: requests.Session
    cut: bool = False
    restored: bool = False
    stopping: bool = False  # no new report
    abandoned: bool = False  # no new request either: the story failed
    seen: list[Seen] = field(default_factory=list)
    risks: list[str] = field(default_factory=list)  # reported and acknowledged
    after: list[str] = field(default_factory=list)  # of them, reported once restored

    def until_answered(self, session: requests.Session, url: str, body: dict) -> dict:
        """One command, as a phone sends it: the same key until it is answered."""
        key = {"Idempotency-Key": f"outage-{uuid.uuid4()}"}
        while not self.abandoned:
            asked_while_cut = self.cut
            answer = session.post(url, json=body, headers=key, timeout=120)
            retry_after = answer.headers.get("Retry-After")
            self.seen.append(Seen(answer.status_code, retry_after, asked_while_cut, self.cut))
            if answer.status_code in ANSWERED:
                return answer.json()
            if answer.status_code not in RETRIED:
                return {"unexpected": answer.status_code, "body": answer.text}
            eventlet.sleep(float(retry_after or 1))
        return {}

    @contextmanager
    def working(self, count: int) -> Iterator[list[GreenThread]]:
        """``count`` phones at work; whatever is left of them stopped at the end."""
        load = [eventlet.spawn(self.work) for _ in range(count)]
        try:
            yield load
        finally:
            self.abandoned = True
            for phone in load:
                phone.kill()

    def work(self) -> None:
        """Reports risks, each then acknowledged, until told to stop."""
        while not self.stopping:
            restored = self.restored
            risk = self.until_answered(self.tech, self.url, risk_report())
            if "risk_id" not in risk:
                return  # the story sees it in ``seen``
            acknowledge = f"{self.url.split('/cases/')[0]}/urgent-risks/{risk['risk_id']}"
            if "risk_id" not in self.until_answered(
                self.coordinator, f"{acknowledge}/acknowledge", {}
            ):
                return
            self.risks.append(risk["risk_id"])
            if restored:
                self.after.append(risk["risk_id"])


def stored(event: str) -> int:
    return stored_of(os.environ["CASES_STORE_URL"], event)


def application_of(county: County, service: str) -> ApplicationProvider:
    container = county.containers[service]
    return next(d for d in container.dependencies if isinstance(d, ApplicationProvider))


def all_published(county: County) -> bool:
    """Every service's relay has published everything its store holds."""
    for service in county.containers:
        provider = application_of(county, service)
        assert provider.app is not None and provider.relay is not None
        if provider.relay.position != provider.app.chained_recorder.max_notification_id():
            return False
    return True


def acknowledged_alerts(county: County, risks: list[str]) -> int:
    app = application_of(county, "notifications").app
    assert app is not None
    alerts = [app.find(alert_id(risk), Alert) for risk in risks]
    return sum(1 for a in alerts if a is not None and a.acknowledged_at is not None)


def routed(outside: OutsideSubscriber) -> list[dict[str, Any]]:
    """What the broker routed so far, each event as it first arrived (a
    batch the broker did not confirm before the cut is published again,
    with the same ids)."""
    outside.take_up_to(10**6)
    first: dict[str, dict[str, Any]] = {}
    for event in outside.events:
        first.setdefault(event["id"], event)
    return list(first.values())


def test_a_broker_cut_for_a_minute_under_load_loses_nothing(
    county: County, proxy: CuttableProxy, outside: OutsideSubscriber
) -> None:
    tech = county.as_("tehnician.cluj")
    case_id = tech.get(f"{county.url}/cases", params={"stage": "intervention"}).json()["items"][0][
        "case_id"
    ]
    phones = Phones(f"{county.url}/cases/{case_id}/urgent-risks", tech, county.as_("asistent.cluj"))
    reported, acknowledged = stored("UrgentRisk.Reported"), stored("UrgentRisk.Acknowledged")
    with phones.working(PHONES) as load:
        eventually(lambda: len(phones.risks) >= PHONES, 60, message="no load before the cut")

        phones.cut = True
        proxy.cut()
        eventlet.sleep(OUTAGE_SECONDS)
        proxy.restore()
        phones.cut, phones.restored = False, True

        # every phone goes on: each reports and sees acknowledged a risk of after the cut
        eventually(
            lambda: len(phones.after) >= PHONES or all(g.dead for g in load),
            120,
            every=0.5,
            message=lambda: f"{len(phones.after)} risks reported since the broker is back",
        )
        phones.stopping = True  # each phone's requests under way end answered
        eventually(
            lambda: all(g.dead for g in load), 120, every=0.5, message="a request never ended"
        )
    statuses = [s.status for s in phones.seen]
    assert set(statuses) <= ANSWERED | RETRIED, sorted(set(statuses))  # never a 500
    while_cut = {s.status for s in phones.seen if s.asked_while_cut and s.answered_while_cut}
    assert 503 in while_cut and while_cut <= {409, 503}, while_cut
    assert all(s.retry_after for s in phones.seen if s.status in {409, 503})
    assert len(phones.after) >= PHONES, "the county did not flow again"

    risks = phones.risks
    assert len(set(risks)) == len(risks)  # every request, its own risk
    assert stored("UrgentRisk.Reported") - reported == len(risks)  # each stored once
    assert stored("UrgentRisk.Acknowledged") - acknowledged == len(risks)

    # every stored event published, and taken by its subscribers in order: an
    # acknowledgement taken before its report would have found no alert
    eventually(lambda: all_published(county), 60, every=0.5, message="a relay stayed behind")
    eventually(
        lambda: acknowledged_alerts(county, risks) == len(risks),
        60,
        every=0.5,
        message=lambda: f"{acknowledged_alerts(county, risks)} of {len(risks)} alerts closed",
    )
    received = eventually(
        lambda: routed(outside),
        60,
        until=lambda events: len(events) >= 2 * len(risks),
        message=lambda: f"{len(routed(outside))} of {2 * len(risks)} events routed",
    )
    by_risk: dict[str, list[dict[str, Any]]] = {}
    for event in received:
        by_risk.setdefault(event["subject"], []).append(event)
    assert set(by_risk) == set(risks)
    for events in by_risk.values():  # the order each risk's events were stored in
        assert [e["type"].split(".")[3] for e in events] == [
            "UrgentRiskReported",
            "UrgentRiskAcknowledged",
        ]
        assert events[0]["position"] < events[1]["position"]

    # the same containers, never restarted, all alive
    for container in county.containers.values():
        address = container.config["WEB_SERVER_ADDRESS"]
        assert requests.get(f"http://{address}/live", timeout=10).status_code == 200
    assert requests.get(f"{county.url}/live", timeout=10).status_code == 200
