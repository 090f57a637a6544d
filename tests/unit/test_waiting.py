"""The tests' one waiting helper: what it returns, what it lets pass while
the thing has not happened yet, and how it gives up."""

import pytest
from nameko.exceptions import RemoteError

from tests.support.waiting import eventually


def answers(*values):
    """A check answering each value in turn (raising those that are errors)."""
    pending = list(values)

    def check():
        value = pending.pop(0)
        if isinstance(value, Exception):
            raise value
        return value

    return check


def test_returns_the_first_truthy_answer():
    assert eventually(answers(None, [], {"id": 1}), every=0) == {"id": 1}


def test_until_decides_what_counts_as_done():
    assert eventually(answers(1, 2, 3), every=0, until=lambda n: n >= 2) == 2
    assert eventually(answers([]), every=0, until=lambda _: True) == []


def test_retries_the_named_errors_and_raises_the_others():
    not_yet = RemoteError("ActorNotRegistered", "not yet")
    found = eventually(
        answers(not_yet, ConnectionError(), "known"),
        every=0,
        retrying=("ActorNotRegistered", ConnectionError),
    )
    assert found == "known"
    with pytest.raises(RemoteError) as other:
        eventually(
            answers(RemoteError("Forbidden", "no")), every=0, retrying=("ActorNotRegistered",)
        )
    assert other.value.exc_type == "Forbidden"


def test_gives_up_with_the_message_after_the_timeout():
    with pytest.raises(AssertionError, match="received 0 of 2"):
        eventually(lambda: False, 0.05, every=0.01, message=lambda: "received 0 of 2")
    with pytest.raises(RemoteError):  # a retried error, past the timeout, is raised as it is
        eventually(
            answers(*[RemoteError("NoActiveCoordination")] * 100),
            0.05,
            every=0.01,
            retrying=("NoActiveCoordination",),
        )
