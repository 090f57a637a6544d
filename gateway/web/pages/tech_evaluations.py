"""The technician's side of an evaluation: the sheet as the coordinator
recorded it, the self-assessment on the annex 2 grid (levels 1–4, one per
domain) and the technician's signature."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from gateway.problems import Problem
from gateway.web.page import Page, PageTable
from gateway.web.pages.coord_evaluations import LEVELS, observation_rows
from gateway.web.words import EVALUATION_KINDS, EVALUATION_SECTIONS

pages = PageTable()


@pages.get("/evaluarea-mea/<uuid:evaluation_id>")
def own_evaluation(page: Page) -> Response:
    return _page(page)


@pages.post("/evaluarea-mea/<uuid:evaluation_id>")
def own_evaluation_act(page: Page) -> Response:
    _ = page.gettext
    path = {"evaluation_id": page.args["evaluation_id"]}
    if page.request.form.get("act") == "semneaza":
        operation, values, said = "evaluations.sign_evaluation", {}, _("Evaluarea a fost semnată.")
    else:
        found = page.call("evaluations.get_evaluation", path)
        # same form fields as the coordinator's grid: one level per domain
        rows = observation_rows(page.request.form, [r["domain"] for r in found["grid"]])
        if not rows:
            return _page(page, 422, errors={"grila": _("Alegeți cel puțin un nivel.")})
        operation, values = "evaluations.record_self_assessment", {"rows": rows}
        said = _("Autoevaluarea a fost înregistrată.")
    try:
        page.act(operation, path, values)
    except Problem as problem:
        if problem.status in (401, 404):
            raise
        return _page(page, problem.status, refusal=page.explain(problem, operation))
    return page.redirect(page.request.path, said)


def _page(page: Page, status: int = 200, **context: Any) -> Response:
    found = page.call("evaluations.get_evaluation", {"evaluation_id": page.args["evaluation_id"]})
    return page.render(
        "technician/evaluation.html", status=status, evaluation=found, levels=LEVELS,
        sections=EVALUATION_SECTIONS, kinds=EVALUATION_KINDS, **context,
    )
