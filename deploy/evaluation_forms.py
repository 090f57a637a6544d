"""Filled-in forms of the guide, as a coordinator in Cluj would write them:
annex 1 section by section, the annex 2 grid at some levels, the
conclusions. Shared by the county-scale generator (deploy/county_data.py),
the unit and service stories and the benchmark."""

from __future__ import annotations

from typing import Any

from services.evaluations.grid import DOMAINS

SHEET: dict[str, dict[str, Any]] = {
    "general": {
        "position": "tehnician asistență socială",
        "service": "SPAS Turda",
        "institution": "Primăria Turda",
        "tenure_current_years": 2,
        "tenure_total_years": 5,
        "coordinator_experience": ["child_under_16", "old_age", "poverty"],
    },
    "current_activity": {
        "total_cases": 34,
        "cases_by_category": {"child_under_16": 12, "old_age": 15, "disability_chronic_illness": 7},
        "services": ["anchete sociale", "verificări VMI", "însoțire la medicul de familie"],
        "documentation": ["case_sheets", "reports"],
        "internal_support_network": "colegii din SPAS, juristul primăriei",
        "external_support_network": "școala gimnazială, cabinetul medicului de familie",
    },
    "beneficiaries": {
        "characteristics": "vârstnici singuri, familii monoparentale cu venituri mici",
        "needs_and_difficulties": "acces la servicii medicale, documente de identitate lipsă",
    },
    "collaborations": {
        "institutions": [
            {
                "institution": "Școala Gimnazială nr. 1",
                "kind": "informal",
                "frequency": "monthly",
                "effectiveness": 3,
            },
            {
                "institution": "Poliția locală",
                "kind": "formal",
                "frequency": "occasional",
                "effectiveness": 2,
            },
        ],
        "strengths": "relații bune cu școala",
        "difficulties": "răspuns lent de la poliție",
    },
    "difficult_situations": {
        "examples": "o familie care refuza vizitele; un vârstnic cu semne de neglijare",
        "approaches": "vizite repetate cu coordonatorul, raportare imediată",
        "support_needs": "gestionarea conflictelor, limitele rolului",
    },
    "competencies": {
        "strengths_observed": "comunicare caldă, cunoaște comunitatea",
        "aspects_to_develop": "redactarea rapoartelor, cunoștințe legislative",
    },
    "other_aspects": {"notes": "disponibil pentru formare în weekend"},
}

RESULTS = {
    "results": {
        "objectives_met": "4 vizite pe lună pe caz activ, realizate în 11 din 12 cazuri",
        "results": "rapoartele lunare predate la termen",
        "impact_on_beneficiaries": "trei vârstnici înscriși la medicul de familie",
    }
}

CONCLUSIONS = {
    "support_domains": ["legislative_procedural_knowledge", "documentation_reporting"],
    "autonomous_tasks": ["home_visit", "collect_data"],
    "training": [
        {
            "kind": "training",
            "domain": "legislative_procedural_knowledge",
            "direction": "legislația beneficiilor sociale (Legea 416/2001)",
        },
        {
            "kind": "mentoring",
            "domain": "documentation_reporting",
            "direction": "redactarea rapoartelor de vizită",
        },
    ],
}


def grid_rows(level: int = 2, **levels: int) -> dict[str, dict[str, Any]]:
    """Every domain at ``level`` unless named otherwise."""
    return {
        domain: {
            "level": levels.get(domain, level),
            "strengths": "",
            "to_develop": "",
            "support": ["supervision"] if levels.get(domain, level) <= 1 else [],
        }
        for domain in DOMAINS
    }
