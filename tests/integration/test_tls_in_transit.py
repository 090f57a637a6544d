"""TLS in transit (issue 14, item 3): the coordination service, configured
only as an operator would (``amqps://`` with ``AMQP_SSL``, a store URL with
``sslmode=verify-full&sslrootcert=…``), runs over TLS to both the broker and
its database, with certificates this test makes; a client that does not
trust the server's CA gets nothing from either.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest
import sqlalchemy as sa
from nameko.containers import ServiceContainer

from events import broker
from events.config import amqp_ssl
from events.publisher import ConfirmedPublisher, OutgoingMessage
from services.coordination.service import CoordinationService
from tests.support.outside import OutsideSubscriber
from tests.support.registry import CLUJ, HARNESS
from tests.support.services import nameko_config
from tests.support.signed import ClusterRpcProxy
from tests.support.tls import Authority, TlsProxy, private_postgres


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> Authority:
    return Authority(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def wrong_ca(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another CA, with the same name: trusting it must not be enough."""
    return Authority(tmp_path_factory.mktemp("other-tls")).ca_file


@pytest.fixture(scope="module")
def pg_port(authority: Authority) -> Iterator[int]:
    with private_postgres(authority) as port:
        yield port


@pytest.fixture(scope="module")
def broker_tls(authority: Authority, amqp_uri: str) -> Iterator[TlsProxy]:
    broker_address = urlsplit(amqp_uri)
    proxy = TlsProxy(authority, broker_address.port or 5672, broker_address.hostname or "")
    yield proxy
    proxy.close()


def store_url(port: int, ca_file: Path, database: str = "postgres") -> str:
    return (
        f"postgresql://postgres@localhost:{port}/{database}"
        f"?sslmode=verify-full&sslrootcert={ca_file}"
    )


def amqps(amqp_uri: str, proxy: TlsProxy) -> str:
    """The module's vhost and user, through the TLS listener."""
    parts = urlsplit(amqp_uri)
    base = f"amqps://localhost:{proxy.port}"
    return broker.account_uri(base, parts.username or "", parts.password or "", parts.path[1:])


def tls_config(amqp_uri: str, ca_file: Path) -> dict:
    # as deploy/nameko.yaml reads AMQP_SSL='{ca_certs: …, server_hostname: null}'
    return nameko_config(amqp_uri) | {
        "AMQP_SSL": {"ca_certs": str(ca_file), "server_hostname": None}
    }


def test_the_coordination_service_runs_over_tls_to_broker_and_database(
    authority: Authority,
    pg_port: int,
    broker_tls: TlsProxy,
    amqp_uri: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    admin = psycopg2.connect(store_url(pg_port, authority.ca_file))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("CREATE DATABASE coordonare_coordination")
    monkeypatch.setenv(
        "STORE_URL", store_url(pg_port, authority.ca_file, "coordonare_coordination")
    )
    monkeypatch.setenv("RELAY_POLL_SECONDS", "0.2")
    outside = OutsideSubscriber(amqp_uri, "ro.coordonare.coordination.#")  # plain, on the side
    config = tls_config(amqps(amqp_uri, broker_tls), authority.ca_file)
    container = ServiceContainer(CoordinationService, config)
    container.start()
    try:
        handshakes = broker_tls.handshakes
        with ClusterRpcProxy(config, timeout=30) as rpc:
            # the harness's own system identity: this story is about the wire, not who acts
            rpc.coordination.register_municipality(HARNESS, CLUJ.command())
            found = rpc.coordination.get_municipality(HARNESS, CLUJ.siruta)
            assert found["name"] == CLUJ.name
        # the relay's only way to the bus is the TLS listener
        [published] = outside.receive(1)
        assert published["type"] == "ro.coordonare.coordination.MunicipalityRegistered.v1"
        assert broker_tls.handshakes > handshakes
        assert broker_tls.refused_handshakes == 0
        with admin.cursor() as cur:
            cur.execute(
                "SELECT count(*), bool_and(s.ssl) FROM pg_stat_activity a "
                "JOIN pg_stat_ssl s USING (pid) WHERE a.datname = 'coordonare_coordination'"
            )
            connections, all_tls = cur.fetchone()
        assert connections > 0
        assert all_tls is True
    finally:
        container.stop()
        outside.close()
        admin.close()


def test_a_database_client_that_does_not_trust_the_ca_or_skips_tls_is_refused(
    authority: Authority, wrong_ca: Path, pg_port: int
) -> None:
    engine = sa.create_engine(store_url(pg_port, wrong_ca))
    with pytest.raises(sa.exc.OperationalError, match="SSL error"):
        engine.connect()
    engine.dispose()
    plain = f"postgresql://postgres@localhost:{pg_port}/postgres?sslmode=disable"
    with pytest.raises(psycopg2.OperationalError, match=r"no pg_hba\.conf entry"):
        psycopg2.connect(plain)
    # the same URL with the right CA connects: the refusals above are the CA's and TLS's
    psycopg2.connect(store_url(pg_port, authority.ca_file)).close()


def test_a_broker_client_that_does_not_trust_the_ca_is_refused(
    authority: Authority, wrong_ca: Path, broker_tls: TlsProxy, amqp_uri: str
) -> None:
    uri = amqps(amqp_uri, broker_tls)
    message = OutgoingMessage("ro.coordonare.coordination.Probe.v1", b"{}", "probe", "x", {})
    refused = broker_tls.refused_handshakes
    wrong = ConfirmedPublisher(
        uri,
        "coordonare.events",
        ssl=amqp_ssl({"AMQP_URI": uri, "AMQP_SSL": {"ca_certs": str(wrong_ca)}}),
    )
    with pytest.raises(ssl.SSLError):
        wrong.publish([message])
    assert broker_tls.refused_handshakes > refused
    right = ConfirmedPublisher(
        uri,
        "coordonare.events",
        ssl=amqp_ssl({"AMQP_URI": uri, "AMQP_SSL": {"ca_certs": str(authority.ca_file)}}),
    )
    right.publish([message])
    right.close()


def test_tls_options_on_a_plain_uri_are_a_clear_error() -> None:
    with pytest.raises(RuntimeError, match="amqps://"):
        amqp_ssl({"AMQP_URI": "amqp://127.0.0.1:5672/x", "AMQP_SSL": {"ca_certs": "/ca.crt"}})
    assert amqp_ssl({"AMQP_URI": "amqp://127.0.0.1:5672/x"}) is None
    # amqps without options: the system's CAs, and the URI's host is checked
    assert amqp_ssl({"AMQP_URI": "amqps://broker:5671/x"}) == {"server_hostname": None}
