"""The technician's delegated tasks (accept, start, complete, report an
obstacle: R1, R3), the benefit check (situation A decided in the field; B
waits for the coordinator's co-signature, R4) and the feedback on the
coordination (3.3 §5)."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from gateway.problems import Problem
from gateway.web import words
from gateway.web.page import Page, PageTable
from gateway.web.pages.cases import this_month
from gateway.web.pages.listing import refused, show

pages = PageTable()
# the task's state → what its assignee may do next, as the service allows
NEXT_STEPS = {
    "delegated": ("accept",),
    "accepted": ("start", "obstacle"),
    "in_progress": ("complete", "obstacle"),
    "obstacle_reported": ("start", "complete"),
}
STEP_OPERATIONS = {
    "accept": "coordination.accept_task",
    "start": "coordination.start_task",
    "complete": "coordination.complete_task",
    "obstacle": "coordination.report_task_obstacle",
}
TASK_STATUSES = {
    "delegated": "delegată, de acceptat",
    "accepted": "acceptată",
    "in_progress": "în lucru",
    "obstacle_reported": "piedică semnalată",
    "completed": "încheiată",
    "cancelled": "anulată",
}


def task_step(form: Any, _: Any) -> tuple[str, dict[str, Any], dict[str, str]]:
    """The step asked for, its command and errors at its fields."""
    step = form.get("pas", "")
    if step == "complete":
        result = form.get("result", "").strip()
        if not result:
            return step, {}, {"result": _("Scrieți rezultatul sarcinii.")}
        return step, {"result": result}, {}
    if step == "obstacle":
        obstacle = form.get("obstacle", "")
        if obstacle not in words.TASK_OBSTACLES:
            return step, {}, {"obstacle": _("Alegeți piedica.")}
        note = form.get("note", "").strip()
        return step, {"obstacle": obstacle} | ({"note": note} if note else {}), {}
    return step, {}, {}


def _task_page(page: Page, status: int = 200, **context: Any) -> Response:
    task = page.call("coordination.get_task", {"task_id": str(page.args["task_id"])})
    assert page.who is not None
    steps = NEXT_STEPS.get(task["status"], ()) if task["technician_id"] == page.who.id else ()
    obstacles = [(k, page.gettext(v)) for k, v in words.TASK_OBSTACLES.items()]
    return show(
        page,
        "technician/task.html",
        status,
        task=task,
        steps=steps,
        obstacles=obstacles,
        statuses=TASK_STATUSES,
        **context,
    )


@pages.get("/sarcini/<uuid:task_id>")
def task_page(page: Page) -> Response:
    return _task_page(page)


@pages.post("/sarcini/<uuid:task_id>")
def task_act(page: Page) -> Response:
    task_id = str(page.args["task_id"])
    step, command, errors = task_step(page.values, page.gettext)
    if step not in STEP_OPERATIONS:
        return _task_page(page, 422, errors={"pas": page.gettext("Alegeți un pas.")})
    status, shown = 422, {"errors": errors}
    if not errors:
        try:
            page.act(STEP_OPERATIONS[step], {"task_id": task_id}, command)
            return page.redirect(f"/sarcini/{task_id}", page.gettext("Sarcina a fost actualizată."))
        except Problem as problem:
            default = "result" if step == "complete" else "obstacle"
            status, shown = refused(page, problem, STEP_OPERATIONS[step], default)
    return _task_page(page, status, **shown)


# -- the benefit check ------------------------------------------------------------------
def benefit_command(form: Any, _: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The record_benefit_check command from the form; any discrepancy makes
    it situation B (the coordinator co-signs)."""
    errors: dict[str, str] = {}
    if form.get("benefit") not in words.BENEFITS:
        errors["benefit"] = _("Alegeți prestația.")
    name = form.get("full_name", "").strip()
    if not name:
        errors["full_name"] = _("Scrieți numele solicitantului.")
    cnp = form.get("cnp", "").strip()
    if cnp and not (len(cnp) == 13 and cnp.isdigit() and cnp[0] != "0"):
        errors["cnp"] = _("CNP-ul are 13 cifre.")
    household = _number(form.get("household_size", ""), int)
    if household is None or not 1 <= household <= 50:
        errors["household_size"] = _("Scrieți un număr între 1 și 50.")
    income = _number(form.get("monthly_income", "").replace(",", "."), float)
    if income is None or income < 0:
        errors["monthly_income"] = _("Scrieți venitul lunar în lei (0 dacă nu are).")
    checked = [d for d in form.getlist("documents_checked") if d in words.CHECKED_DOCUMENTS]
    if not checked:
        errors["documents_checked"] = _("Bifați cel puțin un document verificat.")
    outcome = form.get("outcome", "")
    if outcome not in ("eligible", "ineligible"):
        errors["outcome"] = _("Alegeți concluzia.")
    amount = _number(form.get("amount", "").replace(",", "."), float)
    if outcome == "eligible" and (amount is None or amount <= 0):
        errors["amount"] = _("Scrieți suma în lei.")
    applicant: dict[str, Any] = {
        "full_name": name,
        "household_size": household,
        "monthly_income": income,
    }
    if cnp:
        applicant["cnp"] = cnp
    if form.get("address", "").strip():
        applicant["address"] = form.get("address", "").strip()
    command = {
        "benefit": form.get("benefit"),
        "applicant": applicant,
        "documents_checked": checked,
        "discrepancies": [d for d in form.getlist("discrepancies") if d in words.DISCREPANCIES],
        "outcome": outcome,
        "amount": amount if outcome == "eligible" else None,
    }
    return command, errors


def _number(text: str, kind: type) -> Any:
    try:
        return kind(text.strip())
    except ValueError:
        return None


def _benefit_form(page: Page, status: int = 200, **context: Any) -> Response:
    g = page.gettext
    return show(
        page,
        "technician/benefit.html",
        status,
        benefits=[(k, g(v)) for k, v in words.BENEFITS.items()],
        checked=[(k, g(v)) for k, v in words.CHECKED_DOCUMENTS.items()],
        discrepancies=[(k, g(v)) for k, v in words.DISCREPANCIES.items()],
        outcomes=[("eligible", g("eligibil")), ("ineligible", g("neeligibil"))],
        **context,
    )


@pages.get("/verificari/noua")
def benefit_form(page: Page) -> Response:
    return _benefit_form(page)


@pages.post("/verificari/noua")
def record_benefit_check(page: Page) -> Response:
    command, errors = benefit_command(page.values, page.gettext)
    status, shown = 422, {"errors": errors}
    if not errors:
        try:
            page.act("cases.record_benefit_check", None, command)
            said = (
                "Verificarea a fost înregistrată (situația B): "
                "așteaptă contrasemnătura coordonatorului."
                if command["discrepancies"]
                else "Verificarea a fost înregistrată (situația A)."
            )
            return page.redirect("/azi", page.gettext(said))
        except Problem as problem:
            status, shown = refused(page, problem, "cases.record_benefit_check", "benefit")
    return _benefit_form(page, status, **shown)


# -- feedback on the coordination -----------------------------------------------------
def feedback_command(form: Any, _: Any) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    scores: dict[str, int] = {}
    for question in words.FEEDBACK_QUESTIONS:
        given = form.get(question, "")
        if given not in ("1", "2", "3", "4"):
            errors[question] = _("Alegeți o notă de la 1 la 4.")
        else:
            scores[question] = int(given)
    period = form.get("period", "").strip()
    if not period:
        errors["period"] = _("Scrieți luna (aaaa-ll).")
    command: dict[str, Any] = {"period": period, "scores": scores}
    for name in ("comment", "suggestions"):
        if form.get(name, "").strip():
            command[name] = form.get(name, "").strip()
    return command, errors


def _feedback_form(page: Page, status: int = 200, **context: Any) -> Response:
    values = context.pop("values", None) or page.values
    if not values.get("period"):
        values = values.copy()
        values["period"] = this_month()
    return show(page, "technician/feedback.html", status, values=values, **context)


@pages.get("/feedback")
def feedback_form(page: Page) -> Response:
    return _feedback_form(page)


@pages.post("/feedback")
def give_feedback(page: Page) -> Response:
    command, errors = feedback_command(page.values, page.gettext)
    operation = "evaluations.give_coordination_feedback"
    status, shown = 422, {"errors": errors}
    if not errors:
        try:
            page.act(operation, None, command)
            return page.redirect("/azi", page.gettext("Mulțumim pentru feedback."))
        except Problem as problem:
            status, shown = refused(page, problem, operation, "period")
    return _feedback_form(page, status, **shown)
