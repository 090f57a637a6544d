"""The evaluation of a technician as the guide has it (3.2 B and E, 3.3,
annexes 1–2), on the pure domain."""

from datetime import date

import pytest

from deploy.evaluation_forms import CONCLUSIONS, RESULTS, SHEET, grid_rows
from events.actor import Actor
from events.team import Coordination, Team
from services.evaluations.competence import (
    AlreadySigned,
    ContractNotSigned,
    EvaluationIncomplete,
    EvaluationOutOfOrder,
    EvaluationSigned,
    NoActiveCoordination,
    NotYourTechnician,
    check_evaluator,
)
from services.evaluations.domain import Evaluation, EvaluationFile
from services.evaluations.grid import DOMAINS, LevelOutsideScale, UnknownDomain, progress
from services.evaluations.monitoring import Checklist, ProgressReport, check_period
from services.evaluations.report import employer_report
from services.evaluations.sheet import InvalidSheet
from services.evaluations.twoway import CoordinationFeedback

SW_ID, TECH_ID = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"
COORDINATION = Coordination(TECH_ID, SW_ID, "33333333-3333-3333-3333-333333333333", "54975")
TECH = Team(Actor(TECH_ID, "technician", "54975"), "technician", "54975", None, COORDINATION)
SW = Team(
    Actor(SW_ID, "social_worker"), "social_worker", None, "AS100", None, {TECH_ID: COORDINATION}
)
OTHER_SW = Team(Actor("sw-2", "social_worker"), "social_worker", None, "AS200")
TODAY = date(2026, 9, 1)


def opened(kind: str = "initial", file: EvaluationFile | None = None) -> Evaluation:
    file = file or EvaluationFile.start(SW.actor, COORDINATION)
    return Evaluation.open(SW.actor, COORDINATION, file, kind, TODAY)


def written(evaluation: Evaluation, sheet=SHEET, rows=None) -> Evaluation:
    for section, content in sheet.items():
        evaluation.record_section(SW, section, content)
    evaluation.observe(SW, rows or grid_rows(2))
    evaluation.conclude(SW, CONCLUSIONS)
    return evaluation


def test_the_initial_evaluation_is_applied_after_the_contract_is_signed():
    with pytest.raises(ContractNotSigned) as refused:
        check_evaluator(SW, TECH_ID, None)
    assert refused.value.rule == "R1" and "3.2 B" in str(refused.value)
    with pytest.raises(NotYourTechnician):
        check_evaluator(OTHER_SW, TECH_ID, COORDINATION)
    assert check_evaluator(SW, TECH_ID, COORDINATION) is COORDINATION


def test_both_sign_a_complete_sheet_once_and_then_it_does_not_change():
    evaluation = opened()
    with pytest.raises(EvaluationIncomplete) as early:
        evaluation.sign(SW, TODAY)
    assert "section general" in early.value.details["missing"][0]
    written(evaluation)
    evaluation.self_assess(TECH, grid_rows(3, teamwork=4))
    assert evaluation.sign(SW, TODAY) is False
    with pytest.raises(AlreadySigned):
        evaluation.sign(SW, TODAY)
    with pytest.raises(EvaluationSigned):
        evaluation.observe(SW, {"teamwork": {"level": 3}})
    assert evaluation.sign(TECH, TODAY) is True
    assert evaluation.status == "completed"
    concluded = evaluation.collect_events()[-1]
    assert isinstance(concluded, Evaluation.AutonomyConcluded)
    assert concluded.autonomous_tasks == ["home_visit", "collect_data"]


def test_self_assessment_and_observation_side_by_side_with_their_differences():
    evaluation = written(opened())
    evaluation.self_assess(TECH, grid_rows(2, teamwork=4, digital_skills=1))
    found = {d["domain"]: d for d in evaluation.differences()}
    assert set(found) == {"teamwork", "digital_skills"}
    assert found["teamwork"]["difference"] == 2
    assert found["teamwork"]["reading"] == "overestimates"
    assert found["digital_skills"]["reading"] == "underestimates"


def test_a_level_outside_the_scale_or_an_unknown_domain_is_refused_by_name():
    evaluation = opened()
    with pytest.raises(LevelOutsideScale):
        evaluation.observe(SW, {"teamwork": {"level": 5}})
    with pytest.raises(LevelOutsideScale):
        evaluation.observe(SW, {"teamwork": {"level": True}})
    with pytest.raises(UnknownDomain):
        evaluation.observe(SW, {"juggling": {"level": 2}})
    with pytest.raises(InvalidSheet):
        evaluation.record_section(SW, "results", RESULTS["results"])  # periodic only
    assert [type(e) for e in evaluation.collect_events()] == [Evaluation.Opened]  # only that


def test_the_initial_evaluation_comes_first_and_one_is_open_at_a_time():
    file = EvaluationFile.start(SW.actor, COORDINATION)
    with pytest.raises(EvaluationOutOfOrder):
        opened("periodic", file)
    first = opened("initial", file)
    with pytest.raises(EvaluationOutOfOrder):
        opened("periodic", file)
    file.completed_one(SW.actor, first)
    with pytest.raises(EvaluationOutOfOrder):
        opened("initial", file)
    periodic = opened("periodic", file)
    assert periodic.previous_on == TODAY.isoformat()


def test_two_grids_a_quarter_apart_give_progress_per_domain():
    before = {d: 2 for d in DOMAINS}
    after = before | {"documentation_reporting": 3, "teamwork": 1}
    changes = {c["domain"]: c["change"] for c in progress(before, after)}
    assert len(changes) == len(DOMAINS) == 15
    assert changes["documentation_reporting"] == 1 and changes["teamwork"] == -1


def test_a_technician_without_a_contract_in_force_neither_assesses_nor_reports():
    alone = Team(Actor(TECH_ID, "technician", "54975"), "technician", "54975")
    evaluation = opened()
    with pytest.raises(NoActiveCoordination):
        evaluation.self_assess(alone, grid_rows(2))
    with pytest.raises(NoActiveCoordination):
        ProgressReport.submit(
            alone, "2026-10", {"activities": "a", "results": "r", "impact_on_beneficiaries": "i"}
        )


def test_checklists_progress_reports_and_feedback_on_the_coordination():
    checklist = Checklist.complete(
        SW,
        COORDINATION,
        activity="home_visit",
        observed="during",
        observed_on="2026-08-30",
        items=[
            {"criterion": "confidentiality_respected", "result": "met"},
            {"criterion": "documented_on_time", "result": "partly", "note": "a day late"},
        ],
        comment="",
        task_id=None,
        today=TODAY,
    )
    assert checklist.compliance == 0.75
    report = ProgressReport.submit(
        TECH, "2026-Q3", {"activities": "a", "results": "r", "impact_on_beneficiaries": "i"}
    )
    report.review(SW, False, "add the visits of September")
    report.resubmit(
        TECH, {"activities": "a, and September", "results": "r", "impact_on_beneficiaries": "i"}
    )
    report.review(SW, True, "")
    assert report.status == "validated"
    feedback = CoordinationFeedback.give(
        TECH,
        "2026-Q3",
        {"recommendations_useful": 4, "communication_clear": 3, "support_met_needs": 2},
        "mai multe vizite comune",
        "",
    )
    assert feedback.coordinator_id == SW_ID
    assert check_period("2026-Q4") == "2026-Q4"


def test_the_employer_report_holds_progress_and_training_recommendations():
    first = {
        "evaluation_id": "e1",
        "kind": "initial",
        "evaluated_on": "2026-06-01",
        "completed_on": "2026-06-02",
        "observed": {d: 2 for d in DOMAINS},
        "self_assessed": {},
        "support": {"teamwork": ["supervision"]},
        "conclusions": CONCLUSIONS,
        "coordinator_id": SW_ID,
        "contract_id": "c-1",
    }
    second = first | {
        "evaluation_id": "e2",
        "kind": "periodic",
        "evaluated_on": "2026-09-01",
        "completed_on": "2026-09-02",
        "observed": {d: 2 for d in DOMAINS} | {"documentation_reporting": 3},
    }
    record = {
        "technician_id": TECH_ID,
        "municipality": "54975",
        "coordinator_id": SW_ID,
        "evaluations": {"e1": first, "e2": second},
        "checklists": [],
        "progress_reports": {},
        "feedback_sessions": [],
        "coordination_feedback": {},
    }
    report = employer_report([record])
    technician = report["technicians"][0]
    assert technician["progress"]["improved"] == ["documentation_reporting"]
    recommendations = technician["training_recommendations"]
    assert recommendations["mentoring"][0]["domain"] == "documentation_reporting"
    assert recommendations["supervision"] == [{"domain": "teamwork", "direction": None}]
    assert report["summary"]["average_change_by_domain"]["documentation_reporting"] == 1
