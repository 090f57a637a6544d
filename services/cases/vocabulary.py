"""The case path (DESIGN §4, guide 2.3): its stages, the moves allowed
between them, and the choices its steps name. Names only; the rules that
use them live on ``Case`` (``domain.py``)."""

STAGES = (
    "referred",
    "initial_evaluation",
    "opened",
    "assessment",
    "intervention_plan",
    "intervention",
    "monitoring",
    "closed",
    "follow_up",
    "archived",
)
# The allowed moves; anything else is a skipped or repeated step.
NEXT: dict[str, tuple[str, ...]] = {
    "referred": ("initial_evaluation",),
    "initial_evaluation": ("opened", "closed"),  # closed: not opened
    "opened": ("assessment",),
    "assessment": ("intervention_plan",),
    "intervention_plan": ("intervention",),
    "intervention": ("monitoring", "closed"),
    "monitoring": ("intervention", "closed"),
    "closed": ("follow_up", "archived"),
    "follow_up": ("archived",),
    "archived": (),
}
ACTIVE = ("opened", "assessment", "intervention_plan", "intervention", "monitoring")
PLAN_STAGES = ("assessment", "intervention_plan", "intervention", "monitoring")
REFERRAL_SOURCES = (
    "self",
    "family",
    "family_doctor",
    "hospital",
    "school",
    "police",
    "neighbours",
    "field_identification",
    "other_institution",
)
BENEFICIARY_KINDS = ("person", "family")
DECISIONS = (
    "service_recommendation",
    "programme_inclusion",
    "protective_measure",
    "referral_to_service",
    "benefit_recommendation",
    "other",
)
CLOSURE_OUTCOMES = ("plan_achieved", "referral", "transfer", "not_opened")
RISK_LEVELS = ("low", "medium", "high")
# whose task an objective of the intervention plan is
RESPONSIBLE = ("social_worker", "technician", "beneficiary", "family", "institution")
