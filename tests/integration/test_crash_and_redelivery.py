"""SIGKILL between storing and publishing: after a restart nothing stored is
missing on the bus, and a consumer that gets an event twice applies it once;
SIGKILL around a command's commit: the command takes effect once, and its
caller gets the answer."""

import signal

import eventlet
import pytest
from nameko.containers import ServiceContainer

from events import metrics
from events.verify import open_recorder
from tests.support.outside import OutsideSubscriber
from tests.support.published import stored_since
from tests.support.registry import CLUJ, HARNESS, TECHNICIAN
from tests.support.services import call, nameko_config, start_process
from tests.support.tally import TallyApplication, TallyService
from tests.support.waiting import eventually

ENTRY = "services.coordination.service:CoordinationService"


@pytest.fixture
def processes():
    started = []
    yield started
    for p in started:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=20)


@pytest.fixture
def outside(amqp_uri):
    subscriber = OutsideSubscriber(amqp_uri)
    yield subscriber
    subscriber.close()


def test_killed_before_publishing_the_stored_event_goes_out_after_restart(
    store_url, amqp_uri, processes, outside
):
    crashing = start_process(ENTRY, amqp_uri, store_url, COORDONARE_FAULT="relay.before_publish")
    processes.append(crashing)
    call(amqp_uri, "register_municipality", HARNESS, CLUJ.command())
    assert crashing.wait(timeout=30) == -signal.SIGKILL
    assert open_recorder("coordination", store_url).max_notification_id() == 1
    assert outside.nothing_more(wait=0.5)

    processes.append(start_process(ENTRY, amqp_uri, store_url))
    (event,) = outside.receive(1, timeout=30)
    assert event["type"] == "ro.coordonare.coordination.MunicipalityRegistered.v1"
    assert outside.nothing_more(wait=1.0)


def test_killed_after_the_confirm_the_event_goes_out_again_and_takes_effect_once(
    make_store, amqp_uri, processes, outside, monkeypatch
):
    coordination_store, tally_store = make_store(), make_store()
    monkeypatch.setenv("TALLY_STORE_URL", tally_store)
    tally = ServiceContainer(TallyService, nameko_config(amqp_uri))
    tally.start()
    try:
        first = start_process(ENTRY, amqp_uri, coordination_store)
        processes.append(first)
        call(amqp_uri, "register_municipality", HARNESS, CLUJ.command())
        outside.receive(1, timeout=30)
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=20) == 0

        crashing = start_process(
            ENTRY, amqp_uri, coordination_store, COORDONARE_FAULT="relay.after_confirm"
        )
        processes.append(crashing)
        call(amqp_uri, "register_staff", HARNESS, TECHNICIAN.command())
        assert crashing.wait(timeout=30) == -signal.SIGKILL
        staff_event = outside.receive(2, timeout=10)[1]
        assert staff_event["type"] == "ro.coordonare.coordination.StaffRegistered.v1"

        processes.append(start_process(ENTRY, amqp_uri, coordination_store))
        again = outside.receive(3, timeout=30)[2]
        assert again["id"] == staff_event["id"] and again["position"] == staff_event["position"]

        redeliveries = metrics.consumer_redeliveries.labels("tally", "on_staff_registered")
        eventually(lambda: redeliveries._value.get() >= 1)
        counted = TallyApplication(tally_store).tally()
        assert counted is not None and counted.seen == [staff_event["id"]]
        # the command's correlation id followed it through the bus
        assert counted.correlation_ids == [staff_event["correlationid"]]
    finally:
        tally.stop()


@pytest.mark.parametrize("fault", ["command.before_commit", "command.after_commit"])
def test_a_command_killed_around_its_commit_takes_effect_once_and_is_answered(
    fault, store_url, amqp_uri, processes
):
    """nameko acknowledges an RPC only once it replied: a service killed
    before or after its commit gets the same command again when it is back.
    Before the commit nothing was stored, so it acts now; after, it finds the
    command's id recorded and answers with the outcome the caller never got
    (issue 18, ``events.commands``). Either way the caller, still waiting,
    gets the staff member — registered once."""
    first = start_process(ENTRY, amqp_uri, store_url)
    processes.append(first)
    call(amqp_uri, "register_municipality", HARNESS, CLUJ.command())
    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=20) == 0

    crashing = start_process(ENTRY, amqp_uri, store_url, COORDONARE_FAULT=fault)
    processes.append(crashing)
    answer = eventlet.spawn(call, amqp_uri, "register_staff", HARNESS, TECHNICIAN.command())
    assert crashing.wait(timeout=30) == -signal.SIGKILL
    registered = [t for t in stored_since(store_url, 0) if t.endswith("StaffMember.Registered")]
    assert len(registered) == (0 if fault == "command.before_commit" else 1)

    processes.append(start_process(ENTRY, amqp_uri, store_url))
    staff = answer.wait()
    assert isinstance(staff, dict), staff  # the outcome, not "already registered"
    assert staff["role"] == "technician"
    assert len([t for t in stored_since(store_url, 0) if t.endswith("StaffMember.Registered")]) == 1
