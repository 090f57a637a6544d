"""An auditor's check on the real PostgreSQL store: any byte changed, any row
removed or reordered is named by `coordonare-verify`."""

import psycopg2
import pytest

from events.verify import main
from services.coordination.application import CoordinationApplication
from tests.support.registry import register_technicians


@pytest.fixture
def store(store_url):
    app = CoordinationApplication(store_url)
    register_technicians(app, 4)
    app.close()
    conn = psycopg2.connect(store_url)
    conn.autocommit = True
    yield store_url, conn.cursor()
    conn.close()


def verify(store_url, capsys, *extra):
    code = main(["--service", "coordination", "--store", store_url, *extra])
    return code, capsys.readouterr().out


def test_an_untouched_store_verifies_and_prints_its_head(store, capsys):
    store_url, _ = store
    code, out = verify(store_url, capsys)
    assert code == 0 and "intact: 5 events, head " in out


def test_one_changed_byte_is_named(store, capsys):
    store_url, cur = store
    cur.execute(
        "UPDATE coordination_events SET state = overlay(state placing '\\x58'::bytea "
        "from 40 for 1) WHERE id = 3"
    )
    code, out = verify(store_url, capsys)
    assert code == 1 and "BROKEN at notification 3 " in out and "3 events" not in out


def test_a_removed_event_is_caught_at_its_successor(store, capsys):
    store_url, cur = store
    cur.execute("DELETE FROM coordination_events WHERE id = 2")
    code, out = verify(store_url, capsys)
    assert code == 1 and "BROKEN at notification 3 " in out and "jump from 1 to 3" in out


def test_swapped_events_are_caught(store, capsys):
    store_url, cur = store
    cur.execute(
        "UPDATE coordination_events SET id = -id WHERE id IN (2, 3);"
        "UPDATE coordination_events SET id = 5 + id WHERE id IN (-2, -3);"
    )
    code, out = verify(store_url, capsys)
    assert code == 1 and "BROKEN at notification 2 " in out


def test_removing_the_newest_events_shows_against_an_earlier_head(store, capsys):
    store_url, cur = store
    _, out = verify(store_url, capsys)
    head = out.split("head ")[1].split()[0]
    cur.execute("DELETE FROM coordination_events WHERE id = 5")
    code, out = verify(store_url, capsys, "--anchor", head)
    assert code == 1 and "removed" in out
