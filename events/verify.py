"""``coordonare-verify``: walk a service's store and name the first event
that was changed, removed or reordered (exit 1), or print the chain head.

    coordonare-verify --service coordination --store postgresql://…/coordonare_coordination
"""

from __future__ import annotations

import argparse
import sys
import time

from eventsourcing.utils import Environment

from events.chain import Verdict, verify_rows
from events.recorder import ChainedFactory, ChainedProcessRecorder, store_env


def open_recorder(service: str, store_url: str) -> ChainedProcessRecorder:
    env = store_env(store_url) | {"CREATE_TABLE": "n"}
    recorder = ChainedFactory(Environment(name=service, env=env)).process_recorder()
    assert isinstance(recorder, ChainedProcessRecorder)
    return recorder


def verify_store(service: str, store_url: str, anchor: bytes | None = None) -> Verdict:
    return verify_rows(open_recorder(service, store_url).chain_rows(), anchor)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--service", required=True, help="service whose store to walk")
    parser.add_argument("--store", required=True, help="store URL (postgresql://… or sqlite:///…)")
    parser.add_argument(
        "--anchor", help="a head hash printed by an earlier verify: proves nothing was truncated"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    anchor = bytes.fromhex(args.anchor) if args.anchor else None
    verdict = verify_store(args.service, args.store, anchor)
    seconds = time.perf_counter() - started
    print(f"{args.service}: {verdict.describe()} ({seconds:.2f}s)")
    return 0 if verdict.intact else 1


if __name__ == "__main__":
    sys.exit(main())
