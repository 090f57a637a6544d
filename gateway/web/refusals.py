"""A refusal as a person reads it: in Romanian (or English), naming the
guide's rule when a rule refused, and saying what to do instead.

The services and the gateway refuse with problems (``gateway.problems``):
a stable ``code``, and for a competence rule its ``rule`` (R1–R10). This
module turns them into the page's words; the rule texts are the guide's
(DESIGN §3), said once in ``gateway.rules``. The scope rule, no rule of the
guide, is told by its code's sentence (``BY_CODE``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gateway.problems import Problem
from gateway.rules import RULES, SCOPE, said

# ... and what to do instead
ADVICE = {
    "R1": "Cereți șefului SPAS un contract de coordonare activ.",
    "R2": "Redactați și trimiteți documentele; coordonatorul decide.",
    "R3": "Trimiteți documentul coordonatorului pentru validare.",
    "R4": "Înregistrați verificarea; coordonatorul o contrasemnează.",
    "R5": "Alegeți un coordonator cu experiență în aceste categorii.",
    "R6": "Înregistrați în jurnal activitățile de coordonare ale lunii.",
    "R7": "Acționați acum; întârzierea rămâne consemnată.",
    "R8": "Validați mai întâi raportul final al tehnicianului.",
    "R9": "Lucrați doar cu cazurile în care sunteți implicat.",
    "R10": "Cereți șefului SPAS predarea coordonării.",
}

# The gateway's and services' codes that are no rule of the guide.
BY_CODE = {
    # the evaluations service (annexes 1–2)
    "evaluation_out_of_order": (
        "Evaluarea nu poate fi deschisă acum: întâi cea inițială, apoi cele periodice, la termen."
    ),
    "evaluation_incomplete": "Evaluarea nu este completă: lipsesc secțiuni, grila sau concluziile.",
    "evaluation_signed": "Evaluarea a fost semnată și nu mai poate fi modificată.",
    "already_signed": "Ați semnat deja.",
    "evaluation_access_denied": "Doar părțile evaluării pot face acest act.",
    "invalid_evaluation_sheet": "Secțiunea fișei nu este completată corect.",
    "invalid_evaluation_command": "Datele nu sunt valide.",
    "invalid_grid_entry": "Un rând al grilei nu este completat corect.",
    "level_outside_scale": "Nivelul este de la 1 la 4.",
    "unknown_domain": "Domeniul nu face parte din grilă.",
    "role_not_allowed": "Rolul dumneavoastră nu permite acest act.",
    "outside_your_municipality": "Este în afara localității dumneavoastră.",
    "not_found": "Nu există sau nu îl puteți vedea.",
    "invalid_command": "Datele nu sunt valide.",
    "invalid_case_command": "Datele nu sunt valide.",
    "case_stage_conflict": "Cazul nu este în etapa potrivită pentru acest pas.",
    "disagreement_settled": "Dezacordul a fost deja soluționat.",
    "no_consent_to_processing": (
        "Persoana a refuzat sau și-a retras consimțământul: nu se mai colectează date despre "
        "ea. Ce s-a consemnat rămâne; coordonatorul decide cum continuă cazul."
    ),
    "document_state_conflict": "Documentul nu este în starea potrivită pentru acest pas.",
    "plan_response_conflict": (
        "Planul a fost deja confirmat sau are între timp o versiune nouă; reîncărcați pagina."
    ),
    "document_already_validated": "Documentul a fost deja validat.",
    "urgent_risk_already_acknowledged": "Riscul a fost deja confirmat.",
    "changed_concurrently": "Altcineva a modificat între timp; reîncărcați pagina.",
    "conflict": "Starea nu permite acest pas.",
    "service_unavailable": "Serviciul nu răspunde acum; încercați din nou în câteva minute.",
    "upstream_timeout": "Serviciul nu a răspuns la timp; verificați înainte de a trimite din nou.",
    "request_in_progress": "Formularul este încă în lucru; așteptați câteva secunde.",
    "idempotency_key_reused": "Formularul a fost deja trimis; reîncărcați pagina.",
    "too_many_requests": "Prea multe cereri; așteptați puțin.",
}
GENERIC = "Cererea nu a putut fi îndeplinită."


@dataclass(frozen=True)
class Refusal:
    message: str
    advice: str = ""
    field: str | None = None  # the form field it is about, when one
    rule: str | None = None


def explain(problem: Problem, operation_id: str, _: Callable[[str], str]) -> Refusal:
    rule = problem.extensions.get("rule")
    field = problem.extensions.get("field")
    field = field if isinstance(field, str) else None
    if isinstance(rule, str) and rule in RULES and rule != SCOPE:
        text = said(rule, operation_id.split(".")[-1], _, problem.code)
        return Refusal(f"{rule} — {text}", _(ADVICE[rule]), field, rule)
    return Refusal(_(BY_CODE.get(problem.code, GENERIC)), "", field, None)
