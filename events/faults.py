"""Fault points for the crash tests: ``COORDONARE_FAULT=<point>`` makes the
process die with SIGKILL there, as a power cut would. Unset in production."""

from __future__ import annotations

import os
import signal


def point(name: str) -> None:
    if os.environ.get("COORDONARE_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
