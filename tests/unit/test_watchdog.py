"""The suite's watchdog (tests/support/watchdog.py): a story that hangs
fails on its own and says where it waited, and the run goes on."""

from __future__ import annotations

import pytest
from eventlet.event import Event

from tests.support.watchdog import StoryHung, watched


def test_a_story_that_hangs_fails_alone_and_says_where_it_waits(capsys):
    never = Event()
    hung = pytest.raises(StoryHung, match="the story still running after 0 s")
    with hung, watched("the story", limit=0.2):
        never.wait()
    printed = capsys.readouterr().err
    assert "the stack of every greenlet" in printed
    assert "never.wait()" in printed  # where the story waited


def test_a_story_that_ends_in_time_is_left_alone():
    with watched("the story", limit=0.5):
        pass
    Event().wait(timeout=1.0)  # past the limit: nothing is raised later
