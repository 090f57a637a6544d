"""Where the workload is the cause (guide 4.2.5, 4.2.1, 4.5 step 4).

- Redistributing the tasks is a solution for any difficulty whose cause
  analysis names the workload (``check_redistributable``), and for a
  burnout once identified (case 4 of 4.6).
- Excessive delegation detected from the tasks (4.2.1: "Asistentul social
  coordonator transferă excesiv sarcini tehnicianului, fără supervizare
  adecvată"): when a delegation leaves the technician more open tasks from
  their coordinator than the county allows, the platform raises a
  difficulty about the coordinator (4.5 step 2: the SPAS head leads it),
  one at a time per technician until it is documented.

Pure, but for the county's setting read from the environment.
"""

from __future__ import annotations

import os
from typing import Any

from events.errors import InvalidCommand
from services.coordination.incidents.rules import RedistributionNotApplicable
from services.coordination.incidents.steps import BURNOUT, WORKLOAD_CAUSES

DETECTED = "excessive_delegation"  # an INCIDENT_CAUSES code
DIFFICULTY = "roles_and_competences"  # 4.2.1
DEFAULT_OPEN_TASKS = 20


def open_tasks_limit_from_env() -> int:
    """The county's limit of open tasks one coordinator leaves one technician
    (``EXCESSIVE_DELEGATION_OPEN_TASKS``)."""
    raw = os.environ.get("EXCESSIVE_DELEGATION_OPEN_TASKS", str(DEFAULT_OPEN_TASKS))
    if not raw.isdigit() or int(raw) < 1:
        raise InvalidCommand(
            f"EXCESSIVE_DELEGATION_OPEN_TASKS must be a whole number of tasks, at least 1: {raw!r}"
        )
    return int(raw)


def description(open_tasks: int, limit: int) -> str:
    """What the SPAS head reads (Romanian: a person reads it)."""
    return (
        f"Delegare excesivă (4.2.1): tehnicianul are {open_tasks} sarcini deschise delegate "
        f"de coordonator, peste pragul județului de {limit}. Verificați volumul de muncă și "
        "supervizarea."
    )


def check_redistributable(
    incident_id: str, difficulty_type: str, steps: list[dict[str, Any]]
) -> None:
    """4.5 step 4: redistributing the tasks answers a workload — the cause
    analysed (step 3) names it, whatever the type — or a burnout once
    identified (case 4 of 4.6)."""
    done = {s["step"]: s for s in steps}
    if "identified" not in done:
        raise RedistributionNotApplicable(
            f"incident {incident_id} is not identified yet (step 1 of 4.5)"
        )
    causes = done.get("cause_analysed", {}).get("causes", [])
    if difficulty_type != BURNOUT and not set(causes) & set(WORKLOAD_CAUSES):
        raise RedistributionNotApplicable(
            "tasks are redistributed where the workload is the cause (4.2.5; the cause "
            f"analysis names {' or '.join(WORKLOAD_CAUSES)}) or for emotional strain "
            f"(case 4 of 4.6); incident {incident_id} is {difficulty_type} and its causes "
            f"are {', '.join(causes) or 'not analysed yet (step 3 of 4.5)'}",
            difficulty_type=difficulty_type,
            causes=list(causes),
        )
