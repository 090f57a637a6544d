"""Unit stories run in-process only, so each runs at the quiet moment of
``tests.support.calendar`` (``clock``): none depends on the day the suite
runs. A story about a particular moment moves the clock itself or passes
the moment to the code it tests."""

from collections.abc import Iterator

import pytest
import time_machine


@pytest.fixture(autouse=True)
def _story_clock(clock: time_machine.Traveller) -> Iterator[time_machine.Traveller]:
    yield clock
