"""A story that hangs fails on its own, saying where everything waits,
instead of holding the whole run until CI kills it at 90 minutes with
nothing said (which is how one hang in the calendar sweep was first seen).

Past ``STORY_LIMIT_SECONDS`` (default 600: the slowest story takes about
200 s) the stacks of every greenlet are printed to stderr and ``StoryHung``
is raised in the story's greenlet wherever it waits (an RPC reply, a
container stopping). That works because the services run in-process on
the same eventlet hub: a story waits cooperatively. A hub that cannot run
at all (a busy loop, a call that blocks the process) is left to pytest's
``faulthandler_timeout`` (pyproject.toml): a C thread that needs no hub
prints every thread's stack a minute later."""

from __future__ import annotations

import gc
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

import greenlet
from eventlet import hubs

LIMIT = float(os.environ.get("STORY_LIMIT_SECONDS", "600"))


class StoryHung(BaseException):
    """BaseException, like eventlet's Timeout: an ``except Exception`` on
    the way must not swallow it."""


def print_greenlets(title: str) -> None:
    print(f"\n===== {title}: the stack of every greenlet =====", file=sys.stderr)
    for found in gc.get_objects():
        if isinstance(found, greenlet.greenlet) and found.gr_frame is not None:
            print(f"--- {found!r}", file=sys.stderr)
            traceback.print_stack(found.gr_frame, file=sys.stderr)
    print("===== end of the stacks =====", file=sys.stderr, flush=True)


@contextmanager
def watched(name: str, limit: float = LIMIT) -> Iterator[None]:
    """Runs a story's setup, call and teardown under the watch."""
    story = greenlet.getcurrent()

    def hung() -> None:  # in the hub's greenlet: the story's is waiting
        print_greenlets(f"{name} still running after {limit:.0f} s")
        story.throw(StoryHung(f"{name} still running after {limit:.0f} s (stacks on stderr)"))

    timer = hubs.get_hub().schedule_call_global(limit, hung)
    try:
        yield
    finally:
        timer.cancel()
