"""Creates each service's store and runs every service as its own process.

    python deploy/stack.py stores   # create missing databases
    python deploy/stack.py run      # start all services; Ctrl-C stops them

Each service gets its own PostgreSQL database ``coordonare_<service>`` on
``PG_ADMIN_URL``'s server (or ``<SERVICE>_STORE_URL`` when set).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get("PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@dataclass(frozen=True)
class Service:
    name: str
    entry: str  # module:Class for `nameko run`
    port: int  # HTTP: /metrics and /health

    @property
    def store_url(self) -> str:
        configured = os.environ.get(f"{self.name.upper()}_STORE_URL")
        if configured:
            return configured
        parts = urlsplit(PG_ADMIN_URL)
        return urlunsplit(parts._replace(path=f"/coordonare_{self.name}"))


SERVICES = [
    Service("coordination", "services.coordination.service:CoordinationService", 8101),
    Service("cases", "services.cases.service:CasesService", 8102),
    Service("evaluations", "services.evaluations.service:EvaluationsService", 8103),
    Service("notifications", "services.notifications.service:NotificationsService", 8104),
]
# The HTTP API; its store keeps idempotency keys. Started once the services
# answer and the demo county is seeded (its users log in to it).
GATEWAY = Service("gateway", "gateway.service:GatewayService", 8000)
# `make run` keeps a master key for beneficiaries' personal data here, outside
# the virtual environment (deleting it would make every person's data
# unreadable); production sets CASES_MASTER_KEY from its secret store.
LOCAL_STATE = ROOT / ".coordonare"


def local_key(variable: str, file_name: str, what: str) -> str:
    """The configured key, or one made once for ``make run`` and kept."""
    configured = os.environ.get(variable)
    if configured:
        return configured
    path = LOCAL_STATE / file_name
    if not path.exists():
        import base64

        LOCAL_STATE.mkdir(mode=0o700, exist_ok=True)
        path.write_text(base64.urlsafe_b64encode(os.urandom(32)).decode())
        path.chmod(0o600)
        print(f"{what} was made in {path}")
    return path.read_text().strip()


def identity_keys() -> dict[str, str]:
    """The keys of the identity model (ADR 12) for ``make run``, made once in
    ``.coordonare/``: the gateway's and the operator's (``coordonare-act``, the
    demo seeding), and the services told to trust their JWKS documents.
    Production configures these variables from its secret store instead."""
    from events.identity import GATEWAY_ISSUER, OPERATOR_ISSUER, write_key_pair

    LOCAL_STATE.mkdir(mode=0o700, exist_ok=True)
    env = {}
    for issuer in (GATEWAY_ISSUER, OPERATOR_ISSUER):
        private, jwks = LOCAL_STATE / f"{issuer}-identity.pem", LOCAL_STATE / f"{issuer}.jwks.json"
        if not private.exists():
            print(f"{issuer}: an identity key was made in {private}")
        write_key_pair(issuer, private, jwks)
        env[issuer] = f"{issuer}={jwks}"
    return {
        "IDENTITY_ISSUERS": os.environ.get("IDENTITY_ISSUERS") or " ".join(env.values()),
        "GATEWAY_IDENTITY_KEY": os.environ.get("GATEWAY_IDENTITY_KEY")
        or str(LOCAL_STATE / f"{GATEWAY_ISSUER}-identity.pem"),
        "COORDONARE_OPERATOR_KEY": os.environ.get("COORDONARE_OPERATOR_KEY")
        or str(LOCAL_STATE / f"{OPERATOR_ISSUER}-identity.pem"),
    }


def create_stores() -> None:
    import psycopg2
    import psycopg2.errors

    admin = psycopg2.connect(PG_ADMIN_URL)
    admin.autocommit = True
    with admin.cursor() as cur:
        for service in [*SERVICES, GATEWAY]:
            url = urlsplit(service.store_url)
            if url.scheme.startswith("sqlite"):
                continue
            database = url.path.lstrip("/")
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
            if cur.fetchone():
                print(f"store: {service.name} -> {database} (exists)")
                continue
            try:
                cur.execute(f'CREATE DATABASE "{database}"')
                print(f"store: {service.name} -> {database} (created)")
            except psycopg2.errors.DuplicateDatabase:  # another `make` got there first
                print(f"store: {service.name} -> {database} (exists)")
    admin.close()


def start(service: Service, env: dict[str, str]) -> subprocess.Popen[bytes]:
    nameko = str(Path(sys.executable).with_name("nameko"))
    env = os.environ | env | {
        "STORE_URL": service.store_url,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{service.port}",
    }
    command = [nameko, "run", "--config", "deploy/nameko.yaml", service.entry]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def seed_demo(users_file: Path, env: dict[str, str]) -> bool:
    """The demo county (deploy/demo.py): its users are the local issuer's;
    it seeds with the operator's key."""
    if os.environ.get("DEMO", "1") == "0":
        return users_file.exists()
    done = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "demo.py"), str(users_file)],
        env=os.environ | env,
    )
    return done.returncode == 0


def run() -> int:
    processes: list[tuple[Service, subprocess.Popen[bytes]]] = []
    keys = {
        "CASES_MASTER_KEY": local_key(
            "CASES_MASTER_KEY", "cases-master.key", "cases: a local master key for personal data"
        ),
        "NOTIFICATIONS_WEBHOOK_KEY": local_key(
            "NOTIFICATIONS_WEBHOOK_KEY",
            "notifications-webhook.key",
            "notifications: a local key for signing webhooks",
        ),
        **identity_keys(),
    }
    for service in SERVICES:
        processes.append((service, start(service, keys)))
    users_file = Path(os.environ.get("GATEWAY_USERS_FILE", LOCAL_STATE / "users.json"))
    if not seed_demo(users_file, keys):
        print("the demo county could not be seeded; stopping")
        return stop_all(processes, stopping=False)
    gateway_env = keys | {"MAX_WORKERS": os.environ.get("GATEWAY_MAX_WORKERS", "128")}
    if not os.environ.get("GATEWAY_JWKS_URL"):
        gateway_env["GATEWAY_USERS_FILE"] = str(users_file)
    processes.append((GATEWAY, start(GATEWAY, gateway_env)))
    amqp = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    print("\nCoordonare is running:")
    print(
        f"  gateway       http://127.0.0.1:{GATEWAY.port}/   (API: /openapi.json; "
        "README, 'Trying it', logs you in)"
    )
    for service, process in processes[:-1]:
        print(
            f"  {service.name:<14} pid {process.pid}  RPC over {amqp}  "
            f"http://127.0.0.1:{service.port}/health  /metrics"
        )
    print(
        f"  events        exchange {os.environ.get('EVENTS_EXCHANGE', 'coordonare.events')}"
        " (topic; see docs/events.md)"
    )
    print("Press Ctrl-C to stop.\n", flush=True)

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and all(p.poll() is None for _, p in processes):
        time.sleep(0.2)
    return stop_all(processes, stopping)


def stop_all(processes: list[tuple[Service, subprocess.Popen[bytes]]], stopping: bool) -> int:
    for service, process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # nameko stops gracefully
        elif not stopping:
            print(f"{service.name} exited with {process.returncode}; stopping the others")
    deadline = time.monotonic() + 15
    for _, process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            process.kill()
    print("Coordonare stopped.")
    return 0 if stopping else 1


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "stores":
        create_stores()
    elif command == "run":
        sys.exit(run())
    else:
        sys.exit(__doc__)
