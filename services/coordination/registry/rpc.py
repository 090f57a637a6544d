"""RPC entrypoints of the registry (mixin of ``CoordinationService``):
commands declared with ``events.adapter.command``; queries open to any
authenticated staff member."""

from __future__ import annotations

from events.adapter import command, id_of
from events.nameko import rpc
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
    @rpc
    def get_municipality(self, actor: dict, siruta: str) -> dict:
        self._actor(actor)
        return self.app.get_municipality(str(siruta))

    @rpc
    def list_municipalities(self, actor: dict) -> list[dict]:
        self._actor(actor)
        return self.app.list_municipalities()

    @rpc
    def get_staff(self, actor: dict, staff_id: str) -> dict:
        self._actor(actor)
        return self.app.get_staff(self._uuid(staff_id, "staff_id"))

    @rpc
    def list_staff(
        self, actor: dict, municipality: str | None = None, role: str | None = None
    ) -> list[dict]:
        self._actor(actor)
        return self.app.list_staff(municipality=municipality, role=role)
