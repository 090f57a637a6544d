"""The broker accounts' patterns (events/broker.py), read as RabbitMQ reads
them (a regular expression searched in the name or routing key), and the
k8s copy of them kept fresh. The broker's own refusal is shown in
tests/integration/test_broker_accounts.py."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from events import broker
from events.cloudevent import event_type

ROOT = Path(__file__).resolve().parents[2]


def allowed(pattern: str, name: str) -> bool:
    return re.search(pattern, name) is not None


def account(name: str) -> broker.Account:
    return next(a for a in broker.accounts() if a.name == name)


def test_a_service_publishes_only_its_own_event_types() -> None:
    write, _ = account("cases").topics["coordonare.events"]
    assert allowed(write, event_type("cases", "CaseReferred", 1))
    assert not allowed(write, event_type("coordination", "ContractSigned", 1))
    assert not allowed(write, "ro.coordonare.casesx.CaseReferred.v1")
    assert not allowed(write, "x.ro.coordonare.cases.CaseReferred.v1")


def test_a_service_answers_rpc_but_calls_no_other_service() -> None:
    write, read = account("cases").topics["nameko-rpc"]
    assert allowed(write, str(uuid.uuid4()))  # a reply to its caller
    assert not allowed(write, "coordination.register_municipality")
    assert allowed(read, "cases.*") and not allowed(read, "coordination.*")


def test_the_gateway_calls_the_services_and_publishes_only_its_refusals() -> None:
    gateway = account("gateway")
    write, _ = gateway.topics["nameko-rpc"]
    assert allowed(write, "cases.get_case")
    assert not allowed(write, str(uuid.uuid4()))
    published, _ = gateway.topics["coordonare.events"]
    assert allowed(published, event_type("gateway", "CommandRefused", 1))
    assert not allowed(published, event_type("cases", "CaseOpened", 1))
    for name in ("coordonare.events", "coordonare.gateway.log", "coordonare.gateway.fill"):
        assert allowed(gateway.write, name)
    assert not allowed(gateway.write, "coordonare.cases.log")
    assert allowed(gateway.configure, f"rpc.reply-gateway-{uuid.uuid4()}")
    assert not allowed(gateway.configure, "rpc-cases")
    services = [a for a in broker.accounts() if a.name in broker.SERVICES]
    assert not any(allowed(a.write, "coordonare.gateway.log") for a in services)


def test_a_service_declares_only_its_own_queues() -> None:
    cases = account("cases")
    for queue in ("rpc-cases", "coordonare.cases.follow", "coordonare.cases.follow.dead"):
        assert allowed(cases.configure, queue)
    for queue in ("rpc-coordination", "coordonare.coordination.follow", "rpc-casesx"):
        assert not allowed(cases.configure, queue)


def test_no_account_is_guest_and_each_uri_carries_its_own() -> None:
    assert all(a.user != "guest" for a in broker.accounts())
    uri = broker.account_uri("amqps://guest:guest@rabbitmq:5671", "coordonare-cases", "p/w")
    assert uri == "amqps://coordonare-cases:p%2Fw@rabbitmq:5671/coordonare"


def test_nothing_that_runs_or_tests_the_platform_logs_in_as_guest() -> None:
    """``make run``, ``make test``, ``make bench`` and the manifests work with
    the ``guest`` account removed from the broker."""
    paths = [ROOT / "Makefile", ROOT / "deploy", ROOT / "k8s", ROOT / "tests", ROOT / "events"]
    paths += [ROOT / "services", ROOT / "gateway"]
    files = [f for p in paths for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file()]
    credential = re.compile(r"""guest:|['"]guest['"]""")
    mine = {Path(__file__).name}  # these test files name guest to show it is absent
    found = [
        str(f.relative_to(ROOT))
        for f in files
        if f.suffix in {".py", ".sh", ".yaml", ".yml", ""}
        and f.name not in mine
        and credential.search(f.read_text(errors="ignore"))
    ]
    assert found == []


def test_the_k8s_accounts_are_the_ones_make_run_creates() -> None:
    written = (ROOT / "k8s" / "broker-accounts.yaml").read_text()
    assert written == broker.k8s_manifests(), "run `make catalogue`"
