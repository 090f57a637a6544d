"""Creates each service's store and runs every service as its own process.

    python deploy/stack.py stores   # create missing databases
    python deploy/stack.py broker   # create the broker accounts (run does it too)
    python deploy/stack.py run      # start all services; Ctrl-C stops them

Each service gets its own PostgreSQL database ``coordonare_<service>`` on
``PG_ADMIN_URL``'s server (or ``<SERVICE>_STORE_URL`` when set), and its own
RabbitMQ account on the ``coordonare`` vhost (``events/broker.py``), its
password made once in ``.coordonare/``; ``AMQP_URI`` set in the environment
overrides that for every process (a broker this machine cannot administer).
The cases service gets a second database for its beneficiaries' keys,
``<its store>_keys`` (or ``CASES_KEYS_URL``), backed up apart from the stores
(README).
"""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from events import broker

# run as a script (``python deploy/stack.py``): the project's root is where
# ``deploy`` is found
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from deploy.supervise import Supervisor

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


def local_key(
    variable: str, file_name: str, what: str, make: Callable[[], str] | None = None
) -> str:
    """The configured key, or one made once for ``make run`` and kept."""
    configured = os.environ.get(variable)
    if configured:
        return configured
    path = LOCAL_STATE / file_name
    if not path.exists():
        import base64

        LOCAL_STATE.mkdir(mode=0o700, exist_ok=True)
        # created 0600, so the secret is never readable by others, even briefly
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(make() if make else base64.urlsafe_b64encode(os.urandom(32)).decode())
        print(f"{what} was made in {path}")
    return path.read_text().strip()


def local_key_pair(issuer: str, private_name: str, what: str) -> Path:
    """An Ed25519 key made once in ``.coordonare/`` (``private_name``) beside
    its public JWKS (``<issuer>.jwks.json``); the private key's path."""
    from events.identity import write_key_pair

    LOCAL_STATE.mkdir(mode=0o700, exist_ok=True)
    private = LOCAL_STATE / private_name
    if not private.exists():
        print(f"{what} was made in {private}")
    write_key_pair(issuer, private, LOCAL_STATE / f"{issuer}.jwks.json")
    return private


def identity_keys() -> dict[str, str]:
    """The keys of the identity model (ADR 12) for ``make run``, made once in
    ``.coordonare/``: the gateway's and the operator's (``coordonare-act``, the
    demo seeding), and the services told to trust their JWKS documents.
    Production configures these variables from its secret store instead."""
    from events.identity import GATEWAY_ISSUER, OPERATOR_ISSUER

    env = {}
    for issuer in (GATEWAY_ISSUER, OPERATOR_ISSUER):
        local_key_pair(issuer, f"{issuer}-identity.pem", f"{issuer}: an identity key")
        env[issuer] = f"{issuer}={LOCAL_STATE / f'{issuer}.jwks.json'}"
    return {
        "IDENTITY_ISSUERS": os.environ.get("IDENTITY_ISSUERS") or " ".join(env.values()),
        "GATEWAY_IDENTITY_KEY": os.environ.get("GATEWAY_IDENTITY_KEY")
        or str(LOCAL_STATE / f"{GATEWAY_ISSUER}-identity.pem"),
        "COORDONARE_OPERATOR_KEY": os.environ.get("COORDONARE_OPERATOR_KEY")
        or str(LOCAL_STATE / f"{OPERATOR_ISSUER}-identity.pem"),
    }


def checkpoint_keys() -> dict[str, str]:
    """Each service's checkpoint key (ADR 23) for ``make run``, made once in
    ``.coordonare/`` beside its public JWKS (``<service>-checkpoint.jwks.json``,
    the document an auditor verifies with, which the gateway publishes:
    ``CHECKPOINT_PUBLIC_KEYS``). A configured ``<SERVICE>_CHECKPOINT_KEY``
    wins; so does a configured ``CHECKPOINT_PUBLIC_KEYS``."""
    from events.checkpoint import PUBLISHED_KEYS, key_issuer

    env, published = {}, []
    # the gateway's store holds its refusals (ADR 5): signed like a service's
    for name in [*(s.name for s in SERVICES), "gateway"]:
        variable = f"{name.upper()}_CHECKPOINT_KEY"
        issuer = key_issuer(name)
        if os.environ.get(variable):
            env[variable] = os.environ[variable]
            continue
        env[variable] = str(local_key_pair(issuer, f"{issuer}.pem", f"{name}: a checkpoint key"))
        published.append(str(LOCAL_STATE / f"{issuer}.jwks.json"))
    env[PUBLISHED_KEYS] = os.environ.get(PUBLISHED_KEYS) or " ".join(published)
    return env


def broker_uris() -> dict[str, str]:
    """Each account's ``AMQP_URI`` (services, ``gateway``, ``operator``),
    the accounts created (or their passwords and permissions reset) on the
    local broker with rabbitmqctl. ``AMQP_URI`` in the environment wins: it is
    then every process's, and nothing is created."""
    if os.environ.get("AMQP_URI"):
        print("broker: AMQP_URI is set; every process uses it, no accounts made")
        return dict.fromkeys(broker.ACCOUNT_NAMES, os.environ["AMQP_URI"])
    host = os.environ.get("RABBITMQ_HOST", "127.0.0.1")
    base = f"amqp://{host}:{os.environ.get('RABBITMQ_PORT', '5672')}"
    passwords = {
        name: local_key(
            f"BROKER_{name.upper()}_PASSWORD",
            f"broker-{name}.password",
            f"broker: {name}'s password",
            broker.new_password,
        )
        for name in broker.ACCOUNT_NAMES
    }
    exchange = os.environ.get("EVENTS_EXCHANGE", "coordonare.events")
    try:
        made = broker.apply(broker.VHOST, passwords, exchange)
    except (OSError, subprocess.CalledProcessError) as error:
        sys.exit(
            f"broker: could not create the accounts with rabbitmqctl ({error}); run as root "
            "on the broker's machine, or set AMQP_URI to an account made for you"
        )
    print(f"broker: accounts {', '.join(a.user for a in made)} on vhost {broker.VHOST}")
    return {a.name: broker.account_uri(base, a.user, passwords[a.name], broker.VHOST) for a in made}


def without_password(uri: str) -> str:
    parts = urlsplit(uri)
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}{parts.hostname}{port}"))


def cases_keys_url() -> str:
    """Where the cases service keeps beneficiaries' keys: as
    services/cases/master_keys.py:keys_url_for says (not imported: this
    script runs before the project is on the path)."""
    configured = os.environ.get("CASES_KEYS_URL")
    if configured:
        return configured
    cases = next(s for s in SERVICES if s.name == "cases")
    parts = urlsplit(cases.store_url)
    return urlunsplit(parts._replace(path=parts.path + "_keys"))


def create_stores() -> None:
    import psycopg2
    import psycopg2.errors

    admin = psycopg2.connect(PG_ADMIN_URL)
    admin.autocommit = True
    stores = [(s.name, s.store_url) for s in [*SERVICES, GATEWAY]]
    stores.append(("cases keys", cases_keys_url()))
    with admin.cursor() as cur:
        for name, store_url in stores:
            url = urlsplit(store_url)
            if url.scheme.startswith("sqlite"):
                continue
            database = url.path.lstrip("/")
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
            if cur.fetchone():
                print(f"store: {name} -> {database} (exists)")
                continue
            try:
                cur.execute(f'CREATE DATABASE "{database}"')
                print(f"store: {name} -> {database} (created)")
            except psycopg2.errors.DuplicateDatabase:  # another `make` got there first
                print(f"store: {name} -> {database} (exists)")
    admin.close()


def start(service: Service, env: dict[str, str]) -> subprocess.Popen[bytes]:
    nameko = str(Path(sys.executable).with_name("nameko"))
    env = (
        os.environ
        | env
        | {
            "STORE_URL": service.store_url,
            "WEB_SERVER_ADDRESS": f"127.0.0.1:{service.port}",
        }
    )
    command = [nameko, "run", "--config", "deploy/nameko.yaml", service.entry]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def seed_demo(users_file: Path, amqp_uri: str, identity: dict[str, str]) -> bool:
    """The demo county (deploy/demo.py), seeded over RPC as the operator (its
    broker account, its identity key): its users are the local issuer's."""
    if os.environ.get("DEMO", "1") == "0":
        return users_file.exists()
    done = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "demo.py"), str(users_file)],
        env=os.environ | identity | {"AMQP_URI": amqp_uri},
    )
    return done.returncode == 0


def run() -> int:
    supervisor = Supervisor()
    keys = {
        "CASES_MASTER_KEY": local_key(
            "CASES_MASTER_KEY", "cases-master.key", "cases: a local master key for personal data"
        ),
        "NOTIFICATIONS_WEBHOOK_KEY": local_key(
            "NOTIFICATIONS_WEBHOOK_KEY",
            "notifications-webhook.key",
            "notifications: a local key for signing webhooks",
        ),
        **(identity := identity_keys()),
        **checkpoint_keys(),
    }
    uris = broker_uris()
    # a demo: webhooks may go to loopback (a receiver tried on this machine)
    keys["WEBHOOK_DEMO"] = os.environ.get("WEBHOOK_DEMO", "1")
    for service in SERVICES:
        supervisor.add(
            service.name, functools.partial(start, service, keys | {"AMQP_URI": uris[service.name]})
        )
    users_file = Path(os.environ.get("GATEWAY_USERS_FILE", LOCAL_STATE / "users.json"))
    if not seed_demo(users_file, uris["operator"], identity):
        print("the demo county could not be seeded; stopping")
        return stop_all(supervisor, stopping=False)
    gateway_env = identity | {
        "CHECKPOINT_PUBLIC_KEYS": keys["CHECKPOINT_PUBLIC_KEYS"],
        "GATEWAY_CHECKPOINT_KEY": keys["GATEWAY_CHECKPOINT_KEY"],
        "MAX_WORKERS": os.environ.get("GATEWAY_MAX_WORKERS", "128"),
        "AMQP_URI": uris["gateway"],
    }
    if not os.environ.get("GATEWAY_JWKS_URL"):
        gateway_env["GATEWAY_USERS_FILE"] = str(users_file)
    gateway = supervisor.add(GATEWAY.name, functools.partial(start, GATEWAY, gateway_env))
    # the banner only once the gateway answers: an address printed earlier
    # would refuse the first click
    assert gateway.process is not None
    if not wait_for_gateway(gateway.process):
        print("the gateway did not answer /health; stopping")
        return stop_all(supervisor, stopping=False)
    print("\nCoordonare is running:")
    print(f"  web app       http://127.0.0.1:{GATEWAY.port}/   (sign in as a demo user below)")
    print(
        f"  gateway       http://127.0.0.1:{GATEWAY.port}/openapi.json   (the API; README, "
        "'Trying it', logs you in)"
    )
    admin = os.environ.get("GATEWAY_ADMIN_ADDRESS", "127.0.0.1:8100")
    print(f"                http://{admin}/metrics   (the gateway's metrics, not public)")
    print(
        f"  audit         http://127.0.0.1:{GATEWAY.port}/.well-known/checkpoint-keys.json   "
        "(the keys that verify the services' checkpoints)"
    )
    for service, child in zip(SERVICES, supervisor.children, strict=False):
        assert child.process is not None
        print(
            f"  {service.name:<14} pid {child.process.pid}  "
            f"RPC over {without_password(uris[service.name])}  "
            f"http://127.0.0.1:{service.port}/health  /metrics"
        )
    print(
        f"  events        exchange {os.environ.get('EVENTS_EXCHANGE', 'coordonare.events')}"
        " (topic; see docs/events.md)"
    )
    print(
        f"  operator      {without_password(uris['operator'])} (nameko shell; password in "
        f"{LOCAL_STATE / 'broker-operator.password'})"
    )
    if "GATEWAY_USERS_FILE" in gateway_env:
        print(demo_users(users_file))
    print("A process that stops is started again; Ctrl-C stops them all.\n", flush=True)

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    supervisor.run(lambda: stopping)
    return stop_all(supervisor, stopping)


def wait_for_gateway(process: subprocess.Popen[bytes], seconds: float = 60) -> bool:
    """True once the gateway answers ``GET /health`` 200; False when it
    exits or does not answer in time."""
    url = f"http://127.0.0.1:{GATEWAY.port}/health"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return True
        except OSError:  # not listening yet, or not healthy yet (HTTPError is an OSError)
            pass
        time.sleep(0.3)
    return False


def demo_users(users_file: Path) -> str:
    """The demo logins, for the banner (the local issuer's users)."""
    users = json.loads(users_file.read_text(encoding="utf-8"))["users"]
    lines = ["  demo users    (password: demo-<username>)"]
    for user in users:
        lines.append(f"                {user['username']:<22} {user['role']}")
    return "\n".join(lines)


def stop_all(supervisor: Supervisor, stopping: bool) -> int:
    for child in supervisor.children:
        if child.running:
            assert child.process is not None
            child.process.send_signal(signal.SIGTERM)  # nameko stops gracefully
        elif not stopping:
            print(f"{child.name} is not running; stopping the others")
    deadline = time.monotonic() + 15
    for child in supervisor.children:
        if child.process is None:
            continue
        try:
            child.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            child.process.kill()
    print("Coordonare stopped.")
    return 0 if stopping else 1


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "stores":
        create_stores()
    elif command == "broker":
        broker_uris()
    elif command == "run":
        sys.exit(run())
    else:
        sys.exit(__doc__)
