"""A county to tell evaluation stories in, through RPC to the coordination
and evaluations services: the county of ``county.py`` (Cluj-Napoca, its
SPAS head, a technician, an expert social worker and a child-protection one
who does not coordinate the technician), and a coordination contract between
the technician and the expert, drafted but not yet signed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from deploy.evaluation_forms import CONCLUSIONS, RESULTS, SHEET, grid_rows
from tests.support.county import build_county, draft
from tests.support.published import stored_since
from tests.support.waiting import eventually


def build_evaluating(rpc: Any, amqp_uri: str) -> dict[str, Any]:
    county = build_county(rpc.coordination, amqp_uri)
    return county | {
        "evaluations": rpc.evaluations,
        "coordination": rpc.coordination,
        "contract": draft(county, county["expert"]),
    }


def sign_contract(world: dict[str, Any]) -> dict[str, Any]:
    """Both sign; the evaluations service hears of it from the event."""
    coordination, key = world["coordination"], {"contract_id": world["contract"]["contract_id"]}
    coordination.sign_contract(world["head"], key)
    signed = coordination.sign_contract(world["expert_actor"], key)
    eventually(
        lambda: world["evaluations"].evaluations_due(world["expert_actor"]),
        message="the evaluations service never heard of the contract",
    )
    return signed


def retry_while(refused_as: str, call: Callable[..., Any], *args: Any, timeout: float = 20) -> Any:
    """Calls until the service stops refusing with ``refused_as`` (it learns
    from events, a moment after the fact)."""
    return eventually(lambda: call(*args), timeout, retrying=(refused_as,), until=lambda _: True)


def evaluate(
    world: dict[str, Any],
    kind: str = "initial",
    observed: dict[str, dict[str, Any]] | None = None,
    self_assessed: dict[str, dict[str, Any]] | None = None,
    conclusions: dict[str, Any] | None = None,
    evaluated_on: str | None = None,
) -> dict[str, Any]:
    """A whole evaluation, written and signed by both."""
    evaluations, sw, tech = world["evaluations"], world["expert_actor"], world["tech_actor"]
    opened = retry_while(
        "ContractNotSigned",
        evaluations.open_evaluation,
        sw,
        {"technician_id": world["tech"]["staff_id"], "kind": kind}
        | ({"evaluated_on": evaluated_on} if evaluated_on else {}),
    )
    key = {"evaluation_id": opened["evaluation_id"]}
    for section, content in (SHEET if kind == "initial" else RESULTS).items():
        evaluations.record_evaluation_section(sw, key | {"section": section, "content": content})
    evaluations.record_observation(sw, key | {"rows": observed or grid_rows(2)})
    if self_assessed:
        evaluations.record_self_assessment(tech, key | {"rows": self_assessed})
    evaluations.record_conclusions(sw, key | {"conclusions": conclusions or CONCLUSIONS})
    evaluations.sign_evaluation(sw, key)
    return evaluations.sign_evaluation(tech, key)


def written_since(store_url: str, position: int) -> list[str]:
    """What the evaluations service itself wrote after ``position``; the
    facts it keeps of the coordination service's events arrive on their own
    time and are left out."""
    return [
        topic
        for topic in stored_since(store_url, position, "evaluations")
        if not topic.startswith("events.following:")
    ]
