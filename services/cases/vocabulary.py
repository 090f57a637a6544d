"""The case path (DESIGN §4, guide 2.3): its stages and the moves allowed
between them. The choices its steps name are in ``events.vocabulary.cases``;
the rules that use them live on ``Case`` (``domain.py``)."""

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
