"""Events stored before the registry and the contracts moved to their
capability folders (ADR 0016), and before the technician's index of
contracts left contracts/domain.py (issue 20 item 10), still load: the
aggregates, the read models and the published contracts read them as before."""

from uuid import UUID

import pytest

from events.actor import Actor
from services.coordination.application import CoordinationApplication
from services.coordination.contracts.rules import OBLIGATIONS
from services.coordination.published import publication_of
from tests.support.registry import ADMIN_ACTOR as ADMIN
from tests.support.registry import CLUJ, TECHNICIAN
from tests.support.stored_topics import stored_as_before

# where each aggregate's module is now, where it was (applied in this order)
INDEX_IN_DOMAIN = {
    "services.coordination.contracts.index:": "services.coordination.contracts.domain:",
}
FORMER = INDEX_IN_DOMAIN | {
    "services.coordination.registry.domain:": "services.coordination.domain:",
    "services.coordination.contracts.domain:": "services.coordination.contracting:",
}


@pytest.mark.parametrize(("moves", "module"), [
    (INDEX_IN_DOMAIN, "services.coordination.contracts.domain"),
    (FORMER, "services.coordination.contracting"),
])  # fmt: skip
def test_events_stored_under_the_former_modules_still_load(tmp_path, moves, module):
    url = f"sqlite:///{tmp_path / 'coordination.db'}"
    app = CoordinationApplication(url)
    app.register_municipality(ADMIN, **CLUJ.command())
    technician = app.register_staff(ADMIN, **TECHNICIAN.command())
    coordinator = app.register_staff(
        ADMIN,
        email="ana@spas.ro",
        full_name="Ana",
        role="social_worker",
        rnasr_code="AS1",
        experience_domains=TECHNICIAN.beneficiary_categories,
    )
    head = Actor("head", "spas_head", CLUJ.siruta)
    contract = app.draft_contract(
        head,
        UUID(technician["staff_id"]),
        UUID(coordinator["staff_id"]),
        "cooperation_agreement",
        {party: list(codes) for party, codes in OBLIGATIONS.items()},
        40,
        "2026-01-01",
    )
    contract_id = UUID(contract["contract_id"])
    app.sign_contract(head, contract_id)
    app.sign_contract(Actor(coordinator["staff_id"], "social_worker"), contract_id)
    app.suspend_contract(head, contract_id, "concediu")
    app.resume_contract(head, contract_id)
    before = app.get_contract(ADMIN, contract_id)
    app.close()
    stored_as_before(tmp_path / "coordination.db", moves)

    reopened = CoordinationApplication(url)
    assert reopened.get_contract(ADMIN, contract_id) == before
    in_force = reopened.coordination_of(UUID(technician["staff_id"]))
    assert in_force is not None and in_force["contract_id"] == str(contract_id)
    assert reopened.get_staff(UUID(technician["staff_id"])) == technician
    assert [m["siruta"] for m in reopened.list_municipalities()] == [CLUJ.siruta]
    assert reopened.list_staff(role="technician")[0]["staff_id"] == technician["staff_id"]
    stored = reopened.recorder.select_notifications(start=1, limit=100)
    assert f"{module}:TechnicianCoordination.InForce" in {n.topic for n in stored}
    published = [publication_of(reopened.mapper.to_domain_event(n)) for n in stored]
    assert "ContractSuspended" in [p.name for p in published if p is not None]
