"""``coordonare-verify``: walk a service's store and name the first event
that was changed, removed or reordered (exit 1), or print the chain head.

    coordonare-verify --service coordination --store postgresql://…/coordonare_coordination

With the service's signed checkpoints (ADR 23) and its published public keys,
a chain rewritten consistently from some position, or truncated, shows too:

    coordonare-verify --service cases --store postgresql://… \\
        --keys cases-checkpoint.jwks.json --checkpoints checkpoints.jsonl
    coordonare-verify … --checkpoints amqps://auditor:…@broker/coordonare   # the stream

An evidence bundle exported through the API (``events.bundle``), offline:

    coordonare-verify --bundle case-1234.json --keys cases-checkpoint.jwks.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import kombu
from eventsourcing.utils import Environment

from events import bundle
from events.chain import ChainRow, Head, Verdict, verify_rows
from events.checkpoint import Checkpoint, PublicKeys, from_record, read_lines
from events.recorder import ChainedFactory, ChainedProcessRecorder, store_env
from events.stream import offset_at, stream_name, told_length


def open_recorder(service: str, store_url: str) -> ChainedProcessRecorder:
    env = store_env(store_url) | {"CREATE_TABLE": "n"}
    recorder = ChainedFactory(Environment(name=service, env=env)).process_recorder()
    assert isinstance(recorder, ChainedProcessRecorder)
    return recorder


@dataclass(frozen=True)
class Report:
    """A verification's result: the verdict, and the checkpoints given that
    could not be believed (unsigned, forged, another service's), which take
    no part in it."""

    verdict: Verdict
    ignored: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return self.verdict.intact

    def describe(self) -> str:
        lines = [self.verdict.describe()]
        lines += [f"  ignored checkpoint: {reason}" for reason in self.ignored]
        return "\n".join(lines)


def verify_store(service: str, store_url: str, anchor: bytes | None = None) -> Verdict:
    return verify_with_checkpoints(service, store_url, anchor).verdict


def verify_with_checkpoints(
    service: str,
    store_url: str,
    anchor: bytes | None = None,
    checkpoints: Iterable[Checkpoint] = (),
    keys: PublicKeys | None = None,
) -> Report:
    """The library call behind the command: the store's chain, and every
    checkpoint whose signature verifies held to it."""
    rows = open_recorder(service, store_url).chain_rows()
    return verify_chain(service, rows, anchor, checkpoints, keys)


def verify_chain(
    service: str,
    rows: Iterable[ChainRow],
    anchor: bytes | None = None,
    checkpoints: Iterable[Checkpoint] = (),
    keys: PublicKeys | None = None,
) -> Report:
    """``rows`` of ``service``'s store (``chain_rows``) held to their chain
    and to every checkpoint whose signature verifies: the command's check,
    and the API's (``events.verification``), which walks the store it runs on."""
    heads, ignored = [], []
    for given in checkpoints:
        problem = keys.problem(given, service) if keys else "no public keys were given"
        if problem:
            ignored.append(f"notification {given.position} at {given.time}: {problem}")
        else:
            label = f"the checkpoint of {given.time} ({given.kid})"
            heads.append(Head(given.position, given.head_bytes, label))
    return Report(verify_rows(rows, anchor, heads), ignored)


def read_checkpoints(source: str, service: str, idle_seconds: float = 2.0) -> list[Checkpoint]:
    """From a file (JSON lines or a JSON array, checkpoints or CloudEvents),
    or, for an ``amqp(s)://`` URI, from the service's stream on the broker."""
    if source.startswith(("amqp://", "amqps://")):
        return stream_checkpoints(source, service, idle_seconds)
    return list(read_lines(Path(source).read_text().splitlines()))


def stream_checkpoints(
    amqp_uri: str,
    service: str,
    idle_seconds: float,
    ssl: Any = None,
    between: tuple[int, int] | None = None,
) -> list[Checkpoint]:
    """Every checkpoint in ``coordonare.<service>.log``, from its first
    message until none came for ``idle_seconds`` (a stream has no end).
    ``ssl``: kombu's TLS options, as a service connects (``amqp_ssl``).
    ``between`` (first, last): only those from the one at or after position
    ``first`` to the first at or after ``last``, read from the offset of
    ``first`` (``events.stream.offset_at``) and no further: what an evidence
    bundle needs, without reading a county's whole stream."""
    found: list[Checkpoint] = []
    done = False

    def on_message(message: kombu.Message) -> None:
        nonlocal done
        taken = from_record(json.loads(message.body))
        if taken is not None and not done:
            if between is None or taken.position >= between[0]:
                found.append(taken)
            done = between is not None and taken.position >= between[1]
        message.ack()

    with kombu.Connection(amqp_uri, connect_timeout=5, ssl=ssl) as connection:
        length = told_length(connection, service)
        if length is None:
            return found  # no stream (deleted by hand): no checkpoint to hold the chain to
        channel = connection.channel()
        start: Any = "first"
        if between is not None and length:
            start = offset_at(channel, service, between[0], length - 1)
        channel.basic_qos(0, 500, False)  # a stream is read with a prefetch
        history = kombu.Queue(
            stream_name(service), no_declare=True, consumer_arguments={"x-stream-offset": start}
        )
        with kombu.Consumer(channel, queues=[history], on_message=on_message):
            while not done:
                try:
                    connection.drain_events(timeout=idle_seconds)
                except TimeoutError:
                    break
        return found


def verify_bundle_file(path: str, key_files: list[str]) -> int:
    """``--bundle``: the file and the published public keys, nothing else."""
    try:
        document = json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        print(f"{path}: not a bundle that can be read ({error})")
        return 1
    report = bundle.verify(document, PublicKeys.from_files(key_files))
    print(f"{path}: {report.describe()}")
    return 0 if report.intact else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--service", help="service whose store to walk")
    parser.add_argument("--store", help="store URL (postgresql://… or sqlite:///…)")
    parser.add_argument(
        "--bundle",
        help="an evidence bundle exported through the API: verified offline, with --keys only",
    )
    parser.add_argument(
        "--anchor", help="a head hash printed by an earlier verify: proves nothing was truncated"
    )
    parser.add_argument(
        "--checkpoints",
        action="append",
        default=[],
        help="signed checkpoints: a file (JSON lines or array) or an amqp(s):// URI "
        "(the service's stream); may be repeated",
    )
    parser.add_argument(
        "--keys",
        action="append",
        default=[],
        help="a JWKS file of the service's checkpoint public keys (current and rotated)",
    )
    args = parser.parse_args(argv)
    if args.bundle:
        return verify_bundle_file(args.bundle, args.keys)
    if not (args.service and args.store):
        parser.error("--service and --store, or --bundle")
    started = time.perf_counter()
    anchor = bytes.fromhex(args.anchor) if args.anchor else None
    checkpoints = [c for s in args.checkpoints for c in read_checkpoints(s, args.service)]
    keys = PublicKeys.from_files(args.keys) if args.keys else None
    report = verify_with_checkpoints(args.service, args.store, anchor, checkpoints, keys)
    seconds = time.perf_counter() - started
    print(f"{args.service}: {report.describe()} ({seconds:.2f}s)")
    if args.checkpoints and len(checkpoints) == len(report.ignored):
        # asked to hold the chain to checkpoints, and none could be: not a pass
        print(f"{args.service}: no checkpoint could be believed; only the chain was checked")
        return 1
    return 0 if report.intact else 1


if __name__ == "__main__":
    sys.exit(main())
