"""A refusal as a person reads it: in Romanian (or English), naming the
guide's rule when a rule refused, and saying what to do instead.

The services and the gateway refuse with problems (``gateway.problems``):
a stable ``code``, and for a competence rule its ``rule`` (R1–R10). This
module turns them into the page's words; the rule texts are the guide's
(DESIGN §3), said once in ``gateway.rules``. Every other refusal, the scope
rule's too, is told by its code's sentence, said once for the API and the
pages in ``gateway.problem_texts``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gateway.problem_texts import sentence
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
    return Refusal(_(sentence(problem.code)), "", field, None)
