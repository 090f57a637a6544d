"""The evaluation sheet's forms (annex 1, section by section, and its §7
conclusions): what the coordinator types becomes the content the service
checks; saved content fills the form again; what is wrong is told at its
field in Romanian, and the service's refusal comes back to the field it names."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from events.vocabulary.evaluations import SHEET_ALLOWED, SHEET_REQUIRED
from gateway.web import words
from gateway.web.i18n import environment
from gateway.web.pages import eval_sheet_form as form
from gateway.web.pages.eval_sheet_form import (
    conclusions_values,
    form_field,
    parse_conclusions,
    parse_section,
    refusal_errors,
    section_values,
)
from services.evaluations import grid, sheet


def _(text: str) -> str:
    return text


FILLED: dict[str, dict[str, Any]] = {
    "general": {
        "position": "tehnician în asistență socială", "service": "SPAS", "institution": "Primăria",
        "tenure_current_years": "2,5", "tenure_total_years": "6",
        "coordinator_experience": ["poverty", "child_under_16"],
    },
    "current_activity": {
        "total_cases": "24", "cases_by_category-poverty": "10", "cases_by_category-old_age": "3",
        "services": "vizite la domiciliu\n\n  însoțire la medic \n",
        "documentation": ["case_sheets", "reports"], "documentation_note": "",
        "internal_support_network": "colegii din SPAS", "external_support_network": "",
    },
    "beneficiaries": {"characteristics": "familii cu copii", "needs_and_difficulties": "venit"},
    "collaborations": {
        "institution-0": "Școala Gimnazială nr. 1", "kind-0": "formal", "frequency-0": "weekly",
        "effectiveness-0": "3",
        "institution-1": "", "kind-1": "", "frequency-1": "", "effectiveness-1": "",
        "institution-2": "Dispensarul", "kind-2": "informal", "frequency-2": "monthly",
        "effectiveness-2": "2",
        "strengths": "relații bune", "difficulties": "",
    },
    "difficult_situations": {"examples": "o", "approaches": "a", "support_needs": "s"},
    "competencies": {"strengths_observed": "empatie", "aspects_to_develop": "rapoarte"},
    "other_aspects": {"notes": "nimic deosebit"},
    "results": {"objectives_met": "toate", "results": "bune", "impact_on_beneficiaries": "",
                "objectives_revised": "", "summary": ""},
}


def _form(values: dict[str, Any]) -> MultiDict:
    given = MultiDict()
    for name, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            given.add(name, item)
    return given


def test_the_sections_and_their_order_are_the_services():
    assert form.ALLOWED == SHEET_ALLOWED
    assert form.REQUIRED == SHEET_REQUIRED
    assert set(form.SECTIONS) == set(sheet.SECTIONS)


def test_the_labels_name_every_value_the_sheet_knows():
    assert tuple(words.DOCUMENTATION) == sheet.DOCUMENTATION
    assert tuple(words.COLLABORATION_KINDS) == sheet.COLLABORATION_KINDS
    assert tuple(words.COLLABORATION_FREQUENCY) == sheet.COLLABORATION_FREQUENCY
    assert set(words.SUPPORT_KINDS) == set(grid.SUPPORT_KINDS)
    # the grid's domains in the very words of the grid (the employer's report names them)
    assert {code: name for code, (name, _) in grid.DOMAINS.items()} == words.GRID_DOMAINS
    assert [int(level) for level in words.EFFECTIVENESS] == sorted(grid.LEVELS)


@pytest.mark.parametrize("section", list(FILLED))
def test_a_filled_form_is_a_section_the_service_takes_and_fills_the_form_again(section):
    parsed = parse_section(section, _form(FILLED[section]), _)
    assert parsed.errors == {}
    checked = sheet.SECTIONS[section](parsed.content)
    again = parse_section(section, section_values(section, checked), _)
    assert again.errors == {}
    assert sheet.SECTIONS[section](again.content) == checked


def test_numbers_are_read_as_people_write_them():
    parsed = parse_section("general", _form(FILLED["general"]), _)
    assert parsed.content["tenure_current_years"] == 2.5
    assert parsed.content["tenure_total_years"] == 6
    activity = parse_section("current_activity", _form(FILLED["current_activity"]), _).content
    assert activity["cases_by_category"] == {"poverty": 10, "old_age": 3}
    assert activity["services"] == ["vizite la domiciliu", "însoțire la medic"]


def test_what_is_missing_or_no_number_is_told_at_its_field():
    given = FILLED["general"] | {"position": "  ", "tenure_current_years": "doi",
                                 "tenure_total_years": "70"}
    errors = parse_section("general", _form(given), _).errors
    assert errors == {
        "position": "Completați acest câmp.",
        "tenure_current_years": "Scrieți un număr de ani de la 0 la 60.",
        "tenure_total_years": "Scrieți un număr de ani de la 0 la 60.",
    }
    given = FILLED["current_activity"] | {"total_cases": "2.5", "services": "\n",
                                          "cases_by_category-poverty": "x"}
    errors = parse_section("current_activity", _form(given), _).errors
    assert errors == {
        "total_cases": "Scrieți un număr întreg de la 0 la 100000.",
        "services": "Scrieți cel puțin un rând.",
        "cases_by_category-poverty": "Scrieți un număr întreg.",
    }


def test_blank_institution_rows_are_left_out_and_a_begun_one_must_be_whole():
    parsed = parse_section("collaborations", _form(FILLED["collaborations"]), _)
    assert [r["institution"] for r in parsed.content["institutions"]] == [
        "Școala Gimnazială nr. 1", "Dispensarul",
    ]
    assert parsed.rows == [0, 2]
    begun = FILLED["collaborations"] | {"institution-1": "Poliția"}
    errors = parse_section("collaborations", _form(begun), _).errors
    assert set(errors) == {"kind-1", "frequency-1", "effectiveness-1"}


def test_a_refusal_comes_back_to_the_field_it_names():
    assert form_field("general.tenure_current_years", []) == "tenure_current_years"
    assert form_field("collaborations.institutions[1].kind", [0, 2]) == "kind-2"
    assert form_field("collaborations.institutions[0]", [3]) == "institution-3"
    assert form_field("current_activity.cases_by_category.poverty", []) == (
        "cases_by_category-poverty"
    )
    assert form_field("current_activity.services[0]", []) == "services"
    assert form_field("conclusions.training[1].direction", [0, 4]) == "training_direction-4"
    assert form_field("conclusions.training[0]", [2]) == "training_kind-2"
    assert form_field("general", []) is None
    assert form_field(None, []) is None


def test_the_tenure_rule_the_service_keeps_is_said_at_the_field():
    given = FILLED["general"] | {"tenure_current_years": "12", "tenure_total_years": "5"}
    parsed = parse_section("general", _form(given), _)
    assert parsed.errors == {}  # each number is one: the rule across them is the service's
    with pytest.raises(sheet.InvalidSheet) as refused:
        sheet.general(parsed.content)
    errors = refusal_errors(refused.value.details["field"], parsed.rows, "generic", _)
    assert errors == {"tenure_current_years": form.SERVICE_SAYS["tenure_current_years"]}
    assert refusal_errors("collaborations.strengths", [], "generic", _) == {"strengths": "generic"}
    assert refusal_errors("section", [], "generic", _) == {}


def test_conclusions_from_the_form_are_the_services_and_fill_the_form_again():
    domains = list(grid.DOMAINS)
    given = _form({
        "support_domains": ["crisis_management", "not_a_domain"],
        "autonomous_tasks": ["home_visit", "collect_data"],
        "training_kind-0": "mentoring", "training_domain-0": "crisis_management",
        "training_direction-0": "gestionarea crizelor",
        "training_kind-1": "", "training_domain-1": "", "training_direction-1": "",
        "training_kind-2": "supervision", "training_domain-2": "",
        "training_direction-2": "supervizare lunară",
    })
    parsed = parse_conclusions(given, domains, _)
    assert parsed.errors == {} and parsed.rows == [0, 2]
    checked = sheet.conclusions(parsed.content)
    assert checked["support_domains"] == ["crisis_management"]
    assert checked["training"][1] == {
        "kind": "supervision", "domain": None, "direction": "supervizare lunară",
    }
    again = parse_conclusions(conclusions_values(checked), domains, _)
    assert sheet.conclusions(again.content) == checked
    begun = _form({"training_domain-0": "teamwork"})
    assert set(parse_conclusions(begun, domains, _).errors) == {
        "training_kind-0", "training_direction-0",
    }


# -- the pages' templates, rendered as the pages render them --------------------------------
def _evaluation(kind: str = "initial") -> dict[str, Any]:
    sections = {
        s: sheet.SECTIONS[s](parse_section(s, _form(FILLED[s]), _).content)
        for s in SHEET_ALLOWED[kind]
        if s != "other_aspects"
    }
    conclusions = sheet.conclusions(
        {"support_domains": ["teamwork"], "autonomous_tasks": ["home_visit"],
         "training": [{"kind": "mentoring", "direction": "rapoarte"}]}
    )
    return {
        "evaluation_id": "e1", "kind": kind, "status": "signing", "technician_id": "t1",
        "coordinator_id": "c1", "evaluated_on": "2026-11-30", "sections": sections,
        "grid": [{"domain": d, "name": n, "self_assessment": None, "observation": {"level": 3}}
                 for d, (n, _q) in grid.DOMAINS.items()],
        "conclusions": conclusions, "signatures": {"technician": "2026-11-30"}, "missing": [],
    }


class _Who:
    id, role = "c1", "social_worker"


def _render(template: str, language: str = "ro", **context: Any) -> str:
    shown = {"who": _Who(), "csrf": "x", "form_id": "f", "values": MultiDict(), "errors": {},
             "messages": [], "path": "/p", "w": words, "sheet": form,
             "kinds": words.EVALUATION_KINDS, "levels": ("1", "2", "3", "4")}
    return environment(language).get_template(template).render(shown | context)


@pytest.mark.parametrize("language", ["ro", "en"])
def test_both_evaluation_pages_show_the_saved_sheet_with_one_summary(language):
    evaluation = _evaluation()
    for template in ("coordinator/evaluation.html", "technician/evaluation.html"):
        html = _render(template, language, evaluation=evaluation)
        assert "Școala Gimnazială nr. 1" in html and "însoțire la medic" in html
        assert "Dispensarul" in html and "2026" in html
    # signed by one party: nothing more to write on it
    assert "/sectiuni/general" not in _render("coordinator/evaluation.html", evaluation=evaluation)
    unsigned = evaluation | {"signatures": {}}
    html = _render("coordinator/evaluation.html", evaluation=unsigned)
    assert "/evaluari/e1/sectiuni/other_aspects" in html and "/evaluari/e1/concluzii" in html


@pytest.mark.parametrize("section", list(FILLED))
def test_each_section_form_renders_its_fields_and_errors(section):
    kind = "periodic" if section == "results" else "initial"
    values = _form(FILLED[section])
    errors = {f.name: "greșit" for f in form.SECTIONS[section].fields}
    html = _render(
        "coordinator/evaluation_section.html", evaluation=_evaluation(kind),
        section=form.SECTIONS[section], required=True, values=values, errors=errors, rows=4,
    )
    for f in form.SECTIONS[section].fields:
        assert f"{f.name}-eroare" in html or f.kind == "institutions"
    if section == "collaborations":
        assert 'id="institution-3"' in html and 'value="Dispensarul"' in html
