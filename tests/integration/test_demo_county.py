"""The demo county that ``make run`` seeds (deploy/demo.py), on the four
services running in-process on the real broker and databases: seeded twice,
it is there once, its logins verify, and the README's walkthrough works —
the technician reports an urgent risk, the coordinator validates the report
that waits for them — while the technician without a contract is refused (R1)."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from nameko.containers import ServiceContainer
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy as UnsignedProxy

from deploy.demo import PEOPLE, SEEDER, moment, operator_signer, proxy_rpc, seed
from events.verify import open_recorder
from services.cases.service import CasesService
from services.coordination.service import CoordinationService
from services.evaluations.service import EvaluationsService
from services.notifications.service import NotificationsService
from tests.support.casework import new_master_key
from tests.support.services import nameko_config
from tests.support.signed import ClusterRpcProxy
from tests.support.waiting import eventually

SERVICES = (NotificationsService, EvaluationsService, CasesService, CoordinationService)


@pytest.fixture
def stack(make_store, amqp_uri, monkeypatch, mailbox) -> Iterator[dict[str, Any]]:
    """The four services in-process, each on its own database; subscribers
    start first, so their queues exist before the events they want."""
    stores = {}
    for service in ("coordination", "cases", "evaluations", "notifications"):
        stores[service] = make_store()
        monkeypatch.setenv(f"{service.upper()}_STORE_URL", stores[service])
    monkeypatch.setenv("CASES_KEYS_URL", make_store())
    monkeypatch.setenv("CASES_MASTER_KEY", new_master_key())
    monkeypatch.setenv("NOTIFICATIONS_WEBHOOK_KEY", new_master_key())
    monkeypatch.setenv("RELAY_POLL_SECONDS", "0.2")
    for name, value in mailbox.env().items():
        monkeypatch.setenv(name, value)
    config = nameko_config(amqp_uri)
    containers = [ServiceContainer(service, config) for service in SERVICES]
    for container in containers:
        container.start()
    # the seeding signs with the operator's key, as `make run` does (ADR 12);
    # the story's own checks sign with the tests' key
    with ClusterRpcProxy(config, timeout=30) as proxy, UnsignedProxy(config, timeout=30) as raw:
        rpc = proxy_rpc(operator_signer().cluster(raw))
        yield {"proxy": proxy, "rpc": rpc, "stores": stores}
    for container in containers:
        container.stop()


OPERATOR_ACT = "events.trust:OperatorAct.Recorded"


def stored_facts(url: str, service: str) -> int:
    """What a store holds, but the operator's calls on record (each seeding
    leaves its own: who looked, and when)."""
    recorder, count, start = open_recorder(service, url), 0, 1
    while page := recorder.select_notifications(start=start, limit=500):
        count += sum(n.topic != OPERATOR_ACT for n in page)
        start = page[-1].id + 1
    return count


def settled(stores: dict[str, str]) -> dict[str, int]:
    """What each store holds once the services have caught up with each
    other's events (no change for a second). The notifications' store is
    left out: its timers deliver and remind on their own."""
    counts: dict[str, int] = {}

    def unchanged() -> dict[str, int] | None:
        nonlocal counts
        now = {
            service: stored_facts(url, service)
            for service, url in stores.items()
            if service != "notifications"
        }
        same, counts = now == counts, now
        return now if same else None

    return eventually(unchanged, 300, every=1, message="the stores never settled")


def test_the_demo_county_is_seeded_once_and_its_walkthrough_works(stack, tmp_path):
    rpc, proxy = stack["rpc"], stack["proxy"]
    users_file = tmp_path / "state" / "users.json"

    first = seed(rpc, users_file)
    assert first["seeded"] == ["tehnician.cluj", "tehnician2.cluj", "tehnician.floresti"]
    before = settled(stack["stores"])
    written = users_file.read_bytes()

    acts = open_recorder("coordination", stack["stores"]["coordination"]).select_notifications(
        start=1, limit=10_000
    )
    assert any(n.topic == OPERATOR_ACT for n in acts)  # the operator's use, on record
    second = seed(rpc, users_file)
    assert second["seeded"] == []
    assert second["walkthrough"] == first["walkthrough"]
    assert settled(stack["stores"]) == before  # nothing stored twice
    assert users_file.read_bytes() == written

    users = logins(users_file)
    assert len(proxy.coordination.list_staff(SEEDER)) == len(PEOPLE) == len(users)
    assert [m["siruta"] for m in proxy.coordination.list_municipalities(SEEDER)] == [
        "54975",
        "57706",
        "57887",
    ]
    for person in PEOPLE:
        user = users[person.username]
        assert PasswordHasher().verify(user["password_hash"], f"demo-{person.username}")
        registered = proxy.coordination.get_staff(SEEDER, user["sub"])
        assert (person.email, user["role"], user["municipality"], user["name"]) == (
            registered["email"],
            registered["role"],
            registered["municipality"],
            registered["full_name"],
        )

    tech, coordinator = as_actor(users["tehnician.cluj"]), as_actor(users["asistent.cluj"])
    coordination = proxy.coordination.coordination_of(SEEDER, tech["id"])
    assert coordination["coordinator_id"] == coordinator["id"]
    plan = proxy.coordination.get_plan(tech, coordination["contract_id"])
    assert {"indicator": "field_visits_per_active_case", "target": 4, "period": "month"} in (
        plan["objectives"]
    )

    [report] = proxy.cases.validation_queue(coordinator)
    case_id = first["walkthrough"]["case_id"]
    assert first["walkthrough"]["document_id"] == report["document_id"]
    assert (report["kind"], report["author_id"], report["case_id"]) == (
        "visit_report",
        tech["id"],
        case_id,
    )
    assert proxy.cases.get_case(tech, case_id)["stage"] == "intervention"

    stages = {c["stage"] for c in proxy.cases.list_cases(SEEDER)}
    assert stages == {"referred", "initial_evaluation", "opened", "assessment", "intervention"}

    uncoordinated = as_actor(users["tehnician.gilau"])
    assert proxy.coordination.coordination_of(SEEDER, uncoordinated["id"]) is None
    assert proxy.coordination.contracts_of_technician(SEEDER, uncoordinated["id"]) == []
    with pytest.raises(RemoteError) as refused:
        proxy.cases.list_cases(uncoordinated)
    assert refused.value.exc_type == "NoActiveCoordination"

    # the walkthrough: an urgent risk reported, the visit report validated
    risk = proxy.cases.report_urgent_risk(
        tech,
        {
            "case_id": case_id,
            "category": "neglect",
            "observations": "Copiii singuri acasă seara, fără căldură.",
            "called_112": False,
            "observed_at": moment(minutes=-15),
        },
    )
    assert risk["coordinator_id"] == coordinator["id"]
    proxy.cases.validate_document(coordinator, {"document_id": report["document_id"]})
    assert proxy.cases.validation_queue(coordinator) == []


def logins(users_file: Path) -> dict[str, dict[str, Any]]:
    assert stat.S_IMODE(users_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(users_file.parent.stat().st_mode) == 0o700
    return {u["username"]: u for u in json.loads(users_file.read_text())["users"]}


def as_actor(user: dict[str, Any]) -> dict[str, Any]:
    return {"id": user["sub"], "role": user["role"], "municipality": user["municipality"]}
