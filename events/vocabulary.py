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

# R3: what may be delegated to a technician, always under the coordinator's
# validation. The coordination service delegates from it; the evaluations
# service concludes which of these a technician may do with autonomy.
DELEGABLE_TASKS: dict[str, str] = {
    "home_visit": "vizită la domiciliu",
    "monitoring_visit": "vizită de monitorizare",
    "observation": "observare",
    "collect_data": "colectare de date și documente",
    "accompany_beneficiary": "însoțirea beneficiarului",
    "mediation": "mediere cu școala, spitalul, alte instituții",
    "information_campaign": "campanie de informare",
    "logistics": "activități logistice",
    "draft_visit_report": "redactarea raportului de vizită",
    "draft_observation_sheet": "redactarea fișei de observație",
    "draft_phone_note": "redactarea notei telefonice",
    "draft_progress_report": "redactarea raportului de progres",
    "draft_final_report": "redactarea raportului final",
    "benefit_check": "verificarea administrativă a eligibilității pentru beneficii (R4)",
}
