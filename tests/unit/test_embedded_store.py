"""The same application on an SQLite file: an embedded run needs no server."""

from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

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
