"""The technician's side of their evaluations: the list of them, and each
one's sheet as the coordinator recorded it, the self-assessment on the annex
2 grid (levels 1–4, one per domain) and the technician's signature."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from gateway.web.page import Page, PageTable
from gateway.web.pages.coord_evaluations import (
    LEVELS,
    evaluation_record,
    grid_act,
    sheet_context,
)
from gateway.web.words import EVALUATION_KINDS

pages = PageTable()


@pages.get("/evaluarile-mele")
def own_evaluations(page: Page) -> Response:
    """The technician's evaluations, the latest first."""
    assert page.who is not None
    record = evaluation_record(page, str(page.who.id))
    shown = list(reversed(record.get("evaluations", [])))
    return page.render(
        "technician/evaluations.html", evaluations=shown, kinds=EVALUATION_KINDS
    )


@pages.get("/evaluarea-mea/<uuid:evaluation_id>")
def own_evaluation(page: Page) -> Response:
    return _page(page)


@pages.post("/evaluarea-mea/<uuid:evaluation_id>")
def own_evaluation_act(page: Page) -> Response:
    # the same form fields as the coordinator's grid: one level per domain
    said = page.gettext("Autoevaluarea a fost înregistrată.")
    return grid_act(page, "evaluations.record_self_assessment", said, _page)


def _page(page: Page, status: int = 200, **context: Any) -> Response:
    found = page.call("evaluations.get_evaluation", {"evaluation_id": page.args["evaluation_id"]})
    return page.render(
        "technician/evaluation.html", status=status, evaluation=found, levels=LEVELS,
        kinds=EVALUATION_KINDS, **sheet_context(), **context,
    )
