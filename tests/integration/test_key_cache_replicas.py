"""Keys unwrapped once, erasure still at once everywhere (issue 17, part 2).

Two replicas of the cases service share one PostgreSQL store and one key
database. Both open a person's file, and from then on each keeps the
person's key in memory: reading the file again asks nothing of the key
database. The county erases the person through one replica; the other
replica's very next read shows the data erased, with the key still in its
memory until that read."""

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from eventsourcing.persistence import Tracking
from sqlalchemy import event

from events.actor import Actor
from services.cases.application import CasesApplication
from services.cases.personal import ERASED, PersonalDataErased, PersonalDataVault

TECH, SW = str(uuid.uuid4()), str(uuid.uuid4())
TECHNICIAN, SOCIAL_WORKER = Actor(TECH, "technician", "54975"), Actor(SW, "social_worker")
COUNTY = Actor("admin", "county_admin")
ELENA = {"kind": "person", "full_name": "Elena Marin", "cnp": "2900101123456"}


class Upstream:
    """A coordination CloudEvent, as the subscription hands it over."""

    def __init__(self, data: dict[str, Any], municipality: str | None = None) -> None:
        self.data, self.municipality = data, municipality

    def get_data(self) -> dict[str, Any]:
        return self.data

    def get_extension(self, name: str) -> str | None:
        return {"municipality": self.municipality}.get(name)


def told_of_the_team(app: CasesApplication) -> None:
    """The coordination service's facts: a technician under contract with
    a social worker (stored once; every replica reads them from the store)."""
    upstream = [
        ("StaffRegistered", {"staff_id": TECH, "role": "technician", "municipality": "54975"}),
        ("StaffRegistered", {"staff_id": SW, "role": "social_worker", "rnasr_code": "AS1"}),
        (
            "ContractActivated",
            {
                "contract_id": str(uuid.uuid4()),
                "technician_id": TECH,
                "coordinator_id": SW,
                "hours_per_month": 40,
                "starts_on": "2026-01-01",
                "ends_on": None,
            },
        ),
    ]
    for position, (name, data) in enumerate(upstream, start=1):
        app.follow_coordination(
            name,
            Upstream({"municipality": None, "rnasr_code": None} | data, "54975"),
            Tracking("coordination.on_coordination", position),
        )


@pytest.fixture
def replicas(make_store: Callable[..., str]) -> Iterator[tuple[CasesApplication, ...]]:
    store, keys = make_store(), make_store()
    master_key = os.urandom(32)
    apps = tuple(CasesApplication(store, PersonalDataVault(keys, master_key)) for _ in range(2))
    yield apps
    for app in apps:
        app.close()


def key_lookups(app: CasesApplication, read: Callable[[], Any]) -> tuple[Any, int]:
    """What ``read()`` returns, and how many statements it sent the key database."""
    sent: list[str] = []
    engine = app.vault._engine
    listener = lambda *args: sent.append(args[2])  # noqa: E731 (statement)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        return read(), len(sent)
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def test_a_key_kept_by_one_replica_is_dropped_when_another_erases_the_person(replicas):
    first, second = replicas
    told_of_the_team(first)
    case = first.refer_case(TECHNICIAN, "54975", ELENA, ["old_age"], "neighbours", "Singură.", [])
    cid, person = uuid.UUID(case["case_id"]), uuid.UUID(case["beneficiary_id"])
    first.record_initial_evaluation(TECHNICIAN, cid, "Are familie care o îngrijește.")
    first.close_case(SOCIAL_WORKER, cid, "not_opened", "Nu are nevoie de sprijin.")
    first.archive_case(SOCIAL_WORKER, cid)

    for replica in (first, second):  # each opens the file once, and keeps the key
        seen = replica.get_case(SOCIAL_WORKER, cid)
        assert seen["beneficiary"]["full_name"] == "Elena Marin"
        again, lookups = key_lookups(replica, lambda r=replica: r.get_case(SOCIAL_WORKER, cid))
        assert again["beneficiary"]["full_name"] == "Elena Marin"
        assert lookups == 0, "a read of a key kept in memory asked the key database"

    erasure = {"legal_basis": "data_subject_request", "reference": "DPO 9"}
    assert first.erase_personal_data(COUNTY, person, **erasure)["erased"] is True

    assert len(second.vault.keys) == 1  # still in the other replica's memory...
    seen = second.get_case(SOCIAL_WORKER, cid)  # ...until its very next read
    assert seen["beneficiary"]["full_name"] == ERASED
    assert len(second.vault.keys) == 0
    with pytest.raises(PersonalDataErased):  # and nothing new is sealed for her
        second.seal(str(person), {"full_name": "Elena Marin"})
    assert first.get_case(SOCIAL_WORKER, cid)["beneficiary"]["full_name"] == ERASED
