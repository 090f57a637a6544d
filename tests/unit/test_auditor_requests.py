"""Every auditor request on record (issue 19, part 8), the gateway alone: an
auditor reading a case as it was is answered as before and the request is
stored in the gateway's own store — who, which operation, on what, as of
when, how it was answered; a technician's request is not; the store down,
the auditor is answered all the same. The county's list of who audited
what, filtered and paged. The whole county: tests/integration/
test_auditor_requests.py."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy.exc
from argon2 import PasswordHasher
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from gateway import metrics
from gateway.api import Gateway
from gateway.auditor_log import auditor_requests
from gateway.auditor_requests import AuditorRequest, served
from gateway.auth import Principal, TokenVerifier
from gateway.calls import Settings
from gateway.idempotency import IdempotencyStore
from gateway.issuer import LocalIssuer, load_or_make_key, load_users
from gateway.problems import Problem
from gateway.refused import GatewayApplication, publication_of
from gateway.routes import ROUTES
from gateway.routes.audit import AUDITOR_REQUESTS
from tests.support.gateway_alone import SETTINGS, SlowService
from tests.support.published import as_published

BY_ID = {r.operation_id: r for r in ROUTES}
CASE = "3f0c1d7e-0000-4000-8000-00000000c1a5"
AS_OF = "2026-03-01T09:30:00+02:00"
PEOPLE = {"audra": ("aud-1", "auditor", None), "ana": ("tech-1", "technician", "54975")}


class Asker:
    """A gateway serving the case and the contract routes, its services a
    stand-in that answers every call the same; ``get`` asks as a person."""

    def __init__(self, tmp_path: Path, store: GatewayApplication | None) -> None:
        users = tmp_path / "users.json"
        users.write_text(
            json.dumps(
                {
                    "users": [
                        {
                            "username": name,
                            "password_hash": PasswordHasher().hash(f"demo-{name}"),
                            "sub": sub,
                            "role": role,
                            "municipality": municipality,
                        }
                        for name, (sub, role, municipality) in PEOPLE.items()
                    ]
                }
            )
        )
        self.issuer = LocalIssuer(load_users(users), load_or_make_key(tmp_path / "k.pem"), SETTINGS)
        self.keys = IdempotencyStore(f"sqlite:///{tmp_path / 'keys.db'}")
        routes = [BY_ID["cases.get_case"], BY_ID["coordination.get_contract"]]
        self.gateway = Gateway(
            routes,
            TokenVerifier(SETTINGS, self.issuer.key_for),
            issuer=self.issuer,
            idempotency=self.keys,
            settings=Settings(rpc_timeout_seconds=0.01),
            local={},
            wait=lambda outcome, _: outcome.result(),
            later=lambda job: None,
        ).bound(SlowService(), store)

    def get(self, username: str, path: str, **query: str) -> Response:
        token = self.issuer.token(username, f"demo-{username}")["access_token"]
        environ = EnvironBuilder(
            method="GET",
            path=path,
            query_string=query,
            headers={"Authorization": f"Bearer {token}", "X-Correlation-Id": "audit-1"},
        ).get_environ()
        return self.gateway.handle(Request(environ), {})


@pytest.fixture
def store(tmp_path: Path) -> Iterator[GatewayApplication]:
    app = GatewayApplication(f"sqlite:///{tmp_path / 'gateway.db'}")
    yield app
    app.close()


def stored(store: GatewayApplication) -> list[Any]:
    found = store.chained_recorder.select_notifications(start=1, limit=100)
    return [store.mapper.to_domain_event(n) for n in found]


def test_an_auditor_reading_a_case_as_it_was_is_on_record_and_answered_as_before(
    tmp_path: Path, store: GatewayApplication
) -> None:
    (tmp_path / "alone").mkdir()
    unrecorded = Asker(tmp_path / "alone", None)  # a gateway keeping no record
    asker = Asker(tmp_path, store)
    answer = asker.get("audra", f"/cases/{CASE}", as_of=AS_OF)
    assert answer.status_code == 200
    assert answer.json == unrecorded.get("audra", f"/cases/{CASE}", as_of=AS_OF).json

    (event,) = stored(store)
    assert isinstance(event, AuditorRequest.Recorded)
    assert (event.actor_id, event.actor_role, event.correlation_id) == (
        "aud-1",
        "auditor",
        "audit-1",
    )
    assert (event.operation, event.method, event.route) == (
        "cases.get_case",
        "GET",
        "/cases/{case_id}",
    )
    assert (event.path, event.subject) == ({"case_id": CASE}, CASE)
    assert event.selection == {"as_of": AS_OF}
    assert (event.status, event.channel) == (200, "api")

    published = as_published(event, 1, "gateway", publication_of)  # checked by its contract
    assert published is not None
    assert published["type"] == "ro.coordonare.gateway.AuditorRequestServed.v1"
    assert published["data"]["audited_subject"] == CASE
    assert "selection" not in published["data"]  # what selected stays in the store


def test_a_technicians_request_is_not_an_auditors(
    tmp_path: Path, store: GatewayApplication
) -> None:
    assert Asker(tmp_path, store).get("ana", f"/cases/{CASE}").status_code == 200
    assert stored(store) == []


def test_a_request_answered_with_a_problem_is_on_record_with_its_status(
    tmp_path: Path, store: GatewayApplication
) -> None:
    answer = Asker(tmp_path, store).get("audra", f"/cases/{CASE}", version="x")
    assert answer.status_code == 400  # a version is a whole number: answered, and on record
    (event,) = stored(store)
    assert (event.status, event.selection) == (400, {"version": "x"})  # as asked


class StoreDown(GatewayApplication):
    """The gateway's store with its PostgreSQL gone."""

    def __init__(self) -> None:  # nothing to open
        pass

    def save_auditor_request(self, request: AuditorRequest) -> None:
        raise sqlalchemy.exc.OperationalError("INSERT", {}, Exception("connection refused"))


def test_the_store_down_the_auditor_is_answered_all_the_same(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    before = metrics.auditor_requests_unrecorded._value.get()
    with caplog.at_level(logging.ERROR, logger="gateway.auditor_requests"):
        answer = Asker(tmp_path, StoreDown()).get("audra", f"/cases/{CASE}")
    assert answer.status_code == 200, answer.json  # never a 500
    assert metrics.auditor_requests_unrecorded._value.get() == before + 1
    (unstored,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert (unstored.actor_id, unstored.operation) == ("aud-1", "cases.get_case")


AUDITOR = Principal("aud-2", "auditor")
COUNTY_ADMIN = Principal("cj-1", "county_admin")


def listing(store: GatewayApplication, who: Principal = AUDITOR, **args: Any) -> dict[str, Any]:
    gateway: Any = SimpleNamespace(store=store, by_operation=BY_ID)
    return auditor_requests(gateway, AUDITOR_REQUESTS, who, {"limit": 2} | args)


def test_the_county_lists_who_audited_what_filtered_and_paged(
    tmp_path: Path, store: GatewayApplication
) -> None:
    asker = Asker(tmp_path, store)
    contract = "9b2e4c10-0000-4000-8000-0000000c0417"
    asker.get("audra", f"/cases/{CASE}")
    asker.get("audra", f"/contracts/{contract}", version="2")
    asker.get("audra", f"/cases/{CASE}", as_of=AS_OF)

    first = listing(store)
    assert first["total"] == 3 and first["next_cursor"] is not None
    assert [r["operation"] for r in first["items"]] == [
        "cases.get_case",
        "coordination.get_contract",
    ]
    rest = listing(store, cursor=first["next_cursor"])
    assert [r["selection"] for r in rest["items"]] == [{"as_of": AS_OF}]
    assert rest["next_cursor"] is None

    newest = listing(store, order="newest", limit=5)["items"]
    assert [r["number"] for r in newest] == [3, 2, 1]
    on_the_case = listing(store, subject=CASE, limit=5)["items"]
    assert [r["number"] for r in on_the_case] == [1, 3]
    assert listing(store, auditor_id="someone-else")["total"] == 0
    assert listing(store, operation="coordination.get_contract")["items"][0]["path"] == {
        "contract_id": contract
    }
    moment = newest[0]["at"]
    assert [r["number"] for r in listing(store, since=moment)["items"]] == [3]
    assert [r["number"] for r in listing(store, until=moment, limit=5)["items"]] == [1, 2]

    with pytest.raises(Problem) as foreign:
        listing(store, cursor="bm90LW91cnM")
    assert foreign.value.code == "invalid_cursor"


def test_the_county_admin_is_never_shown_the_id_of_a_case_an_auditor_read(
    tmp_path: Path, store: GatewayApplication
) -> None:
    asker = Asker(tmp_path, store)
    contract = "9b2e4c10-0000-4000-8000-0000000c0417"
    asker.get("audra", f"/cases/{CASE}", as_of=AS_OF)
    asker.get("audra", f"/contracts/{contract}")
    case, contract_read = listing(store, COUNTY_ADMIN)["items"]
    assert (case["operation"], case["subject"], case["path"]) == (
        "cases.get_case",
        None,
        {"case_id": None},
    )
    assert case["selection"] == {"as_of": None}
    assert CASE not in json.dumps(listing(store, COUNTY_ADMIN))
    assert contract_read["subject"] == contract  # a contract is the county's to read
    assert listing(store, COUNTY_ADMIN, subject=CASE)["total"] == 0  # nor confirmed
    assert listing(store, subject=CASE)["total"] == 1  # the auditor's list names it


class Kept:
    """A store that keeps what it is given."""

    def __init__(self) -> None:
        self.kept: list[AuditorRequest] = []

    def save_auditor_request(self, request: AuditorRequest) -> None:
        self.kept.append(request)


def test_a_refusal_on_record_is_not_recorded_again_as_a_request() -> None:
    refusal = Problem(404, "not_found", "Not found")
    refusal.on_record = True  # as gateway.refused.on_record leaves it
    missing = Problem(404, "not_found", "Not found")
    store = Kept()
    for problem in (refusal, missing):

        def refused(problem: Problem = problem) -> Response:
            raise problem

        with pytest.raises(Problem):
            served(store, BY_ID["cases.get_case"], AUDITOR, {}, dict, "c", refused, status_of=int)
    assert [r.status for r in store.kept] == [404]  # the unknown id's, not the refusal's
