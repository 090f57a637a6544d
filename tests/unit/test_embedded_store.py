"""The same application on an SQLite file: an embedded run needs no server."""

from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from events.errors import Conflict
from events.verify import verify_store
from services.coordination.application import CoordinationApplication
from tests.support.registry import ADMIN_ACTOR as ADMIN
from tests.support.registry import CLUJ, TECHNICIAN


def test_an_sqlite_store_keeps_the_registry_and_its_chain(tmp_path):
    url = f"sqlite:///{tmp_path / 'coordination.db'}"
    app = CoordinationApplication(url)
    app.register_municipality(ADMIN, **CLUJ.command())
    staff = app.register_staff(ADMIN, **TECHNICIAN.command())
    app.close()

    reopened = CoordinationApplication(url)
    staff_id = UUID(staff["staff_id"])
    assert reopened.get_staff(staff_id)["email"] == TECHNICIAN.email
    assert [m["siruta"] for m in reopened.list_municipalities()] == ["54975"]
    assert reopened.list_staff(municipality="54975")[0]["staff_id"] == str(staff_id)
    verdict = verify_store("coordination", url)
    assert verdict.intact and verdict.checked == 2


def test_a_consumed_position_takes_effect_once(tmp_path):
    app = CoordinationApplication(f"sqlite:///{tmp_path / 'c.db'}")
    app.save_processed(Tracking("cases.on_event", 7))
    assert app.has_processed(Tracking("cases.on_event", 7))
    assert not app.has_processed(Tracking("cases.on_event", 8))
    with pytest.raises(IntegrityError):
        app.save_processed(Tracking("cases.on_event", 7))


def test_a_command_under_one_id_takes_effect_once(tmp_path):
    """The command log on an embedded store (``events.commands``): the same
    id again gets the first outcome — a result, or the same refusal — and
    stores nothing more; another person's call under that id is refused."""
    app = CoordinationApplication(f"sqlite:///{tmp_path / 'c.db'}")
    app.register_municipality(ADMIN, **CLUJ.command())

    def register() -> dict:
        return app.register_staff(ADMIN, **TECHNICIAN.command())

    staff = app.commands.once("c-1", ADMIN.id, "register_staff", register)
    head = app.chained_recorder.max_notification_id()
    assert app.commands.once("c-1", ADMIN.id, "register_staff", register) == staff
    assert app.chained_recorder.max_notification_id() == head

    with pytest.raises(Conflict) as first:  # registered already: refused
        app.commands.once("c-2", ADMIN.id, "register_staff", register)
    with pytest.raises(Conflict) as again:
        app.commands.once("c-2", ADMIN.id, "register_staff", lambda: {"not": "run"})
    assert (type(again.value), again.value.args) == (type(first.value), first.value.args)
    assert app.chained_recorder.max_notification_id() == head

    with pytest.raises(Conflict, match="altă comandă"):
        app.commands.once("c-1", "someone-else", "register_staff", register)
