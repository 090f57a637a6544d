"""The evaluation is the basis of the delegated tasks and their limits (3.2 B):
an outside publisher — standing in for the evaluations service, with plain
kombu and only what contracts/ says — puts an AutonomyConcluded on the bus,
and the coordinator's next home visit is delegated with autonomy. The same
event redelivered has no second effect; a conclusion naming someone else's
coordinator is not kept; a plan's "autonomous" without an evaluation behind
it is lowered to "guided"."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import kombu
import pytest
from nameko.exceptions import RemoteError

from events import metrics
from events.contracts import check_published
from events.subscribe import tracking_name
from events.verify import open_recorder
from events.vocabulary import DELEGABLE_TASKS
from tests.support.calendar import QUIET
from tests.support.county import activate
from tests.support.published import stored_count, stored_since
from tests.support.waiting import eventually

DUE = (QUIET + timedelta(days=3)).isoformat()  # the county fixture's clock
AUTONOMY_CONCLUDED = "ro.coordonare.evaluations.AutonomyConcluded.v1"


def consumed(outcome):
    return metrics.consumed.labels("coordination", "on_evaluations", outcome)._value.get()


def upstream_position(store_url):
    """The last evaluations position the subscription recorded as handled."""
    recorder = open_recorder("coordination", store_url)
    return recorder.max_tracking_id(tracking_name("evaluations", "on_evaluations"))


def conclusion(county, contract, position, **overrides):
    """The CloudEvent as the evaluations service publishes it
    (contracts/envelope.schema.json + the AutonomyConcluded contract)."""
    evaluation_id = str(uuid.uuid4())
    data = {
        "evaluation_id": evaluation_id,
        "kind": "initial",
        "technician_id": county["tech"]["staff_id"],
        "coordinator_id": contract["coordinator_id"],
        "contract_id": contract["contract_id"],
        "autonomous_tasks": ["home_visit"],
        "support_domains": ["legislation", "documentation"],
        "concluded_on": datetime.now(UTC).date().isoformat(),
    } | overrides
    event = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "/coordonare/evaluations",
        "type": AUTONOMY_CONCLUDED,
        "subject": evaluation_id,
        "time": datetime.now(UTC).isoformat(),
        "datacontenttype": "application/json",
        "data": data,
        "position": position,
        "actor": data["coordinator_id"],
        "actorrole": "social_worker",
        "municipality": "54975",
        "correlationid": f"evaluation-{position}",
    }
    check_published(event)
    return event


def publish(amqp_uri, *events):
    with kombu.Connection(amqp_uri) as conn:
        producer = conn.Producer(
            exchange=kombu.Exchange("coordonare.events", "topic", durable=True)
        )
        for event in events:
            producer.publish(
                json.dumps(event).encode(),
                routing_key=event["type"],
                content_type="application/cloudevents+json",
                content_encoding="utf-8",
                delivery_mode=2,
            )


def home_visit(county, task_type="home_visit"):
    command = {
        "technician_id": county["tech"]["staff_id"],
        "task_type": task_type,
        "instructions": "Vizită la domiciliu: condiții de locuit.",
        "due_at": DUE,
    }
    return county["rpc"].delegate_task(county["expert_actor"], command)


def by_type(delegable):
    return {t["task_type"]: (t["autonomy"], t["source"], t["planned"]) for t in delegable["tasks"]}


def test_an_evaluation_concluded_on_the_bus_lets_the_coordinator_delegate_with_autonomy(
    county, store_url
):
    rpc, coordinator, technician = county["rpc"], county["expert_actor"], county["tech"]
    contract = activate(county)
    assert home_visit(county)["autonomy"] == "supervised"  # no plan, no evaluation
    before = rpc.delegable_tasks(coordinator, technician["staff_id"])
    assert (before["contract_id"], before["evaluation_id"]) == (contract["contract_id"], None)
    assert by_type(before)["home_visit"] == ("supervised", "default", None)

    first = conclusion(county, contract, position=1)
    publish(county["amqp_uri"], first)
    evaluated = eventually(
        lambda: (
            (d := rpc.delegable_tasks(coordinator, technician["staff_id"]))["evaluation_id"] and d
        )
    )
    assert evaluated["evaluation_id"] == first["data"]["evaluation_id"]
    assert by_type(evaluated)["home_visit"] == ("autonomous", "evaluation", None)
    assert by_type(evaluated)["observation"] == ("supervised", "default", None)
    assert home_visit(county)["autonomy"] == "autonomous"

    # at-least-once transport, exactly-once effect: the same event again, then
    # a conclusion by a social worker who is not the contract's coordinator
    stored, duplicates = stored_count(store_url), consumed("duplicate")
    foreign = conclusion(
        county,
        contract,
        position=2,
        coordinator_id=county["child_only"]["staff_id"],
        autonomous_tasks=[],
    )
    publish(county["amqp_uri"], first, foreign)
    eventually(lambda: upstream_position(store_url) == 2)  # in order: the duplicate came first
    assert consumed("duplicate") == duplicates + 1
    assert stored_since(store_url, stored) == []  # neither left anything in the store
    after = rpc.delegable_tasks(coordinator, technician["staff_id"])
    assert after["evaluation_id"] == first["data"]["evaluation_id"]
    assert by_type(after)["home_visit"] == ("autonomous", "evaluation", None)


def test_autonomy_in_the_plan_needs_an_evaluation_behind_it(county):
    rpc, coordinator, technician = county["rpc"], county["expert_actor"], county["tech"]
    contract = activate(county)
    planned = {"home_visit": "supervised", "observation": "autonomous", "mediation": "guided"}
    rpc.draw_up_plan(
        coordinator, {"contract_id": contract["contract_id"], "delegable_tasks": planned}
    )
    assert home_visit(county, "observation")["autonomy"] == "guided"

    publish(county["amqp_uri"], conclusion(county, contract, position=1))
    evaluated = eventually(
        lambda: (
            (d := rpc.delegable_tasks(coordinator, technician["staff_id"]))["evaluation_id"] and d
        )
    )
    assert evaluated["plan_version"] == 1
    assert by_type(evaluated) == {
        "home_visit": ("autonomous", "evaluation", "supervised"),
        "observation": ("guided", "plan", "autonomous"),
        "mediation": ("guided", "plan", "guided"),
    }
    assert home_visit(county)["autonomy"] == "autonomous"
    with pytest.raises(RemoteError) as refused:
        home_visit(county, "collect_data")  # the evaluation never widens the plan's list
    assert refused.value.exc_type == "NotDelegableInPlan"


def test_what_is_delegable_is_read_within_scope_only(county):
    rpc, technician = county["rpc"], county["tech"]
    activate(county)
    own = rpc.delegable_tasks(county["tech_actor"], technician["staff_id"])
    # every delegable type, and no benefit check: administrative work (2.1 §2)
    assert [t["task_type"] for t in own["tasks"]] == list(DELEGABLE_TASKS)
    assert "benefit_check" not in DELEGABLE_TASKS and own["evaluation_id"] is None
    assert rpc.delegable_tasks(county["head"], technician["staff_id"])["tasks"] == own["tasks"]
    with pytest.raises(RemoteError) as refused:
        rpc.delegable_tasks(county["child_only_actor"], technician["staff_id"])
    assert refused.value.exc_type == "TaskAccessDenied"
