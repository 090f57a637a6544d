"""Where a webhook may point, and what is published when a delivery fails:
the rules of destinations.py told address by address, and a failure stored
before categories existed read with its category. Pure: no name is looked
up (the resolver is the test's), nothing is connected to."""

import ipaddress
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from eventsourcing.persistence import StoredEvent

from events.actor import Actor
from events.vocabulary.notifications import FAILURE_CATEGORIES
from services.notifications.application import NotificationsApplication
from services.notifications.destinations import DestinationRefused, Policy
from services.notifications.domain import Notification, notification_id
from services.notifications.outcomes import category_of_reason
from services.notifications.published import publication_of
from services.notifications.recipients import webhook_secret

PUBLIC = "93.184.216.34"
SYSTEM = Actor("notifications", "system")


def resolving_to(*addresses: str):
    return lambda host, port: list(addresses)


def why_refused(policy: Policy, url: str, *addresses: str) -> str:
    with pytest.raises(DestinationRefused) as refused:
        policy.resolve(url, resolving_to(*addresses))
    assert "webhook" in refused.value.message.lower()  # in Romanian, for a person
    for address in addresses:  # an inside name's address is not told (nor published)
        assert address not in refused.value.message
    return refused.value.why


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "169.254.0.1",
        "0.0.0.0",
        "100.64.0.1",
        "224.0.0.251",
        "239.255.255.250",
        "255.255.255.255",
        "240.0.0.1",
        "192.0.2.10",
        "198.18.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "2001:db8::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a00:1",
        "2002:a00:1::1",
    ],
)
def test_an_internal_or_reserved_address_is_refused_however_it_is_written(address):
    assert why_refused(Policy(), "https://hooks.dgaspc-cluj.example/h", address) == (
        "blocked_address"
    )
    literal = f"[{address}]" if ":" in address else address
    assert why_refused(Policy(), f"https://{literal}/h") == "blocked_address"


def test_a_public_address_is_connected_to_as_resolved_with_the_name_as_host():
    where = Policy().resolve("https://Hooks.DGASPC-cluj.example:8443/h?x=1", resolving_to(PUBLIC))
    assert (where.address, where.port) == (PUBLIC, 8443)
    assert where.hostname == "hooks.dgaspc-cluj.example"
    assert where.host_header == "hooks.dgaspc-cluj.example:8443" and where.target == "/h?x=1"
    assert Policy().resolve("https://[2606:4700::1]/", resolving_to()).host_header == (
        "[2606:4700::1]"
    )


def test_one_internal_address_among_public_ones_refuses_the_name():
    assert why_refused(Policy(), "https://hooks.example/h", PUBLIC, "10.1.2.3") == (
        "blocked_address"
    )


def test_plain_http_credentials_and_odd_urls_are_refused_before_any_lookup():
    def no_lookup(host, port):
        raise AssertionError("looked up")

    for url, why in [
        ("http://hooks.example/h", "not_https"),
        ("https://dispecer:parola@hooks.example/h", "credentials_in_url"),
        ("https://token@hooks.example/h", "credentials_in_url"),
        ("ftp://hooks.example/h", "bad_url"),
        ("https:///h", "bad_url"),
        ("https://hooks.example:99999/h", "bad_url"),
        ("https://hooks.example/h#f", "bad_url"),
    ]:
        with pytest.raises(DestinationRefused) as refused:
            Policy().check_url(url)
            Policy().resolve(url, no_lookup if why != "not_https" else resolving_to(PUBLIC))
        assert refused.value.why == why, url


def test_a_name_that_does_not_resolve_is_refused_as_unresolved():
    def nowhere(host, port):
        raise OSError("no such name")

    with pytest.raises(DestinationRefused) as refused:
        Policy().resolve("https://nowhere.example/h", nowhere)
    assert refused.value.why == "unresolved"


def test_a_demo_allows_loopback_and_http_only_there_and_the_allow_list_its_networks():
    demo = Policy(demo=True)
    assert demo.resolve("http://sink.test:9000/h", resolving_to("127.0.0.1")).address == (
        "127.0.0.1"
    )
    assert why_refused(demo, "http://hooks.example/h", PUBLIC) == "not_https"
    assert why_refused(demo, "https://hooks.example/h", "10.0.0.1") == "blocked_address"
    allowed = Policy(allowed=(ipaddress.ip_network("10.20.0.0/16"),))
    assert allowed.resolve("https://crm.intern/h", resolving_to("10.20.3.4")).address == (
        "10.20.3.4"
    )
    assert why_refused(allowed, "https://crm.intern/h", "10.21.0.1") == "blocked_address"
    assert why_refused(allowed, "http://crm.intern/h", "10.20.3.4") == "not_https"


def test_the_allow_list_and_demo_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEBHOOK_ALLOWED_NETWORKS", "10.20.0.0/16, fd00:1::/64")
    monkeypatch.setenv("WEBHOOK_DEMO", "1")
    policy = Policy.from_env()
    assert policy.demo and [str(n) for n in policy.allowed] == ["10.20.0.0/16", "fd00:1::/64"]
    monkeypatch.setenv("WEBHOOK_ALLOWED_NETWORKS", "zece")
    with pytest.raises(RuntimeError, match="WEBHOOK_ALLOWED_NETWORKS"):
        Policy.from_env()


def test_rotation_gives_a_standard_webhooks_secret_of_its_own():
    key, webhook = b"k" * 32, notification_id("a", "b", "c")
    first, second = webhook_secret(key, webhook), webhook_secret(key, webhook, 1)
    assert first.startswith("whsec_") and second.startswith("whsec_") and first != second
    assert webhook_secret(key, webhook, 1) == second  # derived again, never stored


def test_a_failure_stored_before_categories_reads_with_one_and_publishes_only_it(tmp_path):
    app = NotificationsApplication(f"sqlite:///{tmp_path / 'notifications.db'}")
    note = Notification.create(
        SYSTEM,
        notification_id("alert", "hook", "alert"),
        kind="urgent_risk_alert",
        recipient_id="hook",
        recipient_role="webhook",
        subject="s",
        text="t",
        link="l",
        payload={"kind": "urgent_risk_alert"},
        targets={"webhook": "hook"},
        now=datetime(2026, 11, 30, 9, tzinfo=UTC),
    )
    note.claim(SYSTEM, "webhook", datetime(2026, 11, 30, 9, tzinfo=UTC))
    note.failed(SYSTEM, "webhook", "webhook: HTTP 404", None, "rejected")
    failed = note.collect_events()[-1]
    stored = app.mapper.to_stored_event(failed)
    state = app.mapper.transcoder.decode(stored.state)
    assert state["class_version"] == 2 and state["category"] == "rejected"
    # as v1 stored it: no category, no class version
    old = {k: v for k, v in state.items() if k not in ("category", "class_version")}
    loaded = app.mapper.to_domain_event(replace(stored, state=app.mapper.transcoder.encode(old)))
    assert isinstance(stored, StoredEvent) and loaded.category == "rejected"
    published = publication_of(loaded)
    assert published.version == 2 and published.data["category"] == "rejected"
    assert "reason" not in published.data and "404" not in str(published.data)
    app.close()


@pytest.mark.parametrize(
    ("reason", "category"),
    [
        ("webhook: HTTP 500", "unavailable"),
        ("webhook: HTTP 429", "unavailable"),
        ("webhook: HTTP 404", "rejected"),
        ("webhook: no answer within 5.0 s", "timeout"),
        ("webhook: connection refused", "unreachable"),
        ("webhook: bad URL 'http://10.0.0.1:22/'", "invalid"),
        ("webhook: removed", "removed"),
        ("webhook: TLS error", "tls"),
        ("smtp: recipient refused (550 no such mailbox)", "rejected"),
        ("smtp: 451 try later", "unavailable"),
        ("smtp: something new", "error"),
    ],
)
def test_old_reasons_map_to_categories(reason, category):
    assert category_of_reason(reason) == category and category in FAILURE_CATEGORIES
