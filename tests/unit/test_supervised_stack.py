"""One failure stays one failure (issue 18): ``make run``'s supervisor
starts again a process that died, after a pause that grows while it keeps
dying young, and leaves the others running. Real processes."""

from __future__ import annotations

import subprocess
import sys
import time

from deploy.supervise import Supervisor


def python(code: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", code])


def until(condition, seconds: float = 10) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not in time"
        time.sleep(0.02)


def test_a_process_that_dies_comes_back_and_the_others_keep_running() -> None:
    said: list[str] = []
    supervisor = Supervisor(first_pause=0.05, longest_pause=0.2, say=said.append)
    steady = supervisor.add("cases", lambda: python("import time; time.sleep(60)"))
    crashing = supervisor.add("notifications", lambda: python("raise SystemExit(3)"))
    assert steady.process is not None
    pid = steady.process.pid
    try:
        until(lambda: (supervisor.tick(), crashing.restarts >= 4)[1])
        assert steady.running and steady.process.pid == pid and steady.restarts == 0
        assert crashing.exits[:4] == [3, 3, 3, 3]
        # dying young, it waits longer each time, up to the longest pause
        assert [s.split(" in ")[1] for s in said[:4]] == ["0.05 s", "0.1 s", "0.2 s", "0.2 s"]
        assert said[0] == "notifications exited with 3; starting it again in 0.05 s"
    finally:
        for child in supervisor.children:
            if child.process is not None and child.process.poll() is None:
                child.process.kill()
                child.process.wait()


def test_a_process_that_ran_long_enough_starts_again_at_once() -> None:
    supervisor = Supervisor(first_pause=0.05, longest_pause=5, steady_after=0.3, say=lambda _: None)
    child = supervisor.add("gateway", lambda: python("raise SystemExit(1)"))
    until(lambda: (supervisor.tick(), child.restarts >= 2)[1])
    assert child.pause == 0.1  # two young deaths in a row: doubled
    child.start = lambda: python("import time; time.sleep(0.5)")  # now it runs a while
    until(lambda: (supervisor.tick(), child.restarts >= 3)[1])
    until(lambda: (supervisor.tick(), len(child.exits) >= 4)[1])
    assert child.pause == 0.05  # back to the first pause after a steady run
    if child.process is not None and child.process.poll() is None:
        child.process.kill()
