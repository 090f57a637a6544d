"""The coordinator writes the evaluation sheet of annex 1 section by section,
one page each (a tablet or a phone beside the technician), and its
conclusions (§7). Each page shows the saved content to change; on save, back
to the evaluation. Bad input comes back kept, with the reason at its field."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from gateway.problems import Problem, hidden
from gateway.web import words
from gateway.web.page import Page, PageTable
from gateway.web.pages.eval_sheet_form import (
    ALLOWED,
    EXTRA_ROWS,
    REQUIRED,
    ROW_FIELDS,
    SECTIONS,
    TRAINING_FIELDS,
    Parsed,
    conclusions_values,
    parse_conclusions,
    parse_section,
    refusal_errors,
    row_count,
    section_values,
)
from gateway.web.pages.listing import refused

pages = PageTable()
SECTION_PAGE = f"/evaluari/<uuid:evaluation_id>/sectiuni/<any({', '.join(SECTIONS)}):section>"
CONCLUSIONS_PAGE = "/evaluari/<uuid:evaluation_id>/concluzii"
TRAINING_ROWS = 2  # empty rows offered after the saved ones


def _evaluation(page: Page) -> dict[str, Any]:
    """The evaluation, when the one asking is its coordinator: the others
    (the technician, an auditor) read it on their own pages."""
    assert page.who is not None
    found = page.call("evaluations.get_evaluation", {"evaluation_id": page.args["evaluation_id"]})
    if found.get("coordinator_id") != str(page.who.id):
        raise hidden("evaluation")
    return found


def _back(evaluation: dict[str, Any]) -> str:
    return f"/evaluari/{evaluation['evaluation_id']}"


# -- a section of the sheet ------------------------------------------------------------
@pages.get(SECTION_PAGE)
def section_form(page: Page) -> Response:
    evaluation = _evaluation(page)
    section = _section_of(evaluation, page.args["section"])
    if page.kept is not None:
        values = page.values
    else:
        values = section_values(section, (evaluation.get("sections") or {}).get(section))
    return _section_page(page, evaluation, section, values)


@pages.post(SECTION_PAGE)
def record_section(page: Page) -> Response:
    _ = page.gettext
    evaluation = _evaluation(page)
    section = _section_of(evaluation, page.args["section"])
    parsed = parse_section(section, page.values, _)
    operation = "evaluations.record_evaluation_section"
    sent = {"section": section, "content": parsed.content}
    failed = _act(page, operation, evaluation, sent, parsed)
    if failed:
        return _section_page(page, evaluation, section, page.values, **failed)
    said = _("Secțiunea a fost salvată: {title}.").format(title=_(SECTIONS[section].title))
    return page.redirect(_back(evaluation), said)


def _section_of(evaluation: dict[str, Any], section: str) -> str:
    """The section, when the evaluation's kind has it; else no such page."""
    if section not in ALLOWED.get(evaluation.get("kind", ""), ()):
        raise hidden("evaluation")
    return section


def _section_page(
    page: Page,
    evaluation: dict[str, Any],
    section: str,
    values: MultiDict,
    status: int = 200,
    **context: Any,
) -> Response:
    saved = (evaluation.get("sections") or {}).get(section) or {}
    rows = max(row_count(values, ROW_FIELDS), len(saved.get("institutions", []))) + EXTRA_ROWS
    return page.render(
        "coordinator/evaluation_section.html",
        status=status,
        evaluation=evaluation,
        section=SECTIONS[section],
        required=section in REQUIRED[evaluation["kind"]],
        values=values,
        rows=rows,
        w=words,
        **context,
    )


def _act(
    page: Page, operation: str, evaluation: dict[str, Any], sent: dict[str, Any], parsed: Parsed
) -> dict[str, Any]:
    """The command acted on, or what the page says instead: the errors at
    their fields, the refusal, the status (422 for bad input)."""
    _ = page.gettext
    if parsed.errors:
        return {"status": 422, "errors": parsed.errors}
    try:
        page.act(operation, {"evaluation_id": evaluation["evaluation_id"]}, sent)
    except Problem as problem:
        status, shown = refused(page, problem, operation)
        refusal = shown["refusal"]  # at the form row it names, not the content's path
        errors = refusal_errors(refusal.field, parsed.rows, refusal.message, _)
        return {"status": status, "errors": errors, "refusal": refusal}
    return {}


# -- 7. the conclusions -------------------------------------------------------------------
@pages.get(CONCLUSIONS_PAGE)
def conclusions_form(page: Page) -> Response:
    evaluation = _evaluation(page)
    values = page.values if page.kept is not None else conclusions_values(
        evaluation.get("conclusions")
    )
    return _conclusions_page(page, evaluation, values)


@pages.post(CONCLUSIONS_PAGE)
def record_conclusions(page: Page) -> Response:
    _ = page.gettext
    evaluation = _evaluation(page)
    domains = [row["domain"] for row in evaluation["grid"]]
    parsed = parse_conclusions(page.values, domains, _)
    operation = "evaluations.record_conclusions"
    failed = _act(page, operation, evaluation, {"conclusions": parsed.content}, parsed)
    if failed:
        return _conclusions_page(page, evaluation, page.values, **failed)
    return page.redirect(_back(evaluation), _("Concluziile au fost salvate."))


def _conclusions_page(
    page: Page, evaluation: dict[str, Any], values: MultiDict, status: int = 200, **context: Any
) -> Response:
    saved = evaluation.get("conclusions") or {}
    rows = max(row_count(values, TRAINING_FIELDS), len(saved.get("training", []))) + TRAINING_ROWS
    return page.render(
        "coordinator/evaluation_conclusions.html",
        status=status,
        evaluation=evaluation,
        domains=[(row["domain"], row["name"]) for row in evaluation["grid"]],
        values=values,
        rows=rows,
        w=words,
        **context,
    )
