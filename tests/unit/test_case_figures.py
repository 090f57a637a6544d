"""The cases side of the county's report (instrument G) on plain rows, as
the read models hold them: what counts as active, which months owe the
plan's visits (R7), the validation backlog, how fast urgent risks were
acknowledged — and that only aggregates come out, to those who may read
them."""

from datetime import date

import pytest

from services.cases.competence import CaseAccessDenied, InvalidCaseCommand
from services.cases.figures import (
    active_cases,
    active_in,
    check_month,
    county_figures,
    documents,
    municipalities_in_scope,
    urgent_risks,
    visits,
)

TODAY = date(2026, 11, 26)
NOVEMBER = check_month("2026-11", TODAY)
OCTOBER = check_month("2026-10", TODAY)


def case(case_id, stage="intervention", municipality="54975", **overrides):
    return {
        "case_id": case_id,
        "municipality": municipality,
        "stage": stage,
        "categories": ["poverty"],
        "technicians": ["t-1"],
        "opened_at": "2026-09-10T08:00:00+00:00",
        "closed_at": None,
    } | overrides


def risk(reported_at, acknowledged_at=None, municipality="54975"):
    return {
        "risk_id": "r",
        "case_id": "c",
        "municipality": municipality,
        "reported_at": reported_at,
        "acknowledged_at": acknowledged_at,
    }


# -- the month and who asks -----------------------------------------------------
@pytest.mark.parametrize(
    "bad", ["2026-13", "2026-1", "26-11", "noiembrie", 202611, None, "2027-01"]
)
def test_a_month_is_yyyy_mm_already_begun(bad):
    with pytest.raises(InvalidCaseCommand) as error:
        check_month(bad, TODAY)
    assert error.value.details["field"] == "month"


def test_a_month_runs_in_county_time_and_binds_the_terms_of_its_last_day():
    assert NOVEMBER.start.isoformat() == "2026-11-01T00:00:00+02:00"
    assert NOVEMBER.end.isoformat() == "2026-12-01T00:00:00+02:00"
    assert NOVEMBER.reference_day(TODAY) == TODAY  # still running
    assert OCTOBER.reference_day(TODAY) == date(2026, 10, 31)
    assert check_month("2025-12", TODAY).end.isoformat() == "2026-01-01T00:00:00+02:00"


def test_the_county_and_auditors_read_every_municipality_a_spas_head_their_own():
    known = {"55259", "54975"}
    assert municipalities_in_scope("county_admin", None, None, known) == ["54975", "55259"]
    assert municipalities_in_scope("auditor", None, "55259", known) == ["55259"]
    assert municipalities_in_scope("spas_head", "55259", None, known) == ["55259"]
    assert municipalities_in_scope("spas_head", "55259", "55259", known) == ["55259"]
    with pytest.raises(CaseAccessDenied):
        municipalities_in_scope("spas_head", "55259", "54975", known)
    for role in ("technician", "social_worker", "unknown"):
        with pytest.raises(CaseAccessDenied):
            municipalities_in_scope(role, "54975", None, known)


# -- each section -----------------------------------------------------------------
def test_active_means_not_closed_or_archived_counted_by_stage_and_category():
    figures = active_cases(
        [
            case("a", "referred", categories=["poverty", "school_dropout_risk"]),
            case("b", "monitoring"),
            case("c", "follow_up", categories=["old_age"]),
            case("d", "closed"),
            case("e", "archived"),
        ]
    )
    assert figures["total"] == 3
    assert {s: n for s, n in figures["by_stage"].items() if n} == {
        "referred": 1,
        "monitoring": 1,
        "follow_up": 1,
    }
    assert "closed" not in figures["by_stage"] and figures["by_stage"]["opened"] == 0
    assert {c: n for c, n in figures["by_category"].items() if n} == {
        "poverty": 2,
        "school_dropout_risk": 1,
        "old_age": 1,
    }


def test_a_month_owes_visits_for_every_case_open_at_some_time_in_it():
    assert active_in(case("a"), NOVEMBER)
    assert active_in(case("b", opened_at="2026-11-30T21:59:00+00:00"), NOVEMBER)  # 23:59 local
    assert not active_in(case("c", opened_at="2026-11-30T22:00:00+00:00"), NOVEMBER)
    assert active_in(case("d", "closed", closed_at="2026-11-02T10:00:00+00:00"), NOVEMBER)
    assert not active_in(case("e", "closed", closed_at="2026-10-31T21:00:00+00:00"), NOVEMBER)
    assert not active_in(case("f", "initial_evaluation", opened_at=None), NOVEMBER)


def test_visits_done_against_the_plans_objective():
    owed = [
        case("a", technicians=["t-1"]),
        case("b", technicians=["t-2"]),
        case("c", opened_at=None, stage="referred"),
    ]
    figures = visits(
        owed, NOVEMBER, {"a": 4, "b": 1, "c": 2}, lambda techs: 2 if techs == ["t-2"] else 4
    )
    assert figures == {"cases": 2, "done": 5, "expected": 6, "cases_below_objective": 1}


def test_the_validation_backlog_and_what_is_overdue():
    figures = documents(
        [{"status": s} for s in ("submitted", "submitted", "drafted", "validated", "returned")],
        [{"reason": "deadline_passed"}, {"reason": "missing"}, {"reason": "missing"}],
    )
    assert figures == {
        "awaiting_validation": 2,
        "overdue": 3,
        "overdue_drafts": 1,
        "progress_reports_missing": 2,
    }


def test_urgent_risks_of_the_month_and_how_fast_they_were_acknowledged():
    figures = urgent_risks(
        [
            risk("2026-11-02T10:00:00+00:00", "2026-11-02T10:12:00+00:00"),  # 12 min
            risk("2026-11-03T10:00:00+00:00", "2026-11-03T10:47:30+00:00"),  # 47.5 min
            risk("2026-11-04T10:00:00+00:00", "2026-11-04T13:00:00+00:00"),  # 180 min
            risk("2026-11-20T10:00:00+00:00"),  # still waiting
            risk("2026-10-31T22:30:00+00:00", "2026-10-31T22:40:00+00:00"),  # 1 Nov, 00:30 local
            risk("2026-10-31T21:30:00+00:00", "2026-10-31T22:00:00+00:00"),  # October
        ],
        NOVEMBER,
    )
    assert figures == {
        "raised": 5,
        "acknowledged": 4,
        "unacknowledged": 1,
        "acknowledgement_minutes": {"median": 29.8, "max": 180.0},
    }
    none = urgent_risks([risk("2026-11-20T10:00:00+00:00")], NOVEMBER)
    assert none["acknowledgement_minutes"] == {"median": None, "max": None}


# -- the whole report -----------------------------------------------------------------
def test_every_municipality_asked_for_is_there_with_aggregates_only():
    figures = county_figures(
        NOVEMBER,
        ["54975", "55259"],
        [case("case-cluj"), case("case-dej", municipality="54984")],
        [{"document_id": "doc-1", "municipality": "54975", "status": "submitted"}],
        [{"case_id": "case-cluj", "municipality": "54975", "reason": "missing"}],
        [risk("2026-11-02T10:00:00+00:00", "2026-11-02T10:20:00+00:00")],
        {"case-cluj": 3},
        lambda _: 4,
    )
    assert figures["month"] == "2026-11"
    assert list(figures["municipalities"]) == ["54975", "55259"]
    cluj, turda = figures["municipalities"]["54975"], figures["municipalities"]["55259"]
    assert cluj["active_cases"]["total"] == 1
    assert cluj["visits"] == {"cases": 1, "done": 3, "expected": 4, "cases_below_objective": 1}
    assert (cluj["documents"]["awaiting_validation"], cluj["documents"]["overdue"]) == (1, 1)
    assert cluj["urgent_risks"]["acknowledgement_minutes"] == {"median": 20.0, "max": 20.0}
    assert turda["active_cases"]["total"] == 0 and turda["urgent_risks"]["raised"] == 0
    assert turda["visits"] == {"cases": 0, "done": 0, "expected": 0, "cases_below_objective": 0}
    text = str(figures)
    assert not any(i in text for i in ("case-cluj", "case-dej", "doc-1", "t-1", "54984"))
