"""Broker accounts (issue 14, item 2): one RabbitMQ user per service and one
for the gateway, on the ``coordonare`` vhost, each allowed only what it does.

What each process touches on the broker, and so what its account allows:

- RPC (nameko 2.14, ``nameko.rpc``): the ``nameko-rpc`` topic exchange; a
  service consumes its queue ``rpc-<service>`` bound with ``<service>.*`` and
  answers to the caller's ``reply_to`` (a uuid4) on that same exchange; a
  caller (the gateway, an operator's ``nameko shell``) binds its reply queue
  ``rpc.reply-<caller>-<uuid>`` with the uuid and publishes
  ``<service>.<method>``. A service calls no other service, so its topic
  permission on ``nameko-rpc`` lets it publish replies only: a compromised
  service cannot command another.
- Events (``events.publisher``, ``events.subscribe``): the relay declares and
  publishes to ``coordonare.events`` with the routing key ``ro.coordonare.
  <service>.<Name>.v<n>`` (``events.cloudevent.event_type``), and the topic
  permission lets it publish its own keys only; a subscription declares and
  binds ``coordonare.<service>.<method>``, its ``….dead`` queue and the
  dead-letter exchange (declaring a queue with a dead-letter exchange needs
  write on that exchange).
- Streams (``events.stream``): the relay declares its service's stream
  ``coordonare.<service>.log`` and fill exchange ``coordonare.<service>.fill``
  (its own names); a subscription reads its source's stream when it joins
  late, so every service may read every stream (what was published anyway).
- The gateway calls the services, and its relay publishes its own refusals
  (``ro.coordonare.gateway.…``, ADR 5) and keeps their stream, as a
  service's relay does; it consumes no events and answers no RPC.

RabbitMQ matches these patterns unanchored, so each one is anchored here.
``deploy/stack.py`` applies them for ``make run``, the k8s manifests carry
the same table (``k8s/broker-accounts.yaml``) and a test proves the refusal.
"""

from __future__ import annotations

import re
import secrets
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit, urlunsplit

from events.cloudevent import TYPE_PREFIX
from events.config import DEAD_LETTER_EXCHANGE, DEFAULT_EXCHANGE
from events.stream import Stream, stream_name

VHOST = "coordonare"
SERVICES = ("coordination", "cases", "evaluations", "notifications")
RPC_EXCHANGE = "nameko-rpc"  # nameko.rpc.get_rpc_exchange's default
# nameko's reply_to: str(uuid.uuid4())
_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# every service's stream (``events.stream``): what was published anyway
STREAMS = re.escape("coordonare.") + "[a-z_]+" + re.escape(".log")
# the standalone ClusterRpcProxy's service name in its reply queues
OPERATOR_CALLER = "standalone_rpc_proxy"


@dataclass(frozen=True)
class Account:
    name: str  # the service, "gateway" or "operator"
    user: str  # RabbitMQ users are per broker, not per vhost: prefixed
    configure: str
    write: str
    read: str
    # exchange -> (write, read) patterns on routing keys
    topics: dict[str, tuple[str, str]] = field(default_factory=dict)


def _any_of(*names: str) -> str:
    return "^(" + "|".join(names) + ")$"


def service_account(
    service: str, events_exchange: str = DEFAULT_EXCHANGE, prefix: str = "coordonare-"
) -> Account:
    own = re.escape(f"coordonare.{service}.") + ".+"  # subscription queues and their .dead
    rpc_queue = re.escape(f"rpc-{service}")
    rpc, events = re.escape(RPC_EXCHANGE), re.escape(events_exchange)
    dead = re.escape(DEAD_LETTER_EXCHANGE)
    return Account(
        name=service,
        user=prefix + service,
        configure=_any_of(rpc, events, dead, rpc_queue, own),
        write=_any_of(rpc, events, dead, rpc_queue, own),
        # a subscription that joins late reads its source's stream
        read=_any_of(rpc, events, dead, rpc_queue, own, STREAMS),
        topics={
            RPC_EXCHANGE: (f"^{_UUID}$", "^" + re.escape(f"{service}.*") + "$"),
            events_exchange: ("^" + re.escape(f"{TYPE_PREFIX}.{service}.") + ".+$", ".*"),
        },
    )


def caller_account(
    name: str,
    caller: str,
    callees: Sequence[str] = SERVICES,
    prefix: str = "coordonare-",
    events_exchange: str | None = None,
) -> Account:
    """An RPC caller: the gateway (nameko service ``gateway``) or an
    operator's standalone proxy (``deploy/demo.py``, ``nameko shell``). With
    ``events_exchange``, it publishes there its own events (``ro.coordonare.
    <name>.…``) into its own stream, as a service's relay does (the
    gateway's refusals); without, it publishes none."""
    replies = re.escape(f"rpc.reply-{caller}-") + _UUID
    rpc = re.escape(RPC_EXCHANGE)
    names = [rpc, replies]
    topics = {RPC_EXCHANGE: ("^(" + "|".join(callees) + r")\.\w+$", f"^{_UUID}$")}
    if events_exchange is not None:
        stream = Stream(name, events_exchange)
        names += [re.escape(n) for n in (events_exchange, stream.fill, stream_name(name))]
        own = "^" + re.escape(f"{TYPE_PREFIX}.{name}.") + ".+$"
        topics[events_exchange] = (own, own)
    return Account(
        name=name,
        user=prefix + name,
        configure=_any_of(*names),
        write=_any_of(*names),
        read=_any_of(*names),
        topics=topics,
    )


def auditor_account(prefix: str = "coordonare-") -> Account:
    """An auditor's: reads every service's stream (its history and signed
    checkpoints, ``coordonare-verify --checkpoints``), and nothing else; it
    declares, writes and consumes no other queue."""
    return Account(
        name="auditor", user=prefix + "auditor", configure="^$", write="^$", read=_any_of(STREAMS)
    )


ACCOUNT_NAMES = (*SERVICES, "gateway", "operator", "auditor")


def accounts(events_exchange: str = DEFAULT_EXCHANGE, prefix: str = "coordonare-") -> list[Account]:
    return [
        *(service_account(s, events_exchange, prefix) for s in SERVICES),
        caller_account("gateway", "gateway", prefix=prefix, events_exchange=events_exchange),
        caller_account("operator", OPERATOR_CALLER, prefix=prefix),
        auditor_account(prefix),
    ]


def new_password() -> str:
    """Hexadecimal: it goes into an ``amqp://`` URI unquoted, and never starts
    with ``-``, which rabbitmqctl would read as an option."""
    return secrets.token_hex(24)


def account_uri(base: str, user: str, password: str, vhost: str = VHOST) -> str:
    """``base`` (``amqp[s]://host:port``, any credentials in it dropped) with
    the account and vhost."""
    parts = urlsplit(base)
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{parts.hostname}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, "/" + quote(vhost, safe=""), "", ""))


Run = Callable[[list[str]], object]


def _rabbitmqctl(args: list[str]) -> object:
    return subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True)


def apply(
    vhost: str,
    passwords: dict[str, str],
    events_exchange: str = DEFAULT_EXCHANGE,
    prefix: str = "coordonare-",
    run: Run = _rabbitmqctl,
) -> list[Account]:
    """Creates the vhost and every account (or resets its password and
    permissions to these), with ``rabbitmqctl`` on the broker's node;
    ``passwords`` by account name."""
    existing = subprocess.run(
        ["rabbitmqctl", "-q", "list_users", "--no-table-headers"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    users = {line.split("\t")[0] for line in existing if line}
    run(["add_vhost", vhost])
    made = accounts(events_exchange, prefix)
    for account in made:
        password = passwords[account.name]
        if account.user in users:
            run(["change_password", account.user, password])
        else:
            run(["add_user", account.user, password])
        permissions = [account.configure, account.write, account.read]
        run(["set_permissions", "-p", vhost, account.user, *permissions])
        for exchange, (write, read) in account.topics.items():
            run(["set_topic_permissions", "-p", vhost, account.user, exchange, write, read])
    return made


def remove(made: Sequence[Account], run: Run = _rabbitmqctl) -> None:
    for account in made:
        run(["delete_user", account.user])


def k8s_manifests(cluster: str = "rabbitmq", namespace: str = "coordonare") -> str:
    """The same accounts as RabbitMQ Messaging Topology Operator resources
    (``k8s/broker-accounts.yaml``, written by ``make catalogue``): each user's
    name and password come from its Secret ``<name>-broker`` (keys
    ``username``, ``password``, and ``uri`` for the process's ``AMQP_URI``)."""
    import yaml

    ref = {"name": cluster}

    def resource(kind: str, name: str, spec: dict[str, object]) -> dict[str, object]:
        return {
            "apiVersion": "rabbitmq.com/v1beta1",
            "kind": kind,
            "metadata": {
                "name": name,
                "namespace": namespace,
                "labels": {"app.kubernetes.io/part-of": "coordonare"},
            },
            "spec": spec | {"rabbitmqClusterReference": ref},
        }

    docs = [resource("Vhost", VHOST, {"name": VHOST})]
    for a in accounts():
        docs.append(
            resource("User", a.user, {"importCredentialsSecret": {"name": f"{a.name}-broker"}})
        )
        permissions = {"configure": a.configure, "write": a.write, "read": a.read}
        docs.append(
            resource(
                "Permission",
                a.user,
                {"vhost": VHOST, "user": a.user, "permissions": permissions},
            )
        )
        for exchange, (write, read) in a.topics.items():
            docs.append(
                resource(
                    "TopicPermission",
                    f"{a.user}-{exchange.replace('.', '-')}",
                    {
                        "vhost": VHOST,
                        "user": a.user,
                        "permissions": {"exchange": exchange, "write": write, "read": read},
                    },
                )
            )
    header = (
        "# Generated by `make catalogue` from events/broker.py: do not edit.\n"
        "# The broker accounts (issue 14), for a RabbitMQ run by the Messaging\n"
        "# Topology Operator (cluster `rabbitmq`); each user's credentials are\n"
        "# in its Secret <name>-broker (see *-broker.example.yaml).\n"
    )
    return header + yaml.safe_dump_all(docs, sort_keys=False, width=1000)


if __name__ == "__main__":
    print(k8s_manifests(), end="")
