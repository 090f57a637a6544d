"""``coordonare-act``: an operator acts over RPC for a registered person,
with the operator's key (ADR 12). Each call carries an assertion minted for
that call, naming the person and the operator (``act``); the service acted
on stores an ``OperatorAct`` beside what the call changed.

    coordonare-act --as STAFF_ID coordination list_staff            # one call
    coordonare-act --as STAFF_ID cases get_case '"<case id>"'      # JSON arguments
    coordonare-act --as STAFF_ID                                    # a shell: n.rpc, me, person
    coordonare-act --bootstrap coordination register_staff '{…}'    # the registry's bootstrap

The person's role and municipality are the registry's (asked of the
coordination service). ``--bootstrap`` acts as ``system``, which the
services accept from the operator's key for the registry's bootstrap only
(registering municipalities and the first county admin).

Environment: ``COORDONARE_OPERATOR_KEY`` (the operator's Ed25519 key, PEM
file), ``AMQP_URI``; ``COORDONARE_OPERATOR`` names the operator (default:
the login name).
"""

from __future__ import annotations

import argparse
import code
import getpass
import json
import os
import sys
from types import SimpleNamespace
from typing import Any

from events.acting import Signer
from events.actor import SYSTEM
from events.config import client_config
from events.identity import OPERATOR_ISSUER, SigningKey

BOOTSTRAP_ACTOR = {"id": OPERATOR_ISSUER, "role": SYSTEM, "municipality": None}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coordonare-act", description="Act over RPC for a registered person."
    )
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--as", dest="person", metavar="STAFF_ID", help="the person acted for")
    who.add_argument(
        "--bootstrap", action="store_true", help="act as system, for the registry's bootstrap"
    )
    parser.add_argument("service", nargs="?", help="e.g. coordination; none: open a shell")
    parser.add_argument("method", nargs="?")
    parser.add_argument("arguments", nargs="*", help="JSON values after the actor")
    parser.add_argument("--timeout", type=float, default=30)
    return parser


def _key() -> SigningKey:
    path = os.environ.get("COORDONARE_OPERATOR_KEY") or os.path.join(
        ".coordonare", "operator-identity.pem"
    )
    try:
        return SigningKey.from_file(OPERATOR_ISSUER, path)
    except FileNotFoundError:
        raise SystemExit(
            f"no operator key at {path}: set COORDONARE_OPERATOR_KEY (`make run` makes one)"
        ) from None


def registered_actor(cluster: Any, key: SigningKey, operator: str, staff_id: str) -> dict:
    """The person as the registry knows them (asked under the bootstrap)."""
    lookup = Signer(key, BOOTSTRAP_ACTOR, operator).cluster(cluster)
    staff = lookup.coordination.get_staff(BOOTSTRAP_ACTOR, staff_id)
    return {"id": staff["staff_id"], "role": staff["role"], "municipality": staff["municipality"]}


def shell(cluster: Any, key: SigningKey, operator: str, me: dict) -> None:
    """A ``nameko shell``-like session: ``n.rpc`` signs each call for the actor
    dict it passes (``me``, or another registered person from ``person(id)``)."""
    banner = (
        f"coordonare-act: {operator} acting as {me['id']} ({me['role']}); "
        "n.rpc.<service>.<method>(me, ...); person(staff_id) gives another's actor"
    )
    local = {
        "n": SimpleNamespace(rpc=Signer(key, None, operator).cluster(cluster)),
        "me": me,
        "person": lambda staff_id: registered_actor(cluster, key, operator, staff_id),
    }
    code.interact(banner, local=local)


def main(argv: list[str] | None = None) -> int:
    from nameko.exceptions import RemoteError
    from nameko.standalone.rpc import ClusterRpcProxy

    args = _parser().parse_args(argv)
    if args.service and not args.method:
        raise SystemExit("name the method to call after the service")
    key = _key()
    operator = os.environ.get("COORDONARE_OPERATOR") or getpass.getuser()
    amqp_uri = os.environ.get("AMQP_URI")
    if not amqp_uri:  # the operator's own broker account (`make run` makes one)
        raise SystemExit("set AMQP_URI: the broker account the operator calls with")
    with ClusterRpcProxy(client_config(amqp_uri), timeout=args.timeout) as cluster:
        try:
            me = (
                BOOTSTRAP_ACTOR
                if args.bootstrap
                else registered_actor(cluster, key, operator, args.person)
            )
            rpc = Signer(key, me, operator).cluster(cluster)
            if not args.service:
                shell(cluster, key, operator, me)
                return 0
            values = [json.loads(a) for a in args.arguments]
            result = getattr(getattr(rpc, args.service), args.method)(me, *values)
        except RemoteError as error:
            print(f"{error.exc_type}: {error.value}", file=sys.stderr)
            return 1
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
