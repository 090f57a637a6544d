"""A technician's evaluations: the annex 1 sheet's sections as recorded, the
annex 2 grid (the technician's self-assessment beside the coordinator's
observation, levels 1–4), the observation recorded, signing; and the
progress between the last two completed evaluations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Response

from gateway.problems import Problem
from gateway.web import words
from gateway.web.page import Page, PageTable
from gateway.web.pages import eval_sheet_form
from gateway.web.pages.listing import refused
from gateway.web.words import EVALUATION_KINDS

pages = PageTable()
LEVELS = ("1", "2", "3", "4")


def observation_rows(form: Any, domains: list[str]) -> dict[str, dict[str, int]]:
    """The grid's levels chosen on the form, by domain; rows left blank are
    left as they were."""
    return {
        d: {"level": int(form.get(f"nivel-{d}"))}
        for d in domains
        if form.get(f"nivel-{d}") in LEVELS
    }


@pages.get("/evaluari/<uuid:evaluation_id>")
def evaluation(page: Page) -> Response:
    return _evaluation_page(page)


@pages.post("/evaluari/<uuid:evaluation_id>")
def evaluation_act(page: Page) -> Response:
    said = page.gettext("Observația a fost înregistrată.")
    return grid_act(page, "evaluations.record_observation", said, _evaluation_page)


def grid_act(
    page: Page, grid_operation: str, said: str, shown: Callable[..., Response]
) -> Response:
    """A post on an evaluation's page: its signature (``act=semneaza``), or
    one level per domain of the annex 2 grid through ``grid_operation`` (the
    coordinator's observation, the technician's self-assessment)."""
    _ = page.gettext
    path = {"evaluation_id": page.args["evaluation_id"]}
    if page.request.form.get("act") == "semneaza":
        operation, values, said = "evaluations.sign_evaluation", {}, _("Evaluarea a fost semnată.")
    else:
        found = page.call("evaluations.get_evaluation", path)
        rows = observation_rows(page.request.form, [r["domain"] for r in found["grid"]])
        if not rows:
            return shown(page, 422, errors={"grila": _("Alegeți cel puțin un nivel.")})
        operation, values = grid_operation, {"rows": rows}
    try:
        page.act(operation, path, values)
    except Problem as problem:
        status, refusal = refused(page, problem, operation)
        return shown(page, status, **refusal)
    return page.redirect(page.request.path, said)


def _evaluation_page(page: Page, status: int = 200, **context: Any) -> Response:
    found = page.call("evaluations.get_evaluation", {"evaluation_id": page.args["evaluation_id"]})
    return page.render(
        "coordinator/evaluation.html", status=status, evaluation=found, levels=LEVELS,
        kinds=EVALUATION_KINDS, **sheet_context(), **context,
    )


def sheet_context() -> dict[str, Any]:
    """What the sheet's summary (``evaluation_sheet.html``) reads."""
    return {"sheet": eval_sheet_form, "w": words}


@pages.get("/tehnicieni/<uuid:technician_id>/evaluari")
def evaluations(page: Page) -> Response:
    return _evaluations_page(page)


@pages.post("/tehnicieni/<uuid:technician_id>/evaluari")
def open_evaluation(page: Page) -> Response:
    _ = page.gettext
    kind = page.request.form.get("kind", "")
    if kind not in EVALUATION_KINDS:
        return _evaluations_page(page, 422, errors={"kind": _("Completați acest câmp.")})
    operation = "evaluations.open_evaluation"
    try:
        opened = page.act(operation, {"technician_id": page.args["technician_id"]}, {"kind": kind})
    except Problem as problem:
        status, shown = refused(page, problem, operation)
        return _evaluations_page(page, status, **shown)
    return page.redirect(f"/evaluari/{opened['evaluation_id']}", _("Evaluarea a fost deschisă."))


def evaluation_record(page: Page, technician_id: str) -> dict[str, Any]:
    """The technician's evaluation record; an empty one before their first."""
    try:
        return page.call("evaluations.technician_record", {"technician_id": technician_id})
    except Problem as problem:
        if problem.status != 404:  # no record yet: never evaluated
            raise
        return {"evaluations": []}


def _evaluations_page(page: Page, status: int = 200, **context: Any) -> Response:
    path = {"technician_id": str(page.args["technician_id"])}
    technician = page.call("coordination.get_staff", {"staff_id": path["technician_id"]})
    record = evaluation_record(page, path["technician_id"])
    done = [e for e in record.get("evaluations", []) if e.get("completed_on")]
    progress = page.call("evaluations.compare_evaluations", path) if len(done) > 1 else None
    return page.render(
        "coordinator/evaluations.html", status=status, technician=technician, record=record,
        progress=progress, kinds=EVALUATION_KINDS, **context,
    )
