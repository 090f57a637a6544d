"""What the cases service publishes: each stored event mapped to its
contract in ``contracts/events/cases/``. Ids, codes, categories and times
only (DESIGN §5 Minimise): sealed personal data, free text and even the
tokens stay in the store. Reads of personal data and the mirror of the
coordination service's facts are internal."""

from __future__ import annotations

from typing import Any

from events.cloudevent import Publication
from events.following import ContractRecord, StaffRecord
from events.mapping import publication_mapper
from services.cases.audit import BeneficiaryErasure, PersonalDataRead
from services.cases.benefits import BenefitCheck
from services.cases.case_file import CaseFile
from services.cases.case_record import CaseRecord
from services.cases.consent import CaseConsent
from services.cases.disagreements import CaseDisagreement
from services.cases.documents import CaseDocument
from services.cases.domain import Case
from services.cases.follow_up import FollowUp
from services.cases.plan_together import PlanResponses
from services.cases.risks import (
    UrgentRisk,
    emergency_call_missing,
    life_or_integrity_as_stored,
)

# A case record's start (consent, follow-up, case file) only names its case.
INTERNAL = (
    PersonalDataRead.Event,
    StaffRecord.Event,
    ContractRecord.Event,
    CaseRecord.Started,
)

# The steps of the case path, by stored event, as published.
STEPS = {
    Case.InitialEvaluationRecorded: "CaseInitialEvaluationRecorded",
    Case.Opened: "CaseOpened",
    Case.InterventionStarted: "CaseInterventionStarted",
    Case.MonitoringStarted: "CaseMonitoringStarted",
    Case.FollowUpBegun: "CaseFollowUpBegun",
    Case.Archived: "CaseArchived",
}
DOCUMENT_STEPS = {
    CaseDocument.Revised: "DocumentRevised",
    CaseDocument.Returned: "DocumentReturned",
}


def _case(event: Any) -> Publication | None:
    if not isinstance(event, Case.Event):
        return None
    case = {"case_id": str(event.originator_id)}
    if isinstance(event, Case.StageChanged) and type(event) in STEPS:
        return Publication(STEPS[type(event)], case | {"stage": event.stage})
    match event:
        case Case.Referred():
            return Publication(
                "CaseReferred",
                case
                | {
                    "beneficiary_id": event.beneficiary_id,
                    "beneficiary_kind": event.beneficiary_kind,
                    "categories": event.categories,
                    "referral_source": event.referral_source,
                    "origin": event.origin,
                    "technicians": event.technicians,
                    "social_worker_id": event.social_worker_id,
                },
                municipality=event.municipality,
            )
        case Case.Diagnosed():
            return Publication(
                "SocialDiagnosisRecorded",
                case | {"stage": event.stage, "needs": event.needs, "risk_level": event.risk_level},
            )
        case Case.PlanVersioned():
            return Publication(
                "InterventionPlanVersioned",
                case
                | {
                    "version": event.version,
                    "objectives": event.objectives,
                    "next_deadline": event.next_deadline,
                    "responsible": event.responsible,
                    # the dated calendar (3.2 C); 0 and null for versions stored before it
                    "activities": getattr(event, "activities", 0),
                    "next_activity_on": getattr(event, "next_activity_on", None),
                },
            )
        case Case.DecisionRecorded():
            return Publication("CaseDecisionRecorded", case | {"decision": event.decision})
        case Case.TechnicianAssigned():
            return Publication(
                "CaseTechnicianAssigned", case | {"technician_id": event.technician_id}
            )
        case Case.TechnicianReleased():
            return Publication(
                "CaseTechnicianReleased", case | {"technician_id": event.technician_id}
            )
        case Case.Closed():
            return Publication(
                "CaseClosed",
                case
                | {
                    "stage": event.stage,
                    "outcome": event.outcome,
                    "final_report_id": event.final_report_id,
                    "follow_up_from": event.follow_up_from,
                    "follow_up_until": event.follow_up_until,
                },
            )
    return None


def _document(event: Any) -> Publication | None:
    if not isinstance(event, CaseDocument.Event):
        return None
    document = {"document_id": str(event.originator_id)}
    if isinstance(event, (CaseDocument.Revised, CaseDocument.Returned)):
        return Publication(DOCUMENT_STEPS[type(event)], document | {"version": event.version})
    match event:
        case CaseDocument.Drafted():
            return Publication(
                "DocumentDrafted",
                document
                | {
                    "case_id": event.case_id,
                    "kind": event.kind,
                    "author_id": event.author_id,
                    "occurred_at": event.occurred_at,
                    "period": event.period,
                    "due_at": event.due_at,
                },
                municipality=event.municipality,
            )
        case CaseDocument.Submitted():
            return Publication(
                "DocumentSubmitted", document | {"version": event.version, "late": event.late}
            )
        case CaseDocument.Validated():
            return Publication(
                "DocumentValidated",
                document
                | {"version": event.version, "with_completions": event.completions is not None},
            )
    return None


def _risk(event: Any) -> Publication | None:
    if not isinstance(event, UrgentRisk.Event):
        return None
    risk = {"risk_id": str(event.originator_id)}
    match event:
        case UrgentRisk.Reported():
            at_risk = life_or_integrity_as_stored(event.category, event.life_or_integrity_at_risk)
            return Publication(
                "UrgentRiskReported",
                risk
                | {
                    "case_id": event.case_id,
                    "category": event.category,
                    "called_112": event.called_112,
                    "life_or_integrity_at_risk": at_risk,
                    "emergency_call_missing": emergency_call_missing(at_risk, event.called_112),
                    "observed_at": event.observed_at,
                    "deadline_hours": event.deadline_hours,
                    "late": event.late,
                    "reporter_id": event.reporter_id,
                    "coordinator_id": event.coordinator_id,
                },
                municipality=event.municipality,
            )
        case UrgentRisk.Acknowledged():
            return Publication("UrgentRiskAcknowledged", risk)
        case UrgentRisk.Assessed():
            return Publication(
                "UrgentRiskAssessed", risk | {"level": event.level, "measures": event.measures}
            )
        case UrgentRisk.InstitutionNotified():
            return Publication(
                "InstitutionNotified",
                risk
                | {
                    "institution": event.institution,
                    "social_worker_id": event.social_worker_id,
                    "rnasr_code": event.rnasr_code,
                },
            )
    return None


def _other(event: Any) -> Publication | None:
    match event:
        case BenefitCheck.Recorded():
            return Publication(
                "BenefitCheckRecorded",
                {
                    "check_id": str(event.originator_id),
                    "technician_id": event.technician_id,
                    "coordinator_id": event.coordinator_id,
                    "case_id": event.case_id,
                    "benefit": event.benefit,
                    "situation": "B" if event.discrepancies else "A",
                    "discrepancies": event.discrepancies,
                    "outcome": None if event.discrepancies else event.outcome,
                    "amount": None if event.discrepancies else event.amount,
                },
                municipality=event.municipality,
            )
        case BenefitCheck.CoSigned():
            return Publication(
                "BenefitCheckCoSigned",
                {
                    "check_id": str(event.originator_id),
                    "social_worker_id": event.social_worker_id,
                    "rnasr_code": event.rnasr_code,
                    "decision": event.decision,
                    "amount": event.amount,
                    "measures": event.measures,
                },
            )
        case CaseConsent.Recorded():
            return Publication(
                "CaseConsentRecorded",
                {"case_id": event.case_id, "status": event.status, "on": event.on},
            )
        case CaseDisagreement.Recorded():
            return Publication(
                "DisagreementRecorded",
                {
                    "disagreement_id": str(event.originator_id),
                    "case_id": event.case_id,
                    "party": event.party,
                },
                municipality=event.municipality,
            )
        case CaseDisagreement.Escalated():
            return Publication(
                "DisagreementEscalated",
                {
                    "disagreement_id": str(event.originator_id),
                    "case_id": event.case_id,
                    "level": event.level,
                },
            )
        case CaseDisagreement.Settled():
            return Publication(
                "DisagreementSettled",
                {"disagreement_id": str(event.originator_id), "case_id": event.case_id},
            )
        case CaseFile.Received():
            return Publication(
                "CaseFileDocumentReceived",
                {
                    "case_id": event.case_id,
                    "item": event.item,
                    "supporting": event.supporting,
                    "received_on": event.received_on,
                },
            )
        case FollowUp.Planned():
            return Publication(
                "FollowUpPlanned", {"case_id": event.case_id, "actions": event.actions}
            )
        case FollowUp.Recorded():
            return Publication(
                "FollowUpActionRecorded",
                {"case_id": event.case_id, "action": event.action, "done_on": event.done_on},
            )
        case PlanResponses.Acknowledged():
            return Publication(
                "InterventionPlanAcknowledged",
                {"case_id": event.case_id, "version": event.version, "on": event.on},
            )
        case PlanResponses.AdjustmentProposed():
            return Publication(
                "PlanAdjustmentProposed",
                {"case_id": event.case_id, "version": event.version, "on": event.on},
            )
        case BeneficiaryErasure.Erased():
            return Publication(
                "PersonalDataErased",
                {"beneficiary_id": event.beneficiary_id, "legal_basis": event.legal_basis},
            )
    return None


publication_of = publication_mapper(INTERNAL, _case, _document, _risk, _other)
