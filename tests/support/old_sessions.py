"""A feedback session as the evaluations service recorded it before sessions
became coordination journal entries (issue 20 item 3): its two stored events,
made as that version made them, for the stories that show they still load,
count and publish."""

from uuid import uuid4

from events.team import Coordination, Team
from services.evaluations.monitoring import FeedbackSession


def session_recorded_before(
    coordinator: Team, technician: Team, coordination: Coordination, held_on: str, minutes: int
) -> FeedbackSession:
    session = FeedbackSession._create(
        FeedbackSession.Held,
        id=uuid4(),
        contract_id=coordination.contract_id,
        technician_id=coordination.technician_id,
        coordinator_id=coordinator.id,
        municipality=coordination.municipality,
        held_on=held_on,
        minutes=minutes,
        channel="video",
        topics=["termene"],
        strengths="",
        improvements="",
        agreed_actions=["fișa în 24 h"],
        **coordinator.actor.event_fields(),
    )
    said = technician.actor.event_fields()
    session.trigger_event(FeedbackSession.Commented, comment="util", **said)
    return session
