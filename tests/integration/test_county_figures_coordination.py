"""The county's consolidated report (instrument G), coordination side,
through RPC on the real broker and database: last month one contract had
38 journal hours and another 40 (R6), a technician works with no contract
at all (R1), and Turda has no coordination yet. The county sees every
municipality; a SPAS head sees their own; nobody else sees any — and no id
or name is in the figures."""

from datetime import date, timedelta

import pytest
from nameko.exceptions import RemoteError

from tests.support.calendar import QUIET, local_day
from tests.support.county import activate, draft
from tests.support.registry import ADMIN, AUDITOR, TECHNICIAN, TURDA

TODAY = local_day(QUIET)  # the stories' clock (the county fixture runs at QUIET)


def month_start(months_back: int) -> date:
    year, month = divmod(TODAY.year * 12 + TODAY.month - 1 - months_back, 12)
    return date(year, month + 1, 1)


# Begun three months ago: last month is whole, over and fully covered.
STARTS_ON, LAST_MONTH = month_start(3), month_start(1)
TERM = {"starts_on": STARTS_ON.isoformat(), "ends_on": (TODAY + timedelta(days=365)).isoformat()}
MONTH = LAST_MONTH.isoformat()[:7]


def refused(call, *args):
    with pytest.raises(RemoteError) as error:
        call(*args)
    return error.value


def technician(rpc, email: str, municipality: str = "54975") -> dict:
    return rpc.register_staff(
        ADMIN,
        TECHNICIAN.command(
            email=email,
            full_name="Tehnician",
            municipality=municipality,
            beneficiary_categories=["disability_chronic_illness"],
        ),
    )


def keep_journal(county, contract, minutes: list[int]) -> None:
    for day, length in enumerate(minutes, start=1):
        county["rpc"].record_journal_entry(
            county["expert_actor"],
            {
                "contract_id": contract["contract_id"],
                "occurred_on": LAST_MONTH.replace(day=day).isoformat(),
                "minutes": length,
                "channel": "in_person",
                "kind": "meeting",
            },
        )


@pytest.fixture
def figures_county(county):
    """Cluj: 38 h last month on the first technician's contract, 40 h on the
    second's, a third technician without a contract. Turda: one technician,
    no contract."""
    rpc = county["rpc"]
    short = activate(county, contract=draft(county, county["expert"], **TERM))
    second = technician(rpc, "ana.ilie@primaria-cluj.ro")
    enough = activate(
        county,
        contract=draft(county, county["expert"], technician_id=second["staff_id"], **TERM),
    )
    technician(rpc, "fara.contract@primaria-cluj.ro")
    rpc.register_municipality(ADMIN, TURDA.command())
    technician(rpc, "maria@primaria-turda.ro", "55259")
    keep_journal(county, short, [600, 600, 600, 480])  # 38 h
    keep_journal(county, enough, [600, 600, 600, 600])  # 40 h
    return county | {"short": short, "enough": enough}


def test_r6_hours_and_r1_technicians_per_municipality_for_the_county(figures_county):
    rpc = figures_county["rpc"]
    figures = rpc.county_figures(ADMIN, MONTH)
    assert figures["month"] == MONTH
    assert sorted(figures["municipalities"]) == ["54975", "55259"]
    cluj, turda = figures["municipalities"]["54975"], figures["municipalities"]["55259"]
    assert cluj == {
        "coordination_hours": {
            "contracts_in_force": 2,
            "compliant": 1,
            "below": 1,
            "partial": 0,
            "total_hours": 78.0,
            "lowest_hours": 38.0,
        },
        "technicians": {"registered": 3, "without_active_contract": 1},
    }
    assert turda["coordination_hours"]["contracts_in_force"] == 0
    assert turda["coordination_hours"]["lowest_hours"] is None
    assert turda["technicians"] == {"registered": 1, "without_active_contract": 1}
    assert rpc.county_figures(AUDITOR, MONTH) == figures
    text = str(figures)
    assert figures_county["tech"]["staff_id"] not in text
    assert figures_county["short"]["contract_id"] not in text and "Rus" not in text

    # An ended contract still answers for the months it was in force; its
    # technician is now one more without coordination.
    rpc.terminate_contract(
        figures_county["head"],
        {"contract_id": figures_county["enough"]["contract_id"], "reason": "by_agreement"},
    )
    after = rpc.county_figures(ADMIN, MONTH)["municipalities"]["54975"]
    assert after["coordination_hours"] == cluj["coordination_hours"]
    assert after["technicians"] == {"registered": 3, "without_active_contract": 2}


def test_a_spas_head_reads_their_own_municipality_and_nobody_else_reads_any(figures_county):
    rpc, head = figures_county["rpc"], figures_county["head"]
    whole = rpc.county_figures(ADMIN, MONTH)["municipalities"]
    assert rpc.county_figures(head, MONTH)["municipalities"] == {"54975": whole["54975"]}
    assert rpc.county_figures(ADMIN, MONTH, "55259")["municipalities"].keys() == {"55259"}
    assert refused(rpc.county_figures, head, MONTH, "55259").exc_type == "ContractReadDenied"
    for actor in (figures_county["tech_actor"], figures_county["expert_actor"]):
        assert refused(rpc.county_figures, actor, MONTH).exc_type == "ContractReadDenied"


def test_a_bad_or_future_month_names_the_field(figures_county):
    rpc = figures_county["rpc"]
    following = (TODAY.replace(day=28) + timedelta(days=7)).isoformat()[:7]
    for month in ("2026-13", "luna trecută", following):
        error = refused(rpc.county_figures, ADMIN, month)
        assert error.exc_type == "InvalidMonth" and "month" in error.value
