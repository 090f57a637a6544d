"""The one way a test waits for something that happens a moment later: an
event consumed, a service started, a mail delivered. ``eventually`` polls
instead of sleeping a fixed time, so a quick machine is not made to wait and
a slow one is given the whole timeout."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(
    check: Callable[[], T],
    timeout: float = 20.0,
    *,
    every: float = 0.1,
    retrying: tuple[type[BaseException] | str, ...] = (),
    until: Callable[[T], object] = bool,
    message: str | Callable[[], str] = "never happened",
) -> T:
    """Calls ``check`` until ``until`` accepts its answer (by default: until
    the answer is truthy) and returns that answer; AssertionError with
    ``message`` once ``timeout`` seconds have passed.

    ``retrying`` names what ``check`` may raise while the thing has not
    happened yet: exception classes (``UnknownService`` while a service is
    starting), or the ``exc_type`` of a nameko ``RemoteError``
    (``"ActorNotRegistered"`` while a service has not yet heard of someone).
    Anything else it raises, or one of those raised after the timeout, is
    raised as it is."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = check()
        except Exception as error:
            if not _not_yet(error, retrying) or time.monotonic() > deadline:
                raise
        else:
            if until(found):
                return found
            assert time.monotonic() < deadline, message if isinstance(message, str) else message()
        # Looked up at each call: once eventlet has patched the process (all
        # but the browser stories' run), this sleep yields to the services.
        time.sleep(every)


def _not_yet(error: Exception, retrying: tuple[type[BaseException] | str, ...]) -> bool:
    return any(
        getattr(error, "exc_type", None) == expected
        if isinstance(expected, str)
        else isinstance(error, expected)
        for expected in retrying
    )
