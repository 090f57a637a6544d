"""Who works with whom, as a service that follows the coordination service's
events knows it (``events/following.py``): the actor's registry entry, their
own coordination (a technician's), the technicians they coordinate (a social
worker's) and the terms of the coordination plan (R7 deadlines, how often the
technician is evaluated). Plain values, so the rules that use them stay pure.
The cases and evaluations services share it: both check R1 against the same
published facts, so they must read them the same way."""

from __future__ import annotations

from dataclasses import dataclass, field

from events.actor import Actor

# R8 (2.4: "o perioadă de monitorizare post-închidere (ex. 3–6 luni)"): how
# long follow-up lasts, in months from closure.
FOLLOW_UP_MONTHS = (3, 6)


@dataclass(frozen=True)
class Terms:
    """R7 deadlines and objectives of a coordination plan, and how often the
    technician is evaluated; the guide's defaults until a plan sets its own
    (a plan may only tighten the R7 ones)."""

    observation_sheet_hours: int = 24
    suspected_abuse_hours: int = 2
    # R8: the shortest and longest follow-up period, from closure; a case
    # closes with the longest unless the coordinator says otherwise
    follow_up_from_months: int = FOLLOW_UP_MONTHS[0]
    follow_up_until_months: int = FOLLOW_UP_MONTHS[1]
    visits_per_month: int = 4
    evaluation_every_months: int = 3  # periodic evaluation, quarterly (3.3)


DEFAULT_TERMS = Terms()


@dataclass(frozen=True)
class Coordination:
    """A technician's active coordination contract (R1)."""

    technician_id: str
    coordinator_id: str
    contract_id: str
    municipality: str
    terms: Terms = DEFAULT_TERMS
    starts_on: str | None = None  # the contract's first day


@dataclass(frozen=True)
class Team:
    actor: Actor
    role: str  # the role the registry knows, which wins over the caller's claim
    municipality: str | None
    rnasr_code: str | None = None
    # a technician's own coordination today, None without one (R1)
    coordination: Coordination | None = None
    # a social worker's: the technicians they coordinate today, by id
    coordinated: dict[str, Coordination] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.actor.id

    def coordinates(self, technician_ids: list[str] | tuple[str, ...]) -> bool:
        return any(t in self.coordinated for t in technician_ids)

    def terms_for(self, technician_ids: list[str] | tuple[str, ...]) -> Terms:
        """The plan terms that bind a case's work: those of the first
        assigned technician's coordination (the guide's defaults without)."""
        if self.coordination is not None:
            return self.coordination.terms
        for technician_id in technician_ids:
            if technician_id in self.coordinated:
                return self.coordinated[technician_id].terms
        return DEFAULT_TERMS
