"""The notifications service's names: what a notification is about, the
channels it goes out on, why a delivery failed, and how alerts climb."""

DELIVERY_CHANNELS = ("inbox", "email", "webhook")
NOTIFICATION_KINDS = (
    "urgent_risk_alert",
    "urgent_risk_escalation",
    "observation_sheet_due",
    "progress_report_missing",
    "coordination_hours_low",
    "follow_up_due",
    "follow_up_action_due",
    "contract_ending",
    "task_overdue",
    "task_obstacle_unanswered",
    "task_obstacle_escalated",
    "signature_for_beneficiary_refused",
    "disagreement_escalated",
    "incident_reported",
    "incident_escalated",
    "incident_shared",
    "experience_mismatch_flagged",
)
FAILURE_CATEGORIES = (
    "unreachable",
    "timeout",
    "rejected",
    "unavailable",
    "tls",
    "blocked",
    "invalid",
    "removed",
    "error",
)
# Where an alert was acknowledged: in the cases service or in the inbox.
ACKNOWLEDGED_VIA = ("cases", "inbox")
# An unacknowledged alert climbs to the SPAS head (1), then the county (2).
ALERT_LEVELS = (1, 2)
