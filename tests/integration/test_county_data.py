"""The county-scale generator at a small scale: two municipalities, a few
technicians and twenty cases, built through the services' own entrypoints
into stores of the test's own; then the coordinator's list of cases read
page by page, as the gateway asks for it."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deploy.county_data import drop_stores, store_urls
from deploy.county_people import Sizes, build_county, case_outlines
from events.actor import Actor
from events.errors import InvalidCommand
from events.outbox import PositionStore
from events.verify import open_recorder
from tests.support.casework import new_master_key

ROOT = Path(__file__).resolve().parents[2]
SIZES = Sizes(municipalities=2, staff=12, cases=20, documents_per_case=1)
SERVICES = ("coordination", "cases", "evaluations", "notifications")


def generate(prefix: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "deploy.county_data", "--prefix", prefix, "--workers", "2",
        "--municipalities", str(SIZES.municipalities), "--staff", str(SIZES.staff),
        "--cases", str(SIZES.cases), "--reports", str(SIZES.documents_per_case),
    ]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def county() -> Iterator[dict[str, Any]]:
    """The generated county's stores, dropped afterwards."""
    prefix = f"county_test_{uuid.uuid4().hex[:8]}"
    env = os.environ | {"CASES_MASTER_KEY": new_master_key(), "PYTHONPATH": str(ROOT)}
    try:
        done = generate(prefix, env)
        assert done.returncode == 0, done.stderr[-3000:]
        yield {"prefix": prefix, "env": env, "output": done.stdout, "urls": store_urls(prefix)}
    finally:
        drop_stores(store_urls(prefix))


@pytest.fixture
def cases_app(county: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from services.cases.application import CasesApplication

    monkeypatch.setenv("CASES_MASTER_KEY", county["env"]["CASES_MASTER_KEY"])
    monkeypatch.setenv("CASES_KEYS_URL", county["urls"]["cases_keys"])
    app = CasesApplication(county["urls"]["cases"])
    yield app
    app.close()


def test_the_county_is_built_through_the_services(county: dict[str, Any], cases_app: Any) -> None:
    output = county["output"]
    for service in SERVICES:  # every store took events, and says how many
        recorder = open_recorder(service, county["urls"][service])
        head = recorder.max_notification_id() or 0
        assert head > 0 and f"{service}" in output and f"{head:,} events" in output
        # everything was delivered to the followers in process: a service
        # started on the store does not publish it all again
        assert PositionStore(recorder.engine, f"{service}.bus").load() == head
    assert "events/s" in output

    # each technician sees their cases at the stage the county's outline
    # gave them: the cases service learned the contracts (R1) and every
    # step of the path passed the rules
    shape = build_county(SIZES)
    ids = {row["email"]: row["staff_id"] for row in staff_ids(county)}
    wanted = Counter((o.technician, o.stage) for o in case_outlines(shape, SIZES))
    told: Counter[tuple[str, str]] = Counter()
    for pair in shape.pairs:
        technician = Actor(ids[pair.technician.email], "technician", pair.technician.municipality)
        for case in cases_app.list_cases(technician):
            told[(pair.technician.email, case["stage"])] += 1
    assert told == wanted

    # the notifications service followed the cases' documents and the
    # coordination's contracts, each subscription at its own position
    notifications = open_recorder("notifications", county["urls"]["notifications"])
    for subscription in ("cases.on_cases", "coordination.on_coordination"):
        assert (notifications.max_tracking_id(subscription) or 0) > 0


def test_a_county_is_never_generated_twice_into_the_same_stores(
    county: dict[str, Any],
) -> None:
    again = generate(county["prefix"], county["env"])
    assert again.returncode != 0 and "hold events already" in again.stderr
    recorder = open_recorder("cases", county["urls"]["cases"])
    assert PositionStore(recorder.engine, "cases.bus").load() == recorder.max_notification_id()


def test_a_coordinators_cases_come_in_pages_cut_by_the_service(
    county: dict[str, Any], cases_app: Any
) -> None:
    shape = build_county(SIZES)
    ids = {row["email"]: row["staff_id"] for row in staff_ids(county)}
    coordinator = shape.pairs[0].coordinator
    me = Actor(ids[coordinator.email], "social_worker")
    everything = cases_app.list_cases(me)
    assert len(everything) > 3
    seen, cursor = [], None
    while True:
        page = cases_app.list_cases(me, limit=3, cursor=cursor)
        assert len(page["items"]) <= 3 and page["total"] == len(everything)
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything  # each once, oldest referral first
    # a technician's filter and a stage narrow the pages as they narrow the list
    technician_id = ids[shape.pairs[0].technician.email]
    narrowed = cases_app.list_cases(me, technician_id=technician_id, limit=500)
    assert narrowed["items"] == cases_app.list_cases(me, technician_id=technician_id)
    with pytest.raises(InvalidCommand):
        cases_app.list_cases(me, limit=3, cursor="not-a-cursor")
    with pytest.raises(InvalidCommand):
        cases_app.list_cases(me, limit=0)


def test_a_restarted_service_warms_its_views_in_one_pass_and_holds_no_history(
    county: dict[str, Any], cases_app: Any
) -> None:
    from services.cases.application import CasesApplication
    from services.cases.projections import CaseIndex

    # one pass over the log for every view (a start) builds what each view
    # catching up alone builds
    warmed = CasesApplication(county["urls"]["cases"])
    try:
        warmed.warm_views()
        for kind in CasesApplication.VIEWS:
            alone, together = cases_app.view(kind), warmed.view(kind)
            assert together.position == alone.position == warmed.recorder.max_notification_id()
            assert state_of(together) == state_of(alone), kind.__name__
    finally:
        warmed.close()

    # the case index keeps each case's subjects, not its events: a case's
    # timeline is read from the store, in the order stored, when asked for
    index = cases_app.view(CaseIndex)
    case_id, subjects = max(index.subjects.items(), key=lambda item: len(item[1]))
    assert len(subjects) > 1 and subjects[0] == case_id  # the case, then its documents
    timeline = index.timeline(case_id)
    assert timeline[0]["event"] == "Referred" and timeline[0]["subject"] == case_id
    assert {entry["subject"] for entry in timeline} == set(subjects)
    assert [e["at"] for e in timeline] == sorted(e["at"] for e in timeline)
    assert index.timeline(str(uuid.uuid4())) == []


def state_of(view: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(view).items() if k not in ("app", "_lock")}


def staff_ids(county: dict[str, Any]) -> list[dict[str, Any]]:
    from services.coordination.application import CoordinationApplication

    app = CoordinationApplication(county["urls"]["coordination"])
    try:
        return [app.get_staff(uuid.UUID(row["staff_id"])) for row in app.list_staff()]
    finally:
        app.close()
