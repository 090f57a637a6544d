"""Generates ``contracts/vocabulary.schema.json`` from the Python lists: one
``$defs`` entry per list, each an ``enum``, that the command and event
schemas refer to with ``$ref``. ``make catalogue`` writes it; a unit test
fails when the file and the lists disagree.

    python -m events.vocabulary.schema > contracts/vocabulary.schema.json
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from events import vocabulary as shared
from events.vocabulary import cases, coordination, evaluations, notifications

SCHEMA_ID = "https://coordonare.ro/contracts/vocabulary.schema.json"
FILE_NAME = "vocabulary.schema.json"

# Each list's name in the schemas (``#/$defs/<name>``) → its values. A list
# with labels (a dict) gives them as ``x-labels``: the enum itself stays a
# plain ``enum``, so a refusal reads exactly as before.
LISTS: dict[str, Sequence[str | int] | Mapping[str, str]] = {
    # shared
    "category": shared.CATEGORIES,
    "recorded_task_type": shared.RECORDED_TASK_TYPES,
    "autonomy_level": shared.AUTONOMY_LEVELS,
    "role": shared.ROLES,
    "actor_role": shared.ACTOR_ROLES,
    "escalation_level": shared.ESCALATION_LEVELS,
    "meeting_channel": shared.MEETING_CHANNELS,
    "evaluation_kind": shared.EVALUATION_KINDS,
    "language": shared.LANGUAGES,
    "request_channel": shared.REQUEST_CHANNELS,
    # cases
    "referral_source": cases.REFERRAL_SOURCES,
    "recorded_referral_source": cases.RECORDED_REFERRAL_SOURCES,
    "case_origin": cases.CASE_ORIGINS,
    "consent_status": cases.CONSENT_STATUSES,
    "beneficiary_kind": cases.BENEFICIARY_KINDS,
    "risk_level": cases.RISK_LEVELS,
    "case_decision": cases.DECISIONS,
    "responsible": cases.RESPONSIBLE,
    "closure_outcome": cases.CLOSURE_OUTCOMES,
    "follow_up_action": cases.FOLLOW_UP_ACTIONS,
    "disagreement_party": cases.DISAGREEMENT_PARTIES,
    "case_file_document": cases.CASE_FILE_DOCUMENTS,
    "supporting_document": cases.SUPPORTING_DOCUMENTS,
    "document_kind": cases.DOCUMENT_KINDS,
    "signature": cases.SIGNATURES,
    "urgent_risk_category": cases.RISK_CATEGORIES,
    "urgent_risk_level": cases.URGENT_RISK_LEVELS,
    "urgent_risk_measure": cases.RISK_MEASURES,
    "institution": cases.INSTITUTIONS,
    "erasure_basis": cases.ERASURE_BASES,
    "benefit": cases.BENEFITS,
    "benefit_document": cases.BENEFIT_DOCUMENTS,
    "discrepancy": cases.DISCREPANCIES,
    "benefit_outcome": cases.BENEFIT_OUTCOMES,
    "cosign_measure": cases.COSIGN_MEASURES,
    "benefit_situation": cases.BENEFIT_SITUATIONS,
    # coordination
    "departure_reason": coordination.DEPARTURE_REASONS,
    "legal_form": coordination.LEGAL_FORMS,
    "termination_reason": coordination.TERMINATION_REASONS,
    "amendable_term": coordination.AMENDABLE_TERMS,
    "signing_party": coordination.SIGNING_PARTIES,
    "experience_recheck": coordination.EXPERIENCE_RECHECKS,
    "mismatch_proposal": coordination.MISMATCH_PROPOSALS,
    "plan_section": coordination.PLAN_SECTIONS,
    "plan_channel": coordination.PLAN_CHANNELS,
    "meeting_purpose": coordination.MEETING_PURPOSES,
    "frequency": coordination.FREQUENCIES,
    "weekday": coordination.WEEKDAYS,
    "priority_situation": coordination.PRIORITY_SITUATIONS,
    "objective_indicator": coordination.OBJECTIVE_INDICATORS,
    "objective_period": coordination.OBJECTIVE_PERIODS,
    "journal_entry_kind": coordination.ENTRY_KINDS,
    "external_role": coordination.EXTERNAL_ROLES,
    "follow_up_owner": coordination.FOLLOW_UP_OWNERS,
    "withdrawal_reason": coordination.WITHDRAWAL_REASONS,
    "task_priority": coordination.TASK_PRIORITIES,
    "task_obstacle": coordination.TASK_OBSTACLES,
    "obstacle_answer": coordination.OBSTACLE_ANSWERS,
    "difficulty_type": coordination.DIFFICULTY_TYPES,
    "informed_party": coordination.INFORMED_PARTIES,
    "incident_cause": coordination.INCIDENT_CAUSES,
    "incident_measure": coordination.INCIDENT_MEASURES,
    "incident_outcome": coordination.INCIDENT_OUTCOMES,
    "escalation_trigger": coordination.ESCALATION_TRIGGERS,
    # evaluations
    "evaluation_party": evaluations.EVALUATION_PARTIES,
    "evaluation_part": evaluations.EVALUATION_PARTS,
    "observed": evaluations.OBSERVED,
    # notifications
    "delivery_channel": notifications.DELIVERY_CHANNELS,
    "notification_kind": notifications.NOTIFICATION_KINDS,
    "failure_category": notifications.FAILURE_CATEGORIES,
    "acknowledged_via": notifications.ACKNOWLEDGED_VIA,
    "alert_level": notifications.ALERT_LEVELS,
}


def definition(values: Sequence[str | int] | Mapping[str, str]) -> dict[str, Any]:
    """One ``$defs`` entry: the values in order, and their labels if any."""
    entry: dict[str, Any] = {"enum": list(values)}
    if isinstance(values, Mapping):
        entry["x-labels"] = dict(values)
    return entry


def document() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "vocabulary",
        "description": (
            "Every enumerated name of the platform, one list per $defs entry; "
            "the command and event schemas refer to them. Generated from "
            "events/vocabulary by `make catalogue`; do not edit by hand."
        ),
        "$defs": {name: definition(values) for name, values in LISTS.items()},
    }


def render() -> str:
    return json.dumps(document(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(render(), end="")
