"""The case rules as the guide tells them, on the pure domain: the path of
DESIGN §4, R1, R2, R4, R7 and R8. Sealed fields are stand-in tokens here."""

from datetime import UTC, date, datetime, timedelta

import pytest

from events.actor import Actor
from events.clock import add_months
from events.team import Coordination, Team, Terms
from services.cases.benefits import BenefitCheck, BenefitCheckConflict
from services.cases.competence import (
    CaseNotVisible,
    ExclusiveActOfSocialWorker,
    NoActiveCoordination,
    NobodySignsForTheBeneficiary,
    StageConflict,
    check_visible,
)
from services.cases.documents import CaseDocument, DocumentAlreadyValidated
from services.cases.domain import Case
from services.cases.follow_up import FollowUpOutsideWindow
from services.cases.risks import RiskAlreadyAcknowledged, UrgentRisk

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SW_ID, TECH_ID = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"
COORDINATION = Coordination(TECH_ID, SW_ID, "c-1", "54975", Terms(observation_sheet_hours=12))
TECH = Team(Actor(TECH_ID, "technician", "54975"), "technician", "54975", None, COORDINATION)
SW = Team(
    Actor(SW_ID, "social_worker"), "social_worker", None, "AS100", None, {TECH_ID: COORDINATION}
)
UNCOORDINATED = Team(Actor(TECH_ID, "technician", "54975"), "technician", "54975")
OTHER_TECH = Team(
    Actor("t-2", "technician", "55259"),
    "technician",
    "55259",
    None,
    Coordination("t-2", SW_ID, "c-2", "55259"),
)


def referred(**overrides) -> Case:
    terms = dict(
        municipality="54975",
        beneficiary_id="b-1",
        beneficiary_kind="family",
        personal="pd1:sealed",
        categories=["school_dropout_risk"],
        referral_source="school",
        referral_note="pd1:note",
        technicians=[],
    )
    return Case.refer(TECH, **(terms | overrides))


def opened() -> Case:
    case = referred()
    case.record_initial_evaluation(TECH, "pd1:findings")
    case.open(SW, "pd1:why")
    return case


# a plan's dated calendar of activities (3.2 C)
CALENDAR = [{"activity": "Vizită", "date": "2027-01-05", "responsible": "technician"}]


def in_intervention() -> Case:
    case = opened()
    case.diagnose(SW, "pd1:diagnosis", ["school_support"], "medium")
    objective = {"responsible": "technician", "deadline": "2027-03-31"}
    case.version_plan(SW, "pd1:plan", [objective], CALENDAR)
    case.start_intervention(SW, None)
    return case


def test_the_technician_refers_for_their_coordinator_and_the_path_runs_in_order():
    case = in_intervention()
    assert case.technicians == [TECH_ID] and case.social_worker_id == SW_ID
    assert case.history == [
        "referred",
        "initial_evaluation",
        "opened",
        "assessment",
        "intervention_plan",
        "intervention",
    ]
    case.version_plan(
        SW, "pd1:plan-2", [{"responsible": "family", "deadline": "2027-01-31"}], CALENDAR
    )
    assert (case.plan_version, case.stage) == (2, "intervention")


def test_skipping_a_stage_is_refused():
    case = referred()
    with pytest.raises(StageConflict, match="referred cannot move to opened"):
        case.open(SW, "pd1:why")
    case.record_initial_evaluation(TECH, "pd1:findings")
    with pytest.raises(StageConflict, match="drawn up after the social diagnosis"):
        case.version_plan(
            SW, "pd1:plan", [{"responsible": "technician", "deadline": "2027-01-01"}], CALENDAR
        )


def test_r2_the_technician_collects_but_never_decides():
    case = opened()
    with pytest.raises(ExclusiveActOfSocialWorker, match="R2: social_diagnosis"):
        case.diagnose(TECH, "pd1:d", ["x"], "low")
    with pytest.raises(ExclusiveActOfSocialWorker, match="R2: close_case"):
        case.close(TECH, outcome="plan_achieved", rationale="pd1:r", today=date(2026, 11, 23))


def test_r1_no_contract_no_case_and_no_case_of_another_municipality():
    case = opened()
    with pytest.raises(NoActiveCoordination, match="R1"):
        check_visible(UNCOORDINATED, case)
    with pytest.raises(CaseNotVisible):
        check_visible(OTHER_TECH, case)
    with pytest.raises(NoActiveCoordination, match="R1"):
        referred(technicians=["someone-not-coordinated"])


def test_r8_closure_opens_the_follow_up_period_and_archiving_waits_for_its_end():
    case = in_intervention()
    case.start_monitoring(SW, None)
    case.close(
        SW, outcome="plan_achieved", rationale="pd1:r", today=date(2026, 8, 31), final_report_id="d"
    )
    assert case.follow_up == ("2026-08-31", "2027-02-28")  # the plan's 6 months, from closure
    case.begin_follow_up(SW, None)
    with pytest.raises(FollowUpOutsideWindow, match=r"R8: the follow-up period \(2026-08-31"):
        case.archive(SW, None, date(2026, 8, 31), None)
    case.archive(SW, None, date(2027, 3, 1), None)
    assert case.stage == "archived"
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


def test_the_follow_up_period_lasts_3_to_6_months():
    case = in_intervention()
    with pytest.raises(FollowUpOutsideWindow, match="R8: the follow-up period lasts 3–6 months"):
        case.close(
            SW,
            outcome="plan_achieved",
            rationale="pd1:r",
            today=date(2026, 11, 23),
            final_report_id="d",
            follow_up_months=2,
        )


def test_r7_the_observation_sheet_is_due_within_the_plans_hours_of_the_visit():
    case = opened()
    visit = (NOW - timedelta(hours=13)).isoformat()
    sheet = CaseDocument.draft(
        TECH,
        case,
        kind="observation_sheet",
        content="pd1:c",
        beneficiary_signature="none",
        occurred_at=visit,
        period=None,
        now=NOW,
    )
    assert sheet.is_overdue(NOW)  # the plan set 12 hours
    sheet.submit(TECH, case, NOW)
    assert sheet.late and not sheet.is_overdue(NOW)
    sheet.validate(SW, case, None)
    with pytest.raises(DocumentAlreadyValidated):
        sheet.validate(SW, case, None)


def test_nobody_signs_for_the_beneficiary():
    with pytest.raises(NobodySignsForTheBeneficiary, match="R2: nobody signs"):
        CaseDocument.draft(
            TECH,
            opened(),
            kind="phone_note",
            content="pd1:c",
            beneficiary_signature="on_behalf",
            occurred_at=NOW.isoformat(),
            period=None,
            now=NOW,
        )


def test_a_late_abuse_report_is_taken_and_marked_late_and_112_is_checked():
    case = opened()
    risk = UrgentRisk.report(
        TECH,
        case,
        category="danger_to_life",
        observations="pd1:o",
        called_112=False,
        observed_at=(NOW - timedelta(hours=3)).isoformat(),
        now=NOW,
    )
    assert risk.late and risk.emergency_call_missing
    risk.acknowledge(SW, case)
    with pytest.raises(RiskAlreadyAcknowledged):
        risk.acknowledge(SW, case)


def reported(category: str, called: bool, at_risk: bool | None = None) -> UrgentRisk:
    return UrgentRisk.report(
        TECH,
        opened(),
        category=category,
        observations="pd1:o",
        called_112=called,
        observed_at=NOW.isoformat(),
        now=NOW,
        life_or_integrity_at_risk=at_risk,
    )


def test_112_first_for_any_situation_endangering_life_or_integrity():
    """4.6 (case 2, "Important"): for any situation that endangers the
    person's life or integrity, 112 first, then the coordinator — self-harm as
    much as danger to life, and violence that put integrity in danger, not
    only the danger_to_life category. Never refused: the missing call is
    recorded."""

    assert reported("self_harm", False).emergency_call_missing
    assert reported("danger_to_life", False, at_risk=False).life_or_integrity_at_risk
    beaten = reported("domestic_violence", False, at_risk=True)
    assert beaten.life_or_integrity_at_risk and beaten.emergency_call_missing
    assert not reported("domestic_violence", True, at_risk=True).emergency_call_missing
    assert not reported("neglect", False).emergency_call_missing
    assert reported("abuse", False).summary()["life_or_integrity_at_risk"] is False


def test_an_urgent_risk_stored_before_the_life_or_integrity_question_keeps_its_meaning():
    """4.6: a report stored without the question meant danger to life only;
    loaded again, a self-harm report without a 112 call is not turned into a
    missing call after the fact."""

    def as_stored_before(category: str) -> UrgentRisk:
        [created] = reported(category, False).collect_events()
        del created.__dict__["life_or_integrity_at_risk"]  # the field it did not have
        return created.mutate(None)

    assert as_stored_before("danger_to_life").emergency_call_missing
    assert not as_stored_before("self_harm").emergency_call_missing


def test_r4_the_technician_decides_situation_a_and_situation_b_waits_for_the_coordinator():
    common = dict(
        beneficiary_id="b-2",
        case_id=None,
        benefit="heating_aid",
        applicant="pd1:a",
        documents_checked=["identity_document", "income_proof"],
        outcome="eligible",
        amount=250.0,
    )
    a = BenefitCheck.record(TECH, discrepancies=[], **common)
    assert (a.situation, a.status, a.outcome) == ("A", "decided", "eligible")
    with pytest.raises(BenefitCheckConflict, match="situation A"):
        a.cosign(SW, "eligible", 250.0, [], "pd1:r")
    b = BenefitCheck.record(TECH, discrepancies=["undeclared_income"], **common)
    assert (b.situation, b.status, b.outcome) == ("B", "awaiting_cosignature", None)
    with pytest.raises(ExclusiveActOfSocialWorker, match="R4"):
        b.cosign(TECH, "eligible", 250.0, [], "pd1:r")
    b.cosign(SW, "ineligible", None, ["counselling"], "pd1:r")
    assert (b.status, b.outcome, b.cosigned_by) == ("decided", "ineligible", SW_ID)
