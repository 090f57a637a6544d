"""The relay publishes what its own process committed without reading it
back (issue 17): the service is told of each commit with the stored events
themselves, and a run of them that follows on from the relay's position is
exactly how the log goes on from there. Whatever it was not told of —
another replica's events, a hole a failed write left — it reads, as
before; the order on the bus is the log's."""

from typing import Any

import pytest

from events.publisher import ConfirmedPublisher
from events.relay import OutboxRelay
from services.coordination.application import CoordinationApplication
from services.coordination.published import publication_of
from tests.support.log_reads import log_reads
from tests.support.outside import OutsideSubscriber
from tests.support.registry import ADMIN_ACTOR, CLUJ, TECHNICIAN


def hire(app: CoordinationApplication, *names: str) -> None:
    for name in names:
        app.register_staff(ADMIN_ACTOR, **TECHNICIAN.command(email=f"{name}@primaria-cluj.ro"))


@pytest.fixture
def service(store_url, amqp_uri):
    """A replica (its application and its relay, stepped by hand), another
    one on the same store, and an outside subscriber; the municipality
    registered and published (position 1)."""
    app, other = CoordinationApplication(store_url), CoordinationApplication(store_url)
    relay = OutboxRelay(
        "coordination", app, publication_of, ConfirmedPublisher(amqp_uri, "coordonare.events")
    )
    outside = OutsideSubscriber(amqp_uri)
    app.register_municipality(ADMIN_ACTOR, **CLUJ.command())
    assert relay.step() == 1 and [e["position"] for e in outside.receive(1)] == [1]
    yield app, other, relay, outside
    relay.publisher.close()
    outside.close()
    app.close()
    other.close()


@pytest.fixture
def reads(service, monkeypatch) -> list[Any]:
    """Each read of the log by the relay."""
    return log_reads(service[0], monkeypatch)


def positions(outside: OutsideSubscriber, count: int) -> list[int]:
    """The positions of what the subscriber received, the first one aside."""
    return [e["position"] for e in outside.receive(count + 1)][1:]


def test_what_its_process_committed_is_published_without_reading_the_log(service, reads):
    app, _, relay, outside = service
    hire(app, "ana")
    with app.unit_of_work():  # a unit's events, told once it committed
        hire(app, "ion", "maria")
    assert relay.step() == 3
    hire(app, "dan")
    assert relay.step() == 1
    assert positions(outside, 4) == [2, 3, 4, 5]
    assert reads == []
    assert relay.step() == 0 and reads == [5]  # nothing more told: it reads
    assert outside.nothing_more(wait=0.3)


def test_another_replicas_events_between_are_read_in_the_logs_order(service, reads):
    app, other, relay, outside = service
    hire(app, "ana")
    hire(other, "ion")
    hire(app, "maria")
    assert relay.step() == 1  # its own, up to the replica's
    assert reads == []
    assert relay.step() == 2  # the replica's is read, and its own after it
    assert reads == [2]
    assert positions(outside, 3) == [2, 3, 4]


def test_what_the_step_was_told_stops_short_of_is_read_at_once(service, reads):
    """Its own run ends at the replica's event while it knows of its own
    after it: the relay does not wait for the next commit to read on."""
    app, other, relay, _ = service
    hire(app, "ana")
    hire(other, "ion")
    hire(app, "maria")
    relay.step()
    assert relay._more_waiting


def test_a_hole_left_by_a_failed_write_is_read_over(service, reads):
    app, _, relay, outside = service
    hire(app, "ana")
    with pytest.raises(RuntimeError), app.unit_of_work():
        hire(app, "ion")  # its ids taken, never committed
        raise RuntimeError("the command failed after its write")
    hire(app, "maria")
    assert relay.step() == 1 and reads == []
    assert relay.step() == 1 and reads == [2]  # the hole: the log says what comes next
    (first, after_the_hole) = positions(outside, 2)
    assert first == 2 and after_the_hole > 3
    assert outside.nothing_more(wait=0.3)
