"""The contract, the people and the helpers the plan and journal stories
share (``tests/unit/test_planning_*.py``)."""

from datetime import date
from typing import Any

from events.actor import Actor
from services.coordination.planning.domain import ContractTerms
from services.coordination.planning.journal import CoordinationJournal

COORDINATOR_ID = "11111111-1111-1111-1111-111111111111"
TECHNICIAN_ID = "22222222-2222-2222-2222-222222222222"
COORDINATOR = Actor(COORDINATOR_ID, "social_worker")
TECHNICIAN = Actor(TECHNICIAN_ID, "technician", "54975")
HEAD = Actor("head-1", "spas_head", "54975")
TODAY = date(2026, 11, 23)
TERMS = ContractTerms.of(
    {
        "contract_id": "33333333-3333-3333-3333-333333333333",
        "municipality": "54975",
        "technician_id": TECHNICIAN_ID,
        "coordinator_id": COORDINATOR_ID,
        "status": "active",
        "hours_per_month": 40,
        "starts_on": "2026-01-15",
        "ends_on": "2027-12-31",
    }
)
CASE_ID = "44444444-4444-4444-4444-444444444444"


def journal(month: str = "2026-10") -> CoordinationJournal:
    return CoordinationJournal.open(COORDINATOR, TERMS, month)


def record(
    book: CoordinationJournal, occurred_on: str = "2026-10-07", minutes: int = 60, **details: Any
) -> str:
    return book.record(
        COORDINATOR,
        TERMS,
        TODAY,
        occurred_on=occurred_on,
        minutes=minutes,
        channel=details.pop("channel", "in_person"),
        kind=details.pop("kind", "meeting"),
        **details,
    )
