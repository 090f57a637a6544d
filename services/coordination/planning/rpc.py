"""RPC entrypoints of the coordination plan (instrument C) and journal
(instrument D.3); mixin of ``CoordinationService``. A command is one
``command(...)`` declaration (``events.adapter``): the verified actor, the
command checked against its contract, one application call, plain data
back; a query is one ``query(...)`` declaration."""

from __future__ import annotations

from typing import Any

from events.adapter import command, id_of, query, uuid_arg
from events.errors import InvalidCommand
from services.coordination.rpc_base import CoordinationRpc

ENTRY_DETAILS = (
    "participant_ids",
    "external_roles",
    "case_ids",
    "situations",
    "decisions",
    "recommendations",
    "follow_ups",
    "strengths",
    "improvements",
)


def _plan_version(value: Any) -> int | None:
    """A query's argument, so no command schema checks it."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidCommand(f"a plan version is 1 or more, not {value!r}", field="version")
    return value


class PlanJournalRpc(CoordinationRpc):
    # -- plan (instrument C) ----------------------------------------------------
    draw_up_plan = command(
        "draw_up_plan",
        lambda app, actor, c: app.draw_up_plan(
            actor, id_of(c, "contract_id"), **{k: v for k, v in c.items() if k != "contract_id"}
        ),
    )
    revise_plan = command(
        "revise_plan",
        lambda app, actor, c: app.revise_plan(
            actor, id_of(c, "contract_id"), c["changes"], c.get("based_on_version")
        ),
    )

    get_plan = query(
        "get_plan",
        lambda app, actor, contract_id, version=None: app.get_plan(
            actor, uuid_arg(contract_id, "contract_id"), _plan_version(version)
        ),
    )
    plan_versions = query(
        "plan_versions",
        lambda app, actor, contract_id: app.plan_versions(
            actor, uuid_arg(contract_id, "contract_id")
        ),
    )

    # -- journal (instrument D.3) -----------------------------------------------
    record_journal_entry = command(
        "record_journal_entry",
        lambda app, actor, c: app.record_journal_entry(
            actor,
            id_of(c, "contract_id"),
            c["occurred_on"],
            c["minutes"],
            c["channel"],
            c["kind"],
            **{k: c[k] for k in ENTRY_DETAILS if k in c},
        ),
    )
    withdraw_journal_entry = command(
        "withdraw_journal_entry",
        lambda app, actor, c: app.withdraw_journal_entry(
            actor, id_of(c, "contract_id"), c["month"], id_of(c, "entry_id"), c["reason"]
        ),
    )
    comment_journal_entry = command(
        "comment_journal_entry",
        lambda app, actor, c: app.comment_journal_entry(
            actor, id_of(c, "contract_id"), c["month"], id_of(c, "entry_id"), c["comment"]
        ),
    )

    journal_entries = query(
        "journal_entries",
        lambda app, actor, contract_id, month: app.journal_entries(
            actor, uuid_arg(contract_id, "contract_id"), month
        ),
    )

    # -- R6 ---------------------------------------------------------------------
    # Journal hours of one month against the contract's hours.
    coordination_hours = query(
        "coordination_hours",
        lambda app, actor, contract_id, month: app.coordination_hours(
            actor, uuid_arg(contract_id, "contract_id"), month
        ),
    )
    # Every month of the contract so far, each with its R6 compliance.
    coordination_months = query(
        "coordination_months",
        lambda app, actor, contract_id: app.coordination_months(
            actor, uuid_arg(contract_id, "contract_id")
        ),
    )
    # R6 for one month of each contract the coordinator has today.
    hours_of_coordinator = query(
        "hours_of_coordinator",
        lambda app, actor, coordinator_id, month, below_only=False: app.hours_of_coordinator(
            actor, uuid_arg(coordinator_id, "coordinator_id"), month, bool(below_only)
        ),
    )
