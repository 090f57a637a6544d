"""A PostgreSQL cluster of a test's own (``initdb`` and ``pg_ctl``), for the
stories that stop, restart or break the store: the machine's shared server
(on 5432, used by every other test and session) is never disturbed.

The cluster lives in a temporary directory (data, unix socket, log), listens
on a free port of 127.0.0.1 only, trusts every local connection (there is
nothing in it but the test's own databases) and is stopped and removed when
the ``private_cluster()`` block ends, failed or not. PostgreSQL refuses to
run as root: then its programs run as the ``postgres`` user, which owns the
directory.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg2  # type: ignore[import-untyped]  # (no stubs installed)

from tests.support.services import free_port

# A test cluster: small, and quick rather than crash-safe (a fast or
# immediate stop of the server is what the stories do; the machine's own
# crash is not). Room for every pool of a county's services and gateway.
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "300",
    "shared_buffers": "32MB",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}


def binaries() -> Path:
    """The newest installed PostgreSQL's programs (Debian's layout)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if not found:
        raise RuntimeError("nu am găsit PostgreSQL: lipsește /usr/lib/postgresql/*/bin/pg_ctl")
    return Path(found[-1]).parent


@dataclass
class PrivateCluster:
    """A running cluster: its directory, port and programs."""

    directory: Path
    port: int
    bin: Path
    run_as: tuple[str, ...]  # the prefix that runs a program as the cluster's owner

    @property
    def data(self) -> Path:
        return self.directory / "data"

    @property
    def log(self) -> Path:
        return self.directory / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh database's URL (nothing to drop: the whole cluster goes)."""
        name = f"coordonare_{uuid.uuid4().hex[:12]}"
        conn = psycopg2.connect(self.url())
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()
        return self.url(name)

    # -- the server ------------------------------------------------------------------
    def start(self) -> None:
        self._pg_ctl("start", "-w", "-t", "60", "-l", str(self.log))

    def stop(self, mode: str = "fast") -> None:
        """``fast``: every session is ended (as a restart by an operator);
        ``immediate``: the server quits at once (as a crash)."""
        self._pg_ctl("stop", "-w", "-t", "60", "-m", mode)

    def restart(self, mode: str = "fast") -> None:
        self._pg_ctl("restart", "-w", "-t", "60", "-m", mode, "-l", str(self.log))

    def running(self) -> bool:
        status = self._run(str(self.bin / "pg_ctl"), "status", "-D", str(self.data), check=False)
        return status.returncode == 0

    def _pg_ctl(self, *args: str) -> None:
        self._run(str(self.bin / "pg_ctl"), args[0], "-D", str(self.data), *args[1:])

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [*self.run_as, *command],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=self.directory,
        )
        if check and done.returncode != 0:
            raise RuntimeError(
                f"{Path(command[0]).name} {command[1]} a eșuat ({done.returncode}): "
                f"{done.stderr.strip() or done.stdout.strip()}\n{self._log_tail()}"
            )
        return done

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return ""


@contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    """A new cluster, started; stopped and removed on exit."""
    directory = Path(tempfile.mkdtemp(prefix="coordonare-pg-"))
    try:
        run_as: tuple[str, ...] = ()
        if os.getuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(directory, owner.pw_uid, owner.pw_gid)
            run_as = ("runuser", "-u", "postgres", "--")
        cluster = PrivateCluster(directory, free_port(), binaries(), run_as)
        cluster._run(
            str(cluster.bin / "initdb"),
            "-D",
            str(cluster.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        settings = SETTINGS | {
            "port": str(cluster.port),
            # the socket beside the data, not in /var/run/postgresql
            "unix_socket_directories": f"'{directory}'",
        }
        with (cluster.data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        try:
            cluster.start()
            yield cluster
        finally:
            if cluster.running():
                cluster.stop("immediate")
    finally:
        shutil.rmtree(directory, ignore_errors=True)
