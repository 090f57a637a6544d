"""Optimistic concurrency on the real database: of two writers who loaded
the same version of an aggregate, the second is refused, and an id made
from the content (one feedback per contract and period) is stored once."""

import pytest
from eventsourcing.persistence import IntegrityError
from sqlalchemy import create_engine, text

from events.actor import Actor
from events.team import Coordination, Team
from services.evaluations.application import EvaluationsApplication
from services.evaluations.competence import DuplicateSubmission
from services.evaluations.twoway import CoordinationFeedback

CONTRACT = "00000000-0000-0000-0000-000000000001"
TECH = Team(
    Actor("t-1", "technician"),
    "technician",
    "54975",
    None,
    Coordination("t-1", "s-1", CONTRACT, "54975"),
)
SCORES = {"recommendations_useful": 4, "communication_clear": 3, "support_met_needs": 2}


def feedback() -> CoordinationFeedback:
    return CoordinationFeedback.give(TECH, "2026-Q3", SCORES, "", "")


def test_the_second_of_two_concurrent_writers_is_refused(store_url):
    first, second = EvaluationsApplication(store_url), EvaluationsApplication(store_url)
    try:
        given = feedback()
        first.save(given)
        mine = first.repository.get(given.id)
        theirs = second.repository.get(given.id)
        mine.acknowledge(Team(Actor("s-1", "social_worker"), "social_worker", None), "da")
        theirs.acknowledge(Team(Actor("s-1", "social_worker"), "social_worker", None), "nu")
        first.save(mine)
        with pytest.raises(IntegrityError):
            second.save(theirs)
        with pytest.raises(DuplicateSubmission):
            second.save_or(DuplicateSubmission("once"), feedback())
        assert len(list(first.repository.get(given.id).collect_events())) == 0
        assert first.repository.get(given.id).version == 2
    finally:
        first.close()
        second.close()


def test_a_store_created_without_the_unique_index_gets_it_on_start(store_url):
    EvaluationsApplication(store_url).close()
    engine = create_engine(store_url)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX evaluations_events_aggregate_idx"))
    app = EvaluationsApplication(store_url)
    try:
        app.save(feedback())
        with pytest.raises(IntegrityError):
            app.save(feedback())
    finally:
        app.close()
        engine.dispose()
