"""Who reads the coordination journal, who keeps it and who adds their view
to its feedback sessions (R9, R1, 3.2 D, E.3). Pure."""

from __future__ import annotations

from events.actor import Actor
from services.coordination.planning.domain import (
    ContractTerms,
    JournalAccessDenied,
    JournalReadDenied,
    check_contract_active,
    check_is_coordinator,
)


def check_may_read_journal(actor: Actor, terms: ContractTerms) -> None:
    """Entries carry decisions and recommendations about cases (R9): the two
    parties and auditors read them; the SPAS head and the county see hours
    and compliance only."""
    if actor.role in ("auditor", "system"):
        return
    if actor.id not in (terms.technician_id, terms.coordinator_id):
        raise JournalReadDenied(
            f"the entries of contract {terms.contract_id}'s journal are read by its "
            "coordinator, its technician and auditors",
            role=actor.role,
        )


def check_keeps_journal(actor: Actor, terms: ContractTerms) -> None:
    """The coordinator writes the journal, and only under an active contract (R1)."""
    check_is_coordinator(actor, terms, JournalAccessDenied)
    check_contract_active(terms)


def check_comments_feedback(actor: Actor, terms: ContractTerms) -> None:
    """The session's technician adds their view, while coordinated (R1)."""
    if actor.role != "technician" or actor.id != terms.technician_id:
        raise JournalAccessDenied(
            f"the technician of contract {terms.contract_id} adds their view to its "
            f"feedback sessions; a {actor.role} does not",
            role=actor.role,
        )
    check_contract_active(terms)
