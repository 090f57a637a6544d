"""What each problem says to a person: one Romanian sentence per ``code``,
said once here for the API (a problem's ``message``) and the web app's
pages alike. The web app's English catalogue (``gateway/web/locale``, kept by
``make messages``) translates each; a unit test fails while a code of
``contracts/errors.json`` or of the gateway itself has no sentence here, or a
sentence has no English.

A sentence says what happened and, where it helps, what to do; what exactly
failed (the field, the id) stays in the problem's ``detail``. A refusal by a
rule of the guide also names its rule (``rule_text``, ``gateway.rules``).
Codes that must not tell whether something exists (an unknown id and one
outside the caller's scope, DESIGN §5) say the same for both.
"""

from __future__ import annotations

from gateway.rules import LANGUAGES
from gateway.web.i18n import gettext_of

HIDDEN = "Nu există sau nu îl puteți vedea."
INVALID = "Datele nu sunt valide."
SIGN_IN = "Autentificați-vă din nou."

SENTENCES = {
    # -- the gateway's own: the request itself ---------------------------------------------
    "unauthenticated": f"Nu sunteți autentificat. {SIGN_IN}",
    "invalid_token": f"Sesiunea nu mai este valabilă. {SIGN_IN}",
    "invalid_login": "Introduceți numele de utilizator și parola.",
    "invalid_credentials": "Numele de utilizator sau parola nu sunt corecte.",
    "malformed_json": "Cererea nu este un JSON valid.",
    "unsupported_media_type": "Cererea trebuie trimisă ca JSON.",
    "payload_too_large": "Cererea este prea mare.",
    "conflicting_field": "Un câmp din cerere diferă de cel din adresă.",
    "unknown_parameter": "Cererea are un parametru necunoscut.",
    "missing_parameter": "Lipsește un parametru obligatoriu al cererii.",
    "invalid_parameter": "Un parametru al cererii nu are o valoare validă.",
    "invalid_cursor": "Pagina cerută nu mai este valabilă; reluați lista de la început.",
    "invalid_idempotency_key": "Cheia de idempotență nu este validă.",
    "method_not_allowed": "Această metodă nu este permisă la această adresă.",
    "no_such_route": "Adresa nu există.",
    "no_local_issuer": "Autentificarea se face prin furnizorul de identitate al județului.",
    "no_checkpoint_keys": "Această instalare nu publică chei de verificare.",
    "internal_error": "A apărut o eroare neprevăzută; a fost consemnată. Încercați din nou.",
    # the gateway's and the services' alike
    "not_found": HIDDEN,
    "role_not_allowed": "Rolul dumneavoastră nu permite acest act.",
    "outside_your_municipality": "Este în afara localității dumneavoastră.",
    "service_unavailable": "Serviciul nu răspunde acum; încercați din nou în câteva minute.",
    "upstream_timeout": "Serviciul nu a răspuns la timp; verificați înainte de a trimite din nou.",
    "request_in_progress": "Formularul este încă în lucru; așteptați câteva secunde.",
    "idempotency_key_reused": "Formularul a fost deja trimis; reîncărcați pagina.",
    "too_many_requests": "Prea multe cereri; așteptați puțin.",
    # -- every service: the kinds of error ---------------------------------------------------
    "error": "Cererea nu a putut fi îndeplinită.",
    "invalid_command": INVALID,
    "conflict": "Starea nu permite acest pas.",
    "forbidden": "Nu aveți dreptul să faceți acest act.",
    "rule_violation": "O regulă a ghidului nu permite acest act.",
    "changed_concurrently": "Altcineva a modificat între timp; reîncărcați pagina.",
    # the identity a call carries from the gateway to a service
    "identity_missing": "Cererea nu poartă identitatea celui care acționează.",
    "identity_refused": "Identitatea celui care acționează nu a putut fi verificată.",
    "actor_mismatch": "Cererea poartă identitatea altei persoane.",
    "actor_not_registered": (
        "Nu figurați (sau nu mai figurați) în registrul personalului; adresați-vă șefului SPAS."
    ),
    "assertion_expired": "Identitatea transmisă serviciului a expirat; încercați din nou.",
    "assertion_foreign_audience": "Identitatea transmisă era destinată altui serviciu.",
    "assertion_not_for_this_call": "Identitatea transmisă era pentru altă cerere.",
    "assertion_replayed": "Identitatea transmisă a mai fost folosită; încercați din nou.",
    "assertion_untrusted": "Identitatea transmisă serviciului nu este de încredere.",
    "system_not_allowed": "Emitentul nu poate acționa ca sistem pentru această operație.",
    # the auditor's reads and the store's verification
    "audit_denied": "Jurnalul depozitului și verificarea lui sunt doar ale auditorului.",
    "coordination_read_log_denied": "Jurnalul citirilor este doar al auditorului.",
    "unknown_verification": "Verificarea nu există.",
    "verification_running": "O verificare este deja în curs; așteptați să se încheie.",
    # -- the cases service -----------------------------------------------------------------
    "invalid_case_command": INVALID,
    "case_not_found": "Cazul nu există sau nu îl puteți vedea.",
    # told as an unknown case, so that a refusal never tells a case exists
    "case_not_visible": "Cazul nu există sau nu îl puteți vedea.",
    "case_access_denied": "Acest act nu vă revine pentru acest caz.",
    "case_stage_conflict": "Cazul nu este în etapa potrivită pentru acest pas.",
    "beneficiary_not_found": "Beneficiarul nu există sau nu îl puteți vedea.",
    "no_consent_to_processing": (
        "Persoana a refuzat sau și-a retras consimțământul: nu se mai colectează date despre "
        "ea. Ce s-a consemnat rămâne; coordonatorul decide cum continuă cazul."
    ),
    "personal_data_erased": (
        "Datele personale ale beneficiarului au fost șterse; nu se mai pot adăuga altele."
    ),
    "document_not_found": "Documentul nu există sau nu îl puteți vedea.",
    "document_state_conflict": "Documentul nu este în starea potrivită pentru acest pas.",
    "plan_response_conflict": (
        "Planul a fost deja confirmat sau are între timp o versiune nouă; reîncărcați pagina."
    ),
    "document_already_validated": "Documentul a fost deja validat.",
    "disagreement_not_found": "Dezacordul nu există sau nu îl puteți vedea.",
    "disagreement_settled": "Dezacordul a fost deja soluționat.",
    "urgent_risk_not_found": "Riscul nu există sau nu îl puteți vedea.",
    "urgent_risk_already_acknowledged": "Riscul a fost deja confirmat.",
    "urgent_risk_state_conflict": "Riscul nu este în starea potrivită pentru acest pas.",
    "benefit_check_not_found": "Verificarea nu există sau nu o puteți vedea.",
    # 2.1 §2, 2.2: benefits are administrative work, outside coordination
    "benefit_check_needs_coordinator": (
        "O verificare cu neconcordanțe (situația B) o contrasemnează asistentul social "
        "coordonator: fără contract de coordonare activ nu poate fi înregistrată."
    ),
    "administrative_work_not_delegated": (
        "Verificarea beneficiilor este muncă administrativă a tehnicianului, nu o sarcină "
        "delegată; înregistrați-o ca verificare."
    ),
    "benefit_check_conflict": (
        "Verificarea nu cere contrasemnătură: nu are neconcordanțe sau a fost deja decisă."
    ),
    "no_active_coordination": "Fără contract de coordonare activ, tehnicianul nu poate acționa.",
    "exclusive_act_of_social_worker": "Doar asistentul social al cazului face acest act.",
    "nobody_signs_for_the_beneficiary": "Nimeni nu semnează în numele beneficiarului.",
    "final_report_missing": (
        "Cazul se închide după validarea raportului final și o perioadă de monitorizare."
    ),
    "follow_up_outside_window": "Monitorizarea se face la 3–6 luni după închiderea cazului.",
    # -- the coordination service: the registry --------------------------------------------
    "invalid_registry_entry": INVALID,
    "registry_access_denied": "Registrul îl ține administratorul județului.",
    "municipality_not_found": "Localitatea nu există sau nu o puteți vedea.",
    "municipality_already_registered": "Localitatea este deja înregistrată.",
    "staff_not_found": "Persoana nu există în registru sau nu o puteți vedea.",
    "staff_already_registered": "Persoana este deja înregistrată.",
    "staff_departed": "Persoana a plecat din SPAS; nu mai poate primi sarcini sau contracte.",
    "rnasr_code_already_registered": "Codul RNASR este deja înregistrat pentru altă persoană.",
    "not_a_technician": "Doar un tehnician devine asistent social prin licențiere.",
    # contracts
    "invalid_contract": INVALID,
    "contract_not_found": "Contractul nu există sau nu îl puteți vedea.",
    "contract_access_denied": "Acest act nu vă revine pentru acest contract.",
    "contract_read_denied": "Contractul nu există sau nu îl puteți vedea.",
    "contract_state_conflict": "Contractul nu este în starea potrivită pentru acest pas.",
    "contract_already_signed": "Ați semnat deja contractul.",
    "contract_not_signed": "Evaluarea se face după semnarea contractului de coordonare.",
    "experience_does_not_cover": (
        "Experiența coordonatorului nu acoperă categoriile tehnicianului; alegeți alt coordonator."
    ),
    "technician_already_coordinated": "Tehnicianul are deja un contract de coordonare activ.",
    "too_few_coordination_hours": "Contractul cere cel puțin 40 de ore de coordonare pe lună.",
    # planning: the coordination plan and the monthly journal
    "invalid_plan": INVALID,
    "invalid_month": "Luna nu este validă (AAAA-LL).",
    "plan_not_found": "Planul de coordonare nu există sau nu îl puteți vedea.",
    "plan_access_denied": "Planul îl ține asistentul social coordonator al contractului.",
    "plan_already_drawn_up": "Planul de coordonare a fost deja întocmit.",
    "plan_changed_meanwhile": "Planul a fost modificat între timp; reîncărcați pagina.",
    "reporting_rule_violated": (
        "Termenele de raportare nu pot fi mai lungi decât cele ale ghidului."
    ),
    "invalid_journal_entry": INVALID,
    "journal_access_denied": "Jurnalul îl ține asistentul social coordonator al contractului.",
    "journal_read_denied": "Jurnalul nu există sau nu îl puteți vedea.",
    "journal_changed_meanwhile": "Jurnalul a fost modificat între timp; reîncărcați pagina.",
    "journal_entry_not_found": "Înregistrarea din jurnal nu există sau nu o puteți vedea.",
    "journal_entry_already_withdrawn": "Înregistrarea din jurnal a fost deja retrasă.",
    "journal_entry_already_commented": (
        "Ați adăugat deja observațiile dumneavoastră la această sesiune de feedback."
    ),
    "journal_entry_in_future": "O activitate se trece în jurnal după ce a avut loc.",
    "journal_entry_outside_contract": "Data este în afara perioadei contractului.",
    # tasks
    "invalid_task": INVALID,
    "task_not_found": "Sarcina nu există sau nu o puteți vedea.",
    "task_access_denied": "Acest act nu vă revine pentru această sarcină.",
    "task_state_conflict": "Sarcina nu este în starea potrivită pentru acest pas.",
    "exclusive_act_not_delegable": "Actul este al asistentului social și nu se deleagă.",
    "not_delegable_in_plan": "Sarcina nu este pe lista celor delegabile din planul de coordonare.",
    "autonomy_conclusion_not_applicable": "Concluzia evaluării nu se potrivește contractului.",
    # incidents: a difficulty the technician meets (4.5 of the guide)
    "invalid_incident": INVALID,
    "incident_not_found": "Dificultatea nu există sau nu o puteți vedea.",
    "incident_access_denied": "Acest act nu vă revine pentru această dificultate.",
    "incident_read_denied": "Dificultatea nu există sau nu o puteți vedea.",
    "incident_closed": "Dificultatea a fost deja închisă.",
    "incident_already_escalated": "Dificultatea a fost deja transmisă mai departe.",
    "incident_changed_concurrently": "Altcineva a modificat între timp; reîncărcați pagina.",
    "incident_step_already_recorded": "Pasul a fost deja consemnat.",
    "incident_step_out_of_order": "Pașii se consemnează în ordine; întâi cel anterior.",
    "incident_requires_coordination": (
        "Fără contract de coordonare activ, dificultatea o semnalează șeful SPAS."
    ),
    # 4.5 step 4: redistribution answers a workload (4.2.5, 4.2.1) or a burnout
    "redistribution_not_applicable": (
        "Redistribuirea sarcinilor este o soluție când analiza cauzei arată volumul de muncă "
        "sau delegarea excesivă, ori pentru epuizare; analizați întâi cauza."
    ),
    # a difficulty about the coordinator (4.5 step 2)
    "incident_led_by_the_head": (
        "Dificultatea privește relația de coordonare: o conduce șeful SPAS."
    ),
    "incident_not_hidden": "Dificultatea nu este ascunsă coordonatorului.",
    "redistribution_outside_spas": "Sarcinile se redistribuie doar în cadrul aceluiași SPAS.",
    "not_coordinated_by_same_coordinator": (
        "Sarcinile trec doar la un tehnician coordonat de același asistent social."
    ),
    "tasks_already_redistributed": "Sarcinile au fost deja redistribuite.",
    # the form of the coordination (3.2 A): who employs the coordinator decides it
    "job_description_outside_the_spas": (
        "Fișa postului este forma coordonării doar pentru un asistent social angajat al "
        "SPAS-ului tehnicianului; pentru un coordonator din afară alegeți un contract "
        "(art. 40 alin. 7 lit. a–c)."
    ),
    "own_employee_under_contract_form": (
        "Asistentul social este angajat al SPAS-ului: coordonarea se consemnează în fișa "
        "postului, nu printr-un contract."
    ),
    # -- the evaluations service (annexes 1–2) ---------------------------------------------
    "invalid_evaluation_command": INVALID,
    "evaluation_not_found": "Evaluarea nu există sau nu o puteți vedea.",
    "evaluation_record_not_visible": "Înregistrarea nu există sau nu o puteți vedea.",
    "evaluation_out_of_order": (
        "Evaluarea nu poate fi deschisă acum: întâi cea inițială, apoi cele periodice, la termen."
    ),
    "evaluation_incomplete": "Evaluarea nu este completă: lipsesc secțiuni, grila sau concluziile.",
    "evaluation_signed": "Evaluarea a fost semnată și nu mai poate fi modificată.",
    "evaluation_access_denied": "Doar părțile evaluării pot face acest act.",
    "already_signed": "Ați semnat deja.",
    "duplicate_submission": "Ați trimis deja.",
    "invalid_evaluation_sheet": "Secțiunea fișei nu este completată corect.",
    "invalid_grid_entry": "Un rând al grilei nu este completat corect.",
    "level_outside_scale": "Nivelul este de la 1 la 4.",
    "unknown_domain": "Domeniul nu face parte din grilă.",
    "technician_not_found": "Tehnicianul nu există sau nu îl puteți vedea.",
    "not_your_technician": "Tehnicianul nu este coordonat de dumneavoastră.",
    # -- the notifications service ---------------------------------------------------------
    "invalid_notification_command": INVALID,
    "notification_not_found": "Notificarea nu există sau nu o puteți vedea.",
    "notification_access_denied": "Nu puteți vedea sau modifica notificările altei persoane.",
    "alert_not_found": "Alerta nu există sau nu o puteți vedea.",
    "alert_already_acknowledged": "Alerta a fost deja confirmată.",
    "not_alerted": "Alerta o confirmă doar cei cărora le-a fost trimisă.",
    "invalid_service_levels": (
        "Termenele de confirmare a alertelor nu sunt valide; pericolul imediat are cel mai "
        "scurt termen."
    ),
    "webhook_not_found": "Webhook-ul nu există sau nu îl puteți vedea.",
    "webhook_removed": "Webhook-ul a fost eliminat.",
    "webhook_destination_refused": (
        "Adresa nu poate primi notificări: doar https, fără parolă în ea, în afara rețelei interne."
    ),
}
# what a code no sentence names yet says (a test keeps every known code named)
GENERIC = "Cererea nu a putut fi îndeplinită."


def sentence(code: str) -> str:
    """The Romanian sentence of ``code``."""
    return SENTENCES.get(code, GENERIC)


def message(code: str) -> dict[str, str]:
    """A problem's ``message``: its code's sentence, ``{"ro": …, "en": …}``."""
    text = sentence(code)
    return {language: gettext_of(language)(text) for language in LANGUAGES}
