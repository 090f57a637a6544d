"""The coordination contract, the aggregate of instrument A (the
technician's index of contracts is in ``contracts/index.py``).

Pure: no nameko, no database. Each command method checks its rules
(``contracts/rules.py``) and then calls the ``@event`` method that records
the fact; that method's body is how the fact changes the aggregate, when it
happens and when the aggregate is read back from the store.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate, event

from events.actor import Actor, AuditedAggregate
from events.topics import moved
from events.vocabulary.coordination import SIGNING_PARTIES
from services.coordination.contracts.rules import (
    AlreadySigned,
    ContractAccessDenied,
    ContractStateConflict,
    InvalidContract,
    active_on,
    check_amendment,
    check_experience_covers,
    check_hours,
    check_is_head_of,
    check_legal_form,
    check_obligations,
    check_parties,
    check_period,
    check_termination_reason,
    contract_id,
    missing_experience,
)


class CoordinationContract(AuditedAggregate):
    class Drafted(Aggregate.Created, AuditedAggregate.Event):
        municipality: str
        technician_id: str
        coordinator_id: str
        legal_form: str
        obligations: dict[str, list[str]]
        hours_per_month: int
        starts_on: str
        ends_on: str | None
        replaces: str | None

    # The changes: each is declared once, by its ``@event("Name")`` method
    # below, whose parameters are the event's fields (the stored state) and
    # whose body is its effect. Named here only for the type checker, which
    # does not see the fields of a class made at run time (hence ``Any``).
    Signed: ClassVar[type[Any]]
    AmendmentProposed: ClassVar[type[Any]]
    Amended: ClassVar[type[Any]]
    ExperienceMismatchFlagged: ClassVar[type[Any]]
    ExperienceMismatchCleared: ClassVar[type[Any]]

    # The changes of force stay declared classes: they share this base,
    # which published.py matches.
    class Parties(AuditedAggregate.Event):
        """Carried by every change of force, so that another service learns
        who coordinates whom (R1) from the event alone."""

        technician_id: str
        coordinator_id: str
        municipality: str

    class Activated(Parties):
        hours_per_month: int
        starts_on: str
        ends_on: str | None

    class Suspended(Parties):
        reason: str

    class Resumed(Parties):
        pass

    class Terminated(Parties):
        reason: str
        replaced_by: str | None

    def __init__(
        self,
        municipality: str,
        technician_id: str,
        coordinator_id: str,
        legal_form: str,
        obligations: dict[str, list[str]],
        hours_per_month: int,
        starts_on: str,
        ends_on: str | None,
        replaces: str | None,
        **_meta: str,
    ) -> None:
        self.municipality, self.technician_id = municipality, technician_id
        self.coordinator_id, self.legal_form = coordinator_id, legal_form
        self.obligations = obligations
        self.hours_per_month, self.starts_on, self.ends_on = hours_per_month, starts_on, ends_on
        self.replaces = replaces
        self.signatures: dict[str, str] = {}
        self.status = "draft"
        self.pending_amendment: dict[str, Any] | None = None
        self.amendments = 0
        self.termination_reason: str | None = None
        # R5 no longer true since a registry change (principle 9): what the
        # SPAS head is told, until the experience covers again or the
        # contract ends; None for contracts stored before item 10 too
        self.experience_mismatch: dict[str, Any] | None = None

    @classmethod
    def draft(
        cls,
        actor: Actor,
        *,
        technician: dict[str, Any],
        coordinator: dict[str, Any],
        legal_form: str,
        obligations: dict[str, list[str]],
        hours_per_month: int,
        starts_on: str,
        ends_on: str | None = None,
        replaces: str | None = None,
    ) -> CoordinationContract:
        """``technician`` and ``coordinator`` are registry views (staff_view)."""
        municipality = technician.get("municipality") or ""
        check_is_head_of(actor, municipality)
        check_parties(technician, coordinator)
        check_legal_form(legal_form, technician, coordinator)
        check_period(starts_on, ends_on)
        check_hours(hours_per_month)
        terms = check_obligations(obligations)
        check_experience_covers(
            technician["beneficiary_categories"], coordinator["experience_domains"]
        )
        return cls._create(
            cls.Drafted,
            id=contract_id(),
            municipality=municipality,
            technician_id=technician["staff_id"],
            coordinator_id=coordinator["staff_id"],
            legal_form=legal_form,
            obligations=terms,
            hours_per_month=hours_per_month,
            starts_on=starts_on,
            ends_on=ends_on,
            replaces=replaces,
            **actor.event_fields(),
        )

    # -- signatures ------------------------------------------------------
    def sign(self, actor: Actor) -> None:
        """The SPAS head signs for the institution, the coordinator for
        themselves; when both have, the contract is active. Who is a party
        is asked first: to anyone else the contract's state is not told."""
        party = self._party_of(actor)
        if self.status != "draft":
            raise ContractStateConflict(
                f"contract {self.id} is {self.status}; only a draft is signed",
                status=self.status,
            )
        if party in self.signatures:
            raise AlreadySigned(f"the {party} already signed contract {self.id}", party=party)
        self._signed(party=party, signer_id=actor.id, **actor.event_fields())

    def activate(self, actor: Actor) -> None:
        self._activated(
            hours_per_month=self.hours_per_month,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            **self._parties(),
            **actor.event_fields(),
        )

    def _parties(self) -> dict[str, str]:
        return {
            "technician_id": self.technician_id,
            "coordinator_id": self.coordinator_id,
            "municipality": self.municipality,
        }

    @property
    def fully_signed(self) -> bool:
        return set(SIGNING_PARTIES) <= self.signatures.keys()

    def party_still_to_sign(self, actor: Actor) -> str | None:
        """The party ``actor`` would sign this draft for now, or None (not a
        draft, not a party, or signed already): what a page offers them."""
        party = self.party_of(actor)
        return party if self.status == "draft" and party not in self.signatures else None

    def party_of(self, actor: Actor) -> str | None:
        if actor.role == "spas_head" and actor.municipality == self.municipality:
            return "institution"
        if actor.role == "social_worker" and actor.id == self.coordinator_id:
            return "coordinator"
        return None

    def _party_of(self, actor: Actor) -> str:
        party = self.party_of(actor)
        if party is not None:
            return party
        raise ContractAccessDenied(
            "a coordination contract is signed by the head of the technician's SPAS and by "
            f"its coordinator, not by a {actor.role}",
            role=actor.role,
        )

    # -- amendment, suspension, termination --------------------------------
    def propose_amendment(self, actor: Actor, changes: dict[str, Any]) -> None:
        check_is_head_of(actor, self.municipality)
        self.check_in_force()
        changes = check_amendment(changes, self.starts_on)
        self._amendment_proposed(changes=changes, **actor.event_fields())

    def accept_amendment(self, actor: Actor) -> None:
        """An amendment binds once the coordinator has signed it too."""
        if self._party_of(actor) != "coordinator":
            raise ContractAccessDenied("the coordinator signs the amendment", role=actor.role)
        if self.pending_amendment is None:
            raise ContractStateConflict(f"contract {self.id} has no amendment to sign")
        self._amended(changes=self.pending_amendment, **actor.event_fields())

    def suspend(self, actor: Actor, reason: str) -> None:
        check_is_head_of(actor, self.municipality)
        if self.status != "active":
            raise ContractStateConflict(
                f"contract {self.id} is {self.status}; only an active one is suspended"
            )
        if not reason.strip():
            raise InvalidContract("say why the coordination is suspended", field="reason")
        self._suspended(reason=reason.strip(), **self._parties(), **actor.event_fields())

    def resume(self, actor: Actor) -> None:
        check_is_head_of(actor, self.municipality)
        if self.status != "suspended":
            raise ContractStateConflict(f"contract {self.id} is {self.status}, not suspended")
        self._resumed(**self._parties(), **actor.event_fields())

    def terminate(self, actor: Actor, reason: str) -> None:
        """The SPAS head ends the coordination."""
        check_is_head_of(actor, self.municipality)
        self.close(actor, reason)

    def close(self, actor: Actor, reason: str, replaced_by: str | None = None) -> None:
        """Ends the contract as the consequence of another fact (the
        technician licensed, R10; a replacement signed; the employment
        ended), whoever recorded that fact."""
        check_termination_reason(reason)
        if self.status == "terminated":
            raise ContractStateConflict(f"contract {self.id} has already ended")
        self._terminated(
            reason=reason, replaced_by=replaced_by, **self._parties(), **actor.event_fields()
        )

    # -- R5 kept true (principle 9) --------------------------------------------
    def recheck_experience(
        self, actor: Actor, technician: dict[str, Any], coordinator: dict[str, Any], because: str
    ) -> bool:
        """After a registry change of either party (``because``: the staff
        event's name), a contract in force that no longer matches is flagged
        to the SPAS head with what is missing and a proposal to replace the
        coordinator; one that matches again is cleared. True if recorded."""
        if self.status not in ("active", "suspended"):
            return False
        missing = missing_experience(
            technician["beneficiary_categories"], coordinator["experience_domains"]
        )
        flagged = (self.experience_mismatch or {}).get("missing")
        if missing and missing != flagged:
            self._mismatch_flagged(
                missing=missing, proposal="replace_coordinator", because=because,
                **self._parties(), **actor.event_fields(),
            )  # fmt: skip
        elif not missing and flagged:
            self._mismatch_cleared(because=because, **self._parties(), **actor.event_fields())
        else:
            return False
        return True

    def check_in_force(self) -> None:
        if self.status not in ("active", "suspended"):
            raise ContractStateConflict(
                f"contract {self.id} is {self.status}; it is not in force", status=self.status
            )

    def is_active_on(self, day: date) -> bool:
        return active_on(self.status, self.starts_on, self.ends_on, day)

    # -- events: each one's effect ----------------------------------------------
    @event("Signed")
    def _signed(
        self, party: str, signer_id: str, actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        # party: "institution" (the SPAS head) or "coordinator"
        self.signatures[party] = signer_id

    @event(Activated)
    def _activated(
        self,
        hours_per_month: int,
        starts_on: str,
        ends_on: str | None,
        technician_id: str,
        coordinator_id: str,
        municipality: str,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.status = "active"

    @event("AmendmentProposed")
    def _amendment_proposed(
        self, changes: dict[str, Any], actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.pending_amendment = dict(changes)

    @event("Amended")
    def _amended(
        self, changes: dict[str, Any], actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        for field, value in changes.items():
            setattr(self, field, value)
        self.pending_amendment = None
        self.amendments += 1

    @event("ExperienceMismatchFlagged")
    def _mismatch_flagged(
        self, missing: list[str], proposal: str, because: str, technician_id: str,
        coordinator_id: str, municipality: str, actor_id: str, actor_role: str,
        correlation_id: str,
    ) -> None:  # fmt: skip
        # proposal: "replace_coordinator" (R10's replacement, with the history)
        self.experience_mismatch = {"missing": list(missing), "proposal": proposal}

    @event("ExperienceMismatchCleared")
    def _mismatch_cleared(
        self, because: str, technician_id: str, coordinator_id: str, municipality: str,
        actor_id: str, actor_role: str, correlation_id: str,
    ) -> None:  # fmt: skip
        self.experience_mismatch = None

    @event(Suspended)
    def _suspended(
        self,
        reason: str,
        technician_id: str,
        coordinator_id: str,
        municipality: str,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.status = "suspended"

    @event(Resumed)
    def _resumed(
        self,
        technician_id: str,
        coordinator_id: str,
        municipality: str,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.status = "active"

    @event(Terminated)
    def _terminated(
        self,
        reason: str,
        replaced_by: str | None,
        technician_id: str,
        coordinator_id: str,
        municipality: str,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.status = "terminated"
        self.termination_reason = reason


# Stored before the capability folders (ADR 0016): old topics stay readable.
moved("services.coordination.contracting:CoordinationContract", CoordinationContract)
