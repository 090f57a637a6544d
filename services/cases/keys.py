"""The operators' commands for the beneficiaries' key table (issue 14,
"Keys"), run in the cases service's environment (its store URL and keys):

    coordonare-rotate-master-key [--batch N] [--limit N]
        Re-wraps every beneficiary key still wrapped by an older master key
        with CASES_MASTER_KEY. Nothing else changes: no event, no token, no
        personal data is re-encrypted. Each key is its own transaction, so
        an interrupted run loses nothing and running the command again
        finishes the rest. The older keys are given in
        CASES_PREVIOUS_MASTER_KEYS (the services are given them too, for the
        time of the rotation, so they open both kinds of rows meanwhile).

    coordonare-reapply-erasures
        Deletes again every erased person's key that a restored key table
        brought back (the service also does it each time it starts).

Where: ``--store`` (default ``CASES_STORE_URL``, else ``STORE_URL``, else
``coordonare_cases`` on ``PG_ADMIN_URL``'s server); the key table is
``CASES_KEYS_URL``'s, or the store's own key database. Keys come only from
the environment, never from the command line (it shows in ``ps``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from urllib.parse import urlsplit, urlunsplit

from services.cases.personal import PersonalDataVault

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def _store_url(given: str | None) -> str:
    env = os.environ
    configured = given or env.get("CASES_STORE_URL") or env.get("STORE_URL")
    if configured:
        return configured
    admin = urlsplit(env.get("PG_ADMIN_URL", PG_ADMIN_URL))
    return urlunsplit(admin._replace(path="/coordonare_cases"))


def _arguments(argv: Sequence[str] | None, description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--store", help="the cases store's URL (default: from the environment)")
    return parser


def rotate_main(argv: Sequence[str] | None = None) -> int:
    parser = _arguments(argv, "Re-wrap every beneficiary key with CASES_MASTER_KEY.")
    parser.add_argument("--batch", type=int, default=100, help="keys read at a time")
    parser.add_argument("--limit", type=int, default=None, help="stop after this many keys")
    args = parser.parse_args(argv)
    try:
        vault = PersonalDataVault.from_env(_store_url(args.store))
    except (RuntimeError, ValueError) as error:
        print(f"coordonare-rotate-master-key: {error}", file=sys.stderr)
        return 2
    done = 0
    try:
        while args.limit is None or done < args.limit:
            batch = args.batch if args.limit is None else min(args.batch, args.limit - done)
            rewrapped = vault.rewrap(batch)
            done += rewrapped
            if rewrapped == 0:
                break
        left = vault.to_rewrap()
    except ValueError as error:  # a row no configured master key opens
        print(f"coordonare-rotate-master-key: {error} (after {done} keys)", file=sys.stderr)
        return 1
    finally:
        vault.close()
    print(f"re-wrapped {done} keys with master key {vault.master_key_id}; {left} left")
    return 0 if left == 0 else 3


def reapply_main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv, "Apply the recorded erasures to the key table again.").parse_args(argv)
    # imported here: the application brings the event store and its views
    from services.cases.application import CasesApplication

    try:
        app = CasesApplication(_store_url(args.store))
    except (RuntimeError, ValueError) as error:
        print(f"coordonare-reapply-erasures: {error}", file=sys.stderr)
        return 2
    print(f"erasures re-applied: {app.reapplied} keys deleted again")
    app.close()
    return 0


if __name__ == "__main__":
    sys.exit(rotate_main() if sys.argv[1:2] != ["reapply"] else reapply_main(sys.argv[2:]))
