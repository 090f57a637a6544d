"""How a routine subscription batches (``events.config.Batching``): while
events keep coming, a batch waits its linger for more, so one transaction
serves many; after a quiet spell an event is taken at once."""

import pytest

from events.config import Batching

ROUTINE = Batching(50, 0.1)  # as the notifications service follows the cases


def test_under_a_steady_flow_a_batch_waits_its_linger_for_more():
    # its first event came 30 ms after the last batch was taken
    assert ROUTINE.deadline(now=100.03, last_taken=100.0) == pytest.approx(100.13)


def test_after_a_quiet_spell_an_event_is_taken_at_once():
    assert ROUTINE.deadline(now=105.0, last_taken=100.0) == 105.0
    assert ROUTINE.deadline(now=100.0, last_taken=-float("inf")) == 100.0  # the first of all


def test_with_no_linger_nothing_waits():
    assert Batching(50, 0.0).deadline(now=100.0, last_taken=100.0) == 100.0


def test_the_environment_sets_a_routine_linger_and_leaves_an_urgent_subscription_alone(
    monkeypatch,
):
    monkeypatch.setenv("CONSUME_LINGER_SECONDS", "0")
    assert Batching.from_env(ROUTINE) == Batching(50, 0.0)
    monkeypatch.setenv("CONSUME_LINGER_SECONDS", "5")
    assert Batching.from_env(Batching(1, 0.0)) == Batching(1, 0.0)
