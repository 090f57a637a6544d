"""TLS in transit, for tests (issue 14, item 3): certificates a test makes, a
TLS listener in front of the real broker, and a private PostgreSQL cluster
that speaks only TLS. The machine's shared broker and database are never
reconfigured or restarted.

- ``Authority``: a CA of the test's own (``cryptography``) that signs a
  server certificate for ``localhost`` / ``127.0.0.1``;
- ``TlsProxy``: terminates TLS on a loopback port with that certificate and
  forwards the bytes to the broker's plain port, so the client really does
  TLS with certificate verification against the test's CA;
- ``private_postgres``: ``initdb`` + ``pg_ctl`` (as the ``postgres`` user,
  which they need when the tests run as root) on a free port, ``ssl = on``,
  and a ``pg_hba.conf`` whose only line is ``hostssl … trust``.
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import eventlet
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from eventlet.green import socket, ssl

from tests.support.services import free_port


def _pg_bin() -> Path:
    """The newest PostgreSQL server installed (Debian's layout), whose
    ``initdb``/``pg_ctl`` are not on PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


class Authority:
    """A CA, written to ``ca.crt`` in ``folder``, and ``server.crt`` /
    ``server.key`` it signed for ``localhost`` and ``127.0.0.1``."""

    def __init__(self, folder: Path, name: str = "Coordonare test CA") -> None:
        folder.mkdir(parents=True, exist_ok=True)
        now = datetime.datetime.now(datetime.UTC)
        self.key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    key_cert_sign=True,
                    crl_sign=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(self.key, hashes.SHA256())
        )
        self.ca_file = folder / "ca.crt"
        self.ca_file.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        self.server_cert, self.server_key = self._server(folder, now)

    def _server(self, folder: Path, now: datetime.datetime) -> tuple[Path, Path]:
        key = ec.generate_private_key(ec.SECP256R1())
        names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        cert_file, key_file = folder / "server.crt", folder / "server.key"
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(_pem_key(key))
        key_file.chmod(0o600)
        return cert_file, key_file


class TlsProxy:
    """TLS on ``127.0.0.1:<port>`` in front of a plain TCP service; counts the
    handshakes it completed and refused, so a test can tell its client
    really used it. Green (eventlet), like the code under test: the
    stdlib's ``ssl`` cannot be had unpatched next to eventlet's sockets."""

    def __init__(self, authority: Authority, target_port: int, target_host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(authority.server_cert, authority.server_key)
        self.listener = eventlet.listen(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.handshakes = 0
        self.refused_handshakes = 0
        self._threads = [eventlet.spawn(self._accept)]

    def close(self) -> None:
        # Each connection's sockets are closed once, by its own _serve: a
        # second close could hit a file number already reused elsewhere.
        for thread in reversed(self._threads):
            thread.kill()
        self.listener.close()

    def _accept(self) -> None:
        while True:
            raw, _ = self.listener.accept()
            self._threads.append(eventlet.spawn(self._serve, raw))

    def _serve(self, raw: socket.socket) -> None:
        try:
            client = self.context.wrap_socket(raw, server_side=True, do_handshake_on_connect=False)
            client.do_handshake()
        except (ssl.SSLError, OSError):  # e.g. the client did not trust our certificate
            self.refused_handshakes += 1
            raw.close()
            return
        self.handshakes += 1
        try:
            upstream = socket.create_connection(self.target)
        except OSError:
            client.close()
            return
        back = eventlet.spawn(self._pipe, upstream, client)
        try:
            self._pipe(client, upstream)
            back.wait()
        finally:
            back.kill()
            client.close()
            upstream.close()

    @staticmethod
    def _pipe(source: socket.socket, destination: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                destination.sendall(data)
        except (OSError, ssl.SSLError):
            pass
        # one side ended: end the other direction too
        for s in (source, destination):
            with contextlib.suppress(OSError, ValueError):
                s.shutdown(socket.SHUT_RDWR)


def _as_postgres(*command: str) -> None:
    runner = [] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--"]
    subprocess.run([*runner, *command], check=True, capture_output=True)


@contextlib.contextmanager
def private_postgres(authority: Authority) -> Iterator[int]:
    """A PostgreSQL cluster of the test's own on a free loopback port that
    accepts TLS connections only (trust auth for ``postgres``); yields the
    port and removes the cluster afterwards."""
    # A folder of its own under /tmp: the postgres user must reach it, which
    # it cannot inside root's 0700 pytest folders.
    folder = Path(tempfile.mkdtemp(prefix="coordonare-pg-tls-"))
    data = folder / "data"
    for source in (authority.server_cert, authority.server_key, authority.ca_file):
        shutil.copy(source, folder / source.name)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        for path in folder.iterdir():
            shutil.chown(path, "postgres", "postgres")
    port = free_port()
    try:
        _as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "reject")
        (data / "pg_hba.conf").write_text(
            "# TLS only: no plain host line, so a connection without TLS is refused\n"
            "hostssl all postgres 127.0.0.1/32 trust\n"
        )
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {port}\n"
                f"unix_socket_directories = '{folder}'\n"
                f"ssl = on\nssl_cert_file = '{folder / 'server.crt'}'\n"
                f"ssl_key_file = '{folder / 'server.key'}'\n"
                "fsync = off\nmax_connections = 50\n"
            )
        _as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "start"
        )
        try:
            yield port
        finally:
            _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
