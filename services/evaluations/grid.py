"""The competency grid of annex 2 ("Grilă de autoevaluare și observație"):
the domains, the 4-point scale that makes the pre/post comparison of 3.3 §4.1
a computation, the kinds of support the guide recommends, and the arithmetic
on grids (differences between self-assessment and observation, progress
between two evaluations). Pure.

The grid lists fifteen domains: the fourteen of annex 2 §1 (a–h and the six
specific aspects of i) and team collaboration, which annex 1 §5 and the grid
itself add. All of them are assessed, so every one can be compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from events.errors import InvalidCommand

# code -> (the grid's domain, its evaluation questions)
DOMAINS: dict[str, tuple[str, str]] = {
    "beneficiary_information_support": (
        "Informare și sprijin beneficiar",
        "Oferă informații clare despre serviciile disponibile? Sprijină beneficiarii în "
        "accesarea serviciilor? Nivel de empatie și comunicare",
    ),
    "legislative_procedural_knowledge": (
        "Cunoștințe legislative și procedurale",
        "Cunoaște legislația aplicabilă? Poate aplica prevederile în practică?",
    ),
    "community_programmes": (
        "Implementare programe și servicii comunitare",
        "Participă activ la implementarea programelor? Însoțește beneficiarii către "
        "servicii/instituții?",
    ),
    "assessment_contribution": (
        "Contribuție la evaluare și diagnoză socială",
        "Colectează și transmite date corect? Observă situațiile din teren?",
    ),
    "beneficiary_contact": (
        "Rol de contact și comunicare cu beneficiarii",
        "Menține legătura cu beneficiarii în absența asistentului social? Gestionează "
        "solicitări presante?",
    ),
    "emergency_interventions": (
        "Participare la intervenții de urgență",
        "Colaborează eficient în situații critice? Respectă limitele rolului și "
        "coordonarea asistentului social?",
    ),
    "documentation_reporting": (
        "Documentare și raportare",
        "Întocmește corect rapoarte, fișe, note? Respectă termene și confidențialitatea datelor?",
    ),
    "professional_development": (
        "Dezvoltare profesională",
        "Identifică nevoile de formare? Participă la traininguri, supervizare, mentorat?",
    ),
    "teamwork": (
        "Colaborare în echipă",
        "Comunică și cooperează eficient cu colegii? Respectă rolurile și responsabilitățile "
        "echipei?",
    ),
    "time_management": (
        "Organizare și gestionare a timpului",
        "Prioritizează sarcinile? Respectă termene și standarde de calitate?",
    ),
    "empathy_relationship": (
        "Empatie și relaționare",
        "Înțelege situațiile beneficiarilor fără a judeca? Menține atitudinea profesională?",
    ),
    "crisis_management": (
        "Gestionarea situațiilor de criză",
        "Menține calmul și limitele profesionale în situații dificile? Solicită sprijinul "
        "asistentului social când este necesar?",
    ),
    "emotional_resilience": (
        "Rezistență emoțională",
        "Face față stresului și epuizării? Menține motivația?",
    ),
    "digital_skills": (
        "Competențe digitale",
        "Utilizează corect instrumentele informatice (documente, baze de date, comunicare "
        "digitală)? Respectă confidențialitatea datelor?",
    ),
    "cultural_nondiscrimination": (
        "Competențe culturale și nondiscriminatorii",
        "Interacționează respectuos cu beneficiari din diverse medii culturale și sociale? "
        "Menține incluziunea și evită discriminarea?",
    ),
}

# The scale: what a level means, so that two coordinators read it alike.
LEVELS: dict[int, str] = {
    1: "needs constant support (necesită sprijin permanent)",
    2: "works with regular guidance (lucrează cu îndrumare constantă)",
    3: "works adequately with occasional guidance (adecvat, cu îndrumare ocazională)",
    4: "a strength; works autonomously (punct forte, autonomie)",
}

# Annex 2 h: "Tip sprijin recomandat (supervizare, training, mentorat,
# schimb de experiență)".
SUPPORT_KINDS: dict[str, str] = {
    "supervision": "supervizare",
    "training": "training / formare",
    "mentoring": "mentorat",
    "exchange_of_experience": "schimb de experiență",
}

TEXT_MAX = 4000


class UnknownDomain(InvalidCommand):
    code = "unknown_domain"


class LevelOutsideScale(InvalidCommand):
    code = "level_outside_scale"


class InvalidGridEntry(InvalidCommand):
    code = "invalid_grid_entry"


def check_domain(domain: Any, field: str = "domain") -> str:
    if domain not in DOMAINS:
        raise UnknownDomain(
            f"{domain!r} is not a domain of the competency grid (annex 2); the domains are: "
            f"{', '.join(DOMAINS)}",
            field=field,
            domain=str(domain),
        )
    return str(domain)


def check_level(level: Any, field: str) -> int:
    """A whole number on the 4-point scale; booleans are not numbers here."""
    if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
        raise LevelOutsideScale(
            f"{field}: the level is a whole number from 1 to 4, not {level!r} "
            f"(1 = {LEVELS[1]}; 4 = {LEVELS[4]})",
            field=field,
            level=str(level),
        )
    return level


def check_support(kinds: Any, field: str) -> list[str]:
    if not isinstance(kinds, list) or any(k not in SUPPORT_KINDS for k in kinds):
        raise InvalidGridEntry(
            f"{field}: recommended support is a list of {', '.join(SUPPORT_KINDS)}", field=field
        )
    return list(dict.fromkeys(kinds))


def text(value: Any, field: str, *, required: bool = False, error: type = InvalidGridEntry) -> str:
    """Free text as the forms have it: trimmed, bounded, sometimes required."""
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value) > TEXT_MAX:
        raise error(f"{field} is text of at most {TEXT_MAX} characters", field=field)
    if required and not value.strip():
        raise error(f"{field} is required", field=field)
    return value.strip()


def check_entries(entries: Any, field: str) -> dict[str, dict[str, Any]]:
    """Grid rows by domain: level, strengths, aspects to develop, recommended
    support (kinds and a note). Rows not given are left as they were."""
    if not isinstance(entries, Mapping) or not entries:
        raise InvalidGridEntry(f"{field} gives at least one domain's row", field=field)
    rows = {}
    for domain, row in entries.items():
        at = f"{field}.{domain}"
        check_domain(domain, at)
        if not isinstance(row, Mapping):
            raise InvalidGridEntry(f"{at} is a row of the grid", field=at)
        unknown = sorted(set(row) - {"level", "strengths", "to_develop", "support", "note"})
        if unknown:
            raise InvalidGridEntry(f"{at} has no {', '.join(unknown)}", field=at)
        if "level" not in row:
            raise InvalidGridEntry(f"{at} has no level (1–4)", field=f"{at}.level")
        rows[domain] = {
            "level": check_level(row.get("level"), f"{at}.level"),
            "strengths": text(row.get("strengths"), f"{at}.strengths"),
            "to_develop": text(row.get("to_develop"), f"{at}.to_develop"),
            "support": check_support(row.get("support", []), f"{at}.support"),
            "note": text(row.get("note"), f"{at}.note"),
        }
    return rows


def levels(grid: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    return {domain: row["level"] for domain, row in grid.items()}


def differences(
    self_assessed: Mapping[str, Mapping[str, Any]], observed: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Where the technician's view of a domain and the coordinator's differ,
    and which way (the talk a feedback session starts from)."""
    found = []
    for domain in DOMAINS:
        if domain in self_assessed and domain in observed:
            own, seen = self_assessed[domain]["level"], observed[domain]["level"]
            if own != seen:
                found.append(
                    {
                        "domain": domain,
                        "self_assessed": own,
                        "observed": seen,
                        "difference": own - seen,
                        "reading": "overestimates" if own > seen else "underestimates",
                    }
                )
    return found


def progress(before: Mapping[str, int], after: Mapping[str, int]) -> list[dict[str, Any]]:
    """Per domain, the observed level at two evaluations and the change
    (3.3 §4.1: the pre/post comparison of competencies)."""
    return [
        {
            "domain": domain,
            "before": before[domain],
            "after": after[domain],
            "change": after[domain] - before[domain],
        }
        for domain in DOMAINS
        if domain in before and domain in after
    ]
