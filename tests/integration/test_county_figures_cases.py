"""The county's consolidated report (instrument G), cases side, through RPC
on the real broker and database: in Cluj one case is opened, one in
intervention and one only referred; the coordination plan asks 2 visits a
month per active case (R7) and the cases get 2 and 1; a visit report waits
for validation and an observation sheet is past its 24 h; one urgent risk
is acknowledged 47 minutes after it was raised and another is not yet.
Turda has one case, opened last month, with no visits and no progress
report for last month. The county sees both; a SPAS head their own; nobody
else any — and nothing about a person is in the figures.
"""

from datetime import datetime, timedelta

import pytest
from nameko.exceptions import RemoteError

from events.clock import LOCAL_TIME
from services.cases.domain import Case
from services.cases.risks import UrgentRisk
from tests.support.casework import ago, open_case, plan, referral
from tests.support.registry import ADMIN, AUDITOR
from tests.support.waiting import eventually

ACKNOWLEDGED_AFTER = 47  # minutes
VISITS_PER_MONTH = 2


def this_month() -> str:
    return datetime.now(LOCAL_TIME).strftime("%Y-%m")


def middle_of_last_month() -> datetime:
    first = datetime.now(LOCAL_TIME).replace(day=1, hour=12, minute=0, second=0, microsecond=0)
    return (first - timedelta(days=1)).replace(day=15)


def refused(call, *args):
    with pytest.raises(RemoteError) as error:
        call(*args)
    return error.value


def visit(casework, case, submit=True, validate=False) -> None:
    cases, tech = casework["cases"], casework["tech_actor"]
    drafted = cases.draft_document(
        tech,
        {
            "case_id": case["case_id"],
            "kind": "visit_report",
            "content": {"text": "Vizită la domiciliu."},
            "occurred_at": ago(minutes=10),
        },
    )
    key = {"document_id": drafted["document_id"]}
    if submit:
        cases.submit_document(tech, key)
    if validate:
        cases.validate_document(casework["expert_actor"], key)


def urgent_risk(casework, case) -> dict:
    return casework["cases"].report_urgent_risk(
        casework["tech_actor"],
        {
            "case_id": case["case_id"],
            "category": "abuse",
            "observations": "Urme de lovituri.",
            "called_112": False,
            "observed_at": ago(minutes=20),
        },
    )


def wait_for_objective(casework, case, target: int, timeout: float = 20) -> None:
    """The cases service learns of the plan from the coordination events."""
    cases, expert = casework["cases"], casework["expert_actor"]
    eventually(
        lambda: cases.visits_of_case(expert, case["case_id"], this_month())["target"] == target,
        timeout,
        message="the plan's objective did not arrive",
    )


@pytest.fixture
def reported(casework, monkeypatch):
    """Cluj and Turda as the story above tells them."""
    cases, rpc = casework["cases"], casework["rpc"]
    rpc.coordination.draw_up_plan(
        casework["expert_actor"],
        {
            "contract_id": casework["contract"]["contract_id"],
            "objectives": [
                {
                    "indicator": "field_visits_per_active_case",
                    "target": VISITS_PER_MONTH,
                    "period": "month",
                }
            ],
        },
    )
    opened = open_case(casework)
    running = plan(casework, open_case(casework))
    cases.refer_case(casework["tech_actor"], referral(casework))
    wait_for_objective(casework, opened, VISITS_PER_MONTH)
    visit(casework, opened)  # waits for validation
    visit(casework, opened, validate=True)
    visit(casework, running, validate=True)
    visit(casework, running, submit=False)  # a draft is no visit yet
    cases.draft_document(
        casework["tech_actor"],
        {
            "case_id": running["case_id"],
            "kind": "observation_sheet",
            "content": {"text": "Copilul lipsea de acasă."},
            "occurred_at": ago(hours=30),  # due 6 h ago
        },
    )
    answered = urgent_risk(casework, opened)
    urgent_risk(casework, running)  # nobody acknowledged it yet
    reported_at = datetime.fromisoformat(answered["reported_at"])
    later = staticmethod(lambda: reported_at + timedelta(minutes=ACKNOWLEDGED_AFTER))
    with monkeypatch.context() as clock:  # the coordinator answers 47 minutes on
        clock.setattr(UrgentRisk.Acknowledged, "create_timestamp", later)
        cases.acknowledge_urgent_risk(casework["expert_actor"], {"risk_id": answered["risk_id"]})

    turda_tech = casework["other_tech_actor"]
    turda = cases.refer_case(turda_tech, referral(casework, municipality="55259"))
    cases.record_initial_evaluation(
        turda_tech, {"case_id": turda["case_id"], "findings": "Familia are nevoie de sprijin."}
    )
    with monkeypatch.context() as clock:  # opened mid-last-month: its report for it is missing
        clock.setattr(Case.Opened, "create_timestamp", staticmethod(middle_of_last_month))
        cases.open_case(
            casework["expert_actor"], {"case_id": turda["case_id"], "rationale": "Caz deschis."}
        )
    head = rpc.coordination.list_staff(ADMIN, "55259", "spas_head")[0]
    return casework | {
        "turda_head": {"id": head["staff_id"], "role": "spas_head", "municipality": "55259"},
        "case_ids": [opened["case_id"], running["case_id"], turda["case_id"]],
    }


def test_caseload_visits_backlog_and_urgent_risks_per_municipality(reported):
    cases = reported["cases"]
    figures = cases.county_figures(ADMIN, this_month())
    assert figures["month"] == this_month()
    assert sorted(figures["municipalities"]) == ["54975", "55259"]
    cluj, turda = figures["municipalities"]["54975"], figures["municipalities"]["55259"]

    active = cluj["active_cases"]
    assert active["total"] == 3
    assert {s: n for s, n in active["by_stage"].items() if n} == {
        "referred": 1,
        "opened": 1,
        "intervention": 1,
    }
    assert {c: n for c, n in active["by_category"].items() if n} == {
        "poverty": 3,
        "school_dropout_risk": 3,
    }
    # the plan's 2 a month: the opened case had 2, the one in intervention 1
    assert cluj["visits"] == {"cases": 2, "done": 3, "expected": 4, "cases_below_objective": 1}
    assert cluj["documents"] == {
        "awaiting_validation": 1,
        "overdue": 1,
        "overdue_drafts": 1,
        "progress_reports_missing": 0,
    }
    assert cluj["urgent_risks"] == {
        "raised": 2,
        "acknowledged": 1,
        "unacknowledged": 1,
        "acknowledgement_minutes": {
            "median": float(ACKNOWLEDGED_AFTER),
            "max": float(ACKNOWLEDGED_AFTER),
        },
    }

    # Turda's technician works under a contract with no plan: the guide's 4
    assert turda["active_cases"]["total"] == 1 and turda["active_cases"]["by_stage"]["opened"] == 1
    assert turda["visits"] == {"cases": 1, "done": 0, "expected": 4, "cases_below_objective": 1}
    assert turda["documents"] == {
        "awaiting_validation": 0,
        "overdue": 1,
        "overdue_drafts": 0,
        "progress_reports_missing": 1,  # last month's
    }
    assert len(cases.overdue_documents(reported["turda_head"])) == 1  # counted alike
    assert turda["urgent_risks"]["raised"] == 0
    assert turda["urgent_risks"]["acknowledgement_minutes"] == {"median": None, "max": None}

    assert cases.county_figures(AUDITOR, this_month()) == figures
    text = str(figures)
    assert not any(case_id in text for case_id in reported["case_ids"])
    assert "Popescu" not in text and reported["tech"]["staff_id"] not in text


def test_a_spas_head_reads_their_own_municipality_and_nobody_else_reads_any(reported):
    cases, month = reported["cases"], this_month()
    whole = cases.county_figures(ADMIN, month)["municipalities"]
    for head, siruta in ((reported["head"], "54975"), (reported["turda_head"], "55259")):
        own = cases.county_figures(head, month)
        assert own["municipalities"] == {siruta: whole[siruta]}
    other = refused(cases.county_figures, reported["turda_head"], month, "54975")
    assert other.exc_type == "CaseAccessDenied"
    assert cases.county_figures(ADMIN, month, "55259")["municipalities"] == {
        "55259": whole["55259"]
    }
    for actor in (reported["tech_actor"], reported["expert_actor"]):
        assert refused(cases.county_figures, actor, month).exc_type == "CaseAccessDenied"


def test_a_bad_or_future_month_names_the_field(casework):
    now = datetime.now(LOCAL_TIME)
    following = (now.replace(day=28) + timedelta(days=7)).strftime("%Y-%m")
    for month in ("2026-13", "noiembrie", following):
        error = refused(casework["cases"].county_figures, ADMIN, month)
        assert error.exc_type == "InvalidCaseCommand" and "month" in error.value


def test_the_county_reads_the_figures_never_the_cases_behind_them(reported):
    """DESIGN §1: the county admin gets aggregates per municipality. The
    cases service itself refuses it every case, document, risk and read log,
    whoever forwards the call: lists by name (R9), a case as if it did not
    exist. The auditor reads on."""
    cases, case_id = reported["cases"], reported["case_ids"][0]
    for listing in (
        cases.list_cases,
        cases.urgent_risks,
        cases.overdue_documents,
        cases.validation_queue,
    ):
        refusal = refused(listing, ADMIN)
        assert refusal.exc_type == "CaseAccessDenied" and "R9" in refusal.value
    unknown = refused(cases.get_case, AUDITOR, "00000000-0000-0000-0000-000000000000")
    for read in (cases.get_case, cases.case_timeline, cases.documents_of_case):
        assert refused(read, ADMIN, case_id).exc_type == unknown.exc_type == "UnknownCase"
    assert refused(cases.personal_data_reads, ADMIN, case_id).exc_type == "CaseAccessDenied"
    assert cases.get_case(AUDITOR, case_id)["beneficiary"]["full_name"]
    assert [r["actor_role"] for r in cases.personal_data_reads(AUDITOR, case_id)] == ["auditor"]
