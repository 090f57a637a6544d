"""Administrative work on benefits is outside coordination (issue 20 item 2;
guide 2.1 §2, 2.2 situations A and B, R4): coordination "nu [se referă] la
activități administrative, de asigurare a unor servicii destinate acordării
prestațiilor sociale". Pure domain, with stand-in tokens for sealed fields,
and the published contracts."""

import uuid

import pytest
from eventsourcing.persistence import Tracking

from events import contracts
from events.actor import Actor
from events.vocabulary import DELEGABLE_TASKS, RECORDED_TASK_TYPES
from services.cases.benefits import BenefitCheck
from services.cases.competence import CoSignerMissing
from services.cases.published import publication_of
from services.coordination.competence import AdministrativeWorkNotDelegated
from services.coordination.planning.plan import check_delegable_tasks
from services.coordination.tasks.rules import check_delegable
from tests.support.published import as_published
from tests.unit.test_case_domain import SW, SW_ID, TECH, UNCOORDINATED
from tests.unit.test_cases_published import Upstream
from tests.unit.test_cases_published import app as app  # the embedded service (fixture)

CHECK = dict(
    beneficiary_id="b-9",
    case_id=None,
    benefit="heating_aid",
    applicant="pd1:applicant",
    documents_checked=["identity_document", "income_proof"],
    outcome="eligible",
    amount=250.0,
)


def test_a_situation_a_benefit_check_needs_no_coordination_contract():
    """2.1 §2, 2.2 situation A: checking eligibility and the amount is the
    technician's own administrative decision, outside coordination — a
    technician with no active contract records it, and it is decided."""
    check = BenefitCheck.record(UNCOORDINATED, discrepancies=[], **CHECK)
    assert (check.situation, check.status, check.outcome, check.amount) == (
        "A",
        "decided",
        "eligible",
        250.0,
    )
    assert check.coordinator_id is None and check.municipality == "54975"
    # published with no coordinator, as its contract says
    [recorded] = check.collect_events()
    body = as_published(recorded, 1, "cases", publication_of)
    assert body is not None and body["data"]["coordinator_id"] is None
    assert body["data"]["situation"] == "A"


def test_situation_b_still_needs_the_social_workers_co_signature():
    """2.2 situation B: with discrepancies between what was declared and what
    was seen, the verification sheet needs the coordinating social worker's
    co-signature. Without an active contract there is no one to co-sign: the
    check is refused naming R1, and nothing is recorded."""
    with pytest.raises(CoSignerMissing, match=r"R1: .*situation B.*co-signature") as refused:
        BenefitCheck.record(UNCOORDINATED, discrepancies=["undeclared_income"], **CHECK)
    assert refused.value.code == "benefit_check_needs_coordinator"
    # under coordination it waits for the coordinator, who decides
    check = BenefitCheck.record(TECH, discrepancies=["undeclared_income"], **CHECK)
    assert (check.situation, check.status, check.coordinator_id) == (
        "B",
        "awaiting_cosignature",
        SW_ID,
    )
    check.cosign(SW, "ineligible", None, ["counselling"], "pd1:why")
    assert (check.status, check.outcome, check.cosigned_by) == ("decided", "ineligible", SW_ID)


def test_a_benefit_check_is_never_a_delegated_task():
    """2.1 §2, R4: administrative work is not among the tasks the social
    worker delegates under coordination — neither a task sheet nor a
    coordination plan's delegable list may name it; the refusal names R4."""
    assert "benefit_check" not in DELEGABLE_TASKS
    with pytest.raises(AdministrativeWorkNotDelegated, match="R4: benefit_check") as refused:
        check_delegable("benefit_check")
    assert refused.value.code == "administrative_work_not_delegated"
    with pytest.raises(AdministrativeWorkNotDelegated, match="R4"):
        check_delegable_tasks({"home_visit": "supervised", "benefit_check": "autonomous"})
    assert check_delegable_tasks({"home_visit": "guided"}) == {"home_visit": "guided"}


def test_a_delegation_stored_before_that_named_a_benefit_check_still_reads():
    """What was recorded keeps its meaning: a task delegated, a plan or an
    evaluation stored before that named benefit_check is still published
    under that name, valid under its contract."""
    assert "benefit_check" in RECORDED_TASK_TYPES
    delegated = {
        "task_id": str(uuid.uuid4()),
        "contract_id": str(uuid.uuid4()),
        "coordinator_id": SW_ID,
        "technician_id": str(uuid.uuid4()),
        "task_type": "benefit_check",
        "autonomy": "supervised",
        "case_id": None,
        "due_at": "2026-11-10T12:00:00+00:00",
        "priority": "normal",
    }
    schema = contracts.validator("events/coordination/TaskDelegated.v1.schema.json")
    assert list(schema.iter_errors(delegated)) == []
    # but a delegation asked for today is refused before it is stored (above)
    assert list(schema.iter_errors(delegated | {"task_type": "write_intervention_plan"}))


def test_a_technician_without_a_contract_records_situation_a_through_the_service(app):
    """The same through the cases application (the service's one call): the
    situation-A check is stored and read back; situation B is refused and
    nothing more is stored."""
    newcomer = str(uuid.uuid4())
    app.follow_coordination(
        "StaffRegistered",
        Upstream(
            {
                "staff_id": newcomer,
                "role": "technician",
                "municipality": "54975",
                "rnasr_code": None,
            }
        ),
        Tracking("coordination.on_coordination", 100),
    )
    tech = Actor(newcomer, "technician", "54975")
    applicant = {"full_name": "Maria Pop", "household_size": 2, "monthly_income": 700}
    done = app.record_benefit_check(
        tech, "heating_aid", applicant, ["identity_document"], [], "eligible", 180.0
    )
    assert (done["situation"], done["status"], done["coordinator_id"]) == ("A", "decided", None)
    read = app.get_benefit_check(tech, uuid.UUID(done["check_id"]))
    assert read["applicant"]["full_name"] == "Maria Pop"
    stored = app.recorder.max_notification_id()
    with pytest.raises(CoSignerMissing):
        app.record_benefit_check(
            tech, "heating_aid", applicant, ["identity_document"], ["undeclared_income"], "eligible"
        )
    # the refusal itself is recorded (4.2.1), nothing else
    assert app.recorder.max_notification_id() == stored + 1
