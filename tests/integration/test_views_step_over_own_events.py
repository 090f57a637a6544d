"""A view steps over what its own process committed (issue 17): on one
replica, the stretch of log a command's views catch up over is mostly the
previous commands' own events, of topics those views do not follow. The view
moves past them without reading the log, and reads it whenever the stretch
holds anything it was not told of: another replica's events, a rolled-back
write, an event of a topic it follows."""

from typing import Any

import pytest

from events.views import OwnLog
from services.evaluations.twoway import CoordinationFeedback
from tests.integration.test_unit_of_work import COORDINATOR, Stored, feedback
from tests.support.log_reads import log_reads

ACKNOWLEDGED = f"{CoordinationFeedback.__module__}:CoordinationFeedback.Acknowledged"


class Acknowledgements(Stored):
    """Counts acknowledgements only."""

    TOPICS = [ACKNOWLEDGED]


@pytest.fixture
def reads(apps, monkeypatch) -> list[Any]:
    """Each read of the log by the first replica's views."""
    return log_reads(apps[0], monkeypatch)


def test_a_view_steps_over_its_own_processes_events_of_other_topics(apps, reads):
    app, _ = apps
    assert app.view(Acknowledgements).count == 0
    reads.clear()
    for n in range(3):
        app.save(feedback(f"2026-Q{n + 1}"))
        assert app.view(Acknowledgements).count == 0
        with app.unit_of_work():  # in a unit too, one head for the unit
            app.save(feedback(f"2027-Q{n + 1}"))
        assert app.view(Acknowledgements).count == 0
    assert reads == []
    assert app.view(Acknowledgements).position == app.recorder.max_notification_id()
    # a view that follows every topic reads them, its own or not
    assert app.view(Stored).count == 6


def test_an_event_it_follows_is_read_and_applied_even_when_its_own(apps, reads):
    app, _ = apps
    given = feedback("2026-Q1")
    app.save(given)
    assert app.view(Acknowledgements).count == 0
    given.acknowledge(COORDINATOR, "mulțumim")
    app.save(given)
    reads.clear()
    assert app.view(Acknowledgements).count == 1
    assert len(reads) == 1


def test_another_replicas_events_are_read(apps, reads):
    app, replica = apps
    app.save(feedback("2026-Q1"))
    assert app.view(Acknowledgements).count == 0
    given = feedback("2026-Q2")
    replica.save(given)
    given.acknowledge(COORDINATOR, "mulțumim")
    replica.save(given)
    app.save(feedback("2026-Q3"))  # its own, after the replica's
    reads.clear()
    assert app.view(Acknowledgements).count == 1
    assert len(reads) == 1


def test_a_rolled_back_write_is_never_taken_as_known(apps, reads):
    """Only what committed is kept: a write rolled back stored nothing."""
    app, replica = apps
    assert app.view(Acknowledgements).count == 0
    before = app.recorder.max_notification_id() or 0
    with pytest.raises(RuntimeError), app.unit_of_work():
        app.save(feedback("2026-Q1"))
        assert app.view(Acknowledgements).count == 0  # (its own uncommitted write, read)
        raise RuntimeError("the command fails after saving")
    assert app.own_log.topics_between(before, before + 1) is None
    given = feedback("2026-Q2")
    replica.save(given)
    given.acknowledge(COORDINATOR, "mulțumim")
    replica.save(given)
    reads.clear()
    assert app.view(Acknowledgements).count == 1
    assert reads != []


def test_what_is_kept_is_bounded_and_a_gap_means_reading() -> None:
    own = OwnLog()
    own.KEPT = 10
    own.committed((n, "t") for n in range(1, 16))
    assert own.topics_between(5, 15) == frozenset({"t"})
    assert own.topics_between(4, 15) is None  # id 5 is no longer kept
    own.committed([(17, "u")])
    assert own.topics_between(15, 17) is None  # 16: never committed here
    assert own.topics_between(16, 17) == frozenset({"u"})
