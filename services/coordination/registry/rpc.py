"""RPC entrypoints of the registry (mixin of ``CoordinationService``):
commands and queries declared with ``events.adapter``; the queries are open
to any authenticated staff member."""

from __future__ import annotations

from events.adapter import command, id_of, query, uuid_arg
from services.coordination.rpc_base import CoordinationRpc


class RegistryRpc(CoordinationRpc):
    register_municipality = command(
        "register_municipality", lambda app, actor, c: app.register_municipality(actor, **c)
    )
    register_staff = command("register_staff", lambda app, actor, c: app.register_staff(actor, **c))
    change_experience = command(
        "change_experience",
        lambda app, actor, c: app.change_experience(
            actor, id_of(c, "staff_id"), c["experience_domains"]
        ),
    )
    change_categories = command(
        "change_categories",
        lambda app, actor, c: app.change_categories(
            actor, id_of(c, "staff_id"), c["beneficiary_categories"]
        ),
    )
    record_licensing = command(
        "record_licensing",
        lambda app, actor, c: app.record_licensing(
            actor, id_of(c, "staff_id"), c["rnasr_code"], c["experience_domains"]
        ),
    )
    transfer_staff = command(
        "transfer_staff",
        lambda app, actor, c: app.transfer_staff(actor, id_of(c, "staff_id"), c["municipality"]),
    )
    record_departure = command(
        "record_departure",
        lambda app, actor, c: app.record_departure(
            actor, id_of(c, "staff_id"), c["reason"], c.get("note", "")
        ),
    )

    # -- queries ------------------------------------------------------------------
    get_municipality = query(
        "get_municipality", lambda app, actor, siruta: app.get_municipality(str(siruta))
    )
    list_municipalities = query("list_municipalities", lambda app, actor: app.list_municipalities())
    get_staff = query(
        "get_staff",
        lambda app, actor, staff_id: app.get_staff(uuid_arg(staff_id, "staff_id")),
        past=True,
    )
    list_staff = query(
        "list_staff",
        lambda app, actor, municipality=None, role=None: app.list_staff(
            municipality=municipality, role=role
        ),
    )
