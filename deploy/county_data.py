"""A county-scale data set (issue 17): 100 municipalities, 500 staff, 50,000
cases with their documents, tasks, journals and evaluations, built through
the domain — each service's own entrypoints and rules, in process
(``county_bus.Direct``) — into the services' stores.

    python -m deploy.county_data                       # the county, into `make run`'s stores
    python -m deploy.county_data --prefix county_small --municipalities 2 --staff 12 --cases 20

Who is in it: ``county_people.py``; what they do: ``county_work.py``. The
stores are ``<prefix>_<service>`` on ``PG_ADMIN_URL``'s server (default
prefix ``coordonare``: the stores ``make run`` uses) and the cases service's
keys ``<prefix>_cases_keys``; the cases master key is ``make run``'s
(``.coordonare/cases-master.key``) unless ``CASES_MASTER_KEY`` is set.

What one service learns from another goes as on the bus — the source's
published mapping, a CloudEvent, the follower's subscription handler with
its tracking — in process, so no broker is needed; once done, each relay's
position is moved to its head (everything was delivered to every follower):
a generated county is not replayed to outside subscribers.

One process per store and phase (the cases store, the bulk, gets
``--workers`` writers): coordination's registry first, then cases and
evaluations (both follow coordination), then coordination's journals and
tasks (about the cases) and notifications (follows both). Prints events
per store, the time and events/s.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deploy import stack

# Following another store opens a second application in the process; the
# library then re-declares its tracking table's class, which it warns about.
warnings.filterwarnings("ignore", message="This declarative base already contains")
from deploy.county_people import Sizes, build_county, case_outlines  # noqa: E402

SERVICE_NAMES = ("coordination", "cases", "evaluations", "notifications")


# -- the stores --------------------------------------------------------------------------
def store_urls(prefix: str) -> dict[str, str]:
    """``<prefix>_<service>`` on the admin URL's server, and the cases keys."""
    parts = urlsplit(stack.PG_ADMIN_URL)
    urls = {
        name: urlunsplit(parts._replace(path=f"/{prefix}_{name}"))
        for name in (*SERVICE_NAMES, "gateway")
    }
    urls["cases_keys"] = urls["cases"] + "_keys"
    return urls


def prepare(prefix: str, fresh: bool = False) -> dict[str, str]:
    """The stores created where missing (``deploy/stack.py``'s own way),
    dropped first with ``fresh``, and the environment every process of the
    generator inherits. A county is generated into empty stores only."""
    urls = store_urls(prefix)
    if fresh:
        drop_stores(urls)
    for name in (*SERVICE_NAMES, "gateway"):
        os.environ[f"{name.upper()}_STORE_URL"] = urls[name]
    os.environ["CASES_KEYS_URL"] = urls["cases_keys"]
    # A generator's commit need not wait for the disk (a crash loses the
    # last moments, never the chain's order): most of a command's time was
    # waiting for PostgreSQL's flush of the WAL.
    os.environ["PGOPTIONS"] = os.environ.get("PGOPTIONS", "") + " -c synchronous_commit=off"
    os.environ["CASES_MASTER_KEY"] = stack.local_key(
        "CASES_MASTER_KEY", "cases-master.key", "cases: a local master key for personal data"
    )
    stack.create_stores()
    if _events_in(urls["coordination"]):
        raise SystemExit(f"the stores {prefix}_* hold events already: --fresh drops them first")
    return urls


def drop_stores(urls: dict[str, str]) -> None:
    import psycopg2

    admin = psycopg2.connect(stack.PG_ADMIN_URL)
    admin.autocommit = True
    with admin.cursor() as cur:
        for url in urls.values():
            database = urlsplit(url).path.lstrip("/")
            cur.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    admin.close()


def _events_in(url: str) -> bool:
    import psycopg2

    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT to_regclass('coordination_events') IS NOT NULL")
        if not cur.fetchone()[0]:
            return False
        cur.execute("SELECT EXISTS (SELECT 1 FROM coordination_events)")
        return bool(cur.fetchone()[0])


# -- one process per store and phase ---------------------------------------------------------
def phase(call: Callable[..., Any]) -> Callable[..., Any]:
    """A phase run in a process of its own: a domain error does not pickle
    back to the parent, so it comes back as its traceback's text."""

    @functools.wraps(call)
    def run(*args: Any) -> Any:
        try:
            return call(*args)
        except Exception:
            raise RuntimeError(traceback.format_exc()) from None

    return run


def _open(name: str) -> Any:
    """The service's application on its store and its ``Direct`` entrypoints."""
    from deploy.county_bus import Direct

    url = os.environ[f"{name.upper()}_STORE_URL"]
    if name == "coordination":
        from services.coordination.application import CoordinationApplication as App
        from services.coordination.service import CoordinationService as Service
    elif name == "cases":
        from services.cases.application import CasesApplication as App  # type: ignore[assignment]
        from services.cases.service import CasesService as Service  # type: ignore[assignment]
    elif name == "evaluations":
        from services.evaluations.application import (  # type: ignore[assignment]
            EvaluationsApplication as App,
        )
        from services.evaluations.service import (  # type: ignore[assignment]
            EvaluationsService as Service,
        )
    else:
        from services.notifications.application import (  # type: ignore[assignment]
            NotificationsApplication as App,
        )
        from services.notifications.service import (  # type: ignore[assignment]
            NotificationsService as Service,
        )
    return Direct(Service, App(url))


def _source(name: str) -> Any:
    """A store as the bus sees it: its application and published mapping."""
    from importlib import import_module

    from deploy.county_bus import Source

    direct = _open(name)
    mapping = import_module(f"services.{name}.published").publication_of
    return Source(name, direct.app, mapping)


def _forward(follower: Any, *sources: str) -> int:
    from deploy.county_bus import forward

    return sum(forward(_source(source), follower) for source in sources)


@phase
def registry_phase(sizes: Sizes) -> tuple[dict[str, str], dict[str, str]]:
    from deploy.county_work import register_county

    return register_county(_open("coordination"), build_county(sizes))


@phase
def cases_phase(
    sizes: Sizes, ids: dict[str, str], worker: int, workers: int
) -> dict[str, list[str]]:
    """This worker's share of the cases (every ``workers``-th), once the
    cases store has coordination's facts (``follow_phase``)."""
    from deploy.county_work import tell_case

    cases = _open("cases")
    county = build_county(sizes)
    pairs = {pair.technician.email: pair for pair in county.pairs}
    told: dict[str, list[str]] = {}
    for outline in case_outlines(county, sizes)[worker::workers]:
        case_id = tell_case(cases, outline, pairs[outline.technician], ids)
        told.setdefault(outline.technician, []).append(case_id)
    return told


@phase
def follow_phase(name: str, *sources: str) -> int:
    return _forward(_open(name), *sources)


@phase
def evaluations_phase(sizes: Sizes, ids: dict[str, str]) -> int:
    from deploy.county_work import evaluate

    evaluations = _open("evaluations")
    delivered = _forward(evaluations, "coordination")
    for pair in build_county(sizes).pairs:
        evaluate(evaluations, pair, ids)
    return delivered


@phase
def journal_phase(
    sizes: Sizes, ids: dict[str, str], contracts: dict[str, str], cases: dict[str, list[str]]
) -> int:
    from deploy.county_work import journal_and_tasks

    coordination = _open("coordination")
    _forward(coordination, "evaluations")
    return journal_and_tasks(coordination, build_county(sizes), ids, contracts, cases)


@phase
def heads() -> dict[str, int]:
    """Each store's events, the relay's position moved to the head, and the
    planner's statistics of the bulk just loaded (autovacuum would take
    them in time, where it is on; a county starts with them)."""
    import psycopg2

    stored = {name: _source(name).mark_delivered() for name in SERVICE_NAMES}
    for name in SERVICE_NAMES:
        conn = psycopg2.connect(os.environ[f"{name.upper()}_STORE_URL"])
        try:
            with conn, conn.cursor() as cursor:
                cursor.execute("ANALYZE")
        finally:
            conn.close()
    return stored


# -- the whole ------------------------------------------------------------------------------
def generate(sizes: Sizes, prefix: str, workers: int = 2, fresh: bool = False) -> dict[str, Any]:
    prepare(prefix, fresh)
    started = time.monotonic()
    timings: dict[str, float] = {}
    with ProcessPoolExecutor(max_workers=workers + 1, mp_context=get_context("spawn")) as pool:

        def timed(label: str, call: Callable[..., Any], *args: Any) -> Any:
            at = time.monotonic()
            result = call(*args)
            timings[label] = time.monotonic() - at
            print(f"  {label}: {timings[label]:.1f} s", flush=True)
            return result

        def wait(*futures: Future) -> list[Any]:
            return [f.result() for f in futures]

        ids, contracts = timed("registry", lambda: pool.submit(registry_phase, sizes).result())
        timed(
            "cases follow coordination",
            lambda: pool.submit(follow_phase, "cases", "coordination").result(),
        )

        def path() -> list[Any]:
            evaluating = pool.submit(evaluations_phase, sizes, ids)
            shares = [pool.submit(cases_phase, sizes, ids, w, workers) for w in range(workers)]
            return wait(*shares, evaluating)

        *shares, _ = timed("cases and evaluations", path)
        cases: dict[str, list[str]] = {}
        for share in shares:
            for email, case_ids in share.items():
                cases.setdefault(email, []).extend(case_ids)

        def follow() -> list[Any]:
            journal = pool.submit(journal_phase, sizes, ids, contracts, cases)
            notified = pool.submit(follow_phase, "notifications", "cases", "coordination")
            return wait(journal, notified)

        timed("journals, tasks; notifications follow", follow)
        timed(
            "notifications follow coordination",
            lambda: pool.submit(follow_phase, "notifications", "coordination").result(),
        )
        stored = pool.submit(heads).result()
    seconds = time.monotonic() - started
    total = sum(stored.values())
    return {"stored": stored, "seconds": seconds, "events_per_second": total / seconds}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="county_data", description=__doc__.split("\n\n")[0])
    defaults = Sizes()
    parser.add_argument("--prefix", default="coordonare", help="stores <prefix>_<service>")
    parser.add_argument("--municipalities", type=int, default=defaults.municipalities)
    parser.add_argument("--staff", type=int, default=defaults.staff)
    parser.add_argument("--cases", type=int, default=defaults.cases)
    parser.add_argument(
        "--reports", type=int, default=defaults.documents_per_case, help="per case in intervention"
    )
    # two: as many as the cores of the machine measured (4 were slower: each
    # writer also catches its views up on what the others wrote)
    parser.add_argument("--workers", type=int, default=2, help="writers of the cases store")
    parser.add_argument("--fresh", action="store_true", help="drop the stores first")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    sizes = Sizes(args.municipalities, args.staff, args.cases, args.reports)
    print(
        f"county: {sizes.municipalities} municipalities, {sizes.technicians} technicians, "
        f"{sizes.social_workers} social workers, {sizes.cases} cases -> stores {args.prefix}_*",
        flush=True,
    )
    result = generate(sizes, args.prefix, args.workers, args.fresh)
    for name, count in result["stored"].items():
        print(f"  {name:<14} {count:>10,} events")
    total = sum(result["stored"].values())
    print(
        f"county: {total:,} events in {result['seconds']:.0f} s "
        f"({result['events_per_second']:.0f} events/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
