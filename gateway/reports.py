"""The county's consolidated report (guide 3.2, instrument G): the cases and
coordination services each count their part per municipality, in their own
store and under their own scope rules; the gateway puts the two side by
side, with the municipality's name. Aggregates only: no person is named."""

from __future__ import annotations

from typing import Any

from gateway.api import Gateway
from gateway.auth import Principal
from gateway.route import Route


def county_report(
    gateway: Gateway, route: Route, who: Principal | None, args: dict[str, Any]
) -> dict[str, Any]:
    assert who is not None  # not a public route: the gateway verified the token
    month, actor = args["month"], who.actor()
    asked = {"month": month, "municipality": args.get("municipality")}
    # both services count at once
    cases = gateway.call("cases", "county_figures", actor, asked, command=False)
    coordination = gateway.call("coordination", "county_figures", actor, asked, command=False)
    names = {
        m["siruta"]: m["name"]
        for m in gateway.ask("coordination", "list_municipalities", actor, {})
    }
    per_service = {
        part: gateway.answer(route, outcome)["municipalities"]
        for part, outcome in (("cases", cases), ("coordination", coordination))
    }
    sirutas = sorted(set(per_service["cases"]) | set(per_service["coordination"]))
    return {
        "month": month,
        "municipalities": [
            {
                "siruta": siruta,
                "name": names.get(siruta, ""),
                **{part: figures.get(siruta) for part, figures in per_service.items()},
            }
            for siruta in sirutas
        ],
    }
