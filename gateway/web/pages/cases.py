"""The case list and the case page, shared by the technician and the social
worker (who also finds there the coordinator's acts: H2's
``coordinator/case_actions.html``). A case out of one's scope answers the
same 404 as an unknown id: the gateway's problem is passed on unchanged."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from werkzeug.wrappers import Response

from gateway.problems import Problem
from gateway.web import words
from gateway.web.page import Page, PageTable
from gateway.web.pages.listing import paged, refused, show

pages = PageTable()
COUNTY_TIME = ZoneInfo("Europe/Bucharest")  # the guide's months are the county's


def this_month(now: datetime | None = None) -> str:
    """The county's month now, as the visits query takes it (2026-11)."""
    return (now or datetime.now(COUNTY_TIME)).astimezone(COUNTY_TIME).strftime("%Y-%m")


def case_filters(args: dict[str, str]) -> dict[str, str]:
    """The list's filters as the address carries them; unknown values dropped
    so that they never reach the service."""
    shown: dict[str, str] = {}
    municipality = args.get("localitate", "").strip()
    if municipality.isdigit() and len(municipality) <= 6:
        shown["localitate"] = municipality
    if args.get("etapa") in words.STAGES:
        shown["etapa"] = args["etapa"]
    if args.get("categorie") in words.CATEGORY_LABELS:
        shown["categorie"] = args["categorie"]
    return shown


@pages.get("/cazuri")
def case_list(page: Page) -> Response:
    filters = case_filters(dict(page.request.args))
    query: dict[str, Any] = {}
    if "localitate" in filters:
        query["municipality"] = filters["localitate"]
    if "etapa" in filters:
        query["stage"] = filters["etapa"]
    items = page.call("cases.list_cases", **query)
    if "categorie" in filters:
        items = [c for c in items if filters["categorie"] in c.get("categories", [])]
    shown, following, total = paged(page, items, filters)
    return show(
        page,
        "cases/list.html",
        cases=shown,
        following=following,
        total=total,
        filters=filters,
        values=filters,
        stages=[(k, page.gettext(v)) for k, v in words.STAGES.items()],
        categories=[(k, page.gettext(v)) for k, v in words.CATEGORY_LABELS.items()],
    )


def case_context(page: Page, case_id: str) -> dict[str, Any]:
    """What the case page shows; the case first, so that a case out of scope
    is the 404 before anything else is asked."""
    case = page.call("cases.get_case", {"case_id": case_id})
    assert page.who is not None
    objectives = (case.get("plan") or {}).get("objectives", [])
    if page.who.role == "technician":
        objectives = [o for o in objectives if o.get("responsible") == "technician"]
    documents, timeline, visits = page.call_together(  # the case seen: the rest at once
        ("cases.documents_of_case", {"case_id": case_id}, {}),
        ("cases.case_timeline", {"case_id": case_id}, {}),
        ("cases.visits_of_case", {"case_id": case_id}, {"period": this_month()}),
    )
    timeline, following, total = paged(page, list(reversed(timeline)), {})
    # the plan drawn up together (3.2 C): its calendar, who acknowledged it,
    # the adjustments proposed
    together: dict[str, Any] | None = None
    acknowledged = False
    if case.get("plan"):
        together = page.call("cases.intervention_plan_of_case", {"case_id": case_id})
        acknowledged = any(
            a["version"] == together["version"] and a["technician_id"] == str(page.who.id)
            for a in together["acknowledged"]
        )
    return {
        "case": case,
        "together": together,
        "acknowledged": acknowledged,
        "objectives": objectives,
        "documents": documents,
        "timeline": timeline,
        "following": following,
        "timeline_total": total,
        "visits": visits,
        "field_worker": page.who.role in ("technician", "social_worker"),
    }


@pages.get("/cazuri/<uuid:case_id>")
def case_page(page: Page) -> Response:
    return show(page, "cases/case.html", **case_context(page, str(page.args["case_id"])))


# -- the plan drawn up together (3.2 C, 2.3): the technician's answers -------------
@pages.post("/cazuri/<uuid:case_id>/plan/confirmare")
def acknowledge_plan(page: Page) -> Response:
    return _answer_plan(
        page,
        "cases.acknowledge_intervention_plan",
        {},
        "Ați confirmat că ați luat la cunoștință planul.",
    )


@pages.post("/cazuri/<uuid:case_id>/plan/ajustare")
def propose_adjustment(page: Page) -> Response:
    proposal = page.request.form.get("proposal", "").strip()
    if not proposal:
        context = case_context(page, str(page.args["case_id"]))
        errors = {"proposal": page.gettext("Scrieți ce propuneți să se ajusteze.")}
        return show(page, "cases/case.html", 422, errors=errors, **context)
    return _answer_plan(
        page,
        "cases.propose_plan_adjustment",
        {"proposal": proposal},
        "Propunerea a fost trimisă coordonatorului.",
    )


def _answer_plan(page: Page, operation: str, more: dict[str, Any], done: str) -> Response:
    case_id = str(page.args["case_id"])
    version = page.request.form.get("version", "")
    values = {"version": int(version) if version.isdigit() else 0} | more
    try:
        page.act(operation, {"case_id": case_id}, values)
    except Problem as problem:
        status, shown = refused(page, problem, operation)
        return show(page, "cases/case.html", status, **case_context(page, case_id), **shown)
    return page.redirect(f"/cazuri/{case_id}", page.gettext(done))
