"""Registry data the stories share: a county admin, Cluj-Napoca, a technician."""

from events.actor import Actor

ADMIN = {"id": "admin-1", "role": "county_admin"}
ADMIN_ACTOR = Actor("admin-1", "county_admin")
CLUJ = {"siruta": "54975", "name": "Cluj-Napoca", "county": "Cluj"}
TECHNICIAN = {
    "email": "ion.rus@primaria-cluj.ro",
    "full_name": "Ion Rus",
    "role": "technician",
    "municipality": "54975",
    "beneficiary_categories": ["school_dropout_risk", "poverty"],
}


def register_technicians(app, count: int) -> list[str]:
    """Cluj-Napoca and ``count`` technicians, straight through the application."""
    app.register_municipality(ADMIN_ACTOR, **CLUJ)
    return [
        app.register_staff(
            ADMIN_ACTOR,
            **TECHNICIAN | {"email": f"tehnician{i}@primaria-cluj.ro", "full_name": f"T {i}"},
        )["staff_id"]
        for i in range(count)
    ]
