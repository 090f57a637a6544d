"""Shared fixtures. Integration tests use the real RabbitMQ and PostgreSQL
(started by `make test` through deploy/infra.sh); each test gets its own
database and vhost and removes them afterwards, so runs never disturb each
other."""

import os

import eventlet

# Browser stories run in a pytest process of their own, unpatched: Playwright's
# driver loop hangs now and then under eventlet. Their county runs in a
# subprocess (tests/support/web_county.py); ``make test`` runs both processes.
BROWSER = os.environ.get("COORDONARE_BROWSER_TESTS") == "1"
collect_ignore = ["unit", "integration", "bench"] if BROWSER else ["browser"]
if not BROWSER:
    # nameko services run on eventlet; patch before anything opens a socket.
    eventlet.monkey_patch()

import uuid  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import ExitStack  # noqa: E402
from datetime import datetime  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

import psycopg2  # noqa: E402
import pytest  # noqa: E402
import time_machine  # noqa: E402

from events.nameko import make_psycopg_green  # noqa: E402
from tests.support.calendar import QUIET  # noqa: E402
from tests.support.signed import trust_test_keys  # noqa: E402
from tests.support.vhosts import private_vhost  # noqa: E402
from tests.support.watchdog import watched  # noqa: E402

if not BROWSER:
    make_psycopg_green()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
        """A story that hangs fails alone (tests/support/watchdog.py)."""
        with watched(item.nodeid):
            yield

trust_test_keys()  # before any service reads its environment

PG_ADMIN_URL = os.environ.get("PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
# The broker's address; with credentials in it (TEST_AMQP_BASE=amqp://user:pw@host:port),
# that existing user is given each test vhost instead of a user made for it.
AMQP_BASE = os.environ.get("TEST_AMQP_BASE", "amqp://127.0.0.1:5672")


def _admin(sql: str, *args: object) -> None:
    conn = psycopg2.connect(PG_ADMIN_URL)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql, args)
    conn.close()


@pytest.fixture
def make_store() -> Iterator[Callable[[], str]]:
    """Creates fresh PostgreSQL databases; drops them after the test."""
    created: list[str] = []

    def make(name: str | None = None) -> str:
        """A fresh database: a new name, or the one given (a store's key
        database is ``<store>_keys``, services/cases/master_keys.py)."""
        name = name or f"coordonare_test_{uuid.uuid4().hex[:12]}"
        _admin(f'CREATE DATABASE "{name}"')
        created.append(name)
        return urlunsplit(urlsplit(PG_ADMIN_URL)._replace(path=f"/{name}"))

    yield make
    for name in created:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def store_url(make_store: Callable[[], str]) -> str:
    return make_store()


@pytest.fixture(scope="module")
def amqp_uri() -> Iterator[str]:
    """A vhost of the test module's own on the real broker, and a user of its
    own allowed everything there and nothing elsewhere, so the tests need no
    ``guest`` (rabbitmqctl takes half a second a call, so one per module
    rather than per test)."""
    with ExitStack() as cleanup:
        yield private_vhost(AMQP_BASE, "coordonare-test", cleanup)


@pytest.fixture
def moment() -> datetime:
    """The moment a story starts at; a story may parametrize it (the
    calendar sweep does, with ``tests.support.calendar.MOMENTS``)."""
    return QUIET


@pytest.fixture
def clock(moment: datetime) -> Iterator[time_machine.Traveller]:
    """The in-process clock of a story, at ``moment`` and ticking: every
    service container a fixture starts after it, and the story itself, read
    it (``datetime.now``, ``time.time``); monotonic time, which eventlet and
    the timeouts use, is left alone. Services in other processes keep the
    machine's clock, so stories with those must not depend on the date.
    A story moves time with ``clock.move_to`` or ``clock.shift``."""
    with time_machine.travel(moment, tick=True) as coordinates:
        yield coordinates
