"""Units of work on the real database (issue 17): everything a command or a
batch of consumed events reads and writes happens in one transaction. What
it wrote is read back inside it, seen by nobody else until it ends, and gone
entirely (with whatever in memory saw it) when it fails."""

from typing import Any

import eventlet
import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from events.actor import Actor
from events.team import Coordination, Team
from events.verify import verify_store
from events.views import FollowedView
from services.evaluations.application import EvaluationsApplication
from services.evaluations.competence import DuplicateSubmission
from services.evaluations.twoway import CoordinationFeedback

CONTRACT = "00000000-0000-0000-0000-000000000002"
TECH = Team(
    Actor("t-1", "technician"),
    "technician",
    "54975",
    None,
    Coordination("t-1", "s-1", CONTRACT, "54975"),
)
COORDINATOR = Team(Actor("s-1", "social_worker"), "social_worker", None)
SCORES = {"recommendations_useful": 4, "communication_clear": 3, "support_met_needs": 2}


class Stored(FollowedView):
    """How many events the application stored, as a view counts them."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.count = 0

    def apply(self, event: Any) -> None:
        self.count += 1


def feedback(period: str = "2026-Q3") -> CoordinationFeedback:
    return CoordinationFeedback.give(TECH, period, SCORES, "", "")


def test_what_a_unit_stores_is_read_back_in_it_and_seen_by_others_when_it_ends(apps):
    app, replica = apps
    heard: list[int] = []
    app.on_stored(lambda stored: heard.append(len(stored)))

    with app.unit_of_work():
        given = feedback()
        app.save(given)
        found = app.find(given.id, CoordinationFeedback)
        assert found is not None and found.version == 1
        found.acknowledge(COORDINATOR, "mulțumim")
        app.save(found)
        assert app.view(Stored).count == 2
        # not committed: the replica does not see it, the relay is not woken
        assert replica.find(given.id, CoordinationFeedback) is None
        assert heard == []

    assert heard == [2]  # once, for all it committed
    seen = replica.find(given.id, CoordinationFeedback)
    assert seen is not None and seen.version == 2


def test_a_nested_unit_joins_the_outer_one(apps):
    app, replica = apps
    with app.unit_of_work():
        with app.unit_of_work():
            given = feedback()
            app.save(given)
        assert replica.find(given.id, CoordinationFeedback) is None
    assert replica.find(given.id, CoordinationFeedback) is not None


def test_a_failed_unit_stores_nothing_and_forgets_what_saw_its_events(apps):
    app, replica = apps
    given = feedback()
    app.save(given)
    before = app.view(Stored)
    assert before.count == 1
    heard: list[int] = []
    app.on_stored(lambda stored: heard.append(len(stored)))

    with pytest.raises(RuntimeError), app.unit_of_work():
        found = app.get_as(given.id, CoordinationFeedback, LookupError())
        found.acknowledge(COORDINATOR, "da")
        app.save(found, feedback("2026-Q4"))
        seen = app.find(given.id, CoordinationFeedback)
        assert seen is not None and seen.version == 2
        assert app.view(Stored).count == 3
        raise RuntimeError("the command fails after saving")

    assert heard == []
    assert app.view(Stored) is not before  # rebuilt from the log
    assert app.view(Stored).count == 1
    after = app.find(given.id, CoordinationFeedback)
    assert after is not None and after.version == 1
    assert app.chained_recorder.max_notification_id() == 1
    # the aggregate was never left at its rolled-back version: it can be changed
    after.acknowledge(COORDINATOR, "nu")
    app.save(after)
    assert replica.get_as(given.id, CoordinationFeedback, LookupError()).version == 2


def test_a_unit_that_only_read_keeps_its_views(apps):
    app, _ = apps
    app.save(feedback())
    view = app.view(Stored)
    with pytest.raises(LookupError), app.unit_of_work():
        assert app.view(Stored).count == 1
        raise LookupError("a refused command")
    assert app.view(Stored) is view


def test_a_refused_write_undoes_only_itself_and_the_unit_goes_on(apps):
    app, replica = apps
    with app.unit_of_work():
        first = feedback()
        app.save(first)
        with pytest.raises(DuplicateSubmission):
            app.save_or(DuplicateSubmission("once"), feedback())
        later = feedback("2026-Q4")
        app.save(later)
    assert replica.find(first.id, CoordinationFeedback) is not None
    assert replica.find(later.id, CoordinationFeedback) is not None
    assert len(replica.chained_recorder.select_notifications(start=None, limit=10)) == 2


def test_an_expected_outcome_commits_what_the_unit_did_and_goes_on(apps):
    app, replica = apps
    heard: list[int] = []
    app.on_stored(lambda stored: heard.append(len(stored)))
    with pytest.raises(LookupError), app.unit_of_work(commit_on=(LookupError,)):
        given = feedback()
        app.save(given)  # e.g. a refusal, recorded before the error goes back
        raise LookupError("refused")
    assert heard == [1]
    assert replica.find(given.id, CoordinationFeedback) is not None


def test_units_writing_at_once_neither_deadlock_nor_break_the_chain(apps, store_url):
    """Consumers (position first, then events) and commands (events with a
    position) of one upstream, 40 units at once on two replicas: each unit
    takes the table lock before the position's row, so none waits on
    another in a circle; a position behind one already stored is refused."""
    app, replica = apps
    outcomes: list[str] = []

    def consumer(n: int, on: EvaluationsApplication) -> None:
        try:
            with on.unit_of_work():
                on.save_processed(Tracking("upstream", n))
                on.save(feedback(f"{2000 + n}-01"))
            outcomes.append("stored")
        except IntegrityError:
            outcomes.append("behind")

    def command(n: int, on: EvaluationsApplication) -> None:
        try:
            with on.unit_of_work():
                found = on.find(feedback(f"{2000 + n - 1}-01").id, CoordinationFeedback)
                on.save_processed(Tracking("upstream", n), feedback(f"{2000 + n}-02"), found)
            outcomes.append("stored")
        except IntegrityError:
            outcomes.append("behind")

    workers = [
        eventlet.spawn(consumer if n % 2 else command, n, app if n % 4 < 2 else replica)
        for n in range(1, 41)
    ]
    for worker in workers:
        worker.wait()  # a deadlock would raise here (PostgreSQL breaks it with an error)

    assert len(outcomes) == 40 and "stored" in outcomes
    stored = app.chained_recorder.select_notifications(start=None, limit=1000)
    assert len(stored) == sum(1 for o in outcomes if o == "stored")  # one event per unit
    assert verify_store("evaluations", store_url).intact


def test_a_failed_unit_keeps_the_views_it_did_not_read_after_writing(apps):
    """A rebuild reads the whole log: only a view caught up after the unit's
    first write can hold its rows, so only such a view is dropped."""
    app, _ = apps
    app.save(feedback())
    view = app.view(Stored)
    with pytest.raises(RuntimeError), app.unit_of_work():
        assert app.view(Stored).count == 1  # read before writing
        app.save(feedback("2026-Q4"))
        raise RuntimeError("the command fails after saving")
    assert app.view(Stored) is view
    assert app.view(Stored).count == 1


class Other(Stored):
    """A second view of the same log."""


def test_a_units_views_read_the_head_once_until_it_writes(apps, monkeypatch):
    app, replica = apps
    app.save(feedback())
    heads: list[int] = []
    ask = app.recorder.max_notification_id

    def counted() -> int:
        heads.append(ask())
        return heads[-1]

    monkeypatch.setattr(app.recorder, "max_notification_id", counted)
    with app.unit_of_work():
        replica.save(feedback("2026-Q4"))  # committed by another replica meanwhile
        assert app.view(Stored).count == 2
        replica.save(feedback("2027-Q1"))
        # the head this unit read for its first view: its views agree
        assert app.view(Other).count == 2
        assert heads == [2]
        app.save(feedback("2027-Q2"))
        # once it wrote, read afresh: its own write and what came before
        assert app.view(Other).count == 4
        assert heads == [2, 4]
    assert app.view(Stored).count == 4



def test_aggregates_read_ahead_together_are_found_as_stored(apps):
    """Read ahead in one round trip (a case with its consent): an aggregate
    another replica changed since this one cached it is found as it is now,
    one the unit then stores is found as stored, and one that does not
    exist is not found."""
    app, replica = apps
    given = feedback()
    app.save(given)
    assert app.find(given.id, CoordinationFeedback) is not None  # cached at version 1
    theirs = replica.find(given.id, CoordinationFeedback)
    assert theirs is not None
    theirs.acknowledge(COORDINATOR, "mulțumim")
    replica.save(theirs)
    later = feedback("2026-Q4")
    with app.unit_of_work():
        app.read_ahead(given.id, later.id)
        found = app.find(given.id, CoordinationFeedback)
        assert found is not None and found.version == 2
        app.read_ahead(later.id)
        app.save(later)  # what was read ahead of it is stale now
        assert app.find(later.id, CoordinationFeedback) is not None
    with app.unit_of_work():
        app.read_ahead(later.id, feedback("2027-Q1").id)
        assert app.find(feedback("2027-Q1").id, CoordinationFeedback) is None
        assert app.find(later.id, CoordinationFeedback) is not None
