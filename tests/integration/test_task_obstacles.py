"""Obstacles on the real broker (2.3.3; the operational checklist: "nu se
amână pe termen nedefinit"): a task held up by an obstacle is answered by
the coordinator and resumed by the technician; left unanswered, it reminds
the coordinator, then escalates to the SPAS head."""

from datetime import UTC, datetime, timedelta

from events.contracts import check_published
from tests.support.notifying import advance, inbox_kinds
from tests.support.outside import OutsideSubscriber
from tests.support.waiting import eventually


def delegated(world):
    rpc = world["rpc"].coordination
    command = {
        "technician_id": world["tech"]["staff_id"],
        "task_type": "home_visit",
        "instructions": "Vizită la domiciliu: condiții de locuit.",
        "due_at": (datetime.now(UTC) + timedelta(days=10)).isoformat(),
        "priority": "normal",
    }
    sheet = rpc.delegate_task(world["expert_actor"], command)
    key = {"task_id": sheet["task_id"]}
    rpc.accept_task(world["tech_actor"], key)
    rpc.report_task_obstacle(world["tech_actor"], key | {"obstacle": "lack_of_transport"})
    return key


def test_the_coordinator_answers_an_obstacle_and_the_technician_resumes(notifying):
    """2.3.3: guidance answers it; the technician completes the task; no
    reminder about the obstacle ever goes out."""
    world = notifying
    rpc = world["rpc"].coordination
    outside = OutsideSubscriber(world["amqp_uri"], "ro.coordonare.coordination.#")
    try:
        key = delegated(world)
        answer = {"answer": "guidance", "note": "Mergeți cu mașina primăriei, joi."}
        resumed = rpc.answer_task_obstacle(world["expert_actor"], key | answer)
        assert resumed["status"] == "accepted"
        done = rpc.complete_task(world["tech_actor"], key | {"result": "Vizită efectuată"})
        assert done["status"] == "completed"
        events = outside.receive(5)  # delegated, accepted, obstacle, answer, completed
        for event in events:
            check_published(event)
        assert [e["type"].split(".")[3] for e in events][2:] == [
            "TaskObstacleReported",
            "TaskObstacleAnswered",
            "TaskCompleted",
        ]
        assert "mașina" not in str(events)
    finally:
        outside.close()
    advance(world, hours=50)
    world["notifications"].run_timers(world["county_admin"])
    assert "task_obstacle_unanswered" not in inbox_kinds(world, world["expert_actor"])


def test_an_unanswered_obstacle_reminds_the_coordinator_then_the_spas_head(notifying):
    """2.3.3: left unanswered a day, the coordinator is reminded; another
    day, the SPAS head."""
    world = notifying
    delegated(world)
    advance(world, hours=25)
    kinds = eventually(
        lambda: "task_obstacle_unanswered" in inbox_kinds(world, world["expert_actor"])
    )
    assert kinds
    advance(world, hours=25)
    assert eventually(lambda: "task_obstacle_escalated" in inbox_kinds(world, world["head"]))
