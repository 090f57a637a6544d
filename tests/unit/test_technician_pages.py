"""The technician's forms turned into commands: what a person gets wrong is
told at the field, in Romanian; what is right becomes the service's command."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from werkzeug.datastructures import MultiDict

from gateway.web.pages.cases import case_filters, this_month
from gateway.web.pages.documents import draft_command, local_moment, revise_values
from gateway.web.pages.tech_tasks import benefit_command, feedback_command, task_step
from gateway.web.pages.technician import risk_command

COUNTY = ZoneInfo("Europe/Bucharest")


def _(text: str) -> str:
    return text


def test_a_local_moment_is_read_in_the_countys_time():
    assert local_moment("2026-11-30T10:15") == "2026-11-30T10:15:00+02:00"
    assert local_moment("30.11.2026") is None


def test_the_county_month_turns_at_county_midnight():
    assert this_month(datetime(2026, 11, 30, 22, 30, tzinfo=ZoneInfo("UTC"))) == "2026-12"


def test_filters_keep_only_known_values():
    given = {"localitate": "54975", "etapa": "nope", "categorie": "poverty", "x": "y"}
    assert case_filters(given) == {"localitate": "54975", "categorie": "poverty"}


def test_a_visit_report_needs_its_text_and_time():
    command, errors = draft_command(MultiDict({"kind": "visit_report", "text": "  "}), _)
    assert errors == {
        "text": "Scrieți textul documentului.",
        "occurred_at": "Scrieți data și ora (zz.ll.aaaa, oo:mm).",
    }
    command, errors = draft_command(
        MultiDict(
            {
                "kind": "visit_report",
                "text": "Vizită",
                "occurred_at": "2026-11-30T10:00",
                "semnat": "da",
            }
        ),
        _,
    )
    assert errors == {}
    assert command == {
        "kind": "visit_report",
        "content": {"text": "Vizită"},
        "beneficiary_signature": "self",
        "occurred_at": "2026-11-30T10:00:00+02:00",
    }


def test_the_progress_report_has_its_three_sections():
    form = MultiDict(
        {
            "kind": "progress_report",
            "progres": "Merge la școală",
            "dificultati": "",
            "recomandari": "Ghete",
            "period": "2026-11",
        }
    )
    command, errors = draft_command(form, _)
    assert errors == {"dificultati": "Scrieți această secțiune."}
    assert command["period"] == "2026-11"
    # the report's sections as the cases service names them (2.3)
    assert command["content"] == {
        "progress": "Merge la școală",
        "difficulties": "",
        "recommendations": "Ghete",
    }
    document = {"versions": [{"content": command["content"]}]}
    assert revise_values(document)["recomandari"] == "Ghete"


def test_danger_to_life_asks_for_112_first():
    form = MultiDict({"category": "danger_to_life", "observations": "Amenințări"})
    _command, errors = risk_command(form, _)
    assert errors == {"called_112": "Când viața este în pericol, sunați întâi la 112."}
    form = MultiDict({"category": "neglect", "observations": "Singuri acasă"})
    now = datetime(2026, 11, 30, 10, 0, tzinfo=COUNTY)
    command, errors = risk_command(form, _, now)
    assert errors == {}
    assert command == {
        "category": "neglect",
        "observations": "Singuri acasă",
        "called_112": False,
        "observed_at": now.isoformat(),
    }


def test_a_task_step_and_its_command():
    assert task_step(MultiDict({"pas": "accept"}), _) == ("accept", {}, {})
    assert task_step(MultiDict({"pas": "complete", "result": ""}), _)[2] == {
        "result": "Scrieți rezultatul sarcinii."
    }
    assert task_step(MultiDict({"pas": "obstacle", "obstacle": "beneficiary_absent"}), _)[1] == {
        "obstacle": "beneficiary_absent"
    }


def test_a_benefit_check_with_a_discrepancy_and_bad_numbers():
    form = MultiDict(
        [
            ("benefit", "heating_aid"),
            ("full_name", "Ion Pop"),
            ("household_size", "trei"),
            ("monthly_income", "1200,50"),
            ("documents_checked", "identity_document"),
            ("discrepancies", "undeclared_income"),
            ("outcome", "eligible"),
            ("amount", ""),
        ]
    )
    command, errors = benefit_command(form, _)
    assert set(errors) == {"household_size", "amount"}
    assert command["applicant"]["monthly_income"] == 1200.5
    assert command["discrepancies"] == ["undeclared_income"]


def test_feedback_rates_each_question_from_1_to_4():
    form = MultiDict(
        {
            "period": "2026-11",
            "recommendations_useful": "3",
            "communication_clear": "5",
            "support_met_needs": "4",
        }
    )
    command, errors = feedback_command(form, _)
    assert errors == {"communication_clear": "Alegeți o notă de la 1 la 4."}
    assert command["scores"] == {"recommendations_useful": 3, "support_met_needs": 4}


def test_a_list_is_paged_by_cursor_and_keeps_its_filters():
    from types import SimpleNamespace
    from urllib.parse import parse_qs, urlsplit

    from gateway.web.pages.listing import PAGE_SIZE, paged

    items = list(range(PAGE_SIZE + 5))
    page = SimpleNamespace(request=SimpleNamespace(args={}, path="/cazuri"))
    shown, following, total = paged(page, items, {"etapa": "opened"})  # type: ignore[arg-type]
    assert (shown, total) == (items[:PAGE_SIZE], PAGE_SIZE + 5)
    asked = parse_qs(urlsplit(following).query)
    assert asked["etapa"] == ["opened"]
    page.request.args = {"cursor": asked["cursor"][0]}
    shown, following, _total = paged(page, items, {"etapa": "opened"})  # type: ignore[arg-type]
    assert (shown, following) == (items[PAGE_SIZE:], "")
    page.request.args = {"cursor": "not-ours"}
    assert paged(page, items, {})[0] == items[:PAGE_SIZE]  # type: ignore[arg-type]
