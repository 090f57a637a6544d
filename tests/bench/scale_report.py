"""What the scale benchmark prints: each measurement per command, the floors
and the aims beside them, and the table of figures against history's size.
Aims are printed against, never asserted."""

from __future__ import annotations

from tests.bench.scale_measure import PerCommand, cores
from tests.bench.support import section, show

AIM_STACK_MS = 8.0  # stack CPU per gateway command
AIM_FLOOR_RATIO = 2.0  # the command's CPU against its floor's
AIM_THROUGHPUT = 250.0  # commands/s
AIM_P99 = 300.0  # ms
AIM_FLAT = 0.2  # ±, the largest history's figure against the smallest's
SMALL_MS = 0.5  # CPU per command below which a process's ratio is noise


def joined(figures: dict[str, float], digits: int = 1) -> str:
    return ", ".join(f"{k} {v:,.{digits}f}" for k, v in figures.items())


def per_command(figures: PerCommand) -> None:
    """One measurement, per successful command."""
    show("commands", figures.throughput, "cmds/s", f"{figures.completed:,} succeeded in all")
    show("p50", figures.p50, "ms")
    show("p99", figures.p99, "ms")
    show("errors", sum(figures.errors.values()), "", "non-2xx or failed, warm-up included")
    for error, count in sorted(figures.errors.items()):
        print(f"    {count:,} × {error}: {figures.examples.get(error, '')}", flush=True)
    used = {k: v for k, v in figures.cpu.items() if k not in ("machine", "client") and v >= 0.05}
    print(
        f"    CPU per command, ms: {joined(used)}; stack {figures.stack_ms:.1f}"
        f" (client {figures.cpu['client']:.1f}); other processes of the machine used"
        f" {figures.others:.0f} % of a core in the window",
        flush=True,
    )
    print(
        f"    PostgreSQL per command: {figures.total('xacts'):.1f} transactions"
        f" ({joined(nonzero(figures.xacts)) or '-'}), {figures.total('returned'):,.0f} tuples"
        f" returned ({joined(nonzero(figures.returned), 0) or '-'}),"
        f" {figures.total('fetched'):,.0f} fetched",
        flush=True,
    )


def nonzero(figures: dict[str, float]) -> dict[str, float]:
    return {k: v for k, v in figures.items() if v >= 0.05}


def floors_and_aims(
    commands: dict[str, PerCommand], floors: dict[str, float], floor_xacts: dict[str, float]
) -> None:
    """Each command's CPU against its floor (what its parts cost alone, in
    this run) and against the issue's aims."""
    section("floors, measured in this run (CPU-ms of the stack per call or save):")
    show("echo RPC (nameko, does nothing)", floors["echo"], "ms")
    show("GET /me (the gateway hop, no RPC)", floors["hop"], "ms")
    show("raw save (plain eventsourcing)", floors["raw"], "ms", f"{floor_xacts['raw']:.1f} xacts")
    show(
        "chained save (events.recorder)",
        floors["chained"],
        "ms",
        f"{floor_xacts['chained']:.1f} xacts",
    )
    bases = {
        "gateway command": ("echo", "chained", "hop"),
        "raw RPC command": ("echo", "chained"),
    }
    section("each command against its floor and the aims (printed, never asserted):")
    for label, figures in commands.items():
        parts = bases[label]
        floor = sum(floors[p] for p in parts)
        ratio = figures.stack_ms / floor
        show(
            f"{label}: stack CPU",
            figures.stack_ms,
            "ms",
            f"floor {floor:.1f} ms ({' + '.join(parts)}), {ratio:.1f}× it"
            f" (aim ≤ {AIM_FLOOR_RATIO:.0f}×: {verdict(ratio <= AIM_FLOOR_RATIO)})",
        )
        if label == "gateway command":
            show(
                "  against the aim",
                figures.stack_ms,
                "ms",
                f"aim ≤ {AIM_STACK_MS:.0f} ms: {verdict(figures.stack_ms <= AIM_STACK_MS)}",
            )
        ceiling = 1000 * cores() / figures.stack_ms
        show(
            "  commands/s",
            figures.throughput,
            "cmds/s",
            f"aim ≥ {AIM_THROUGHPUT:.0f}: {verdict(figures.throughput >= AIM_THROUGHPUT)};"
            f" {ceiling:,.0f} at most on {cores()} idle cores at this CPU",
        )
        show("  p99", figures.p99, "ms", f"aim ≤ {AIM_P99:.0f}: {verdict(figures.p99 <= AIM_P99)}")
        show("  PostgreSQL transactions", figures.total("xacts"), "", "aim ≤ 2")


def verdict(reached: bool) -> str:
    return "reached" if reached else "NOT reached"


def scale_table(results: dict[tuple[int, str], PerCommand], sizes: list[int]) -> None:
    """Every per-command figure at each size of history, and whether it
    stayed flat (the largest size's against the smallest's, within ±20 %)."""
    first, last = sizes[0], sizes[-1]
    heads = "".join(f"{human(s):>11}" for s in sizes)
    section(
        f"per command against stored events in each service's store ({human(last)}/{human(first)}):"
    )
    labels = sorted({label for _, label in results})
    for label in labels:
        print(f"  {label:<38}{heads}   ratio  flat ±{AIM_FLAT:.0%}?", flush=True)
        rows: dict[str, list[float]] = {}
        for size in sizes:
            figures = results[(size, label)]
            named = {
                "commands/s": figures.throughput,
                "p99, ms": figures.p99,
                "stack CPU, ms": figures.stack_ms,
                **{f"  CPU {k}, ms": v for k, v in figures.cpu.items() if k != "machine"},
                "PostgreSQL transactions": figures.total("xacts"),
                "PostgreSQL tuples returned": figures.total("returned"),
                "PostgreSQL tuples fetched": figures.total("fetched"),
            }
            for name, value in named.items():
                rows.setdefault(name, []).append(value)
        for name, values in rows.items():
            if max(values) < 0.05:
                continue  # a process this command never used
            ratio = values[-1] / values[0] if values[0] else float("inf")
            flat = "flat" if abs(ratio - 1) <= AIM_FLAT else "NOT flat"
            if name.endswith("ms") and max(values) < SMALL_MS:
                flat = "(too small to tell)"  # a tick of /proc is 10 ms
            cells = "".join(f"{v:>11,.1f}" for v in values)
            print(f"    {name:<36}{cells}   {ratio:5.2f}  {flat}", flush=True)


def human(size: int) -> str:
    exponent = len(str(size)) - 1
    return f"10^{exponent}" if size == 10**exponent else f"{size:,}"
