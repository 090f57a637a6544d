"""The monthly progress report, standardised (guide 2.2, 2.3: "rapoarte
lunare standardizate pentru fiecare caz, care să includă progres, dificultăți
și recomandări de ajustare"; R7: one per active case every month).

The technician writes the three sections; the service adds the month's
figures of the case (field visits against the plan's objective, observation
sheets, phone notes), counted when the version is written, so the
coordinator who "analizează lunar rapoartele" compares like with like. The
whole is sealed with the beneficiary's key like any document's content.

Reports stored before were free text (``{"text": …}``, from the web app
also its sections as ``facts`` under Romanian names): they load as they
were, read with their sections where the web app kept them. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from events.vocabulary.cases import PROGRESS_FIGURES, PROGRESS_SECTIONS
from services.cases.competence import InvalidCaseCommand, check_text

# The web app's names for the sections, in reports it stored before.
STORED_FACTS = {
    "progres": "progress",
    "dificultati": "difficulties",
    "recomandari": "recommendations",
}
ALLOWED = (*PROGRESS_SECTIONS, "contacts")


def check_progress_sections(content: Any) -> dict[str, Any]:
    """Each of the guide's three sections, written (not blank); free text
    alone is no longer a progress report, and the figures are the service's
    to count, not the writer's to give."""
    if not isinstance(content, Mapping):
        raise InvalidCaseCommand("content is an object", field="content")
    missing = [
        s
        for s in PROGRESS_SECTIONS
        if not isinstance(content.get(s), str) or not content[s].strip()
    ]
    if missing:
        raise InvalidCaseCommand(
            "a monthly progress report has the guide's sections (2.3): progress, "
            f"difficulties, recommendations; write {', '.join(missing)}",
            field=f"content.{missing[0]}",
            missing=missing,
        )
    other = sorted(set(content) - set(ALLOWED))
    if other:
        raise InvalidCaseCommand(
            f"a progress report has no {', '.join(other)}: its sections are "
            f"{', '.join(PROGRESS_SECTIONS)}, its figures are counted by the service",
            field=f"content.{other[0]}",
        )
    sections: dict[str, Any] = {
        s: check_text(content[s], f"content.{s}") for s in PROGRESS_SECTIONS
    }
    if "contacts" in content:
        sections["contacts"] = list(content["contacts"])
    return sections


def month_figures(counted: Mapping[str, int], visits_planned: int) -> dict[str, int]:
    """The case's figures for the report's month: ``counted`` by document
    kind (received by the coordinator), the plan's visit objective beside."""
    figures = {
        "visits": counted.get("visit_report", 0),
        "visits_planned": visits_planned,
        "observation_sheets": counted.get("observation_sheet", 0),
        "phone_notes": counted.get("phone_note", 0),
    }
    assert tuple(figures) == PROGRESS_FIGURES
    return figures


def as_progress_report(content: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A progress report's content as read: its sections and figures, and
    ``text`` for one stored as free text (sections None, figures None: it
    did not have them, and none are made up). None when erased."""
    if content is None:
        return None
    if all(s in content for s in PROGRESS_SECTIONS):
        return {**dict(content), "text": None}
    facts = content.get("facts") or {}
    from_facts = {STORED_FACTS[k]: v for k, v in facts.items() if k in STORED_FACTS}
    read: dict[str, Any] = {s: from_facts.get(s) for s in PROGRESS_SECTIONS}
    read |= {"figures": None, "text": content.get("text")}
    if "contacts" in content:
        read["contacts"] = content["contacts"]
    return read
