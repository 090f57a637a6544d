"""What each notification says, in Romanian and in English (the recipient's
language first). Only ids, categories, dates and a link to the gateway:
never a beneficiary's name (DESIGN §5), which this service never has."""

from __future__ import annotations

import os
from typing import Any

from events.errors import InvalidCommand
from events.vocabulary import LANGUAGES

# The labels of events.vocabulary.cases.RISK_CATEGORIES, in its order.
RISK_CATEGORIES = {
    "abuse": ("suspiciune de abuz", "suspected abuse"),
    "neglect": ("neglijare", "neglect"),
    "domestic_violence": ("violență domestică", "domestic violence"),
    "exploitation": ("exploatare", "exploitation"),
    "trafficking": ("trafic de persoane", "trafficking"),
    "danger_to_life": ("pericol pentru viață", "danger to life"),
    "self_harm": ("risc de autovătămare", "self-harm"),
    "other": ("risc urgent", "urgent risk"),
}

# 2.3.1: the technician's deadline from observation to report, missed (R7)
LATE_REPORT = (
    " Raportată după termenul de {deadline_hours} ore de la observare (R7).",
    " Reported after the {deadline_hours}-hour deadline from observation (R7).",
)

# 4.6: wherever a life or a person's integrity is in danger, 112 comes first;
# a report without the call says so, so that the coordinator makes sure of it
NO_EMERGENCY_CALL = (
    " Apelul la 112 nu a fost făcut, deși viața sau integritatea persoanei este în "
    "pericol: asigurați-vă că s-a sunat.",
    " 112 was not called although the person's life or integrity is in danger: make sure "
    "it is called.",
)

# The levels a disagreement climbs (events.vocabulary.ESCALATION_LEVELS).
LEVELS = {
    "spas_head": ("șeful SPAS", "the SPAS head"),
    "county_admin": ("DGASPC", "the county (DGASPC)"),
}

# What a follow-up after closure plans (events.vocabulary.cases.FOLLOW_UP_ACTIONS).
FOLLOW_UP_ACTIONS = {
    "visit": ("vizită de monitorizare", "follow-up visit"),
    "evaluation": ("evaluare de monitorizare", "follow-up evaluation"),
}

# The difficulty types of 4.2 (events.vocabulary.coordination.DIFFICULTY_TYPES).
DIFFICULTIES = {
    "roles_and_competences": ("roluri și competențe", "roles and competences"),
    "communication": ("comunicare și colaborare", "communication and collaboration"),
    "sensitive_situations": ("situații sensibile cu beneficiarii", "sensitive situations"),
    "ethics_and_integrity": ("etică și integritate", "ethics and integrity"),
    "resources": ("resurse și organizare", "resources and organisation"),
    "emotional_strain": ("încărcare emoțională", "emotional strain"),
}

# The beneficiary categories (events.vocabulary.CATEGORIES).
CATEGORIES = {
    "poverty": ("sărăcie", "poverty"),
    "unemployment": ("șomaj", "unemployment"),
    "low_education": ("nivel scăzut de educație", "low education"),
    "disability_chronic_illness": ("dizabilitate, boală cronică", "disability, chronic illness"),
    "terminal_illness": ("boală în fază terminală", "terminal illness"),
    "pregnancy": ("sarcină", "pregnancy"),
    "old_age": ("vârstă înaintată", "old age"),
    "child_under_16": ("copil sub 16 ani", "child under 16"),
    "single_parent_family": ("familie monoparentală", "single-parent family"),
    "social_exclusion_risk": ("risc de excluziune socială", "risk of social exclusion"),
    "domestic_violence": ("violență domestică", "domestic violence"),
    "abuse_neglect": ("abuz, neglijare", "abuse, neglect"),
    "school_dropout_risk": ("risc de abandon școlar", "school dropout risk"),
}

# 4.5 step 2: a difficulty about the coordination goes to the superior, who
# leads it; the coordinator does not see it until the head shares it
ABOUT_COORDINATOR = (
    " Dificultatea privește relația de coordonare: o conduceți dumneavoastră, iar "
    "coordonatorul nu o vede până nu hotărâți să i-o arătați (4.5, pasul 2).",
    " The difficulty concerns the coordination itself: you lead it, and the coordinator "
    "does not see it until you decide to share it (4.5, step 2).",
)

# 4.4.3: each escalation gives the next level as long again
NEXT_LEVEL = (
    " Nerezolvată până la {next_deadline}, urcă la nivelul următor.",
    " Unresolved by {next_deadline}, it goes up to the next level.",
)

# kind (events.vocabulary.notifications.NOTIFICATION_KINDS) -> (subject, text)
# per language, formatted with the notification's fields
TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "urgent_risk_alert": {
        "ro": (
            "URGENT: {category_ro}, cazul {case_id}",
            "Tehnicianul a raportat o situație de {category_ro} în cazul {case_id}, observată "
            "la {observed_at}.{late_ro}{no_call_ro} Confirmați primirea până la {due_at}; "
            "fără confirmare, alerta se escaladează la șeful SPAS și apoi la DGASPC.",
        ),
        "en": (
            "URGENT: {category_en}, case {case_id}",
            "The technician reported {category_en} in case {case_id}, observed at "
            "{observed_at}.{late_en}{no_call_en} Acknowledge by {due_at}; unacknowledged, the "
            "alert goes to the SPAS head and then to the county.",
        ),
    },
    "urgent_risk_escalation": {
        "ro": (
            "ESCALADARE: {category_ro} neconfirmat, cazul {case_id}",
            "Alerta de {category_ro} din cazul {case_id}, trimisă la {raised_at}, nu a fost "
            "confirmată de asistentul social coordonator în termen ({sla_minutes} minute). "
            "Vă rugăm să interveniți și să confirmați primirea.",
        ),
        "en": (
            "ESCALATION: {category_en} unacknowledged, case {case_id}",
            "The {category_en} alert of case {case_id}, sent at {raised_at}, was not "
            "acknowledged by the coordinating social worker within {sla_minutes} minutes. Please "
            "step in and acknowledge it.",
        ),
    },
    "observation_sheet_due": {
        "ro": (
            "Fișa de observație pentru cazul {case_id} este scadentă la {due_at}",
            "Vizita din {occurred_at} în cazul {case_id} cere fișa de observație în cel mult "
            "24 de ore (R7), până la {due_at}.",
        ),
        "en": (
            "Observation sheet for case {case_id} due at {due_at}",
            "The visit of {occurred_at} in case {case_id} needs its observation sheet within "
            "24 hours (R7), by {due_at}.",
        ),
    },
    "progress_report_missing": {
        "ro": (
            "Lipsește raportul lunar de progres pentru cazul {case_id} ({period})",
            "Pentru cazul activ {case_id} nu a fost depus raportul standardizat de progres al "
            "lunii {period} (R7).",
        ),
        "en": (
            "Monthly progress report missing for case {case_id} ({period})",
            "Active case {case_id} has no standardized progress report for {period} (R7).",
        ),
    },
    "coordination_hours_low": {
        "ro": (
            "Ore de coordonare sub 40 în {month}: {hours} ore",
            "Jurnalul de coordonare al contractului {contract_id} consemnează {hours} ore în "
            "{month}, sub minimul de 40 de ore pe lună (R6).",
        ),
        "en": (
            "Coordination hours below 40 in {month}: {hours} h",
            "The coordination journal of contract {contract_id} records {hours} hours in "
            "{month}, below the minimum of 40 hours a month (R6).",
        ),
    },
    "follow_up_due": {
        "ro": (
            "Monitorizarea post-închidere a cazului {case_id} începe la {from_date}",
            "Cazul {case_id} a fost închis; vizitele de monitorizare sunt programate între "
            "{from_date} și {until_date} (R8).",
        ),
        "en": (
            "Follow-up of case {case_id} is due from {from_date}",
            "Case {case_id} was closed; the follow-up visits fall between {from_date} and "
            "{until_date} (R8).",
        ),
    },
    "follow_up_action_due": {
        "ro": (
            "Monitorizare post-închidere planificată azi, {due_on}: {action_ro}, cazul {case_id}",
            "Pentru cazul închis {case_id} asistentul social a planificat pe {due_on} o "
            "{action_ro} în perioada de monitorizare (2.4, R8). După ce o faceți, consemnați-o "
            "în platformă.",
        ),
        "en": (
            "Follow-up planned for today, {due_on}: {action_en}, case {case_id}",
            "For closed case {case_id} the social worker planned a {action_en} on {due_on}, "
            "within its follow-up period (2.4, R8). Once done, record it in the platform.",
        ),
    },
    "contract_ending": {
        "ro": (
            "Contractul de coordonare {contract_id} se încheie la {ends_on}",
            "Contractul de coordonare {contract_id} se încheie la {ends_on}. Fără un contract "
            "activ, tehnicianul nu mai poate acționa (R1).",
        ),
        "en": (
            "Coordination contract {contract_id} ends on {ends_on}",
            "Coordination contract {contract_id} ends on {ends_on}. Without an active contract "
            "the technician can no longer act (R1).",
        ),
    },
    "signature_for_beneficiary_refused": {
        "ro": (
            "Semnătură în numele beneficiarului refuzată: cazul {case_id}",
            "Tehnicianul a încercat să înregistreze în cazul {case_id} un document semnat în "
            "numele beneficiarului, iar platforma l-a refuzat: semnătura este numai a "
            "beneficiarului (ghidul, 4.6 cazul 1). Discutați situația cu tehnicianul; dacă "
            "beneficiarul nu poate semna, documentul se înregistrează nesemnat.",
        ),
        "en": (
            "Signature on the beneficiary's behalf refused: case {case_id}",
            "The technician tried to record a document of case {case_id} signed on the "
            "beneficiary's behalf, and the platform refused it: the signature is the "
            "beneficiary's alone (the guide, 4.6 case 1). Talk it over with the technician; "
            "if the beneficiary cannot sign, the document is recorded unsigned.",
        ),
    },
    "disagreement_escalated": {
        "ro": (
            "Dezacord escaladat la {level_ro}: cazul {case_id}",
            "Asistentul social al cazului {case_id} a escaladat la {level_ro} un dezacord cu "
            "familia sau cu o instituție pe care echipa nu l-a putut rezolva (ghidul, 4.4.3 și "
            "4.6 cazul 3). Discutați-l cu asistentul social; ce anume s-a întâmplat este "
            "consemnat în dosarul cazului.",
        ),
        "en": (
            "Disagreement escalated to {level_en}: case {case_id}",
            "The social worker of case {case_id} escalated to {level_en} a disagreement with "
            "the family or an institution that the team could not settle (the guide, 4.4.3 "
            "and 4.6 case 3). Talk it over with the social worker; what happened is recorded "
            "in the case file.",
        ),
    },
    "incident_reported": {
        "ro": (
            "Dificultate raportată ({difficulty_ro}): incidentul {incident_id}",
            "A fost raportată o dificultate a tehnicianului ({difficulty_ro}) pe formularul "
            "standard (instrumentul F).{about_ro} Parcurgeți pașii din 4.5, de la identificarea "
            "problemei la soluție; nerezolvată până la {deadline}, se escaladează (4.4.3). "
            "Descrierea se citește în platformă.",
        ),
        "en": (
            "Difficulty reported ({difficulty_en}): incident {incident_id}",
            "A difficulty of the technician was reported ({difficulty_en}) on the standard "
            "form (instrument F).{about_en} Take it through the steps of 4.5, from identifying "
            "the problem to the solution; unresolved by {deadline}, it is escalated (4.4.3). "
            "The description is read in the platform.",
        ),
    },
    "incident_escalated": {
        "ro": (
            "Dificultate nerezolvată, escaladată la {level_ro}: incidentul {incident_id}",
            "O dificultate a unui tehnician nu a fost rezolvată în termen și a fost escaladată "
            "la {level_ro} (ghidul, 4.4.3).{next_ro} Vă rugăm să interveniți; istoricul "
            "incidentului se citește în platformă.",
        ),
        "en": (
            "Unresolved difficulty escalated to {level_en}: incident {incident_id}",
            "A technician's difficulty was not resolved in time and was escalated to "
            "{level_en} (the guide, 4.4.3).{next_en} Please step in; the incident's history is "
            "read in the platform.",
        ),
    },
    "incident_shared": {
        "ro": (
            "O dificultate care privește coordonarea v-a fost arătată: incidentul {incident_id}",
            "Șeful SPAS v-a arătat o dificultate raportată despre relația de coordonare "
            "(ghidul, 4.5, pasul 2). O puteți citi în platformă; pașii îi conduce în continuare "
            "șeful SPAS, cu care o discutați.",
        ),
        "en": (
            "A difficulty about the coordination was shared with you: incident {incident_id}",
            "The SPAS head shared with you a difficulty reported about the coordination "
            "(the guide, 4.5, step 2). You can read it in the platform; the SPAS head still "
            "leads its steps and talks it over with you.",
        ),
    },
    "experience_mismatch_flagged": {
        "ro": (
            "Coordonatorul nu mai are experiența cerută (R5): contractul {contract_id}",
            "Coordonatorul din contractul de coordonare {contract_id} nu are experiență "
            "declarată pentru categoriile de beneficiari ale tehnicianului: {missing_ro} (R5, "
            "principiul 9). Propunerea platformei: înlocuirea coordonatorului, cu predarea "
            "întregului istoric (R10), sau completarea experienței declarate în registru.",
        ),
        "en": (
            "The coordinator no longer has the experience required (R5): contract {contract_id}",
            "The coordinator of coordination contract {contract_id} has no declared experience "
            "of the technician's beneficiary categories: {missing_en} (R5, principle 9). The "
            "platform proposes replacing the coordinator, with the whole history handed over "
            "(R10), or completing the experience declared in the registry.",
        ),
    },
    "task_obstacle_unanswered": {
        "ro": (
            "Obstacol fără răspuns: sarcina {task_id}",
            "Tehnicianul a semnalat un obstacol ({obstacle}) la sarcina {task_id} ({task_type}). "
            "Răspundeți: îndrumare, un termen nou, reatribuire sau anulare; sarcina nu se amână "
            "pe termen nedefinit (2.3.3).",
        ),
        "en": (
            "Obstacle unanswered: task {task_id}",
            "The technician reported an obstacle ({obstacle}) on task {task_id} ({task_type}). "
            "Answer it: guidance, a new deadline, reassignment or cancellation; a task is not "
            "put off indefinitely (2.3.3).",
        ),
    },
    "task_obstacle_escalated": {
        "ro": (
            "ESCALADARE: obstacol fără răspuns, sarcina {task_id}",
            "Obstacolul ({obstacle}) semnalat la sarcina {task_id} ({task_type}) nu a primit "
            "răspunsul coordonatorului până la {answer_due_at} și nici după. Vă rugăm să "
            "interveniți (2.3.3).",
        ),
        "en": (
            "ESCALATION: obstacle unanswered, task {task_id}",
            "The obstacle ({obstacle}) reported on task {task_id} ({task_type}) had no answer "
            "from the coordinator by {answer_due_at}, nor since. Please step in (2.3.3).",
        ),
    },
    "task_overdue": {
        "ro": (
            "Sarcină depășită: {task_type}, scadentă la {due_at}",
            "Sarcina {task_id} ({task_type}) era scadentă la {due_at} și nu a fost finalizată.",
        ),
        "en": (
            "Task overdue: {task_type}, due at {due_at}",
            "Task {task_id} ({task_type}) was due at {due_at} and is not completed.",
        ),
    },
}


def check_language(language: Any) -> str:
    if language not in LANGUAGES:
        raise InvalidCommand(f"language is {' or '.join(LANGUAGES)}", field="language")
    return str(language)


def gateway_link(path: str) -> str:
    base = os.environ.get("GATEWAY_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}/{path.lstrip('/')}"


def render(kind: str, language: str, fields: dict[str, Any]) -> tuple[str, str]:
    """Subject and text: the recipient's language first, the other after."""
    values = dict(fields)
    if "category" in values:
        values["category_ro"], values["category_en"] = RISK_CATEGORIES.get(
            values["category"], RISK_CATEGORIES["other"]
        )
    late = values.get("reported_late") is True
    hours = values.get("deadline_hours") or 2
    values["late_ro"], values["late_en"] = (
        (t.format(deadline_hours=hours) for t in LATE_REPORT) if late else ("", "")
    )
    values["no_call_ro"], values["no_call_en"] = (
        NO_EMERGENCY_CALL if values.get("emergency_call_missing") is True else ("", "")
    )
    if "level" in values:
        values["level_ro"], values["level_en"] = LEVELS[values["level"]]
    if "action" in values:
        values["action_ro"], values["action_en"] = FOLLOW_UP_ACTIONS[values["action"]]
    if "missing" in values:
        labels = [CATEGORIES[c] for c in values["missing"]]
        values["missing_ro"] = ", ".join(ro for ro, _ in labels)
        values["missing_en"] = ", ".join(en for _, en in labels)
    if "difficulty_type" in values:
        values["difficulty_ro"], values["difficulty_en"] = DIFFICULTIES[values["difficulty_type"]]
    values["about_ro"], values["about_en"] = (
        ABOUT_COORDINATOR if values.get("about_coordinator") is True else ("", "")
    )
    values["next_ro"], values["next_en"] = (
        (t.format(**values) for t in NEXT_LEVEL) if values.get("next_deadline") else ("", "")
    )
    first, second = (language, "en" if language == "ro" else "ro")
    subject = TEMPLATES[kind][first][0].format(**values)
    text = "\n\n".join(TEMPLATES[kind][lang][1].format(**values) for lang in (first, second))
    return subject, f"{text}\n\n{values.get('link', '')}".rstrip()
