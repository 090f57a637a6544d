"""R5 kept true (principle 9) through the real broker and databases: when a
change of the registry leaves a contract in force without the experience
the technician's beneficiaries need, the SPAS head who signs the contracts
hears of it at once, by inbox and e-mail, with what is missing and the
proposal; flagged again after it was cleared, they hear of it again."""

from __future__ import annotations

from tests.support.registry import ADMIN
from tests.support.waiting import eventually

KIND = "experience_mismatch_flagged"


def flags(world: dict, actor: dict) -> list[dict]:
    return [n for n in world["notifications"].inbox(actor) if n["kind"] == KIND]


def test_a_contract_short_of_experience_is_told_to_the_spas_head(notifying):
    world, coordination = notifying, notifying["rpc"].coordination
    tech, expert, contract = world["tech"], world["expert"], world["contract"]
    grown = ["disability_chronic_illness", "old_age"]
    coordination.change_categories(
        ADMIN, {"staff_id": tech["staff_id"], "beneficiary_categories": grown}
    )
    [told] = eventually(lambda: flags(world, world["head"]))
    assert told["subject"] == (
        f"Coordonatorul nu mai are experiența cerută (R5): contractul {contract['contract_id']}"
    )
    assert "vârstă înaintată" in told["text"] and "old age" in told["text"]
    assert told["link"].endswith(f"/contracts/{contract['contract_id']}")
    [mail] = world["mailbox"].wait_for(1)
    assert mail.to == [world["emails"][world["head"]["id"]]]
    assert flags(world, world["expert_actor"]) == [] and flags(world, world["tech_actor"]) == []

    # cleared by widening the coordinator's experience, then short again
    coordination.change_experience(
        ADMIN, {"staff_id": expert["staff_id"], "experience_domains": grown}
    )
    coordination.change_categories(
        ADMIN, {"staff_id": tech["staff_id"], "beneficiary_categories": ["pregnancy"]}
    )
    again = eventually(
        lambda: len(flags(world, world["head"])) == 2 and flags(world, world["head"])
    )
    assert any("sarcină" in n["text"] for n in again)
