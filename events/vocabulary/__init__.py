"""Every enumerated name of the platform, defined once: the lists several
services share here, each service's own in ``events.vocabulary.<service>``.
``contracts/vocabulary.schema.json`` is generated from them
(``events.vocabulary.schema``, ``make catalogue``) and the command and event
schemas refer to it, so a schema cannot spell a list differently.

Shared here: the vulnerability categories of the beneficiaries (DESIGN §4),
which are also the social workers' domains of experience (R5) and the
categories of a case; the roles; the delegable tasks and autonomy levels; the
kinds of evaluation; how people meet; who an escalation reaches; languages."""

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
}
# R4, 2.1 §2: administrative work on benefits is outside coordination and is
# never delegated. A delegation, plan or evaluation stored before named it as a
# task type; it still reads (and is published) under this name, which no new
# one may use.
ADMINISTRATIVE_TASKS: dict[str, str] = {
    "benefit_check": "verificarea administrativă a eligibilității pentru beneficii (R4)",
}
# Every task type a stored delegation, plan or evaluation may carry.
RECORDED_TASK_TYPES: dict[str, str] = {**DELEGABLE_TASKS, **ADMINISTRATIVE_TASKS}

# How a technician may do a delegable task: under supervision, guided, or with
# autonomy (concluded by an evaluation, R3).
AUTONOMY_LEVELS = ("supervised", "guided", "autonomous")

# The roles of the county's staff (DESIGN §3).
ROLES = ("technician", "social_worker", "spas_head", "county_admin", "auditor")
# The platform itself also acts (timers, relays): the envelope's actorrole.
ACTOR_ROLES = (*ROLES, "system")
# 4.4.3, in order: the SPAS head first, then the county.
ESCALATION_LEVELS = ("spas_head", "county_admin")

# Where people meet: a coordination meeting, a journal entry, a feedback session.
MEETING_CHANNELS = ("in_person", "phone", "video")

EVALUATION_KINDS = ("initial", "periodic")

# The languages people read messages and pages in.
LANGUAGES = ("ro", "en")

# Where an auditor's request came from (issue 19): the HTTP API, or a page of
# the web app on their behalf (gateway.auditor_requests).
REQUEST_CHANNELS = ("api", "web")
