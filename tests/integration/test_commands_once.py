"""A command takes effect once (issue 18, ``events.commands``): the same
command arriving again under its id — nameko redelivering an RPC whose
answer was lost, the gateway sending it again when the first answer never
came — gets the first outcome back, and nothing is stored twice. On the real
broker and PostgreSQL, the services in process."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from nameko.exceptions import RemoteError

from tests.support.casework import Casework, referral


def stored(casework: Casework) -> int:
    engine = sa.create_engine(casework["cases_store"])
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM cases_events")).scalar_one())
    finally:
        engine.dispose()


def refer(casework: Casework, command_id: str, actor: dict[str, Any] | None = None) -> Any:
    method = casework["cases"].refer_case.as_command(command_id)
    return method(actor or casework["tech_actor"], referral(casework))


def test_a_referral_sent_twice_under_one_id_is_one_case(casework: Casework) -> None:
    """The technician's phone sent the referral, lost the answer, and sent it
    again: the second answer is the first, and one case exists."""
    first = refer(casework, "6f1c0a52-5d7e-4c4b-9d8e-3f0a2b1c4d5e")
    before = stored(casework)
    again = refer(casework, "6f1c0a52-5d7e-4c4b-9d8e-3f0a2b1c4d5e")
    assert again == first
    assert stored(casework) == before
    other = refer(casework, "0b7e8f2a-1c3d-4e5f-8a9b-0c1d2e3f4a5b")
    assert other["case_id"] != first["case_id"]  # another command is another case


def test_a_refusal_is_the_outcome_of_its_command_too(casework: Casework) -> None:
    """A technician may not open a case (the social worker does): the same
    refused command again is refused in the same words, and the refusal is
    on record once."""
    cases, tech = casework["cases"], casework["tech_actor"]
    case = cases.refer_case(tech, referral(casework))
    opening = cases.open_case.as_command("2a4b6c8d-0e1f-4a3b-8c5d-7e9f1a2b3c4d")
    command = {"case_id": case["case_id"], "rationale": "Deschid eu cazul."}
    with pytest.raises(RemoteError) as first:
        opening(tech, command)
    before = stored(casework)
    with pytest.raises(RemoteError) as again:
        opening(tech, command)
    assert (again.value.exc_type, again.value.value) == (first.value.exc_type, first.value.value)
    assert stored(casework) == before  # no second refusal stored


def test_two_deliveries_at_once_store_one_case(casework: Casework) -> None:
    """A redelivery racing the first delivery: all answer the same case."""
    before = stored(casework)
    method = casework["cases"].refer_case.as_command("9c8b7a65-4321-4fed-8cba-987654321012")
    # sent together: the service runs them at once, on its workers
    replies = [method.call_async(casework["tech_actor"], referral(casework)) for _ in range(4)]
    answers = [reply.result() for reply in replies]
    assert all(answer == answers[0] for answer in answers)
    referred = stored(casework) - before
    assert referred == stored_by_one_referral(casework)


def stored_by_one_referral(casework: Casework) -> int:
    before = stored(casework)
    refer(casework, "5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c")
    return stored(casework) - before


def test_another_persons_command_id_is_refused(casework: Casework) -> None:
    """An id names one person's one command: someone else's call under it is
    refused, and does not learn that command's outcome."""
    refer(casework, "7d6c5b4a-3928-4716-a5f4-e3d2c1b0a987")
    with pytest.raises(RemoteError) as refused:
        refer(casework, "7d6c5b4a-3928-4716-a5f4-e3d2c1b0a987", casework["other_tech_actor"])
    assert refused.value.exc_type == "Conflict"
    assert "altă comandă" in refused.value.value
