"""Urgent-risk alerts on the real broker, database and an SMTP server, as
issue 6 tells it (guide 2.1 §2, 4.4.3): an abuse report nobody acknowledges
escalates exactly once to the SPAS head, then to the county; acknowledged in
time, it does not; a service killed inside the SLA window still escalates on
time; the same event twice is one alert; a mail server that is down gets the
mail once it is back; a webhook that fails or hangs delays nothing else."""

from datetime import UTC, datetime, time, timedelta

import pytest
from nameko.containers import ServiceContainer
from nameko.exceptions import RemoteError

from events.contracts import check_published
from services.notifications.service import NotificationsService
from tests.support.calendar import local_day
from tests.support.casework import ago, open_case
from tests.support.notifying import (
    advance,
    alert_of,
    inbox_kinds,
    report_abuse,
)
from tests.support.outside import OutsideSubscriber
from tests.support.waiting import eventually
from tests.support.webhook_sink import WebhookSink

SLA = 120  # minutes: suspected abuse, the guide's two hours


def refused(call, *args):
    with pytest.raises(RemoteError) as error:
        call(*args)
    return error.value


def course_mails(mailbox, risk, count):
    """The mails of one alert's course (raised, escalated), once ``count``
    of them arrived."""
    mails = [
        m
        for m in mailbox.received
        if risk["case_id"] in m.subject and m.subject.startswith(("URGENT", "ESCALADARE"))
    ]
    return mails if len(mails) >= count else None


def escalations(world, risk):
    return [e["to_role"] for e in alert_of(world, risk).get("escalations", [])]


def test_an_unacknowledged_abuse_report_escalates_once_to_the_head_then_the_county(notifying):
    world, mailbox = notifying, notifying["mailbox"]
    outside = OutsideSubscriber(world["amqp_uri"], "ro.coordonare.notifications.#")
    try:
        risk = report_abuse(world)
        alert = eventually(lambda: alert_of(world, risk))
        assert alert["status"] == "raised"
        sw = world["expert_actor"]
        assert eventually(lambda: inbox_kinds(world, sw)) == ["urgent_risk_alert"]
        [mail] = mailbox.wait_for(1)
        assert mail.to == [world["emails"][world["expert"]["staff_id"]]]
        assert mail.subject.startswith("URGENT: suspiciune de abuz")
        assert risk["case_id"] in mail.text and "Familia Popescu" not in mail.text

        advance(world, minutes=SLA - 5)
        assert escalations(world, risk) == []  # not yet due
        advance(world, minutes=10)
        eventually(lambda: escalations(world, risk) == ["spas_head"])
        assert "urgent_risk_escalation" in eventually(lambda: inbox_kinds(world, world["head"]))
        mailbox.wait_for(2)
        advance(world, minutes=SLA + 1)
        eventually(lambda: escalations(world, risk) == ["spas_head", "county_admin"])
        # the county's mail out before the clock jumps a day: a delivery still
        # in flight past its lease is tried again, as after a crash
        eventually(lambda: course_mails(mailbox, risk, 3))
        advance(world, minutes=10 * SLA)
        notifications = world["notifications"]
        notifications.run_timers(world["county_admin"])
        assert escalations(world, risk) == ["spas_head", "county_admin"]  # exactly once each
        # the alert and its two escalations, one mail each (a month-end
        # reminder, had the day crossed one, would be another story's mail)
        alert_mails = eventually(lambda: course_mails(mailbox, risk, 3))
        assert [m.subject.split(":")[0] for m in alert_mails] == [
            "URGENT",
            "ESCALADARE",
            "ESCALADARE",
        ]
        assert sorted(m.to[0] for m in alert_mails) == sorted(world["emails"].values())

        # the legal proof: raised, two escalations, every delivery, on the bus
        events = outside.receive(3 + 3 * 4)  # alert course + created/inbox/attempt/mail x3
        for event in events:
            check_published(event)
        kinds = [e["type"].split(".")[3] for e in events]
        assert kinds.count("AlertEscalated") == 2 and kinds.count("AlertRaised") == 1
    finally:
        outside.close()


def test_acknowledged_in_time_nothing_escalates(notifying):
    world = notifying
    risk = report_abuse(world)
    eventually(lambda: alert_of(world, risk))
    world["cases"].acknowledge_urgent_risk(world["expert_actor"], {"risk_id": risk["risk_id"]})
    acknowledged = eventually(
        lambda: alert_of(world, risk)["status"] == "acknowledged" and alert_of(world, risk)
    )
    assert acknowledged["acknowledged_by"] == world["expert"]["staff_id"]
    advance(world, minutes=3 * SLA)
    world["notifications"].run_timers(world["county_admin"])
    assert escalations(world, risk) == []
    assert inbox_kinds(world, world["head"]) == []


def test_killed_and_restarted_inside_the_window_it_still_escalates_on_time(notifying):
    world = notifying
    risk = report_abuse(world)
    eventually(lambda: alert_of(world, risk))
    containers = world["containers"]
    containers[0].kill()  # the notifications service dies inside the SLA window
    advance(world, minutes=SLA + 1)
    again = ServiceContainer(NotificationsService, world["config"])
    containers[0] = again
    again.start()
    eventually(lambda: escalations(world, risk) == ["spas_head"])
    world["notifications"].run_timers(world["county_admin"])
    assert escalations(world, risk) == ["spas_head"]


def test_the_same_event_delivered_twice_is_one_alert(notifying):
    world = notifying
    outside = OutsideSubscriber(world["amqp_uri"], "ro.coordonare.cases.UrgentRiskReported.*")
    try:
        risk = report_abuse(world)
        [reported] = outside.receive(1)
        eventually(lambda: alert_of(world, risk))
        outside.republish(reported)
        outside.republish(reported)
        # events of one queue are taken in order: once a later report has its
        # alert, both copies before it have been consumed
        later = report_abuse(world)
        eventually(lambda: alert_of(world, later))
        alerts = world["notifications"].alerts(world["auditor"])
        assert sorted(a["risk_id"] for a in alerts) == sorted([risk["risk_id"], later["risk_id"]])
        kinds = inbox_kinds(world, world["expert_actor"])
        assert kinds == ["urgent_risk_alert", "urgent_risk_alert"]
    finally:
        outside.close()


def test_with_the_mail_server_down_the_mail_is_retried_and_delivered_once(notifying):
    world, mailbox = notifying, notifying["mailbox"]
    mailbox.stop()
    report_abuse(world)
    sw = world["expert_actor"]
    [note] = eventually(lambda: world["notifications"].inbox(sw))
    failed = eventually(
        lambda: [
            d
            for d in world["notifications"].deliveries(sw, note["notification_id"])
            if d["event"] == "DeliveryFailed"
        ]
    )
    assert failed[0]["retry_at"] and "smtp" in failed[0]["reason"]
    mailbox.start()
    advance(world, minutes=5)
    [mail] = mailbox.wait_for(1, timeout=20)
    assert mail.message_id == f"<{note['notification_id']}@coordonare>"
    advance(world, minutes=60)  # well past every retry, still inside the SLA
    world["notifications"].run_timers(world["county_admin"])
    assert len(mailbox.received) == 1


def test_a_failing_or_hanging_webhook_is_recorded_and_delays_nothing_else(webhook_demo, notifying):
    world, mailbox = notifying, notifying["mailbox"]
    notifications, admin = world["notifications"], world["county_admin"]
    with WebhookSink("whsec_", status=500) as failing, WebhookSink("whsec_") as hanging:
        hanging.hang()
        for sink in (failing, hanging):
            registered = notifications.register_webhook(
                admin, {"name": "dispecerat", "url": sink.url, "kinds": ["urgent_risk_alert"]}
            )
            sink.secret = registered["secret"]
        report_abuse(world)
        mailbox.wait_for(1)  # the coordinator's mail is not held up by the webhooks
        failing.wait_for(1)
        hanging.wait_for(1)
        auditor = world["auditor"]  # follows every alert; the county, those escalated to it
        alert = eventually(lambda: notifications.alerts(auditor))[0]

        def webhook_failures():
            record = notifications.alert_record(auditor, alert["alert_id"])
            hooks = [n for n in record["notifications"] if n["recipient_role"] == "webhook"]
            failures = [
                [d for d in n["deliveries"] if d["event"] == "DeliveryFailed"] for n in hooks
            ]
            return len(hooks) == 2 and all(failures) and [f[0] for f in failures]

        reasons = sorted(d["reason"] for d in eventually(webhook_failures))
        assert any("500" in r for r in reasons) and any("no answer" in r for r in reasons)
        categories = sorted(d["category"] for d in eventually(webhook_failures))
        assert categories == ["timeout", "unavailable"]
        assert failing.received[0].verified and hanging.received[0].verified
        assert "Familia Popescu" not in str(failing.received[0].json)


def test_bad_acknowledgements_get_specific_errors(notifying):
    world = notifying
    notifications = world["notifications"]
    risk = report_abuse(world)
    alert = eventually(lambda: alert_of(world, risk))
    unknown = {"alert_id": "00000000-0000-0000-0000-000000000000"}
    assert refused(notifications.acknowledge_alert, world["expert_actor"], unknown).exc_type == (
        "UnknownAlert"
    )
    key = {"alert_id": alert["alert_id"]}
    assert refused(notifications.acknowledge_alert, world["head"], key).exc_type == "NotAlerted"
    notifications.acknowledge_alert(world["expert_actor"], key)
    assert refused(notifications.acknowledge_alert, world["expert_actor"], key).exc_type == (
        "AlertAlreadyAcknowledged"
    )


def test_a_38_hour_month_produces_the_coordination_hours_reminder(notifying):
    world = notifying
    today = local_day()  # the county's month is the one counted (R6)
    for day in range(5):  # 5 × 7 h 36 min = 38 hours this month
        world["rpc"].coordination.record_journal_entry(
            world["expert_actor"],
            {
                "contract_id": world["contract"]["contract_id"],
                "occurred_on": today.replace(day=1 + day).isoformat()
                if today.day > 5
                else today.isoformat(),
                "minutes": 456,
                "channel": "in_person",
                "kind": "meeting",
            },
        )
    month = today.strftime("%Y-%m")
    sw, head = world["expert_actor"], world["head"]

    def hours_pending():
        return [
            r
            for r in world["notifications"].upcoming_reminders(sw)
            if r["kind"] == "coordination_hours_low" and r["fields"]["hours"] == "38"
        ]

    assert eventually(hours_pending)[0]["period"] == month  # the journal has been read
    next_month = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    advance(
        world,
        seconds=(datetime.combine(next_month, time(12), UTC) - datetime.now(UTC)).total_seconds(),
    )
    # the expert coordinates the Turda technician too, whose month had no entry (0 hours)
    reminders = eventually(
        lambda: [
            n
            for n in world["notifications"].inbox(sw)
            if n["kind"] == "coordination_hours_low"
            and world["contract"]["contract_id"] in n["text"]
        ]
    )
    [reminder] = reminders  # once, for the Cluj contract
    assert f"sub 40 în {month}: 38 ore" in reminder["subject"]
    assert "(R6)" in reminder["text"]
    assert "coordination_hours_low" in eventually(lambda: inbox_kinds(world, head))
    mails = world["mailbox"].wait_for(2, timeout=20)
    assert {m.to[0] for m in mails} >= {world["emails"][world["expert"]["staff_id"]]}


def test_every_coordination_activity_counts_and_a_contract_with_40_hours_is_not_listed(notifying):
    """2.1 §2, 3.1 (R6): meetings, joint field work, reviewing and validating
    reports (the technician absent), feedback sessions (E.3) and evaluation
    sessions all go into the journal and count; the coordinator's coming
    reminders show the contract's hours check while under 40 hours only."""
    world = notifying
    rpc, sw = world["rpc"].coordination, world["expert_actor"]
    contract_id, today = world["contract"]["contract_id"], local_day()
    activities = (
        ("meeting", 600, None),
        ("joint_field_work", 600, None),
        ("report_review", 480, [sw["id"]]),
        ("feedback_session", 360, None),
        ("evaluation_session", 360, None),
    )
    for kind, minutes, participants in activities:
        entry = {
            "contract_id": contract_id,
            "occurred_on": today.isoformat(),
            "minutes": minutes,
            "channel": "in_person",
            "kind": kind,
        }
        rpc.record_journal_entry(
            sw, entry | ({"participant_ids": participants} if participants else {})
        )
        if kind == "feedback_session":  # 34 hours so far: listed
            assert eventually(lambda: hours_listed(world, sw, contract_id, "34"))

    month = rpc.coordination_hours(sw, contract_id, today.strftime("%Y-%m"))
    assert (month["hours"], month["entries"], month["compliant"]) == (40.0, 5, True)
    eventually(lambda: not hours_listed(world, sw, contract_id, "34"))
    assert hours_listed(world, sw, contract_id, None) == []


def hours_listed(world, person, contract_id, hours):
    return [
        r
        for r in world["notifications"].upcoming_reminders(person)
        if r["kind"] == "coordination_hours_low"
        and r["fields"]["contract_id"] == contract_id
        and hours in (None, r["fields"]["hours"])
    ]


@pytest.fixture
def county_service_levels(monkeypatch):
    """The county's acknowledgement SLAs, read when the service starts."""
    monkeypatch.setenv("NOTIFICATIONS_SLA_MINUTES", '{"immediate_danger": 20, "abuse": 60}')


def test_a_late_report_of_violence_endangering_integrity_is_flagged_and_escalates_soonest(
    county_service_levels, notifying
):
    """2.3.1, 4.6 case 2: two deadlines. The technician had 2 hours from
    observing it to tell the coordinator: reported 3 hours later, the report
    is marked late and the coordinator's alert says so. The coordinator's
    acknowledgement has the county's SLA for the situation — violence that
    endangers integrity is immediate danger, the shortest — and escalates
    as before when it runs out."""
    world = notifying
    case = open_case(world)
    risk = world["cases"].report_urgent_risk(
        world["tech_actor"],
        {
            "case_id": case["case_id"],
            "category": "domestic_violence",
            "observations": "Urme de strangulare; a sunat la 112.",
            "called_112": True,
            "life_or_integrity_at_risk": True,
            "observed_at": ago(hours=3),
        },
    )
    assert risk["late"] and risk["deadline_hours"] == 2
    assert risk["life_or_integrity_at_risk"] and not risk["emergency_call_missing"]
    alert = eventually(lambda: alert_of(world, risk))
    assert (alert["sla_minutes"], alert["immediate_danger"], alert["reported_late"]) == (
        20,
        True,
        True,
    )
    [note] = eventually(lambda: world["notifications"].inbox(world["expert_actor"]))
    assert "Raportată după termenul de 2 ore de la observare (R7)." in note["text"]

    advance(world, minutes=25)
    eventually(lambda: escalations(world, risk) == ["spas_head"])
