"""The domain's names as the pages show them, in Romanian (the English
catalogue translates them). The names themselves are defined once, in the
domain (``events.vocabulary``, the services' modules); only their labels
live here."""

from __future__ import annotations

from events.vocabulary import DELEGABLE_TASKS, RECORDED_TASK_TYPES

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

TASK_TYPES = DELEGABLE_TASKS  # what may be chosen
TASK_LABELS = RECORDED_TASK_TYPES  # what a stored task may show (benefit_check, before R4)

# The monthly progress report (2.3): its sections and the month's figures
PROGRESS_SECTION_TITLES = {
    "progress": "Progres",
    "difficulties": "Dificultăți",
    "recommendations": "Recomandări de ajustare",
}
PROGRESS_FIGURES = {
    "visits": "vizite în teren în luna raportului",
    "visits_planned": "vizite pe lună stabilite în planul de coordonare",
    "observation_sheets": "fișe de observație",
    "phone_notes": "note telefonice",
}

# -- the technician's screens (H1) -------------------------------------------------
STAGES = {
    "referred": "semnalat",
    "initial_evaluation": "evaluare inițială",
    "opened": "deschis",
    "assessment": "evaluare complexă",
    "intervention_plan": "plan de intervenție",
    "intervention": "intervenție",
    "monitoring": "monitorizare",
    "closed": "închis",
    "follow_up": "monitorizare după închidere",
    "archived": "arhivat",
}
CATEGORY_LABELS = {
    "poverty": "sărăcie",
    "unemployment": "șomaj",
    "low_education": "nivel scăzut de educație",
    "disability_chronic_illness": "dizabilitate, boală cronică",
    "terminal_illness": "boală în fază terminală",
    "pregnancy": "sarcină",
    "old_age": "vârstă înaintată",
    "child_under_16": "copil sub 16 ani",
    "single_parent_family": "familie monoparentală",
    "social_exclusion_risk": "risc de excluziune socială",
    "domestic_violence": "violență domestică",
    "abuse_neglect": "abuz, neglijare",
    "school_dropout_risk": "risc de abandon școlar",
}
DOCUMENT_KINDS = {
    "visit_report": "raport de vizită",
    "observation_sheet": "fișă de observație",
    "phone_note": "notă telefonică",
    "progress_report": "raport lunar de progres",
    "final_report": "raport final",
}
DOCUMENT_STATUSES = {
    "drafted": "ciornă",
    "submitted": "trimis spre validare",
    "returned": "returnat cu observații",
    "validated": "validat",
}
RISK_CATEGORIES = {
    "danger_to_life": "pericol pentru viață sau integritate",
    "self_harm": "risc de autovătămare",
    "abuse": "abuz",
    "neglect": "neglijare",
    "domestic_violence": "violență domestică",
    "exploitation": "exploatare",
    "trafficking": "trafic de persoane",
    "other": "alt risc urgent",
}
TASK_OBSTACLES = {
    "lack_of_transport": "lipsa transportului",
    "beneficiary_refused": "beneficiarul a refuzat",
    "beneficiary_absent": "beneficiarul absent",
    "missing_documents": "documente lipsă",
    "safety_risk": "risc pentru siguranță",
    "institution_unavailable": "instituția nu este disponibilă",
    "other": "altă piedică",
}
BENEFITS = {
    "heating_aid": "ajutor pentru încălzire",
    "minimum_inclusion_income": "venit minim de incluziune",
    "family_support": "alocație de susținere a familiei",
    "emergency_aid": "ajutor de urgență",
    "child_allowance": "alocație pentru copii",
    "disability_allowance": "indemnizație pentru dizabilitate",
    "other": "altă prestație",
}
CHECKED_DOCUMENTS = {
    "identity_document": "act de identitate",
    "income_proof": "dovada veniturilor",
    "household_composition": "componența familiei",
    "residence_proof": "dovada domiciliului",
    "property_declaration": "declarația de avere",
    "medical_documents": "documente medicale",
    "other": "alte documente",
}
DISCREPANCIES = {
    "undeclared_income": "venituri nedeclarate",
    "living_conditions": "condiții de locuit diferite",
    "unsupervised_children": "copii nesupravegheați",
    "household_differs": "familia diferă de declarație",
    "residence_differs": "domiciliul diferă",
    "other": "altă neconcordanță",
}
CASE_FILE_DOCUMENTS = {  # the case file's checklist (DGASPC page)
    "request": "cererea, solicitarea sau sesizarea",
    "identity_document": "actul de identitate",
    "income_proof": "actele doveditoare ale veniturilor",
    "housing_proof": "documentul privind situația locativă",
    "supporting_document": "un document justificativ al situației de dificultate",
}
FEEDBACK_QUESTIONS = {
    "recommendations_useful": "Cât de utile au fost recomandările primite",
    "communication_clear": "Cât de clar a fost modul de comunicare",
    "support_met_needs": "Cât a răspuns sprijinul nevoilor reale din teren",
}
EVENTS = {  # a case's timeline
    "Referred": "semnalat",
    "InitialEvaluationRecorded": "evaluare inițială înregistrată",
    "Opened": "caz deschis",
    "Diagnosed": "diagnostic social stabilit",
    "PlanVersioned": "plan de intervenție scris",
    "InterventionStarted": "intervenție începută",
    "MonitoringStarted": "monitorizare începută",
    "Drafted": "document redactat",
    "Revised": "document revizuit",
    "Submitted": "document trimis spre validare",
    "Returned": "document returnat cu observații",
    "Validated": "document validat",
    "UrgentRiskReported": "risc urgent semnalat",
    "DecisionRecorded": "decizie profesională",
    "Closed": "caz închis",
    "Escalated": "dezacord escaladat",
    "Settled": "dezacord soluționat",
}

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
    "report_review": "analiza și validarea rapoartelor",
    "evaluation_session": "sesiune de evaluare",
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
ESCALATION_LEVELS = {"spas_head": "șeful SPAS", "county_admin": "administratorul județean"}
WITHDRAW_REASONS = {  # why a journal entry is withdrawn
    "duplicate": "înregistrare dublă",
    "wrong_date": "dată greșită",
    "wrong_duration": "durată greșită",
    "wrong_contract": "contract greșit",
    "did_not_take_place": "nu a avut loc",
}
CONTRACT_STATUSES = {
    "draft": "ciornă",
    "active": "activ",
    "suspended": "suspendat",
    "terminated": "încetat",
}
LEGAL_FORMS = {  # art. 40(7) a/b/c, or the job description of the SPAS's own social worker
    "service_contract": "contract de prestări servicii (art. 40 alin. 7 lit. a)",
    "cooperation_agreement": "acord de cooperare (art. 40 alin. 7 lit. b)",
    "dgaspc_partnership": "contract de parteneriat cu DGASPC (art. 40 alin. 7 lit. c)",
    "job_description": "fișa postului (asistent social angajat al SPAS)",
}
SIGNING_PARTIES = {"institution": "instituția (șeful SPAS)", "coordinator": "coordonatorul"}
MISMATCH_PROPOSALS = {"replace_coordinator": "înlocuirea coordonatorului"}  # R5 no longer met
RISK_STATUSES = {"reported": "semnalat", "acknowledged": "confirmat", "assessed": "evaluat"}
TASK_STATUSES = {
    "delegated": "delegată",
    "accepted": "acceptată",
    "in_progress": "în lucru",
    "completed": "încheiată",
    "obstacle_reported": "obstacol semnalat",
    "cancelled": "anulată",
}
# The evaluation sheet's forms (annex 1, pages/eval_sheet_form.py)
DOCUMENTATION = {  # how cases are documented
    "case_sheets": "fișe de caz",
    "reports": "rapoarte",
    "registers": "registre",
    "digital_records": "evidențe electronice",
    "other": "alte instrumente",
}
COLLABORATION_KINDS = {"formal": "formală", "informal": "informală"}
COLLABORATION_FREQUENCY = {
    "daily": "zilnic",
    "weekly": "săptămânal",
    "monthly": "lunar",
    "occasional": "ocazional",
}
EFFECTIVENESS = {  # annex 2's 4-point scale, as a collaboration's effectiveness
    "1": "1 — slabă",
    "2": "2 — parțială",
    "3": "3 — bună",
    "4": "4 — foarte bună",
}
GRID_DOMAINS = {  # annex 2's competency grid (the evaluations service's grid)
    "beneficiary_information_support": "Informare și sprijin beneficiar",
    "legislative_procedural_knowledge": "Cunoștințe legislative și procedurale",
    "community_programmes": "Implementare programe și servicii comunitare",
    "assessment_contribution": "Contribuție la evaluare și diagnoză socială",
    "beneficiary_contact": "Rol de contact și comunicare cu beneficiarii",
    "emergency_interventions": "Participare la intervenții de urgență",
    "documentation_reporting": "Documentare și raportare",
    "professional_development": "Dezvoltare profesională",
    "teamwork": "Colaborare în echipă",
    "time_management": "Organizare și gestionare a timpului",
    "empathy_relationship": "Empatie și relaționare",
    "crisis_management": "Gestionarea situațiilor de criză",
    "emotional_resilience": "Rezistență emoțională",
    "digital_skills": "Competențe digitale",
    "cultural_nondiscrimination": "Competențe culturale și nondiscriminatorii",
}
SUPPORT_KINDS = {
    "supervision": "supervizare",
    "training": "training / formare",
    "mentoring": "mentorat",
    "exchange_of_experience": "schimb de experiență",
}
EVALUATION_STATUSES = {
    "draft": "în lucru",
    "signing": "în curs de semnare",
    "completed": "încheiată",
}
EVALUATION_PARTIES = {"coordinator": "asistentul social coordonator", "technician": "tehnicianul"}
