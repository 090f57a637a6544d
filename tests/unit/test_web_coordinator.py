"""The coordinator pages' pure helpers: escalation times, the time left,
and reading forms into commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from werkzeug.datastructures import MultiDict

from gateway.web.pages.coord_cases import (
    CASE_ACTS,
    command_values,
    plan_activities,
    plan_objectives,
)
from gateway.web.pages.coordinator import escalation_at, lines, time_left

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def test_a_risk_escalates_its_deadline_hours_after_its_report():
    risk = {"reported_at": "2026-11-30T10:00:00+00:00", "deadline_hours": 24}
    assert escalation_at(risk) == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def test_the_time_left_reads_as_app_js_writes_it():
    assert time_left(NOW + timedelta(hours=2, minutes=5, seconds=30), NOW) == ("2 h 5 min", False)
    assert time_left(NOW + timedelta(minutes=7), NOW) == ("7 min", False)
    assert time_left(NOW - timedelta(minutes=90), NOW) == ("1 h 30 min", True)


def test_lines_drop_blanks():
    assert lines(" a \n\n b\r\n") == ["a", "b"]


def test_a_missing_required_field_is_told_and_optional_ones_left_out():
    form = MultiDict({"decision": "other", "rationale": "  "})
    values, errors = command_values(CASE_ACTS["decizie"], form, "lipsă")
    assert values == {"decision": "other"}
    assert errors == {"rationale": "lipsă"}
    values, errors = command_values(CASE_ACTS["arhiveaza"], MultiDict(), "lipsă")
    assert (values, errors) == ({}, {})


def test_needs_are_one_a_line():
    form = MultiDict({"diagnosis": "d", "needs": "hrană\nșcoală", "risk_level": "high"})
    values, errors = command_values(CASE_ACTS["diagnostic"], form, "lipsă")
    assert values["needs"] == ["hrană", "școală"] and errors == {}


def test_a_begun_plan_row_must_be_whole_and_a_plan_needs_one():
    form = MultiDict(
        {
            "objective_1": "Școlarizare",
            "indicator_1": "prezență 90%",
            "responsible_1": "family",
            "deadline_1": "2027-01-31",
            "objective_2": "Hrană",
        }
    )
    objectives, errors = plan_objectives(form, 3, "lipsă")
    assert objectives[0]["objective"] == "Școlarizare"
    assert set(errors) == {"indicator_2", "responsible_2", "deadline_2"}
    assert plan_objectives(MultiDict(), 3, "lipsă") == ([], {"objective_1": "lipsă"})


def test_the_plan_has_a_dated_calendar_of_activities_a_begun_row_whole():
    """3.2 C: the plan's calendar — what, on which day, by whom; at least one."""
    form = MultiDict(
        {
            "activity_1": "Vizită la domiciliu",
            "activity_date_1": "2027-01-05",
            "activity_responsible_1": "technician",
            "activity_2": "Întâlnire la școală",
        }
    )
    activities, errors = plan_activities(form, 4, "lipsă")
    assert activities[0] == {
        "activity": "Vizită la domiciliu",
        "date": "2027-01-05",
        "responsible": "technician",
    }
    assert set(errors) == {"activity_date_2", "activity_responsible_2"}
    assert plan_activities(MultiDict(), 4, "lipsă") == ([], {"activity_1": "lipsă"})
