"""PostgreSQL transactions per call (issue 17): a command that stores events
costs at most two, a query one. Counted by PostgreSQL itself
(``pg_stat_database``), on the cases store of a county the services built:
the services are stopped first, so the count is the call's alone, and the
call runs as every RPC entrypoint runs it (``events.nameko.rpc``: one unit
of work, its caller checked in it, domain errors committed as answers)."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

import eventlet
import psycopg2
import pytest
from sqlalchemy.engine import make_url

from events.actor import Actor
from events.errors import CoordonareError
from events.unit import UnitCursor
from services.cases.application import CasesApplication
from tests.conftest import PG_ADMIN_URL
from tests.integration.test_case_service import observation_sheet
from tests.support.casework import open_case


class Transactions:
    """PostgreSQL's count of one database's transactions. A backend reports
    its figures when it exits, so the application's connections are closed
    and their backends waited for before every reading."""

    def __init__(self, app: CasesApplication, database: str) -> None:
        self.app, self.database = app, database
        self.admin = psycopg2.connect(PG_ADMIN_URL)
        self.admin.autocommit = True

    def settled(self) -> int:
        self.app.chained_recorder.engine.dispose()
        with self.admin.cursor() as cursor:
            while True:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (self.database,)
                )
                if cursor.fetchone()[0] == 0:
                    break
                eventlet.sleep(0.05)
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            # a backend's start is itself one transaction (it reads the
            # catalogs): the sessions opened are taken off
            cursor.execute(
                "SELECT xact_commit + xact_rollback - sessions FROM pg_stat_database "
                "WHERE datname = %s",
                (self.database,),
            )
            return int(cursor.fetchone()[0])

    def of(self, call: Callable[[], Any]) -> tuple[int, Any]:
        before = self.settled()
        with self.app.unit_of_work(commit_on=(CoordonareError,)):  # as events.nameko.rpc
            result = call()
        return self.settled() - before, result

    def of_command(self, command_id: str, actor: Actor, call: Callable[[], Any]) -> tuple[int, Any]:
        """A command as ``events.nameko.rpc`` runs one: under its id, its
        caller checked first against the registry (``events.trust``)."""
        self.app.commands.prune()  # the table made, as at a service's start: not counted
        before = self.settled()

        def caller() -> tuple[str, str]:
            entry = self.app.registered(actor.id)
            assert entry is not None and entry["active"]
            return command_id, actor.id

        result = self.app.commands.once_for(caller, "draft_document", call)
        return self.settled() - before, result


@pytest.fixture
def stopped_county(casework):
    """A case opened through the running services, which are then stopped:
    nothing but the test touches the cases store any more."""
    case = open_case(casework)
    for container in casework["containers"]:
        container.stop()
    app = CasesApplication(casework["cases_store"])
    counter = Transactions(app, make_url(casework["cases_store"]).database)
    yield casework, case, app, counter
    counter.admin.close()
    app.close()


def test_a_command_costs_at_most_two_transactions_and_a_query_one(stopped_county):
    casework, case, app, count = stopped_county
    tech = Actor.from_dict(casework["tech_actor"])
    case_id = UUID(case["case_id"])
    sheet = observation_sheet(case)

    def draft() -> dict[str, Any]:
        return app.draft_document(
            tech, case_id, sheet["kind"], sheet["content"], occurred_at=sheet["occurred_at"]
        )

    # the first call of a fresh process reads its views from the log: warm
    # them, as a running service is
    count.of(lambda: app.list_cases(tech, None, None, None))
    drafted, document = count.of_command("4c3b2a19-0f8e-4d7c-b6a5-948372615041", tech, draft)
    again, replayed = count.of_command("4c3b2a19-0f8e-4d7c-b6a5-948372615041", tech, draft)
    listed, cases = count.of(lambda: app.list_cases(tech, None, None, None))
    # a read of personal data is recorded: a query that stores an event
    read, seen = count.of(lambda: app.get_case(tech, case_id))

    print(f"\ntransactions: draft_document {drafted}, list_cases {listed}, get_case {read}")
    assert document["document_id"] and seen["case_id"] == case["case_id"]
    # its id recorded with it, in the same transaction; sent again, one read
    assert replayed == document and again == 1
    assert case["case_id"] in str(cases)
    assert 1 <= drafted <= 2
    assert 1 <= read <= 2
    assert listed == 1


def test_a_command_is_six_round_trips_to_the_store(stopped_county, monkeypatch):
    """Within its one transaction a command's round trips are its
    statements (ADR 18): the head with the BEGIN, the claim of its id, the
    case read with its consent, the lock with the chain head, the insert,
    the outcome with the COMMIT."""
    casework, case, app, count = stopped_county
    tech = Actor.from_dict(casework["tech_actor"])
    case_id = UUID(case["case_id"])
    sheet = observation_sheet(case)
    sent: list[str] = []
    execute = UnitCursor.execute

    def counted(cursor: UnitCursor, query: Any, args: Any = None) -> Any:
        sent.append(query.decode() if isinstance(query, bytes) else query)
        return execute(cursor, query, args)

    def draft() -> dict[str, Any]:
        return app.draft_document(
            tech, case_id, sheet["kind"], sheet["content"], occurred_at=sheet["occurred_at"]
        )

    # a running service has its views and the person's key at hand
    count.of_command("8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d", tech, draft)
    monkeypatch.setattr(UnitCursor, "execute", counted)
    count.of_command("9b8c7d6e-5f4a-4b2c-8d9e-8f7a6b5c4d3e", tech, draft)
    assert len(sent) == 6, [statement[:70] for statement in sent]
    assert sent[0].startswith("SELECT max(id)") and sent[-1].endswith("; COMMIT")
