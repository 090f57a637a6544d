"""The cases service's names: referrals, the case's steps, its documents,
urgent risks, benefit checks and erasure. The command and event schemas
refer to them (``contracts/vocabulary.schema.json``)."""

# Who referred the case, as the DGASPC page lists them: identified in the
# field, reported by family doctors, hospitals, tenants' associations,
# neighbours, or by the person or their family. Neighbours and a tenants'
# association are two sources.
REFERRAL_SOURCES = (
    "self",
    "family",
    "family_doctor",
    "hospital",
    "school",
    "police",
    "neighbours",
    "tenants_association",
    "field_identification",
    "other_institution",
)
# A referral stored before the two were told apart said "neighbours" for
# either; it reads as this, which no new referral may name.
NEIGHBOURS_OR_TENANTS = "neighbours_or_tenants_association"
# Every source a stored referral may carry: what is published and read.
RECORDED_REFERRAL_SOURCES = (*REFERRAL_SOURCES, NEIGHBOURS_OR_TENANTS)
# How a case started (DGASPC page, "Cerere/solicitare/sesizare"): the
# person's (or their family's) written request, a report by someone else,
# or identification in the field.
CASE_ORIGINS = ("request", "report", "field_identification")
# The person's informed consent to the processing of their data: given,
# refused, limited (given within limits the person set) or withdrawn.
CONSENT_STATUSES = ("given", "refused", "limited", "withdrawn")
BENEFICIARY_KINDS = ("person", "family")
RISK_LEVELS = ("low", "medium", "high")
DECISIONS = (
    "service_recommendation",
    "programme_inclusion",
    "protective_measure",
    "referral_to_service",
    "benefit_recommendation",
    "other",
)
# Whose task an objective of the intervention plan is.
RESPONSIBLE = ("social_worker", "technician", "beneficiary", "family", "institution")
# What the coordinator plans in the follow-up period after closure (2.4:
# "vizite periodice, evaluări suplimentare").
FOLLOW_UP_ACTIONS = ("visit", "evaluation")
# Whom a disagreement documented on the case is with (4.6, 2.2: the
# beneficiary's refusal, the family, a school, hospital or other institution).
DISAGREEMENT_PARTIES = ("beneficiary", "family", "institution")
# The case file's documents, as the DGASPC page lists what is needed: the
# request (cerere/solicitare/sesizare), the identity card, proof of income,
# proof of housing, and a supporting document of the difficulty.
CASE_FILE_DOCUMENTS = (
    "request",
    "identity_document",
    "income_proof",
    "housing_proof",
    "supporting_document",
)
# What a supporting document is (medical papers, an eviction notice, debts).
SUPPORTING_DOCUMENTS = ("medical", "eviction_notice", "debts", "other")
CLOSURE_OUTCOMES = ("plan_achieved", "referral", "transfer", "not_opened")
DOCUMENT_KINDS = (
    "visit_report",
    "observation_sheet",
    "phone_note",
    "progress_report",
    "final_report",
)
# The standardised monthly progress report of a case (2.3: "rapoarte lunare
# standardizate ... care să includă progres, dificultăți și recomandări de
# ajustare"): its sections, each written by the technician, and the month's
# figures of the case, counted by the service when a version is written.
PROGRESS_SECTIONS = ("progress", "difficulties", "recommendations")
PROGRESS_FIGURES = ("visits", "visits_planned", "observation_sheets", "phone_notes")
# "self": the beneficiary signed it themselves; "none": nothing to sign or
# not signed; "on_behalf": somebody signed for them, which is never allowed
# (the schema lets it through so that the domain refuses it naming R2).
SIGNATURES = ("self", "none", "on_behalf")
# What an urgent risk is about (cases.risks CATEGORIES).
RISK_CATEGORIES = (
    "abuse",
    "neglect",
    "domestic_violence",
    "exploitation",
    "trafficking",
    "danger_to_life",
    "self_harm",
    "other",
)
# The categories that always put the person's life or integrity in danger;
# any other urgent risk does when the reporter says so (4.6: 112 first, then
# the coordinator, "for any situation that endangers life and integrity").
LIFE_OR_INTEGRITY_CATEGORIES = ("danger_to_life", "self_harm")
URGENT_RISK_LEVELS = ("low", "medium", "high", "imminent")
RISK_MEASURES = (
    "official_notification",
    "emergency_placement_request",
    "protection_order_support",
    "medical_referral",
    "safety_plan",
    "increased_monitoring",
    "counselling",
    "no_further_action",
)
INSTITUTIONS = ("dgaspc", "police", "prosecutor", "school_inspectorate", "health_authority")
ERASURE_BASES = (
    "retention_period_ended",
    "data_subject_request",
    "court_order",
    "recorded_in_error",
)
BENEFITS = (
    "heating_aid",
    "minimum_inclusion_income",
    "family_support",
    "emergency_aid",
    "child_allowance",
    "disability_allowance",
    "other",
)
BENEFIT_DOCUMENTS = (
    "identity_document",
    "income_proof",
    "household_composition",
    "residence_proof",
    "property_declaration",
    "medical_documents",
    "other",
)
DISCREPANCIES = (
    "undeclared_income",
    "living_conditions",
    "unsupervised_children",
    "household_differs",
    "residence_differs",
    "other",
)
BENEFIT_OUTCOMES = ("eligible", "ineligible")
COSIGN_MEASURES = ("parental_support", "counselling", "dgaspc_notification", "open_case", "none")
# The two situations of a benefit check (A: eligibility, B: the household's
# conditions), as published.
BENEFIT_SITUATIONS = ("A", "B")
