"""The coordinator's decisions on a case (R2) and on an urgent risk.

Every act is one form posted to its own page and handed to ``page.act``:
the gateway's check refuses it to anyone but the coordinator (naming R2), so
these handlers never check the role themselves — a technician's forged post
gets the same Romanian refusal as the API gives, and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from gateway.problems import Problem
from gateway.web import words
from gateway.web.i18n import as_date
from gateway.web.page import Page, PageTable
from gateway.web.pages.coordinator import escalation_at, lines, time_left
from gateway.web.pages.listing import refused
from gateway.web.words import (
    CASE_OUTCOMES,
    DECISIONS,
    DOCUMENT_KINDS,
    INSTITUTIONS,
    RESPONSIBLE,
    RISK_LEVELS,
    STAGES,
    URGENT_LEVELS,
)

pages = PageTable()
FOLLOW_UP_MONTHS = {str(n): str(n) for n in range(3, 7)}  # R8: 3–6 months from closure
PLAN_ROWS = 3  # objectives shown at once; a longer plan is written in versions
ACTIVITY_ROWS = 4  # the plan's calendar (3.2 C): dated activities shown at once


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "textarea"  # textarea, text, date, select, lines (one item a line)
    required: bool = True
    options: dict[str, str] | None = None


@dataclass(frozen=True)
class CaseAct:
    operation: str  # the gateway's operation id
    title: str
    button: str
    done: str  # said on the case page afterwards
    fields: tuple[Field, ...] = ()


NOTE = Field("note", "Notă (opțional)", required=False)
CASE_ACTS: dict[str, CaseAct] = {
    "deschide": CaseAct(
        "cases.open_case", "Deschiderea cazului", "Deschide cazul", "Cazul a fost deschis.",
        (Field("rationale", "Motivarea deschiderii"),),
    ),
    "diagnostic": CaseAct(
        "cases.record_social_diagnosis", "Diagnosticul social", "Înregistrează diagnosticul",
        "Diagnosticul social a fost înregistrat.",
        (
            Field("diagnosis", "Diagnosticul social"),
            Field("needs", "Nevoile identificate (câte una pe rând)", "lines"),
            Field("risk_level", "Nivelul de risc", "select", options=RISK_LEVELS),
        ),
    ),
    "plan": CaseAct(
        "cases.write_intervention_plan", "Planul de intervenție", "Salvează planul",
        "Planul de intervenție a fost salvat (o versiune nouă).", (NOTE,),
    ),
    "interventie": CaseAct(
        "cases.start_intervention", "Începerea intervenției", "Începe intervenția",
        "Intervenția a început.", (NOTE,),
    ),
    "monitorizare": CaseAct(
        "cases.start_monitoring", "Începerea monitorizării", "Începe monitorizarea",
        "Monitorizarea a început.", (NOTE,),
    ),
    "decizie": CaseAct(
        "cases.record_decision", "Decizie profesională", "Înregistrează decizia",
        "Decizia a fost înregistrată.",
        (
            Field("decision", "Decizia", "select", options=DECISIONS),
            Field("rationale", "Motivarea"),
        ),
    ),
    "inchide": CaseAct(
        "cases.close_case", "Închiderea cazului", "Închide cazul", "Cazul a fost închis.",
        (
            Field("outcome", "Rezultatul", "select", options=CASE_OUTCOMES),
            Field("rationale", "Motivarea"),
            Field("destination", "Unde a fost îndrumat (opțional)", "text", required=False),
            # the options are the case's validated final reports, read when the form is shown
            Field("final_report_id", "Raportul final validat", "report", required=False),
            # R8 (2.4): only when no technician works on the case, so no final report
            Field(
                "without_report_reason", "Motivul închiderii fără raport final (niciun tehnician)",
                "text", required=False,
            ),
        ),
    ),
    "urmarire": CaseAct(
        "cases.begin_follow_up", "Monitorizarea după închidere", "Începe monitorizarea",
        "Perioada de monitorizare după închidere a început.", (NOTE,),
    ),
    "arhiveaza": CaseAct(
        "cases.archive_case", "Arhivarea cazului", "Arhivează", "Cazul a fost arhivat.",
        (
            NOTE,
            # R8: before the follow-up period ends, only on a recorded decision
            Field(
                "follow_up_decision", "Decizia de a încheia monitorizarea înainte de termen",
                "text", required=False,
            ),
        ),
    ),
}


def command_values(act: CaseAct, form: MultiDict, required: str) -> tuple[dict, dict]:
    """The command's values from the form, and the fields missing (a message
    each, ``required`` the text): checked here only so the person is told at
    the field; the service checks again."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in act.fields:
        if field.kind == "months":
            continue  # the follow-up window: see ``follow_up``
        raw = form.get(field.name, "").strip()
        if not raw:
            if field.required:
                errors[field.name] = required
            continue
        values[field.name] = lines(raw) if field.kind == "lines" else raw
    return values, errors


def follow_up(form: MultiDict, required: str) -> tuple[int | None, dict]:
    """The follow-up period's length (R8, 2.4: 3–6 months from closure), or
    none (the coordination plan's); the domain checks the rule."""
    months = form.get("follow_up_months", "").strip()
    if not months:
        return None, {}
    if not months.isdigit():
        return None, {"follow_up_months": required}
    return int(months), {}


def plan_objectives(
    form: MultiDict, rows: int, required: str
) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The plan's rows that were begun; a begun row must be whole."""
    objectives: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    for n in range(1, rows + 1):
        row = {k: form.get(f"{k}_{n}", "").strip()
               for k in ("objective", "indicator", "responsible", "deadline")}
        if not any(row[k] for k in ("objective", "indicator", "deadline")):
            continue
        errors |= {f"{k}_{n}": required for k, v in row.items() if not v}
        objectives.append(row)
    if not objectives and not errors:
        errors["objective_1"] = required
    return objectives, errors


def plan_activities(
    form: MultiDict, rows: int, required: str
) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The calendar's rows that were begun (3.2 C: what, on which day, by
    whom); a begun row must be whole, and the plan has at least one."""
    activities: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    for n in range(1, rows + 1):
        row = {k: form.get(f"{k}_{n}", "").strip()
               for k in ("activity", "activity_date", "activity_responsible")}
        if not any(row[k] for k in ("activity", "activity_date")):
            continue
        errors |= {f"{k}_{n}": required for k, v in row.items() if not v}
        activities.append(
            {"activity": row["activity"], "date": row["activity_date"],
             "responsible": row["activity_responsible"]}
        )
    if not activities and not errors:
        errors["activity_1"] = required
    return activities, errors


@pages.get("/cazuri/<uuid:case_id>/<any(" + ",".join(CASE_ACTS) + "):act>")
def case_act_form(page: Page) -> Response:
    return _case_act_page(page)


@pages.post("/cazuri/<uuid:case_id>/<any(" + ",".join(CASE_ACTS) + "):act>")
def case_act(page: Page) -> Response:
    _ = page.gettext
    act = CASE_ACTS[page.args["act"]]
    required = _("Completați acest câmp.")
    values, errors = command_values(act, page.request.form, required)
    if page.args["act"] == "plan":
        objectives, more = plan_objectives(page.request.form, PLAN_ROWS, required)
        values["objectives"], errors = objectives, errors | more
        activities, more = plan_activities(page.request.form, ACTIVITY_ROWS, required)
        values["activities"], errors = activities, errors | more
    if page.args["act"] == "inchide":
        months, more = follow_up(page.request.form, required)
        errors |= more
        if months:
            values["follow_up_months"] = months
    if errors:
        return _case_act_page(page, 422, errors=errors)
    try:
        page.act(act.operation, {"case_id": page.args["case_id"]}, values)
    except Problem as problem:
        status, shown = refused(page, problem, act.operation)
        return _case_act_page(page, status, **shown)
    return page.redirect(f"/cazuri/{page.args['case_id']}", _(act.done))


def _case_act_page(page: Page, status: int = 200, **context: Any) -> Response:
    case = page.call("cases.get_case", {"case_id": page.args["case_id"]})
    act = CASE_ACTS[page.args["act"]]
    closing = page.args["act"] == "inchide"
    # the plan's versions: the current one in full (get_case), the earlier ones
    # as dated entries of the timeline (only the latest text is kept readable)
    versions = [
        e for e in page.call("cases.case_timeline", {"case_id": page.args["case_id"]})
        if e.get("event") == "PlanVersioned"
    ] if page.args["act"] == "plan" else []
    return page.render(
        "coordinator/case_act.html", w=words, status=status, case=case, act=act,
        plan_rows=range(1, PLAN_ROWS + 1) if page.args["act"] == "plan" else (),
        activity_rows=range(1, ACTIVITY_ROWS + 1) if page.args["act"] == "plan" else (),
        responsible=RESPONSIBLE, closing=closing, months=FOLLOW_UP_MONTHS,
        reports=final_reports(page) if closing else {}, versions=versions,
        stages=STAGES, **context,
    )


def final_reports(page: Page) -> dict[str, str]:
    """The case's validated final reports, as the choices of the closing form
    (document id → a label with its date; no personal data)."""
    _ = page.gettext
    documents = page.call("cases.documents_of_case", {"case_id": page.args["case_id"]})
    chosen = [d for d in documents if d["kind"] == "final_report" and d["status"] == "validated"]
    return {
        d["document_id"]: f"{_(DOCUMENT_KINDS['final_report'])} "
        f"{as_date(d.get('occurred_at') or d.get('submitted_at'))} (v{d['version']})"
        for d in chosen
    }


# -- urgent risks ----------------------------------------------------------------------
RISK_ACTS = {
    "confirma": ("cases.acknowledge_urgent_risk", (), "Riscul a fost confirmat."),
    "evalueaza": (
        "cases.assess_urgent_risk",
        (
            Field("level", "Nivelul riscului", "select", options=URGENT_LEVELS),
            Field("assessment", "Evaluarea"),
            Field("measures", "Măsurile luate (câte una pe rând)", "lines"),
        ),
        "Evaluarea riscului a fost înregistrată.",
    ),
    "sesizeaza": (
        "cases.notify_institution",
        (
            Field("institution", "Instituția (cod RNASR)", "select", options=INSTITUTIONS),
            Field("reference", "Numărul de înregistrare (opțional)", "text", required=False),
            Field("summary", "Rezumatul sesizării"),
        ),
        "Instituția a fost sesizată.",
    ),
}


@pages.get("/riscuri/<uuid:risk_id>")
def risk(page: Page) -> Response:
    return _risk_page(page)


@pages.post("/riscuri/<uuid:risk_id>")
def risk_act(page: Page) -> Response:
    _ = page.gettext
    chosen = page.request.form.get("act", "")
    if chosen not in RISK_ACTS:
        return _risk_page(page, 422)
    operation, fields, done = RISK_ACTS[chosen]
    act = CaseAct(operation, "", "", done, fields)
    values, errors = command_values(act, page.request.form, _("Completați acest câmp."))
    if errors:
        return _risk_page(page, 422, errors=errors, chosen=chosen)
    try:
        page.act(operation, {"risk_id": page.args["risk_id"]}, values)
    except Problem as problem:
        status, shown = refused(page, problem, operation)
        return _risk_page(page, status, chosen=chosen, **shown)
    return page.redirect(page.request.path, _(done))


def _risk_page(page: Page, status: int = 200, **context: Any) -> Response:
    from datetime import UTC, datetime

    found = page.call("cases.get_urgent_risk", {"risk_id": page.args["risk_id"]})
    until = escalation_at(found)
    left, late = time_left(until, datetime.now(UTC))
    return page.render(
        "coordinator/risk.html", w=words, status=status, risk=found, escalates_at=until.isoformat(),
        left=left, late=late, acts=RISK_ACTS, **context,
    )
