"""Evaluating a technician through RPC on the real broker and database, as
the guide tells it (3.2 B and E, 3.3, annexes 1–2): the initial evaluation
waits for the signed contract and is signed by both; two evaluations a
quarter apart give progress per domain; the self-assessment and the
observation are compared; the employer's report carries the training
recommendations; the technician's feedback reaches the coordinator; and an
evaluation's conclusion on autonomy changes what may be delegated."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from nameko.exceptions import RemoteError

from deploy.evaluation_forms import CONCLUSIONS, SHEET, grid_rows
from events.contracts import check_published
from services.evaluations.grid import DOMAINS
from tests.support.evaluating import evaluate, retry_while, sign_contract, written_since
from tests.support.outside import OutsideSubscriber
from tests.support.published import REFUSAL, stored_count
from tests.support.registry import AUDITOR
from tests.support.waiting import eventually


def refused(call, *args):
    with pytest.raises(RemoteError) as error:
        call(*args)
    return error.value


def test_the_initial_evaluation_waits_for_the_signed_contract_and_both_sign_it(evaluating):
    evaluations, sw, tech = (
        evaluating["evaluations"],
        evaluating["expert_actor"],
        evaluating["tech_actor"],
    )
    store = evaluating["evaluations_store"]
    outside = OutsideSubscriber(evaluating["amqp_uri"], "ro.coordonare.evaluations.#")
    try:
        command = {"technician_id": evaluating["tech"]["staff_id"], "kind": "initial"}
        before = stored_count(store, "evaluations")
        error = refused(evaluations.open_evaluation, sw, command)
        assert error.exc_type == "ContractNotSigned" and "3.2 B" in str(error)
        assert written_since(store, before) == [REFUSAL]

        sign_contract(evaluating)
        done = evaluate(evaluating, self_assessed=grid_rows(3, teamwork=4))
        assert done["status"] == "completed"
        assert set(done["signatures"]) == {"coordinator", "technician"}
        assert done["sections"]["general"]["institution"] == "Primăria Turda"
        assert [row["domain"] for row in done["grid"]] == list(DOMAINS)

        key = {"evaluation_id": done["evaluation_id"]}
        before = stored_count(store, "evaluations")
        assert refused(evaluations.sign_evaluation, tech, key).exc_type == "AlreadySigned"
        assert refused(evaluations.sign_evaluation, sw, key).exc_type == "AlreadySigned"
        changed = {"rows": {"teamwork": {"level": 3}}}
        assert refused(evaluations.record_observation, sw, key | changed).exc_type == (
            "EvaluationSigned"
        )
        assert written_since(store, before) == []

        # the refusal, the opening, each section, the grid twice, the conclusions,
        # two signatures and the conclusion on autonomy
        published = outside.receive(1 + 1 + len(SHEET) + 3 + 2 + 1)
        for event in published:
            check_published(event)
        concluded = published[-1]
        assert concluded["type"] == "ro.coordonare.evaluations.AutonomyConcluded.v1"
        assert concluded["data"]["autonomous_tasks"] == ["home_visit", "collect_data"]
        assert "Primăria" not in str(published)  # the sheet's text stays in the service
    finally:
        outside.close()


def test_two_evaluations_a_quarter_apart_give_progress_and_the_employer_report(evaluating):
    evaluations, sw = evaluating["evaluations"], evaluating["expert_actor"]
    technician_id = evaluating["tech"]["staff_id"]
    sign_contract(evaluating)
    first = evaluate(
        evaluating,
        observed=grid_rows(2, teamwork=3),
        self_assessed=grid_rows(3, teamwork=4, digital_skills=1),
        evaluated_on="2026-06-01",
    )
    second = evaluate(
        evaluating,
        kind="periodic",
        observed=grid_rows(2, documentation_reporting=3, legislative_procedural_knowledge=3),
        evaluated_on="2026-09-01",
        conclusions=CONCLUSIONS | {"autonomous_tasks": ["home_visit", "draft_visit_report"]},
    )

    differences = {d["domain"]: d for d in first["differences"]}
    assert differences["teamwork"]["difference"] == 1
    assert differences["digital_skills"]["reading"] == "underestimates"
    assert differences.keys() == DOMAINS.keys()  # 3 against 2 everywhere, 4 against 3, 1 against 2

    progress = evaluations.compare_evaluations(sw, technician_id)
    assert progress["from"]["evaluation_id"] == first["evaluation_id"]
    assert progress["to"]["evaluation_id"] == second["evaluation_id"]
    changes = {c["domain"]: c["change"] for c in progress["observed"]}
    assert changes.keys() == DOMAINS.keys()
    assert changes["documentation_reporting"] == 1 and changes["teamwork"] == -1

    report = evaluations.employer_report(evaluating["head"])
    [row] = report["technicians"]
    assert row["progress"]["improved"] == [
        "legislative_procedural_knowledge",
        "documentation_reporting",
    ]
    assert row["progress"]["declined"] == ["teamwork"]
    directions = [r["direction"] for r in row["training_recommendations"]["training"]]
    assert "legislația beneficiilor sociale (Legea 416/2001)" in directions
    assert row["training_recommendations"]["mentoring"][0]["domain"] == "documentation_reporting"

    issued = evaluations.issue_employer_report(sw, {"technician_id": technician_id})
    assert evaluations.issued_report(evaluating["head"], issued["report_id"]) == issued
    reads = evaluations.record_reads(AUDITOR, technician_id)
    assert [r["subject_kind"] for r in reads] == ["issued_report"]  # the employer's, not sw's
    assert reads[0]["relation"] == "employer"
    evaluations.get_evaluation(AUDITOR, second["evaluation_id"])
    assert len(evaluations.record_reads(AUDITOR)) == 3  # the SPAS report, the sheet too

    [due] = evaluations.evaluations_due(sw)
    assert (due["next"], due["due_on"], due["every_months"]) == ("periodic", "2026-12-01", 3)


def test_the_technicians_feedback_reaches_the_coordinators_record(evaluating):
    evaluations, sw, tech = (
        evaluating["evaluations"],
        evaluating["expert_actor"],
        evaluating["tech_actor"],
    )
    technician_id = evaluating["tech"]["staff_id"]
    sign_contract(evaluating)
    scores = {"recommendations_useful": 4, "communication_clear": 3, "support_met_needs": 2}
    feedback = retry_while(
        "NoActiveCoordination",
        evaluations.give_coordination_feedback,
        tech,
        {"period": "2026-Q3", "scores": scores, "comment": "Mai multe vizite comune, vă rog."},
    )
    again = {"period": "2026-Q3", "scores": scores}
    assert refused(evaluations.give_coordination_feedback, tech, again).exc_type == (
        "DuplicateSubmission"
    )
    record = evaluations.coordinator_record(sw)
    [received] = record["feedback_received"]
    assert received["comment"] == "Mai multe vizite comune, vă rog."
    assert record["unacknowledged"] == 1
    evaluations.acknowledge_coordination_feedback(
        sw, {"feedback_id": feedback["feedback_id"], "response": "De acord, lunar."}
    )
    assert evaluations.coordinator_record(sw)["unacknowledged"] == 0

    # the process itself (3.3 §3c), by both parties
    process_scores = {
        "objectives_set_and_communicated": 3,
        "roles_clear_and_respected": 4,
        "recommendations_relevant": 3,
        "methods_efficient": 2,
    }
    evaluations.record_process_evaluation(
        tech, {"evaluation": {"period": "2026-Q3", "scores": process_scores}}
    )
    evaluations.record_process_evaluation(
        sw,
        {
            "technician_id": technician_id,
            "evaluation": {
                "period": "2026-Q3",
                "scores": process_scores | {"methods_efficient": 4},
            },
        },
    )
    assert evaluations.coordinator_record(sw)["process_averages"]["methods_efficient"] == 3

    # E.1–E.3 between evaluations
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    checklist = evaluations.complete_checklist(
        sw,
        {
            "technician_id": technician_id,
            "activity": "home_visit",
            "observed": "after",
            "observed_on": yesterday,
            "items": [
                {"criterion": "confidentiality_respected", "result": "met"},
                {"criterion": "documented_on_time", "result": "not_met", "note": "3 zile"},
            ],
        },
    )
    assert checklist["compliance"] == 0.5
    content = {
        "activities": "12 vizite",
        "results": "2 cazuri închise",
        "impact_on_beneficiaries": "-",
    }
    report = evaluations.submit_progress_report(tech, {"period": "2026-10", "content": content})
    key = {"report_id": report["report_id"]}
    evaluations.review_progress_report(sw, key | {"validate": False, "comment": "Detaliați."})
    assert (
        refused(evaluations.resubmit_progress_report, tech, key | {"content": content}).exc_type
        == "InvalidEvaluationCommand"
    )
    evaluations.resubmit_progress_report(tech, key | {"content": content | {"results": "2+1"}})
    assert evaluations.review_progress_report(sw, key | {"validate": True})["status"] == (
        "validated"
    )
    # E.3: a feedback session is a journal entry (counts towards R6); the
    # technician adds their view there, and the record follows the journal
    coordination, contract_id = evaluating["coordination"], evaluating["contract"]["contract_id"]
    session = coordination.record_journal_entry(
        sw,
        {
            "contract_id": contract_id,
            "occurred_on": yesterday,
            "minutes": 45,
            "channel": "in_person",
            "kind": "feedback_session",
            "situations": ["raportare la termen"],
            "strengths": "Relația cu familia.",
            "improvements": "Fișele de observație mai detaliate.",
            "follow_ups": [{"action": "fișa de observație în 24 h", "owner": "technician"}],
        },
    )
    key = {"contract_id": contract_id, "month": session["month"], "entry_id": session["entry_id"]}
    viewed = coordination.comment_journal_entry(tech, key | {"comment": "Util."})
    assert viewed["technician_comment"]["comment"] == "Util."
    assert refused(coordination.comment_journal_entry, sw, key | {"comment": "x"}).exc_type == (
        "JournalAccessDenied"
    )
    assert refused(coordination.comment_journal_entry, tech, key | {"comment": "x"}).exc_type == (
        "EntryAlreadyCommented"
    )
    mine = eventually(
        lambda: evaluations.technician_record(tech, technician_id),
        until=lambda r: r["feedback_sessions"],
        message="the evaluations service never heard of the feedback session",
    )
    assert [r["status"] for r in mine["progress_reports"]] == ["validated"]
    assert [c["checklist_id"] for c in mine["checklists"]] == [checklist["checklist_id"]]
    assert [(s["entry_id"], s["held_on"], s["minutes"]) for s in mine["feedback_sessions"]] == [
        (session["entry_id"], yesterday, 45)
    ]
    coordination.withdraw_journal_entry(sw, key | {"reason": "duplicate"})
    eventually(
        lambda: evaluations.technician_record(tech, technician_id),
        until=lambda r: not r["feedback_sessions"],
        message="a withdrawn feedback session stayed in the record",
    )


def test_an_evaluations_autonomy_conclusion_changes_what_may_be_delegated(evaluating):
    coordination, sw = evaluating["coordination"], evaluating["expert_actor"]
    technician_id = evaluating["tech"]["staff_id"]
    sign_contract(evaluating)
    due = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    visit = {
        "technician_id": technician_id,
        "task_type": "home_visit",
        "instructions": "Vizită la domiciliu, familia Popescu.",
        "due_at": due,
    }
    assert coordination.delegate_task(sw, visit)["autonomy"] == "supervised"
    evaluate(evaluating)  # concludes home_visit and collect_data delegable with autonomy
    eventually(
        lambda: coordination.delegate_task(sw, visit)["autonomy"] == "autonomous",
        message="coordination never heard of the conclusion",
    )
    mediation = visit | {"task_type": "mediation"}
    assert coordination.delegate_task(sw, mediation)["autonomy"] == "supervised"


def test_bad_input_gets_a_specific_error_and_stores_nothing(evaluating):
    evaluations, sw = evaluating["evaluations"], evaluating["expert_actor"]
    store = evaluating["evaluations_store"]
    technician_id = evaluating["tech"]["staff_id"]
    sign_contract(evaluating)
    opened = retry_while(
        "ContractNotSigned",
        evaluations.open_evaluation,
        sw,
        {"technician_id": technician_id, "kind": "initial"},
    )
    key = {"evaluation_id": opened["evaluation_id"]}
    before = stored_count(store, "evaluations")
    cases = [
        (
            evaluations.record_observation,
            sw,
            key | {"rows": {"teamwork": {"level": 5}}},
            "LevelOutsideScale",
        ),
        (
            evaluations.record_observation,
            sw,
            key | {"rows": {"juggling": {"level": 2}}},
            "UnknownDomain",
        ),
        (evaluations.record_observation, sw, {"rows": {}}, "InvalidCommand"),
        (evaluations.sign_evaluation, sw, key, "EvaluationIncomplete"),
        (
            evaluations.open_evaluation,
            sw,
            {"technician_id": technician_id, "kind": "periodic"},
            "EvaluationOutOfOrder",
        ),
        (
            evaluations.record_evaluation_section,
            sw,
            key | {"section": "general", "content": {"position": "x"}},
            "InvalidSheet",
        ),
    ]
    for call, actor, command, expected in cases:
        assert refused(call, actor, command).exc_type == expected, expected
    assert written_since(store, before) == []

    error = refused(
        evaluations.open_evaluation,
        evaluating["child_only_actor"],
        {"technician_id": technician_id, "kind": "initial"},
    )
    assert error.exc_type == "NotYourTechnician"
    # someone else's sheet reads as one that does not exist; the attempt is kept
    hidden = refused(
        evaluations.get_evaluation, evaluating["child_only_actor"], opened["evaluation_id"]
    )
    assert hidden.exc_type == "UnknownEvaluation"
    not_a_technician = {"technician_id": str(uuid4()), "kind": "initial"}
    assert refused(evaluations.open_evaluation, sw, not_a_technician).exc_type == (
        "ContractNotSigned"
    )
    assert written_since(store, before) == [REFUSAL, REFUSAL, REFUSAL]
