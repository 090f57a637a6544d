"""The technician's day: "Azi" (cases, delegated tasks with their due
dates, documents due or returned, the inbox), the inbox itself, their
coordination (the contract's journal and its feedback sessions), and an
urgent risk reported in at most three steps from any case page (R7: 112
first when a life is in danger)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from werkzeug.wrappers import Response

from events.vocabulary.cases import LIFE_OR_INTEGRITY_CATEGORIES
from gateway.problems import Problem
from gateway.web import words
from gateway.web.page import Page, PageTable
from gateway.web.pages.cases import COUNTY_TIME
from gateway.web.pages.documents import local_moment
from gateway.web.pages.listing import items_of, paged, refused, show

pages = PageTable()
OPEN_TASKS = ("delegated", "accepted", "in_progress", "obstacle_reported")
DANGER = LIFE_OR_INTEGRITY_CATEGORIES  # where 112 comes before anything else (R7, 4.6)


@pages.get("/azi")
def today(page: Page) -> Response:
    assert page.who is not None
    me = page.who.id
    # sent together; the documents still with the technician in one query, not one per case
    cases, tasks, overdue, mine, inbox, files = page.call_together(
        # one page, cut by the cases service: the home shows the first 20
        ("cases.list_cases", None, {"technician_id": me, "limit": 20}),
        ("coordination.tasks_of_technician", {"technician_id": me}, {}),
        ("cases.overdue_documents", None, {}),
        ("cases.documents_of_technician", {"technician_id": me}, {"open_only": True}),
        ("notifications.inbox", None, {"unread_only": True}),
        # the case files' missing documents (DGASPC page): work to do
        ("cases.missing_case_file_documents", None, {}),
    )
    tasks = [t for t in tasks if t["status"] in OPEN_TASKS]
    returned = [d for d in mine if d["status"] == "returned"]
    drafts = [d for d in mine if d["status"] == "drafted"]
    inbox = inbox[:5]
    return show(
        page,
        "technician/today.html",
        cases=cases["items"],
        more_cases=cases["next_cursor"] is not None,
        tasks=tasks,
        overdue=overdue,
        returned=returned,
        drafts=drafts,
        inbox=inbox,
        files=files,
    )


@pages.get("/coordonarea-mea")
def own_coordination(page: Page) -> Response:
    """The technician's coordination contract (the one in force, else the
    latest): its hours, plan and journal, where they add their view to each
    feedback session (E.3)."""
    assert page.who is not None
    contracts = page.call("coordination.contracts_of_technician", {"technician_id": page.who.id})
    contracts = items_of(contracts)
    if not contracts:
        said = page.gettext("Nu aveți încă un contract de coordonare.")
        return page.redirect("/azi", said)
    chosen = next((c for c in contracts if c["status"] == "active"), contracts[-1])
    return page.redirect(f"/contracte/{chosen['contract_id']}")


@pages.get("/mesaje")
def messages(page: Page) -> Response:
    items = page.call("notifications.inbox")
    shown, following, total = paged(page, items, {})
    return show(page, "technician/messages.html", items=shown, following=following, total=total)


@pages.post("/mesaje")
def mark_read(page: Page) -> Response:
    notification = page.request.form.get("notification_id", "")
    try:
        page.act("notifications.mark_read", {"notification_id": notification}, {})
    except Problem as problem:
        # not one's own, or already read: the inbox again, as it is, without a word
        if problem.status not in (400, 404, 409, 422):
            raise
        return page.redirect("/mesaje")
    return page.redirect("/mesaje", page.gettext("Mesajul a fost marcat ca citit."))


# -- an urgent risk: step 1 the kind (112 first for a life), step 2 what was
# seen, step 3 sent ------------------------------------------------------------
def risk_command(
    form: Any, _: Any, now: datetime | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The report_urgent_risk command from the form, and errors at its fields."""
    errors: dict[str, str] = {}
    category = form.get("category", "")
    if category not in words.RISK_CATEGORIES:
        errors["category"] = _("Alegeți felul riscului.")
    observations = form.get("observations", "").strip()
    if not observations:
        errors["observations"] = _("Descrieți pe scurt ce ați observat.")
    called = form.get("called_112") == "da"
    if category in DANGER and not called:
        errors["called_112"] = _("Când viața este în pericol, sunați întâi la 112.")
    observed = (
        local_moment(form.get("observed_at", ""))
        if form.get("observed_at")
        else ((now or datetime.now(COUNTY_TIME)).isoformat())
    )
    if observed is None:
        errors["observed_at"] = _("Scrieți data și ora (zz.ll.aaaa, oo:mm).")
    command = {
        "category": category,
        "observations": observations,
        "called_112": called,
        "observed_at": observed,
    }
    return command, errors


def _risk_form(page: Page, status: int = 200, **context: Any) -> Response:
    case = page.call("cases.get_case", {"case_id": str(page.args["case_id"])})
    categories = [(k, page.gettext(v)) for k, v in words.RISK_CATEGORIES.items()]
    return show(
        page,
        "technician/risk.html",
        status,
        case=case,
        categories=categories,
        danger=page.values.get("category") in DANGER,
        **context,
    )


@pages.get("/cazuri/<uuid:case_id>/risc")
def risk_form(page: Page) -> Response:
    return _risk_form(page)


@pages.post("/cazuri/<uuid:case_id>/risc")
def report_risk(page: Page) -> Response:
    case_id = str(page.args["case_id"])
    if page.values.get("pas") == "1":  # the kind chosen: step 2 on the same page
        return _risk_form(page, step=2)
    command, errors = risk_command(page.values, page.gettext)
    status, shown = 422, {"errors": errors}
    if not errors:
        try:
            page.act("cases.report_urgent_risk", {"case_id": case_id}, command)
            return page.redirect(
                f"/cazuri/{case_id}",
                page.gettext("Riscul a fost semnalat. Coordonatorul a fost alertat."),
            )
        except Problem as problem:
            status, shown = refused(page, problem, "cases.report_urgent_risk", "observations")
    return _risk_form(page, status, step=2, **shown)
