"""The evaluations service's contract is complete and says what its code
does: a command schema for every RPC command, an event schema for every
publication, and every stored event of a whole evaluation story published
as its contract says, without the sheets' text."""

import json
from datetime import date
from pathlib import Path

from jsonschema import Draft202012Validator

from deploy.evaluation_forms import CONCLUSIONS, SHEET, grid_rows
from events import checkpoint, contracts
from events.refusals import Refusal
from services.evaluations.competence import NotYourTechnician
from services.evaluations.domain import Evaluation, EvaluationFile
from services.evaluations.monitoring import Checklist, ProgressReport
from services.evaluations.published import publication_of
from services.evaluations.report import EmployerReport
from services.evaluations.twoway import CoordinationFeedback, ProcessEvaluation
from tests.support.contract_code import commands_declared
from tests.support.old_sessions import session_recorded_before
from tests.support.published import as_published
from tests.unit.test_evaluation_domain import COORDINATION, SW, TECH

ROOT = Path(__file__).parents[2]
SERVICE = ROOT / "services" / "evaluations" / "service.py"
PUBLISHED = ROOT / "services" / "evaluations" / "published.py"
COMMANDS = contracts.CONTRACTS_DIR / "commands" / "evaluations"
EVENTS = contracts.CONTRACTS_DIR / "events" / "evaluations"
TODAY = date(2026, 9, 1)


def test_every_command_has_its_schema_and_every_schema_its_command():
    in_code = commands_declared(SERVICE)
    on_file = {p.name.removesuffix(".schema.json") for p in COMMANDS.glob("*.schema.json")}
    assert on_file == in_code and len(in_code) == 15


def test_every_schema_is_a_valid_closed_draft_2020_12_schema_named_for_its_file():
    for path in [*COMMANDS.glob("*.schema.json"), *EVENTS.glob("*.schema.json")]:
        doc = json.loads(path.read_text())
        Draft202012Validator.check_schema(doc)
        relative = path.relative_to(contracts.CONTRACTS_DIR).as_posix()
        assert doc["$id"] == f"https://coordonare.ro/contracts/{relative}"
        assert doc["additionalProperties"] is False and doc["description"], path.name


def whole_story() -> list:
    """Every kind of stored event the service writes, from one story."""
    file = EvaluationFile.start(SW.actor, COORDINATION)
    evaluation = Evaluation.open(SW.actor, COORDINATION, file, "initial", TODAY)
    for section, content in SHEET.items():
        evaluation.record_section(SW, section, content)
    evaluation.observe(SW, grid_rows(2))
    evaluation.self_assess(TECH, grid_rows(3))
    evaluation.conclude(SW, CONCLUSIONS)
    evaluation.sign(SW, TODAY)
    evaluation.sign(TECH, TODAY)
    file.completed_one(SW.actor, evaluation)
    checklist = Checklist.complete(
        SW,
        COORDINATION,
        activity="home_visit",
        observed="after",
        observed_on="2026-08-31",
        items=[{"criterion": "role_limits_respected", "result": "met"}],
        comment="",
        task_id=None,
        today=TODAY,
    )
    content = {"activities": "a", "results": "r", "impact_on_beneficiaries": "i"}
    report = ProgressReport.submit(TECH, "2026-08", content)
    report.review(SW, False, "mai mult")
    report.resubmit(TECH, content | {"results": "r2"})
    report.review(SW, True, "")
    session = session_recorded_before(SW, TECH, COORDINATION, "2026-08-31", 30)
    scores = {"recommendations_useful": 3, "communication_clear": 3, "support_met_needs": 3}
    feedback = CoordinationFeedback.give(TECH, "2026-Q3", scores, "", "")
    feedback.acknowledge(SW, "")
    process = ProcessEvaluation.record(
        TECH,
        None,
        {
            "period": "2026-Q3",
            "scores": {
                "objectives_set_and_communicated": 3,
                "roles_clear_and_respected": 3,
                "recommendations_relevant": 3,
                "methods_efficient": 3,
            },
        },
    )
    record = {
        "technician_id": COORDINATION.technician_id,
        "municipality": "54975",
        "coordinator_id": SW.id,
        "evaluations": {},
        "checklists": [],
        "progress_reports": {},
        "feedback_sessions": [],
        "coordination_feedback": {},
    }
    issued = EmployerReport.issue(SW, record, "54975", None, None)
    refusal = Refusal.record(SW.actor, "open_evaluation", NotYourTechnician("no"), "t")
    aggregates = [file, evaluation, checklist, report, session, feedback, process, issued, refusal]
    return [e for a in aggregates for e in a.collect_events()]


def test_every_stored_event_is_published_as_its_contract_says_and_without_text():
    bodies, names = [], set()
    for position, event in enumerate(whole_story(), start=1):
        body = as_published(event, position, "evaluations", publication_of)
        if body is None:
            assert isinstance(event, EvaluationFile.Event)
            continue
        bodies.append(body)
        names.add(body["type"].split(".")[3])
    on_file = {p.name.removesuffix(".v1.schema.json") for p in EVENTS.glob("*.v1.schema.json")}
    assert names == on_file - {checkpoint.NAME}  # it signs the store (ADR 23)
    published = json.dumps(bodies, ensure_ascii=False)
    for text in ("Primăria Turda", "legislația beneficiilor", "mai mult", "util"):
        assert text not in published
