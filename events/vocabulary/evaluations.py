"""The evaluations service's names: the parties, the evaluation sheet's
sections (annex 1) and what each kind of evaluation needs, the parts of an
evaluation as published, and when a feedback session was observed."""

EVALUATION_PARTIES = ("coordinator", "technician")
OBSERVED = ("during", "after")

# The evaluation sheet's sections (annex 1), in the sheet's order.
SHEET_SECTIONS = (
    "general",
    "current_activity",
    "beneficiaries",
    "collaborations",
    "difficult_situations",
    "competencies",
    "other_aspects",
    "results",
)
# What each kind of evaluation must have before it is signed, and what it may
# have: the service checks it and the web form marks it, from this one table.
SHEET_REQUIRED: dict[str, tuple[str, ...]] = {
    "initial": (
        "general",
        "current_activity",
        "beneficiaries",
        "collaborations",
        "difficult_situations",
        "competencies",
    ),
    "periodic": ("results",),
}
SHEET_ALLOWED: dict[str, tuple[str, ...]] = {
    "initial": (*SHEET_REQUIRED["initial"], "other_aspects"),
    "periodic": ("results", "competencies", "other_aspects"),
}
# Writing an evaluation, step by step, as published: which part was written.
EVALUATION_PARTS = (*SHEET_SECTIONS, "observation", "self_assessment", "conclusions")
