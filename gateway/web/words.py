"""The domain's names as the pages show them, in Romanian (the English
catalogue translates them). The names themselves are defined once, in the
domain (``events.vocabulary``, the services' modules); only their labels
live here."""

from __future__ import annotations

from events.vocabulary import DELEGABLE_TASKS

ROLES = {
    "technician": "tehnician în asistență socială",
    "social_worker": "asistent social coordonator",
    "spas_head": "șef SPAS",
    "county_admin": "administrator județean",
    "auditor": "auditor",
}

# The acts a refusal names: "R2 — doar asistentul social coordonator <act>".
ACTS = {
    "record_initial_evaluation": "face evaluarea inițială",
    "open_case": "deschide cazul",
    "record_social_diagnosis": "stabilește diagnosticul social",
    "write_intervention_plan": "scrie planul de intervenție",
    "start_intervention": "începe intervenția",
    "start_monitoring": "începe monitorizarea",
    "record_decision": "ia decizii profesionale",
    "close_case": "închide cazul",
    "begin_follow_up": "deschide perioada de monitorizare după închidere",
    "archive_case": "arhivează cazul",
    "return_document": "returnează documentul",
    "validate_document": "validează documentul",
    "acknowledge_urgent_risk": "confirmă riscul urgent",
    "assess_urgent_risk": "evaluează riscul urgent",
    "notify_institution": "sesizează oficial o instituție",
    "cosign_benefit_check": "contrasemnează verificarea",
    "delegate_task": "deleagă sarcini",
}

TASK_TYPES = DELEGABLE_TASKS

# The coordinator's forms (pages/coord_cases.py): the domain's values and their labels.
RISK_LEVELS = {"low": "scăzut", "medium": "mediu", "high": "ridicat"}
URGENT_LEVELS = RISK_LEVELS | {"imminent": "iminent"}
DECISIONS = {
    "service_recommendation": "recomandare de servicii",
    "programme_inclusion": "includere într-un program",
    "protective_measure": "măsură de protecție",
    "referral_to_service": "îndrumare către un serviciu",
    "benefit_recommendation": "recomandare de beneficii",
    "other": "altă decizie",
}
CASE_OUTCOMES = {
    "plan_achieved": "obiectivele planului atinse",
    "referral": "îndrumat către alt serviciu",
    "transfer": "transferat",
    "not_opened": "nu s-a deschis",
}
RESPONSIBLE = {
    "social_worker": "asistentul social",
    "technician": "tehnicianul",
    "beneficiary": "beneficiarul",
    "family": "familia",
    "institution": "instituția",
}
INSTITUTIONS = {
    "dgaspc": "DGASPC",
    "police": "Poliția",
    "prosecutor": "Parchetul",
    "school_inspectorate": "Inspectoratul școlar",
    "health_authority": "Direcția de sănătate publică",
}
PRIORITIES = {"low": "scăzută", "normal": "normală", "high": "ridicată", "urgent": "urgentă"}
AUTONOMY = {
    "supervised": "sub supraveghere",
    "guided": "îndrumat",
    "autonomous": "autonom",
}
AUTONOMY_SOURCES = {"plan": "planul de coordonare", "evaluation": "evaluare", "default": "implicit"}
CHANNELS = {"in_person": "față în față", "phone": "telefon", "video": "video"}
ENTRY_KINDS = {
    "meeting": "întâlnire",
    "contact": "contact",
    "emergency": "urgență",
    "feedback_session": "sesiune de feedback",
    "joint_field_work": "teren împreună",
}
DIFFICULTIES = {
    "roles_and_competences": "roluri și competențe",
    "communication": "comunicare",
    "sensitive_situations": "situații sensibile",
    "ethics_and_integrity": "etică și integritate",
    "resources": "resurse",
    "emotional_strain": "încărcare emoțională",
}
INFORMED_PARTIES = {"coordinator": "coordonatorul", "team": "echipa", "superior": "șeful ierarhic"}
INCIDENT_OUTCOMES = {"resolved": "rezolvat", "improved": "ameliorat", "persists": "persistă"}
EVALUATION_KINDS = {"initial": "inițială", "periodic": "periodică"}
EVALUATION_SECTIONS = {  # annex 1, the sheet's sections
    "general": "date generale",
    "current_activity": "activitatea curentă",
    "beneficiaries": "beneficiarii",
    "collaborations": "colaborări",
    "difficult_situations": "situații dificile",
    "competencies": "competențe",
    "other_aspects": "alte aspecte",
    "results": "rezultate",
}
