"""Fault points for the crash tests: ``COORDONARE_FAULT=<point>`` makes the
process die with SIGKILL there, as a power cut would. With
``COORDONARE_FAULT_ONCE=<file>`` it dies there once only, the first time,
and the file says so: a supervised process started again by itself then
goes on (issue 18). Unset in production."""

from __future__ import annotations

import os
import signal


def point(name: str) -> None:
    if os.environ.get("COORDONARE_FAULT") != name:
        return
    once = os.environ.get("COORDONARE_FAULT_ONCE")
    if once:
        try:
            os.close(os.open(once, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return  # it has died here already
    os.kill(os.getpid(), signal.SIGKILL)
