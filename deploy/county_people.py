"""Who is in the generated county (``deploy/county_data.py``) and what their
work looks like. Data only, made from a seed, so that two runs with the same
sizes build the same county (same e-mails, hence the same staff ids).

The shape follows the demo county (``deploy/demo_county.py``) at scale: each
municipality has a SPAS head and its technicians; the county's social workers
coordinate the technicians (each declares every category as experience, so
R5 always holds); the cases are spread over the technicians, each at a stage
of the path (DESIGN §4), with the documents the stage implies.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from deploy.demo_county import Person
from events.vocabulary import CATEGORIES
from events.vocabulary.cases import REFERRAL_SOURCES

COUNTY = "Cluj"
# How far the generated cases got, and how often: most cases are in
# intervention or monitoring, as in a county some years into the platform.
STAGE_WEIGHTS = {
    "referred": 5,
    "initial_evaluation": 5,
    "opened": 10,
    "assessment": 10,
    "intervention": 45,
    "monitoring": 25,
}
STAGES = tuple(STAGE_WEIGHTS)
FIRST_NAMES = ("Ana", "Ion", "Maria", "Vasile", "Elena", "Mihai", "Ioana", "Gheorghe", "Rodica")
LAST_NAMES = ("Pop", "Rus", "Moldovan", "Lazăr", "Bota", "Suciu", "Vaida", "Cristea", "Câmpean")


@dataclass(frozen=True)
class Sizes:
    municipalities: int = 100
    staff: int = 500  # heads, technicians, social workers, the admin and the auditor
    cases: int = 50_000
    # field reports beyond the path's own steps: 4 make the default county about 1 M events
    documents_per_case: int = 4

    @property
    def technicians(self) -> int:
        """About three in five of the staff work in the field."""
        return max(self.municipalities, (self.staff - 2 - self.municipalities) * 3 // 4)

    @property
    def social_workers(self) -> int:
        return max(1, self.staff - 2 - self.municipalities - self.technicians)


@dataclass(frozen=True)
class Pair:
    """A technician under contract with their coordinator."""

    technician: Person
    coordinator: Person
    visits_per_month: int


@dataclass(frozen=True)
class CaseOutline:
    """One case to tell: whose, how far along, with how many field reports."""

    technician: str  # e-mail
    stage: str
    beneficiary: dict[str, Any]
    categories: list[str]
    source: str
    reports: int


@dataclass
class County:
    municipalities: dict[str, str]  # SIRUTA code -> name
    admin: Person
    auditor: Person
    heads: dict[str, Person]  # SIRUTA code -> head
    pairs: list[Pair] = field(default_factory=list)

    @property
    def people(self) -> list[Person]:
        coordinators = {p.coordinator.email: p.coordinator for p in self.pairs}
        return [
            self.admin,
            self.auditor,
            *self.heads.values(),
            *coordinators.values(),
            *(p.technician for p in self.pairs),
        ]


def siruta(index: int) -> str:
    """A made-up SIRUTA code, six digits, never one of the demo's."""
    return str(200_000 + index * 7)


def build_county(sizes: Sizes, seed: int = 17) -> County:
    rng = random.Random(seed)
    municipalities = {siruta(i): f"Comuna {i + 1}" for i in range(sizes.municipalities)}
    codes = list(municipalities)
    heads = {
        code: Person(f"sef.{code}", f"Șef SPAS {name}", f"sef@{code}.spas.ro", "spas_head", code)
        for code, name in municipalities.items()
    }
    coordinators = [
        Person(
            f"asistent.{i}",
            _name(rng),
            f"asistent{i}@dgaspc-cj.ro",
            "social_worker",
            rnasr_code=f"AS-CJ-{i:05d}",
            experience_domains=CATEGORIES,
        )
        for i in range(sizes.social_workers)
    ]
    pairs = []
    for i in range(sizes.technicians):
        code = codes[i % len(codes)]
        technician = Person(
            f"tehnician.{i}",
            _name(rng),
            f"tehnician{i}@{code}.spas.ro",
            "technician",
            code,
            beneficiary_categories=tuple(sorted(rng.sample(CATEGORIES, 3))),
        )
        pairs.append(Pair(technician, coordinators[i % len(coordinators)], rng.choice((2, 3, 4))))
    return County(
        municipalities,
        Person("judet", "Admin Județ", "admin@dgaspc-cj.ro", "county_admin"),
        Person("auditor", "Auditor Județ", "auditor@audit-cj.ro", "auditor"),
        heads,
        pairs,
    )


def case_outlines(county: County, sizes: Sizes, seed: int = 17) -> list[CaseOutline]:
    """The cases, dealt round the technicians; each one's categories are
    among its technician's (the cases they were hired for)."""
    rng = random.Random(seed + 1)
    stages, weights = list(STAGE_WEIGHTS), list(STAGE_WEIGHTS.values())
    outlines = []
    for i in range(sizes.cases):
        technician = county.pairs[i % len(county.pairs)].technician
        stage = rng.choices(stages, weights)[0]
        outlines.append(
            CaseOutline(
                technician.email,
                stage,
                _beneficiary(rng, i),
                sorted(rng.sample(technician.beneficiary_categories, rng.choice((1, 2)))),
                rng.choice(REFERRAL_SOURCES),
                sizes.documents_per_case if reaches(stage, "intervention") else 0,
            )
        )
    return outlines


def reaches(stage: str, wanted: str) -> bool:
    return STAGES.index(stage) >= STAGES.index(wanted)


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _beneficiary(rng: random.Random, index: int) -> dict[str, Any]:
    kind = rng.choice(("person", "family"))
    name = _name(rng)
    return {
        "kind": kind,
        "full_name": f"Familia {name.split()[1]}" if kind == "family" else name,
        "cnp": f"{rng.choice((1, 2))}{rng.randrange(10**11, 10**12)}",
        "address": f"Str. Principală {index % 500 + 1}",
        "phone": f"07{rng.randrange(10**7, 10**8)}",
    }
