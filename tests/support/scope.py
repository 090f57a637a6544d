"""What the scope matrix needs to know of the demo county (deploy/demo.py):
its records grouped by the technician whose work they are (the unit of
scope: a case, its documents, risks, benefit checks, tasks, the contract),
each group in its municipality, learnt as the auditor reads them through
the gateway; and who of the matrix sees which group.

- ``A1``: Cluj-Napoca, ``tehnician.cluj``, coordinated by ``asistent.cluj``;
- ``A2``: Cluj-Napoca, ``tehnician2.cluj``, by ``asistent.dizabilitati``;
- ``B``: Florești, ``tehnician.floresti``, by ``asistent.dizabilitati``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.support.calendar import local_month
from tests.support.gateway import County

CLUJ, FLORESTI = "54975", "57706"
GROUPS = {  # group: (technician, coordinator, municipality)
    "A1": ("tehnician.cluj", "asistent.cluj", CLUJ),
    "A2": ("tehnician2.cluj", "asistent.dizabilitati", CLUJ),
    "B": ("tehnician.floresti", "asistent.dizabilitati", FLORESTI),
}
# Casework: what only those who work on the case (and the auditor) read —
# never the county admin, never another municipality.
CASEWORK = {"case_id", "document_id", "risk_id", "check_id", "beneficiary_id", "task_id"}


@dataclass(frozen=True)
class Viewer:
    """A person of the matrix: the groups whose records they may see, and
    which path parameters are theirs to be refused (the registry's staff and
    municipalities are readable by the county's social workers, say)."""

    username: str
    role: str
    municipality: str | None
    sees: frozenset[str]
    scoped: frozenset[str]  # path parameters scoped for this role
    home: str = "A1"  # the group whose ids stand for "in scope" in a path
    # ids the person's commands name although they may not read the record:
    # the county erases a beneficiary's data as the controller (DESIGN §5)
    acts_on: frozenset[str] = frozenset()

    def scoped_for(self, group: Group) -> frozenset[str]:
        """A group of one's own municipality: its staff and the municipality
        itself are one's own to read, its casework still is not."""
        if self.municipality is not None and group.municipality == self.municipality:
            return self.scoped - {"siruta", "staff_id"}
        return self.scoped


EVERY_PARAM = frozenset(
    {
        "siruta",
        "staff_id",
        "technician_id",
        "coordinator_id",
        "contract_id",
        "entry_id",
        "incident_id",
        "evaluation_id",
        "report_id",
        "session_id",
        "feedback_id",
        "alert_id",
        "notification_id",
    }
    | CASEWORK
)
NOT_REGISTRY = EVERY_PARAM - {"siruta", "staff_id"}
VIEWERS = (
    Viewer("tehnician.cluj", "technician", CLUJ, frozenset({"A1"}), EVERY_PARAM),
    Viewer("tehnician.floresti", "technician", FLORESTI, frozenset({"B"}), EVERY_PARAM, "B"),
    Viewer("asistent.cluj", "social_worker", None, frozenset({"A1"}), NOT_REGISTRY),
    Viewer(
        "asistent.dizabilitati", "social_worker", None, frozenset({"A2", "B"}), NOT_REGISTRY, "B"
    ),
    Viewer("sef.cluj", "spas_head", CLUJ, frozenset({"A1", "A2"}), EVERY_PARAM),
    Viewer("sef.floresti", "spas_head", FLORESTI, frozenset({"B"}), EVERY_PARAM, "B"),
    # the county: the registry and contracts are its to manage, casework never
    Viewer(
        "judet",
        "county_admin",
        None,
        frozenset(),
        frozenset(CASEWORK),
        acts_on=frozenset({"beneficiary_id"}),
    ),
    Viewer("auditor", "auditor", None, frozenset(GROUPS), frozenset()),
)


@dataclass
class Group:
    name: str
    municipality: str
    ids: dict[str, set[str]] = field(default_factory=dict)  # path parameter: ids
    names: set[str] = field(default_factory=set)  # beneficiaries' names: personal data

    def add(self, param: str, value: Any) -> None:
        if value:
            self.ids.setdefault(param, set()).add(str(value))

    def one(self, param: str) -> str | None:
        found = sorted(self.ids.get(param, ()))
        return found[0] if found else None


# The county's month, which the report counts, taken once: a module that sets
# up its journal before midnight in Cluj on a month's last day and reads it
# after would otherwise write one month and read the next (seen at 22:00 UTC
# on 30 November), and the read of a month with no journal is not logged.
MONTH = local_month()


def month() -> str:
    return MONTH


def items(answer: Any) -> list[dict[str, Any]]:
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def learn(county: County) -> dict[str, Group]:
    """Every group's records, as the auditor (who reads everything) finds them."""
    auditor, url = county.as_("auditor"), county.url
    people = {u["username"]: u["sub"] for u in county.seeded["users"]}
    groups = {name: Group(name, where) for name, (_, _, where) in GROUPS.items()}
    of_technician = {people[tech]: groups[name] for name, (tech, _, _) in GROUPS.items()}
    for name, (tech, coordinator, where) in GROUPS.items():
        group = groups[name]
        group.add("siruta", where)
        group.add("technician_id", people[tech])
        group.add("staff_id", people[tech])
        group.add("coordinator_id", people[coordinator])
        for contract in items(auditor.get(f"{url}/technicians/{people[tech]}/contracts")):
            group.add("contract_id", contract["contract_id"])
            for entry in items(
                auditor.get(
                    f"{url}/contracts/{contract['contract_id']}/journal", params={"month": month()}
                )
            ):
                group.add("entry_id", entry.get("entry_id"))
        for task in items(auditor.get(f"{url}/technicians/{people[tech]}/tasks")):
            group.add("task_id", task["task_id"])
        for incident in items(auditor.get(f"{url}/technicians/{people[tech]}/incidents")):
            group.add("incident_id", incident.get("incident_id"))
    case_group: dict[str, Group] = {}
    for case in items(auditor.get(f"{url}/cases", params={"limit": 200})):
        group = of_technician[case["technicians"][0]]
        case_group[case["case_id"]] = group
        group.add("case_id", case["case_id"])
        full = auditor.get(f"{url}/cases/{case['case_id']}").json()
        group.add("beneficiary_id", full.get("beneficiary_id"))
        name = (full.get("beneficiary") or {}).get("full_name")
        if name:
            group.names.add(name)
        for document in items(auditor.get(f"{url}/cases/{case['case_id']}/documents")):
            group.add("document_id", document["document_id"])
    for risk in items(auditor.get(f"{url}/urgent-risks", params={"limit": 200})):
        case_group[risk["case_id"]].add("risk_id", risk["risk_id"])
    for alert in items(auditor.get(f"{url}/alerts", params={"limit": 200})):
        if alert.get("case_id") in case_group:
            case_group[alert["case_id"]].add("alert_id", alert["alert_id"])
    return groups


def benefit_check(applicant: str, case_id: str) -> dict[str, Any]:
    return {
        "benefit": "heating_aid",
        "applicant": {"full_name": applicant, "household_size": 3, "monthly_income": 900},
        "documents_checked": ["identity_document"],
        "discrepancies": [],
        "outcome": "eligible",
        "amount": 250,
        "case_id": case_id,
    }


def missing_value(param: str) -> str:
    """An id nobody has: a SIRUTA code no municipality has, else a fresh uuid."""
    return "99998" if param == "siruta" else str(uuid.uuid4())


# -- a command body that the gateway lets through to the service ----------------------
SAMPLES = ("2026-11", "54975", "1900101123456", "RNASR-123", "abc", "Text de probă.")


def minimal(schema: dict[str, Any], document: dict[str, Any]) -> Any:
    """The smallest value ``schema`` accepts that this knows how to make:
    required members only, the first of an enum, the minimum of a number.
    Good enough for the gateway to forward the command, so that the
    service's own scope check is what answers an out-of-scope id."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return minimal(document["components"]["schemas"][name], document)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "oneOf" in schema:
        options = [o for o in schema["oneOf"] if o.get("type") != "null"] or schema["oneOf"]
        return minimal(options[0], document)
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if kind == "object":
        properties = schema.get("properties", {})
        return {
            name: minimal(properties.get(name, {}), document) for name in schema.get("required", [])
        }
    if kind == "array":
        count, item = schema.get("minItems", 0), schema.get("items", {})
        if "enum" in item:  # distinct, should the items be unique
            return item["enum"][:count]
        return [minimal(item, document) for _ in range(count)]
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1)
        return int(low) if kind == "integer" else float(low)
    if kind == "boolean":
        return False
    return sample_string(schema)


def sample_string(schema: dict[str, Any]) -> str:
    now = datetime.now(UTC)
    if schema.get("format") == "date-time":
        return now.strftime("%Y-%m-%dT%H:%M:%SZ")
    if schema.get("format") == "date":
        return now.strftime("%Y-%m-%d")
    if schema.get("format") == "uuid":
        return str(uuid.uuid4())
    pattern = schema.get("pattern")
    if pattern:
        import re

        return next((s for s in (month(), *SAMPLES) if re.fullmatch(pattern, s)), "x")
    return "x" * max(schema.get("minLength", 1), 1)
