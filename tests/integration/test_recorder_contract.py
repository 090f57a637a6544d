"""The store's PostgreSQL recorder (``events.pg_recorder``, below the ORM)
keeps the library's own contract: eventsourcing's recorder test suites,
unchanged, run against it on a database of each test's own. (The library's
suites print throughput figures; they assert none. Its aggregate-recorder
suite does not apply: it expects no notification ids back, which an
application recorder returns.)"""

import sys
import types
import uuid
from unittest import TestCase

from eventsourcing.persistence import ProcessRecorder

try:
    import eventsourcing.cipher  # noqa: F401
except ImportError:
    # The suites' module imports the library's AES cipher (pycryptodome, not
    # a dependency here: personal data uses ``cryptography``) for the factory
    # suite, which is not run here; the recorder suites never touch it.
    cipher = types.ModuleType("eventsourcing.cipher")
    cipher.AESCipher = None  # type: ignore[attr-defined]
    sys.modules["eventsourcing.cipher"] = cipher

from eventsourcing.tests.persistence import (
    ApplicationRecorderTestCase,
    NonInterleavingNotificationIDsBaseCase,
    ProcessRecorderTestCase,
    TrackingRecorderTestCase,
)
from eventsourcing.utils import Environment

from events.pg_recorder import PgChainedRecorder
from events.recorder import ChainedFactory, store_env
from tests.conftest import PG_ADMIN_URL, _admin


class OwnDatabase(TestCase):
    """Each test on a fresh database, dropped afterwards; its recorders are
    the store's, made as a service makes them."""

    def setUp(self) -> None:
        self.database = f"coordonare_test_{uuid.uuid4().hex[:12]}"
        _admin(f'CREATE DATABASE "{self.database}"')
        self.factories: list[ChainedFactory] = []
        super().setUp()

    def tearDown(self) -> None:
        super().tearDown()
        for factory in self.factories:
            factory.close()
        _admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def create_recorder(self) -> ProcessRecorder:
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{self.database}"
        factory = ChainedFactory(Environment(name="contract", env=store_env(url)))
        self.factories.append(factory)
        recorder = factory.process_recorder()
        assert isinstance(recorder, PgChainedRecorder)  # the path under test
        return recorder


class TestApplicationRecorder(OwnDatabase, ApplicationRecorderTestCase[ProcessRecorder]):
    pass


class TestTrackingRecorder(OwnDatabase, TrackingRecorderTestCase):
    pass


class TestProcessRecorder(OwnDatabase, ProcessRecorderTestCase):
    pass


class TestNonInterleavingNotificationIDs(OwnDatabase, NonInterleavingNotificationIDsBaseCase):
    pass


del (
    ApplicationRecorderTestCase,
    NonInterleavingNotificationIDsBaseCase,
    ProcessRecorderTestCase,
    TrackingRecorderTestCase,
)  # collected through the subclasses only
