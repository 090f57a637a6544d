"""Vocabulary every service shares: the vulnerability categories of the
beneficiaries (DESIGN §4), which are also the social workers' domains of
experience (R5) and the categories of a case."""

# The ten categories of the DGASPC page plus the three the design adds.
# Social workers declare domains of experience in the same vocabulary, so
# rule R5 (experience covers the technician's categories) is a set inclusion.
CATEGORIES = (
    "poverty",
    "unemployment",
    "low_education",
    "disability_chronic_illness",
    "terminal_illness",
    "pregnancy",
    "old_age",
    "child_under_16",
    "single_parent_family",
    "social_exclusion_risk",
    "domestic_violence",
    "abuse_neglect",
    "school_dropout_risk",
)
