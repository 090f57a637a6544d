"""The sections of an evaluation sheet and how each is checked. Pure.

An initial evaluation is the sheet of annex 1 ("Fișa de evaluare inițială a
activității tehnicianului"), section by section; its section 5 (competencies)
is the grid of annex 2 (``grid.py``) plus the strengths and aspects the
coordinator sums up. A periodic evaluation (3.3) replaces the description of
the technician's work with the results of the period. Both end in the
conclusions of annex 1 §7, which feed delegation (3.2 B).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from typing import Any

from events.errors import InvalidCommand
from events.vocabulary import CATEGORIES, DELEGABLE_TASKS
from events.vocabulary.evaluations import SHEET_ALLOWED
from services.evaluations.grid import SUPPORT_KINDS, check_domain, check_level, text


class InvalidSheet(InvalidCommand):
    code = "invalid_evaluation_sheet"


DOCUMENTATION = ("case_sheets", "reports", "registers", "digital_records", "other")
COLLABORATION_KINDS = ("formal", "informal")
COLLABORATION_FREQUENCY = ("daily", "weekly", "monthly", "occasional")
TENURE_MAX_YEARS = 60
CASES_MAX = 100_000


def _fields(
    value: Any, section: str, required: Set[str], optional: Set[str] = frozenset()
) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidSheet(f"{section} is an object", field=section)
    missing = sorted(required - set(value))
    unknown = sorted(set(value) - required - optional)
    if missing or unknown:
        said = [f"needs {', '.join(missing)}"] if missing else []
        said += [f"has no {', '.join(unknown)}"] if unknown else []
        raise InvalidSheet(f"{section} {'; '.join(said)}", field=section)
    return dict(value)


def _text(value: Any, field: str, required: bool = True) -> str:
    return text(value, field, required=required, error=InvalidSheet)


def _count(value: Any, field: str, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= high:
        raise InvalidSheet(f"{field} is a number from 0 to {high:g}", field=field)
    return value


def _subset(value: Any, allowed: Any, field: str) -> list[str]:
    if not isinstance(value, list) or any(v not in allowed for v in value):
        raise InvalidSheet(f"{field} is a list of: {', '.join(allowed)}", field=field)
    return list(dict.fromkeys(value))


def _texts(value: Any, field: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise InvalidSheet(f"{field} lists at least one item", field=field)
    return [_text(v, f"{field}[{i}]") for i, v in enumerate(value)]


# -- annex 1, section by section ---------------------------------------------
def general(v: Any) -> dict[str, Any]:
    """Date generale. The names, ids and date come from the registry and the
    clock; the coordinator states the post and the tenure."""
    s = _fields(
        v,
        "general",
        {"position", "service", "institution", "tenure_current_years", "tenure_total_years"},
        {"coordinator_experience"},
    )
    current = _count(s["tenure_current_years"], "general.tenure_current_years", TENURE_MAX_YEARS)
    total = _count(s["tenure_total_years"], "general.tenure_total_years", TENURE_MAX_YEARS)
    if current > total:
        raise InvalidSheet(
            "the tenure at the current workplace is part of the total tenure",
            field="general.tenure_current_years",
        )
    return {
        "position": _text(s["position"], "general.position"),
        "service": _text(s["service"], "general.service"),
        "institution": _text(s["institution"], "general.institution"),
        "tenure_current_years": current,
        "tenure_total_years": total,
        "coordinator_experience": _subset(
            s.get("coordinator_experience", []), CATEGORIES, "general.coordinator_experience"
        ),
    }


def current_activity(v: Any) -> dict[str, Any]:
    """1. Activitatea curentă."""
    s = _fields(
        v,
        "current_activity",
        {"total_cases", "cases_by_category", "services", "documentation"},
        {"documentation_note", "internal_support_network", "external_support_network"},
    )
    by_category = s["cases_by_category"]
    if not isinstance(by_category, Mapping):
        raise InvalidSheet(
            "cases_by_category counts cases by vulnerable category",
            field="current_activity.cases_by_category",
        )
    _subset(list(by_category), CATEGORIES, "current_activity.cases_by_category")
    total = int(_count(s["total_cases"], "current_activity.total_cases", CASES_MAX))
    return {
        "total_cases": total,
        "cases_by_category": {
            c: int(_count(n, f"current_activity.cases_by_category.{c}", total))
            for c, n in by_category.items()
        },
        "services": _texts(s["services"], "current_activity.services"),
        "documentation": _subset(
            s["documentation"], DOCUMENTATION, "current_activity.documentation"
        ),
        "documentation_note": _text(
            s.get("documentation_note"), "current_activity.documentation_note", False
        ),
        "internal_support_network": _text(
            s.get("internal_support_network"), "current_activity.internal_support_network", False
        ),
        "external_support_network": _text(
            s.get("external_support_network"), "current_activity.external_support_network", False
        ),
    }


def beneficiaries(v: Any) -> dict[str, Any]:
    """2. Beneficiarii."""
    s = _fields(v, "beneficiaries", {"characteristics", "needs_and_difficulties"})
    return {k: _text(s[k], f"beneficiaries.{k}") for k in s}


def collaborations(v: Any) -> dict[str, Any]:
    """3. Colaborări interinstituționale."""
    s = _fields(v, "collaborations", {"institutions"}, {"strengths", "difficulties"})
    if not isinstance(s["institutions"], list):
        raise InvalidSheet("institutions is a list", field="collaborations.institutions")
    institutions = []
    for i, item in enumerate(s["institutions"]):
        at = f"collaborations.institutions[{i}]"
        row = _fields(item, at, {"institution", "kind", "frequency", "effectiveness"})
        if row["kind"] not in COLLABORATION_KINDS:
            raise InvalidSheet(f"{at}.kind is formal or informal", field=f"{at}.kind")
        if row["frequency"] not in COLLABORATION_FREQUENCY:
            raise InvalidSheet(
                f"{at}.frequency is one of {', '.join(COLLABORATION_FREQUENCY)}",
                field=f"{at}.frequency",
            )
        institutions.append(
            {
                "institution": _text(row["institution"], f"{at}.institution"),
                "kind": row["kind"],
                "frequency": row["frequency"],
                "effectiveness": check_level(row["effectiveness"], f"{at}.effectiveness"),
            }
        )
    return {
        "institutions": institutions,
        "strengths": _text(s.get("strengths"), "collaborations.strengths", False),
        "difficulties": _text(s.get("difficulties"), "collaborations.difficulties", False),
    }


def difficult_situations(v: Any) -> dict[str, Any]:
    """4. Situații dificile întâlnite. About the technician's work: examples
    are described without identifying a beneficiary (R9)."""
    s = _fields(v, "difficult_situations", {"examples", "approaches", "support_needs"})
    return {k: _text(s[k], f"difficult_situations.{k}") for k in s}


def competencies(v: Any) -> dict[str, Any]:
    """5. Competențe și deprinderi profesionale: the coordinator's summary;
    the domains themselves are rated on the grid."""
    s = _fields(v, "competencies", {"strengths_observed", "aspects_to_develop"})
    return {k: _text(s[k], f"competencies.{k}") for k in s}


def other_aspects(v: Any) -> dict[str, Any]:
    """6. Alte aspecte relevante."""
    s = _fields(v, "other_aspects", {"notes"})
    return {"notes": _text(s["notes"], "other_aspects.notes")}


def results(v: Any) -> dict[str, Any]:
    """A periodic evaluation (3.3 §3a): what the period achieved against the
    objectives set with the technician, and for the beneficiaries."""
    s = _fields(
        v,
        "results",
        {"objectives_met", "results", "impact_on_beneficiaries"},
        {"objectives_revised", "summary"},
    )
    return {
        k: _text(s.get(k), f"results.{k}", k in {"objectives_met", "results"})
        for k in (
            "objectives_met",
            "results",
            "impact_on_beneficiaries",
            "objectives_revised",
            "summary",
        )
    }


SECTIONS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "general": general,
    "current_activity": current_activity,
    "beneficiaries": beneficiaries,
    "collaborations": collaborations,
    "difficult_situations": difficult_situations,
    "competencies": competencies,
    "other_aspects": other_aspects,
    "results": results,
}


def check_section(kind: str, name: Any, content: Any) -> dict[str, Any]:
    if name not in SHEET_ALLOWED[kind]:
        raise InvalidSheet(
            f"a {kind} evaluation has no section {name!r}; its sections: "
            f"{', '.join(SHEET_ALLOWED[kind])}",
            field="section",
        )
    return SECTIONS[name](content)


# -- 7. Concluzii și recomandări inițiale ------------------------------------
def conclusions(v: Any) -> dict[str, Any]:
    """Areas needing the coordinator's direct support (grid domains), tasks
    delegable with autonomy (R3 task types: never an exclusive act, R2) and
    directions of training, each a kind of support the guide names."""
    s = _fields(v, "conclusions", {"support_domains", "autonomous_tasks", "training"})
    if not isinstance(s["support_domains"], list):
        raise InvalidSheet("support_domains is a list", field="conclusions.support_domains")
    support = [check_domain(d, "conclusions.support_domains") for d in s["support_domains"]]
    tasks = _subset(s["autonomous_tasks"], DELEGABLE_TASKS, "conclusions.autonomous_tasks")
    if not isinstance(s["training"], list):
        raise InvalidSheet("training is a list", field="conclusions.training")
    training = []
    for i, item in enumerate(s["training"]):
        at = f"conclusions.training[{i}]"
        row = _fields(item, at, {"kind", "direction"}, {"domain"})
        if row["kind"] not in SUPPORT_KINDS:
            raise InvalidSheet(f"{at}.kind is one of {', '.join(SUPPORT_KINDS)}", field=at)
        training.append(
            {
                "kind": row["kind"],
                "domain": check_domain(row["domain"], f"{at}.domain") if "domain" in row else None,
                "direction": _text(row["direction"], f"{at}.direction"),
            }
        )
    return {
        "support_domains": list(dict.fromkeys(support)),
        "autonomous_tasks": tasks,
        "training": training,
    }
