"""The demo county's people and what happened to them (``deploy/demo.py``
seeds it). Data only.

The county is Cluj, coordinated by its DGASPC, with three SPAS:

- Cluj-Napoca (SIRUTA 54975): head ``sef.cluj``; technician
  ``tehnician.cluj`` (school drop-out, poverty, children), coordinated by
  ``asistent.cluj``, and ``tehnician2.cluj`` (old age, disability),
  coordinated by ``asistent.dizabilitati``;
- Florești (57706): head ``sef.floresti``; technician ``tehnician.floresti``
  (old age, disability), coordinated by ``asistent.dizabilitati`` too, across
  municipalities;
- Gilău (57887): head ``sef.gilau``; technician ``tehnician.gilau``,
  deliberately WITHOUT a coordination contract, so that the county sees an R1
  problem and the technician sees what R1 refuses.

The county admin is ``judet``, the auditor ``auditor``. Every technician
under contract has a signed contract in force today, a coordination plan with
a visits-per-month objective and a few cases at different stages of the path.
For the walkthrough, ``tehnician.cluj`` works on the case of the Popescu
family (in intervention), where they may report an urgent risk, and has
submitted a visit report that waits in ``asistent.cluj``'s validation queue;
the coordinator has written a journal entry and delegated a monitoring visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from events.clock import LOCAL_TIME, local_today
from events.vocabulary.coordination import CONTRACT_OBLIGATIONS

COUNTY = "Cluj"
MUNICIPALITIES = {"54975": "Cluj-Napoca", "57706": "Florești", "57887": "Gilău"}
# Every obligation the guide requires of each party (draft_contract's contract).
OBLIGATIONS = {party: list(codes) for party, codes in CONTRACT_OBLIGATIONS.items()}


# -- who ------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    username: str
    full_name: str
    email: str
    role: str
    municipality: str | None = None
    rnasr_code: str | None = None
    experience_domains: tuple[str, ...] = ()
    beneficiary_categories: tuple[str, ...] = ()

    @property
    def password(self) -> str:
        return f"demo-{self.username}"

    def registration(self) -> dict[str, Any]:
        """The register_staff command."""
        command: dict[str, Any] = {
            "email": self.email,
            "full_name": self.full_name,
            "role": self.role,
        }
        optional = {
            "municipality": self.municipality,
            "rnasr_code": self.rnasr_code,
            "experience_domains": list(self.experience_domains),
            "beneficiary_categories": list(self.beneficiary_categories),
        }
        return command | {key: value for key, value in optional.items() if value}


PEOPLE = (
    Person("judet", "Ioana Mureșan", "ioana.muresan@dgaspc-cj.ro", "county_admin"),
    Person("auditor", "Radu Costea", "radu.costea@audit-cj.ro", "auditor"),
    Person(
        "asistent.cluj",
        "Ana Pop",
        "ana.pop@dgaspc-cj.ro",
        "social_worker",
        rnasr_code="AS-CJ-0101",
        experience_domains=(
            "poverty",
            "child_under_16",
            "single_parent_family",
            "social_exclusion_risk",
            "domestic_violence",
            "abuse_neglect",
            "school_dropout_risk",
        ),
    ),
    Person(
        "asistent.dizabilitati",
        "Mihai Rusu",
        "mihai.rusu@dgaspc-cj.ro",
        "social_worker",
        rnasr_code="AS-CJ-0102",
        experience_domains=("poverty", "disability_chronic_illness", "terminal_illness", "old_age"),
    ),
    Person(
        "sef.cluj", "Elena Dragomir", "elena.dragomir@primariaclujnapoca.ro", "spas_head", "54975"
    ),
    Person(
        "tehnician.cluj",
        "Ion Rus",
        "ion.rus@primariaclujnapoca.ro",
        "technician",
        "54975",
        beneficiary_categories=("poverty", "child_under_16", "school_dropout_risk"),
    ),
    Person(
        "tehnician2.cluj",
        "Sorina Bota",
        "sorina.bota@primariaclujnapoca.ro",
        "technician",
        "54975",
        beneficiary_categories=("disability_chronic_illness", "old_age"),
    ),
    Person(
        "sef.floresti", "Vasile Câmpean", "vasile.campean@primariafloresti.ro", "spas_head", "57706"
    ),
    Person(
        "tehnician.floresti",
        "Maria Cristea",
        "maria.cristea@primariafloresti.ro",
        "technician",
        "57706",
        beneficiary_categories=("disability_chronic_illness", "old_age"),
    ),
    Person("sef.gilau", "Dorin Suciu", "dorin.suciu@primariagilau.ro", "spas_head", "57887"),
    Person(
        "tehnician.gilau",
        "Andrei Moldovan",
        "andrei.moldovan@primariagilau.ro",
        "technician",
        "57887",
        beneficiary_categories=("poverty", "single_parent_family"),
    ),
)
BY_USERNAME = {p.username: p for p in PEOPLE}
HEAD_OF = {p.municipality: p.username for p in PEOPLE if p.role == "spas_head"}


# -- what happened ------------------------------------------------------------
# How far along the path (DESIGN §4) the demo takes a case.
STAGES = ("referred", "initial_evaluation", "opened", "assessment", "intervention")


@dataclass(frozen=True)
class DemoCase:
    """A case and how far along the path it has come."""

    beneficiary: dict[str, Any]
    categories: tuple[str, ...]
    source: str
    note: str
    stage: str  # one of STAGES
    referred_by: str = "technician"  # or "coordinator", who then assigns the technician
    visit_report: str | None = None  # drafted and submitted by the technician

    def reaches(self, stage: str) -> bool:
        return STAGES.index(self.stage) >= STAGES.index(stage)


@dataclass(frozen=True)
class Meeting:
    """A journal entry (D.3) of today, about the story's first case."""

    minutes: int
    channel: str
    decision: str
    recommendation: str
    follow_up: str  # the technician's, due in a week


@dataclass(frozen=True)
class Story:
    """A technician under contract with their coordinator, and their work."""

    technician: str
    coordinator: str
    visits_per_month: int
    cases: tuple[DemoCase, ...]
    meeting: Meeting | None = None
    delegated_visit: str | None = None  # instructions of a monitoring visit of the first case


POPESCU = DemoCase(
    beneficiary={
        "kind": "family",
        "full_name": "Familia Popescu",
        "cnp": "1850312120011",
        "address": "Str. Florilor 3, Cluj-Napoca",
        "phone": "0740000001",
    },
    categories=("poverty", "school_dropout_risk"),
    source="school",
    note="Dirigintele semnalează absențe repetate ale copilului cel mare.",
    stage="intervention",
    visit_report=(
        "Vizită la domiciliu: locuință modestă, încălzită cu lemne. Copilul a fost acasă "
        "în timpul orelor; mama spune că nu are ghete de iarnă."
    ),
)
STORIES = (
    Story(
        "tehnician.cluj",
        "asistent.cluj",
        visits_per_month=4,
        cases=(
            POPESCU,
            DemoCase(
                beneficiary={"kind": "person", "full_name": "Maria Ionescu"},
                categories=("child_under_16", "single_parent_family"),
                source="family_doctor",
                note="Medicul de familie semnalează o mamă singură cu trei copii mici.",
                stage="initial_evaluation",
            ),
            DemoCase(
                beneficiary={"kind": "family", "full_name": "Familia Lazăr"},
                categories=("poverty", "social_exclusion_risk"),
                source="neighbours",
                note="Asociația de proprietari semnalează datorii la întreținere de un an.",
                stage="opened",
                referred_by="coordinator",
            ),
        ),
        meeting=Meeting(
            90,
            "in_person",
            decision="Vizită de monitorizare săptămânală la familia Popescu.",
            recommendation="Fișa de observație în 24 de ore de la fiecare vizită.",
            follow_up="Contactează dirigintele pentru situația absențelor.",
        ),
        delegated_visit="Verifică dacă copilul merge la școală și dacă familia are ghete.",
    ),
    Story(
        "tehnician2.cluj",
        "asistent.dizabilitati",
        visits_per_month=2,
        cases=(
            DemoCase(
                beneficiary={"kind": "person", "full_name": "Gheorghe Vaida"},
                categories=("old_age", "disability_chronic_illness"),
                source="hospital",
                note="Externat după un AVC; locuiește singur la etajul 4.",
                stage="referred",
            ),
        ),
    ),
    Story(
        "tehnician.floresti",
        "asistent.dizabilitati",
        visits_per_month=3,
        cases=(
            DemoCase(
                beneficiary={"kind": "person", "full_name": "Ana Moldovan"},
                categories=("disability_chronic_illness",),
                source="self",
                note="Solicită sprijin pentru îngrijirea la domiciliu.",
                stage="assessment",
            ),
        ),
        meeting=Meeting(
            45,
            "phone",
            decision="Evaluarea nevoilor de îngrijire la domiciliu, împreună cu medicul.",
            recommendation="Notează ce poate face singură doamna Moldovan și ce nu.",
            follow_up="Obține scrisoarea medicală de la medicul de familie.",
        ),
    ),
)
# tehnician.gilau has no story: no contract (R1).


# -- what the commands of the stories hold ---------------------------------------
def actor(username: str, ids: dict[str, str]) -> dict[str, Any]:
    person = BY_USERNAME[username]
    return {"id": ids[username], "role": person.role, "municipality": person.municipality}


def calendar_entry(
    purpose: str, frequency: str, minutes: int, weekday: str | None
) -> dict[str, Any]:
    return {
        "purpose": purpose,
        "frequency": frequency,
        "minutes": minutes,
        "channel": "in_person",
        "weekday": weekday,
    }


def objective(indicator: str, target: int) -> dict[str, Any]:
    return {"indicator": indicator, "target": target, "period": "month"}


def coordination_plan(contract_id: str, visits_per_month: int) -> dict[str, Any]:
    """Weekly status reviews, a monthly feedback session, the field visits
    a month per active case and a monthly progress report (R7)."""
    return {
        "contract_id": contract_id,
        "meetings": [
            calendar_entry("status_review", "weekly", 20, "monday"),
            calendar_entry("feedback_session", "monthly", 60, None),
        ],
        "objectives": [
            objective("field_visits_per_active_case", visits_per_month),
            objective("progress_reports_per_active_case", 1),
        ],
    }


def school_plan() -> list[dict[str, Any]]:
    """The objectives of the intervention plan (PII) of the Popescu family,
    the demo's case in intervention."""
    deadline = (local_today() + timedelta(days=90)).isoformat()
    return [
        {
            "objective": "Reintegrarea școlară a copilului",
            "indicator": "prezență la școală de cel puțin 90%",
            "responsible": "technician",
            "deadline": deadline,
        },
        {
            "objective": "Ajutor social și sprijin material",
            "indicator": "dosar depus și aprobat",
            "responsible": "social_worker",
            "deadline": deadline,
        },
    ]


def school_calendar() -> list[dict[str, Any]]:
    """The plan's dated calendar of activities (3.2 C): what is done, on
    which day, by whom, over the weeks ahead."""
    today = local_today()
    return [
        {
            "activity": "Vizită la domiciliu: rutina de dimineață a copilului",
            "date": (today + timedelta(days=3)).isoformat(),
            "responsible": "technician",
        },
        {
            "activity": "Întâlnire cu dirigintele",
            "date": (today + timedelta(days=7)).isoformat(),
            "responsible": "technician",
        },
        {
            "activity": "Depunerea dosarului de ajutor social",
            "date": (today + timedelta(days=14)).isoformat(),
            "responsible": "social_worker",
        },
    ]


def moment(**delta: float) -> str:
    """Now plus ``delta`` (negative: ago), county time, with its offset."""
    return (datetime.now(LOCAL_TIME) + timedelta(**delta)).isoformat()
