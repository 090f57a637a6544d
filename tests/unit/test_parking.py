"""What is parked, and how a replayed event is tracked (ADR 22)."""

from __future__ import annotations

import psycopg2
import pytest
from eventsourcing.persistence import IntegrityError, OperationalError

from events.parking import PARK_AFTER, is_outage, park_after, replayed_tracking
from events.queues import tracking_name


@pytest.mark.parametrize(
    "error",
    [ConnectionRefusedError(), OperationalError("server closed"), psycopg2.OperationalError()],
)
def test_an_outage_is_never_the_events_fault(error: Exception) -> None:
    assert is_outage(error)


@pytest.mark.parametrize("error", [ValueError(), KeyError("x"), IntegrityError("dup"), None])
def test_anything_else_counts_towards_parking(error: Exception | None) -> None:
    assert not is_outage(error)


def test_parking_after_is_configured_and_zero_holds_forever() -> None:
    assert park_after({}) == PARK_AFTER
    assert park_after({"SUBSCRIPTION_PARK_AFTER": "3"}) == 3
    assert park_after({"SUBSCRIPTION_PARK_AFTER": 0}) == 0


def test_a_replayed_event_is_tracked_under_its_own_position() -> None:
    name = tracking_name("notifications", "on_urgent_risks_of_a_long_name")
    first, second = replayed_tracking(name, 12), replayed_tracking(name, 13)
    assert first.notification_id == 12
    assert first.application_name != second.application_name
    assert first == replayed_tracking(name, 12)  # the same again: refused by the store
    longest = replayed_tracking(name, 2**63 - 1)
    assert len(longest.application_name) <= 32  # the library's column
    assert replayed_tracking("cases.on_coordination", 12) != first
