"""The local stack's processes kept running (issue 18): one failure stays
one failure. A process that exits is started again after a pause, which
doubles each time it dies young (1 s, 2 s, 4 s … at most 30 s) and is back to
the first once it has run a minute; the others keep serving meanwhile. What
is in flight is not lost: a command waits in its RPC queue and an event in
its subscription queue until the process is back.

In Kubernetes the kubelet does this (``k8s/``: ``restartPolicy`` and the
probes); ``deploy/stack.py`` uses this module for ``make run``.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Child:
    """One supervised process: how to start it, and its life so far."""

    name: str
    start: Callable[[], subprocess.Popen[bytes]]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    pause: float = 0.0  # before the next start, once it exited
    due: float | None = None  # when it starts again
    restarts: int = 0
    exits: list[int] = field(default_factory=list)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


class Supervisor:
    def __init__(
        self,
        *,
        first_pause: float = 1.0,
        longest_pause: float = 30.0,
        steady_after: float = 60.0,
        say: Callable[[str], None] = print,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.children: list[Child] = []
        self.first_pause, self.longest_pause = first_pause, longest_pause
        self.steady_after, self.say, self.clock = steady_after, say, clock

    def add(self, name: str, start: Callable[[], subprocess.Popen[bytes]]) -> Child:
        """Starts the process now, and keeps it running from now on."""
        child = Child(name, start)
        self._start(child)
        self.children.append(child)
        return child

    def tick(self) -> None:
        """Notes the processes that exited, and starts those whose pause is over."""
        now = self.clock()
        for child in self.children:
            if child.due is not None:
                if now >= child.due:
                    child.restarts += 1
                    self._start(child)
                continue
            assert child.process is not None
            code = child.process.poll()
            if code is None:
                continue
            child.exits.append(code)
            young = now - child.started_at < self.steady_after
            child.pause = (
                min(child.pause * 2, self.longest_pause)
                if young and child.pause
                else self.first_pause
            )
            child.due = now + child.pause
            self.say(f"{child.name} exited with {code}; starting it again in {child.pause:g} s")

    def run(self, stopping: Callable[[], bool], every: float = 0.2) -> None:
        """Supervises until ``stopping()``."""
        while not stopping():
            self.tick()
            time.sleep(every)

    def _start(self, child: Child) -> None:
        child.process, child.started_at, child.due = child.start(), self.clock(), None
