"""The cases side of the county's consolidated report (guide 3.2, instrument
G, "Raportare și responsabilitate finală"): per municipality, what the
county needs to answer for the SPAS it coordinates — caseload, visits
against the plan's objective (R7), the validation backlog and how fast
urgent risks were acknowledged.

Aggregates only: counts and minutes, never an id, a name or anything about
a person (R9; the county sees aggregates, DESIGN §1). Stock figures (cases,
documents) are as the read models stand; flow figures (visits, urgent risks)
are those of the month. Pure: the application hands in the rows of its read
models (``projections.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

from events import figures
from events.clock import LOCAL_TIME, begun_month
from events.vocabulary import CATEGORIES
from services.cases.competence import CaseAccessDenied, InvalidCaseCommand
from services.cases.documents import FIELD_STAGES

# "Active" for the report: every case not closed or archived (a follow-up
# is work again, as for field documents).
REPORTED_STAGES = FIELD_STAGES


@dataclass(frozen=True)
class Month:
    """A calendar month in county time: ``start`` its first moment, ``end``
    the first moment of the next."""

    name: str
    start: datetime
    end: datetime

    def holds(self, moment: str | None) -> bool:
        return moment is not None and self.start <= datetime.fromisoformat(moment) < self.end

    def reference_day(self, today: date) -> date:
        """The month's last day, or today while it runs: the day whose
        coordination terms bind the month's objective."""
        return min(today, self.end.date() - timedelta(days=1))


def check_month(month: Any, today: date) -> Month:
    """``YYYY-MM``, not after the current month (a month not begun has no
    figures)."""
    first = begun_month(month, today, error=InvalidCaseCommand)
    year, number = first.year, first.month
    start = datetime(year, number, 1, tzinfo=LOCAL_TIME)
    following = (year + 1, 1) if number == 12 else (year, number + 1)
    return Month(month, start, datetime(*following, 1, tzinfo=LOCAL_TIME))


def municipalities_in_scope(
    role: str, own: str | None, asked: str | None, known: Iterable[str]
) -> list[str]:
    """The report's one scope rule (``events.figures``), refused as the
    cases service refuses a read."""
    return figures.municipalities_in_scope(role, own, asked, known, CaseAccessDenied)


# -- each section, for one municipality's rows --------------------------------
def active_cases(cases: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Cases not closed or archived, by stage and by vulnerability category
    (a case with two categories counts in both)."""
    active = [c for c in cases if c["stage"] in REPORTED_STAGES]
    by_stage = dict.fromkeys(REPORTED_STAGES, 0)
    by_category = dict.fromkeys(CATEGORIES, 0)
    for case in active:
        by_stage[case["stage"]] += 1
        for category in case["categories"]:
            by_category[category] = by_category.get(category, 0) + 1
    return {"total": len(active), "by_stage": by_stage, "by_category": by_category}


def active_in(case: dict[str, Any], month: Month) -> bool:
    """Open (opened … monitoring) at some time in the month: such a month
    owes the plan's visits, as it owes a progress report (R7)."""
    opened, closed = case["opened_at"], case["closed_at"]
    return (
        opened is not None
        and datetime.fromisoformat(opened) < month.end
        and (closed is None or datetime.fromisoformat(closed) >= month.start)
    )


def visits(
    cases: Iterable[dict[str, Any]],
    month: Month,
    done: dict[str, int],
    target_of: Callable[[list[str]], int],
) -> dict[str, Any]:
    """R7: field visits of the month against the coordination plan's
    visits-per-month objective, over the cases open in the month.
    ``done``: visits by case; ``target_of``: the objective for a case's
    technicians."""
    owed = [c for c in cases if active_in(c, month)]
    counted = [(done.get(c["case_id"], 0), target_of(c["technicians"])) for c in owed]
    return {
        "cases": len(owed),
        "done": sum(d for d, _ in counted),
        "expected": sum(t for _, t in counted),
        "cases_below_objective": sum(1 for d, t in counted if d < t),
    }


def documents(
    documents_: Iterable[Mapping[str, Any]], overdue: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """The validation backlog: documents submitted and not yet validated or
    returned, and R7 work overdue (drafts past their deadline, monthly
    progress reports missing)."""
    late = [o["reason"] for o in overdue]
    return {
        "awaiting_validation": sum(1 for d in documents_ if d["status"] == "submitted"),
        "overdue": len(late),
        "overdue_drafts": late.count("deadline_passed"),
        "progress_reports_missing": late.count("missing"),
    }


def urgent_risks(risks: Iterable[dict[str, Any]], month: Month) -> dict[str, Any]:
    """Urgent risks raised in the month and how long the coordinator took
    to acknowledge them (case 2 of 4.6: the coordinator must know at once)."""
    raised = [r for r in risks if month.holds(r["reported_at"])]
    minutes = [
        (
            datetime.fromisoformat(r["acknowledged_at"]) - datetime.fromisoformat(r["reported_at"])
        ).total_seconds()
        / 60
        for r in raised
        if r["acknowledged_at"] is not None
    ]
    return {
        "raised": len(raised),
        "acknowledged": len(minutes),
        "unacknowledged": len(raised) - len(minutes),
        "acknowledgement_minutes": {
            "median": round(median(minutes), 1) if minutes else None,
            "max": round(max(minutes), 1) if minutes else None,
        },
    }


# -- the whole report -----------------------------------------------------------
def county_figures(
    month: Month,
    municipalities: Iterable[str],
    cases: Iterable[dict[str, Any]],
    documents_: Iterable[Mapping[str, Any]],
    overdue: Iterable[dict[str, Any]],
    risks: Iterable[dict[str, Any]],
    visits_done: dict[str, int],
    target_of: Callable[[list[str]], int],
) -> dict[str, Any]:
    """Every section for each municipality asked for (zeros where nothing
    happened), from the rows of the read models."""
    wanted = list(municipalities)
    rows: dict[str, dict[str, list[Any]]] = {  # the read models' rows: dicts, document rows
        m: {"cases": [], "documents": [], "overdue": [], "risks": []} for m in wanted
    }
    for kind, items in (
        ("cases", cases),
        ("documents", documents_),
        ("overdue", overdue),
        ("risks", risks),
    ):
        for item in items:
            if item["municipality"] in rows:
                rows[item["municipality"]][kind].append(item)
    return {
        "month": month.name,
        "municipalities": {
            m: {
                "active_cases": active_cases(r["cases"]),
                "visits": visits(r["cases"], month, visits_done, target_of),
                "documents": documents(r["documents"], r["overdue"]),
                "urgent_risks": urgent_risks(r["risks"], month),
            }
            for m, r in rows.items()
        },
    }
