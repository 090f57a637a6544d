"""A command's id is claimed when it starts (issue 17, ``events.commands``):
the look-up a command needs anyway inserts its row, and the outcome is
written with the commit, in the commit's round trip. Two replicas on one
PostgreSQL store, each running the command in its own unit of work."""

from typing import Any

import eventlet
import pytest
from eventlet.event import Event

from events.team import Team
from services.evaluations.twoway import CoordinationFeedback
from tests.integration.test_unit_of_work import SCORES, TECH

COMMAND_ID = "1e2d3c4b-5a69-4788-97a6-b5c4d3e2f1a0"


def feedback(team: Team) -> CoordinationFeedback:
    return CoordinationFeedback.give(team, "2026-Q4", SCORES, "", "")


class Broken(Exception):
    """Not a domain outcome: the unit rolls back, and nothing is recorded."""


def test_a_duplicate_arriving_while_the_first_runs_waits_and_answers_its_outcome(apps):
    """The phone sent the command again while the first delivery was still
    being worked on, by another replica: the second waits for the first to
    commit and answers what it answered, without running."""
    app, replica = apps
    inside, release = Event(), Event()
    runs: list[str] = []

    def first() -> dict[str, Any]:
        runs.append("first")
        inside.send()
        release.wait()
        given = feedback(TECH)
        app.save(given)
        return {"feedback_id": str(given.id)}

    def again() -> dict[str, Any]:
        runs.append("again")
        return {"feedback_id": "never"}

    running = eventlet.spawn(app.commands.once, COMMAND_ID, "t-1", "give_feedback", first)
    inside.wait()
    waiting = eventlet.spawn(replica.commands.once, COMMAND_ID, "t-1", "give_feedback", again)
    eventlet.sleep(0.5)
    assert not waiting.dead  # held at its claim by the first one's row
    release.send()
    answered = running.wait()
    assert waiting.wait() == answered
    assert runs == ["first"]
    assert app.commands.once(COMMAND_ID, "t-1", "give_feedback", again) == answered


def test_a_first_run_that_fails_leaves_the_id_to_the_duplicate(apps):
    """The first delivery broke before its commit: its claim went with its
    rollback, and the duplicate that waited runs the command itself."""
    app, replica = apps
    inside, release = Event(), Event()

    def breaks() -> dict[str, Any]:
        inside.send()
        release.wait()
        app.save(feedback(TECH))
        raise Broken("the store went away")

    def runs() -> dict[str, Any]:
        given = feedback(TECH)
        replica.save(given)
        return {"feedback_id": str(given.id)}

    failing = eventlet.spawn(app.commands.once, COMMAND_ID, "t-1", "give_feedback", breaks)
    inside.wait()
    waiting = eventlet.spawn(replica.commands.once, COMMAND_ID, "t-1", "give_feedback", runs)
    eventlet.sleep(0.5)
    release.send()
    with pytest.raises(Broken):
        failing.wait()
    answered = waiting.wait()
    assert answered["feedback_id"] != "never"
    # one feedback stored: the broken one was rolled back with its claim
    assert [n.topic for n in replica.recorder.select_notifications(1, 10)] == [
        "services.evaluations.twoway:CoordinationFeedback.Given"
    ]
    assert replica.commands.once(COMMAND_ID, "t-1", "give_feedback", runs) == answered
