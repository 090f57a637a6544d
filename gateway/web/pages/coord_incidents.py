"""An incident (a technician's difficulty) through the seven steps of 4.5:
the page offers only the next step, as the service accepts them only in order."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from gateway.problems import Problem
from gateway.web import words
from gateway.web.page import Page, PageTable
from gateway.web.pages.coord_cases import CaseAct, Field, command_values
from gateway.web.pages.listing import refused
from gateway.web.words import (
    DIFFICULTIES,
    ESCALATION_LEVELS,
    INCIDENT_OUTCOMES,
    INFORMED_PARTIES,
)

pages = PageTable()

# the step the incident waits for (the service's ``next_step``) → the act that does it
STEPS: dict[str, CaseAct] = {
    "identified": CaseAct(
        "coordination.identify_incident", "1. Identificarea problemei", "Înregistrează",
        "Problema a fost identificată.",
        (Field("difficulty_type", "Tipul dificultății", "select", options=DIFFICULTIES),
         Field("problem", "Problema")),
    ),
    "informed": CaseAct(
        "coordination.inform_about_incident", "2. Informarea", "Înregistrează",
        "Informarea a fost consemnată.",
        (Field("informed_party", "Cine a fost informat", "select", options=INFORMED_PARTIES),
         Field("note", "Nota")),
    ),
    "cause_analysed": CaseAct(
        "coordination.analyse_incident_cause", "3. Analiza cauzei", "Înregistrează",
        "Cauza a fost analizată.",
        (Field("causes", "Cauzele (câte una pe rând)", "lines"), Field("analysis", "Analiza")),
    ),
    "solution_chosen": CaseAct(
        "coordination.choose_incident_solution", "4. Alegerea soluției", "Înregistrează",
        "Soluția a fost aleasă.",
        (Field("solution", "Soluția"), Field("measures", "Măsurile (câte una pe rând)", "lines")),
    ),
    "solution_implemented": CaseAct(
        "coordination.implement_incident_solution", "5. Aplicarea soluției", "Înregistrează",
        "Aplicarea soluției a fost consemnată.", (Field("implementation", "Cum a fost aplicată"),),
    ),
    "monitored": CaseAct(
        "coordination.monitor_incident", "6. Monitorizarea", "Înregistrează",
        "Monitorizarea a fost consemnată.",
        (Field("outcome", "Rezultatul", "select", options=INCIDENT_OUTCOMES),
         Field("observations", "Observațiile")),
    ),
    "documented": CaseAct(
        "coordination.document_incident", "7. Documentarea", "Înregistrează",
        "Incidentul a fost documentat.",
        (Field("case_study", "Studiul de caz"), Field("lessons", "Lecțiile învățate")),
    ),
}
# manual escalation one level up (4.4.3): posted with step=escalate, beside the steps
ESCALATE = CaseAct(
    "coordination.escalate_incident", "Escaladarea incidentului", "Escaladează",
    "Incidentul a fost escaladat la nivelul superior.",
    (Field("reason", "Motivul escaladării"),),
)
ESCALATORS = ("social_worker", "spas_head")  # who leads the steps may escalate (4.4.3)
TOP_LEVEL = "county_admin"  # beyond the county there is no level to escalate to


def may_escalate(found: dict, role: str) -> bool:
    """Offered only where the service would accept it: an open incident, led
    by this person, not already at the county (the service checks again)."""
    return role in ESCALATORS and not found.get("closed") and (
        found.get("escalation_level") != TOP_LEVEL
    )


@pages.get("/incidente/<uuid:incident_id>")
def incident(page: Page) -> Response:
    return _incident_page(page)


@pages.post("/incidente/<uuid:incident_id>")
def incident_step(page: Page) -> Response:
    _ = page.gettext
    step = page.request.form.get("step", "")
    if step not in STEPS and step != "escalate":
        return _incident_page(page, 422)
    act = ESCALATE if step == "escalate" else STEPS[step]
    values, errors = command_values(act, page.request.form, _("Completați acest câmp."))
    if errors:
        return _incident_page(page, 422, errors=errors, chosen=step)
    try:
        page.act(act.operation, {"incident_id": page.args["incident_id"]}, values)
    except Problem as problem:
        status, shown = refused(page, problem, act.operation)
        return _incident_page(page, status, chosen=step, **shown)
    return page.redirect(page.request.path, _(act.done))


def _incident_page(page: Page, status: int = 200, **context: Any) -> Response:
    found = page.call("coordination.get_incident", {"incident_id": page.args["incident_id"]})
    assert page.who is not None
    return page.render(
        "coordinator/incident.html", w=words, status=status, incident=found, steps=STEPS,
        act=STEPS.get(found.get("next_step") or ""), difficulties=DIFFICULTIES,
        escalate=ESCALATE if may_escalate(found, page.who.role) else None,
        levels=ESCALATION_LEVELS, **context,
    )
