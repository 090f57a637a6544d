"""The tests' one way to call services with a signed identity (ADR 12).

Integration tests keep calling ``rpc.<service>.<method>(actor, …)`` with
actor dicts: this ``ClusterRpcProxy`` mints, for each call, an assertion for
the actor dict it passes first, with a key of the test run's own that the
services are configured to trust (``trust_test_keys``, from
``tests/conftest.py``). The gateway under test gets a key of its own too.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from nameko.standalone import rpc as standalone

from events.acting import SignedCluster, Signer
from events.identity import GATEWAY_ISSUER, OPERATOR_ISSUER, write_key_pair

TEST_ISSUER = "tests"
# the run's keys, as files: the services and ``nameko run`` processes read
# their public halves, the gateway and the demo's operator their private ones
KEYS = Path(tempfile.mkdtemp(prefix="coordonare-identity-"))
TEST_KEY = write_key_pair(TEST_ISSUER, KEYS / "tests.pem", KEYS / "tests.jwks.json")
GATEWAY_KEY = write_key_pair(GATEWAY_ISSUER, KEYS / "gateway.pem", KEYS / "gateway.jwks.json")
OPERATOR_KEY = write_key_pair(OPERATOR_ISSUER, KEYS / "operator.pem", KEYS / "operator.jwks.json")


def trust_test_keys() -> None:
    """The environment every service of the run reads (in-process containers
    and ``nameko run`` processes alike): the tests' key trusted for people and
    for ``system``, the gateway's key, the operator's for the registry's
    bootstrap (and for ``coordonare-act`` and the demo seeding)."""
    os.environ["IDENTITY_ISSUERS"] = " ".join(
        f"{key.issuer}={KEYS / key.issuer}.jwks.json"
        for key in (TEST_KEY, GATEWAY_KEY, OPERATOR_KEY)
    )
    os.environ["IDENTITY_SYSTEM_ISSUERS"] = f"{TEST_ISSUER} {GATEWAY_ISSUER}"
    os.environ["IDENTITY_BOOTSTRAP_ISSUERS"] = OPERATOR_ISSUER
    os.environ["GATEWAY_IDENTITY_KEY"] = str(KEYS / "gateway.pem")
    os.environ["COORDONARE_OPERATOR_KEY"] = str(KEYS / "operator.pem")


RPC_TIMEOUT = 300.0  # seconds; the slowest call of a story takes a few


class ClusterRpcProxy(standalone.ClusterRpcProxy):
    """nameko's, whose every call carries an assertion for its actor dict."""

    def __init__(self, *args: Any, signer: Signer | None = None, **kwargs: Any) -> None:
        # nameko waits for a reply forever by default: a reply that never
        # comes (a worker hung) fails the story, not the whole run
        kwargs.setdefault("timeout", RPC_TIMEOUT)
        super().__init__(*args, **kwargs)
        self._signer = signer or Signer(TEST_KEY)

    def start(self) -> SignedCluster:  # type: ignore[override]
        return self._signer.cluster(super().start())
