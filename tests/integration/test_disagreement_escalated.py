"""Case 3 of the guide's 4.6 with 4.4.3: a disagreement with an institution
that the case's team could not settle is escalated by the social worker one
level at a time, and each level hears of it — the SPAS head of the case's
municipality, then the county's staff — by inbox and e-mail, once each
however often the event is delivered, and without what it is about."""

from __future__ import annotations

from tests.support.casework import open_case
from tests.support.waiting import eventually

KIND = "disagreement_escalated"
SUMMARY = "Școala nu acceptă reînscrierea copilului."


def told(world: dict, actor: dict) -> list[dict]:
    return [n for n in world["notifications"].inbox(actor) if n["kind"] == KIND]


def test_case_3_an_escalated_disagreement_reaches_the_spas_head_then_the_county(notifying):
    world, tech, sw = notifying, notifying["tech_actor"], notifying["expert_actor"]
    head, county = world["head"], world["county_admin"]
    cases, case = world["cases"], open_case(notifying)
    recorded = cases.record_disagreement(
        tech,
        {
            "case_id": case["case_id"],
            "party": "institution",
            "institution": "Școala Gimnazială nr. 1",
            "summary": SUMMARY,
        },
    )
    key = {"disagreement_id": recorded["disagreement_id"], "reason": "Școala nu răspunde."}

    cases.escalate_disagreement(sw, key)
    [to_head] = eventually(lambda: told(world, head))
    assert to_head["case_id"] == case["case_id"]
    assert to_head["subject"] == f"Dezacord escaladat la șeful SPAS: cazul {case['case_id']}"
    assert SUMMARY not in to_head["text"] and "Școala" not in to_head["text"]
    assert told(world, county) == [] and told(world, sw) == []
    [mail] = world["mailbox"].wait_for(1)
    assert mail.to == [world["emails"][head["id"]]]

    cases.escalate_disagreement(sw, key)
    [to_county] = eventually(lambda: told(world, county))
    assert "DGASPC" in to_county["subject"]
    assert len(told(world, head)) == 1  # the head was told once, at their level
