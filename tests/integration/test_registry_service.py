"""The registry served over RPC, with its events reaching an outside
subscriber through the real broker and stored in the real database."""

import json
import urllib.request

import pytest
from cloudevents.core.formats.json import JSONFormat
from nameko.containers import ServiceContainer
from nameko.exceptions import RemoteError

from events.contracts import check_published
from services.coordination.service import CoordinationService
from tests.support.outside import OutsideSubscriber
from tests.support.published import REFUSAL, stored_count, stored_since
from tests.support.registry import ADMIN, CLUJ, TECHNICIAN, bootstrap
from tests.support.services import nameko_config
from tests.support.signed import ClusterRpcProxy


@pytest.fixture
def service(store_url, amqp_uri, monkeypatch):
    monkeypatch.setenv("STORE_URL", store_url)
    monkeypatch.setenv("RELAY_POLL_SECONDS", "0.2")
    config = nameko_config(amqp_uri)
    outside = OutsideSubscriber(amqp_uri)
    container = ServiceContainer(CoordinationService, config)
    container.start()
    bootstrap(amqp_uri)  # the county admin, registered with the operator's key (ADR 12)
    outside.receive(1)
    outside.messages.clear()  # the stories start from a registry that has its admin
    with ClusterRpcProxy(config, context_data={"correlation_id": "req-42"}) as rpc:
        yield rpc.coordination, outside, config
    container.stop()
    outside.close()


def test_a_registered_staff_member_arrives_at_an_outside_subscriber(service, store_url):
    coordination, outside, _ = service
    coordination.register_municipality(ADMIN, CLUJ.command())
    tech = coordination.register_staff(ADMIN, TECHNICIAN.command())
    assert tech["role"] == "technician" and tech["beneficiary_categories"] == [
        "poverty",
        "school_dropout_risk",
    ]

    municipality, staff = outside.receive(2)
    for event in (municipality, staff):
        check_published(event)
    assert municipality["type"] == "ro.coordonare.coordination.MunicipalityRegistered.v1"
    assert staff["type"] == "ro.coordonare.coordination.StaffRegistered.v1"
    assert staff["subject"] == tech["staff_id"] == staff["data"]["staff_id"]
    assert (staff["municipality"], staff["actor"], staff["actorrole"]) == (
        "54975",
        ADMIN["id"],
        "county_admin",
    )
    assert staff["correlationid"] == "req-42"
    assert staff["position"] > municipality["position"]
    assert "Ion" not in json.dumps(staff) and "@" not in json.dumps(staff)

    message = outside.messages[1]
    assert message.content_type == "application/cloudevents+json"
    assert message.delivery_info["routing_key"] == staff["type"]
    assert message.properties["delivery_mode"] == 2
    parsed = JSONFormat().read(None, message.body)  # the CloudEvents SDK reads it
    assert parsed.get_id() == staff["id"] and parsed.get_extension("position") == staff["position"]


@pytest.mark.parametrize(
    ("actor", "command", "payload", "code", "says"),
    [
        (
            ADMIN,
            "register_municipality",
            {"siruta": "54975", "name": "X"},
            "InvalidCommand",
            "'county' is a required property",
        ),
        (
            ADMIN,
            "register_municipality",
            CLUJ.command(mayor="X"),
            "InvalidCommand",
            "'mayor' was unexpected",
        ),
        (ADMIN, "register_municipality", CLUJ.command(siruta="12"), "InvalidCommand", "siruta"),
        (
            ADMIN,
            "register_municipality",
            CLUJ.command(),
            "MunicipalityAlreadyRegistered",
            "SIRUTA 54975 is already registered",
        ),
        (
            ADMIN,
            "register_staff",
            TECHNICIAN.command(role="volunteer"),
            "InvalidCommand",
            "'volunteer' is not one of",
        ),
        (
            ADMIN,
            "register_staff",
            TECHNICIAN.command(municipality="99999"),
            "UnknownMunicipality",
            "no municipality with SIRUTA 99999",
        ),
        (
            ADMIN,
            "register_staff",
            TECHNICIAN.command(beneficiary_categories=[]),
            "InvalidRegistryEntry",
            "at least one beneficiary category",
        ),
        (
            {"id": "t", "role": "county_admin"},  # an id the registry does not know
            "register_municipality",
            CLUJ.command(siruta="55259"),
            "ActorNotRegistered",
            "nu figurează",
        ),
        (
            {"id": "t"},
            "register_municipality",
            CLUJ.command(),
            "InvalidCommand",
            "'role' is a required",
        ),
        (ADMIN, "register_staff", "not an object", "InvalidCommand", "is not of type 'object'"),
    ],
)
def test_bad_input_gets_a_specific_error_and_stores_nothing(
    service, store_url, actor, command, payload, code, says
):
    coordination, _, _ = service
    coordination.register_municipality(ADMIN, CLUJ.command())
    before = stored_count(store_url)
    with pytest.raises(RemoteError) as refused:
        getattr(coordination, command)(actor, payload)
    assert refused.value.exc_type == code
    assert says in str(refused.value)
    # nothing changed; a refusal by role or rule is itself on record (DESIGN §3)
    recorded = [REFUSAL] if code in ("RegistryAccessDenied", "ActorNotRegistered") else []
    assert stored_since(store_url, before) == recorded


def test_a_refused_attempt_is_recorded_and_published_as_an_audit_event(service, store_url):
    coordination, outside, _ = service
    coordination.register_municipality(ADMIN, CLUJ.command())
    registered = coordination.register_staff(ADMIN, TECHNICIAN.command())
    outside.receive(2)
    outside.messages.clear()
    technician = {"id": registered["staff_id"], "role": "technician", "municipality": "54975"}
    with pytest.raises(RemoteError) as refused:
        coordination.register_staff(technician, TECHNICIAN.command(email="friend@x.ro"))
    assert refused.value.exc_type == "RegistryAccessDenied"
    (event,) = outside.receive(1)
    check_published(event)
    assert event["type"] == "ro.coordonare.coordination.CommandRefused.v1"
    assert (event["actor"], event["actorrole"], event["municipality"]) == (
        registered["staff_id"],
        "technician",
        "54975",
    )
    assert event["data"]["command"] == "register_staff"
    assert event["data"]["code"] == "registry_access_denied"
    assert "friend" not in json.dumps(event)


def test_a_duplicate_email_or_rnasr_code_is_refused(service, store_url):
    coordination, _, _ = service
    coordination.register_municipality(ADMIN, CLUJ.command())
    coordination.register_staff(ADMIN, TECHNICIAN.command())
    sw = {
        "email": "ana@dgaspc-cj.ro",
        "full_name": "Ana Pop",
        "role": "social_worker",
        "rnasr_code": "AS1234",
        "experience_domains": ["poverty"],
    }
    coordination.register_staff(ADMIN, sw)
    before = stored_count(store_url)
    with pytest.raises(RemoteError) as same_person:
        coordination.register_staff(ADMIN, TECHNICIAN.command(email="ION.RUS@primaria-cluj.ro"))
    assert same_person.value.exc_type == "StaffAlreadyRegistered"
    with pytest.raises(RemoteError) as same_code:
        coordination.register_staff(ADMIN, sw | {"email": "other@dgaspc-cj.ro"})
    assert same_code.value.exc_type == "RnasrCodeAlreadyRegistered"
    assert stored_count(store_url) == before


def test_the_registry_answers_queries_and_follows_departures(service):
    coordination, _, _ = service
    coordination.register_municipality(ADMIN, CLUJ.command())
    coordination.register_municipality(ADMIN, {"siruta": "55259", "name": "Dej", "county": "Cluj"})
    tech = coordination.register_staff(ADMIN, TECHNICIAN.command())
    assert [m["name"] for m in coordination.list_municipalities(ADMIN)] == ["Cluj-Napoca", "Dej"]
    assert [s["staff_id"] for s in coordination.list_staff(ADMIN, municipality="54975")] == [
        tech["staff_id"]
    ]
    changed = coordination.change_categories(
        ADMIN, {"staff_id": tech["staff_id"], "beneficiary_categories": ["old_age"]}
    )
    assert changed["beneficiary_categories"] == ["old_age"] and changed["version"] == 2
    coordination.record_departure(
        ADMIN, {"staff_id": tech["staff_id"], "reason": "employment_ended"}
    )
    assert coordination.list_staff(ADMIN, municipality="54975") == []
    assert coordination.get_staff(ADMIN, tech["staff_id"])["active"] is False
    with pytest.raises(RemoteError) as unknown:
        coordination.get_staff(ADMIN, "00000000-0000-0000-0000-000000000000")
    assert unknown.value.exc_type == "UnknownStaff"


def test_metrics_and_health_are_served_over_http(service):
    coordination, outside, config = service
    coordination.register_municipality(ADMIN, CLUJ.command())
    with pytest.raises(RemoteError):
        coordination.register_municipality(ADMIN, CLUJ.command())
    outside.receive(1)
    base = f"http://{config['WEB_SERVER_ADDRESS']}"
    health = json.loads(urllib.request.urlopen(f"{base}/health").read())
    # the bootstrap (the operator's two calls on record, the county admin) and
    # the municipality; the refused duplicate stored nothing
    assert health == {"status": "ok", "stored": 4}
    metrics = urllib.request.urlopen(f"{base}/metrics").read().decode()
    for line in (
        'coordonare_commands_total{command="register_municipality",outcome="ok",'
        'service="coordination"}',
        'coordonare_commands_total{command="register_municipality",'
        'outcome="municipality_already_registered",service="coordination"}',
        'coordonare_events_published_total{service="coordination"}',
        'coordonare_relay_lag_events{service="coordination"}',
        "coordonare_command_seconds_bucket",
    ):
        assert line in metrics


def test_a_licensed_technician_becomes_a_social_worker_and_leaves_coordination(service):
    """R10, told through RPC: the event others react to carries the new code."""
    coordination, outside, _ = service
    coordination.register_municipality(ADMIN, CLUJ.command())
    tech = coordination.register_staff(ADMIN, TECHNICIAN.command())
    licensed = coordination.record_licensing(
        ADMIN,
        {"staff_id": tech["staff_id"], "rnasr_code": "AS7788", "experience_domains": ["poverty"]},
    )
    assert (licensed["role"], licensed["rnasr_code"], licensed["beneficiary_categories"]) == (
        "social_worker",
        "AS7788",
        [],
    )
    event = outside.receive(3)[2]
    check_published(event)
    assert event["type"] == "ro.coordonare.coordination.TechnicianLicensed.v1"
    assert event["data"]["rnasr_code"] == "AS7788"
    with pytest.raises(RemoteError) as twice:
        coordination.record_licensing(
            ADMIN,
            {
                "staff_id": tech["staff_id"],
                "rnasr_code": "AS7789",
                "experience_domains": ["poverty"],
            },
        )
    assert twice.value.exc_type == "NotATechnician"
    other = coordination.register_staff(ADMIN, TECHNICIAN.command(email="maria@primaria-cluj.ro"))
    with pytest.raises(RemoteError) as taken:
        coordination.record_licensing(
            ADMIN,
            {
                "staff_id": other["staff_id"],
                "rnasr_code": "AS7788",
                "experience_domains": ["old_age"],
            },
        )
    assert taken.value.exc_type == "RnasrCodeAlreadyRegistered"
    assert coordination.get_staff(ADMIN, other["staff_id"])["role"] == "technician"


def test_a_technician_moves_to_another_spas(service):
    coordination, _, _ = service
    coordination.register_municipality(ADMIN, CLUJ.command())
    coordination.register_municipality(ADMIN, {"siruta": "55259", "name": "Dej", "county": "Cluj"})
    tech = coordination.register_staff(ADMIN, TECHNICIAN.command())
    moved = coordination.transfer_staff(
        ADMIN, {"staff_id": tech["staff_id"], "municipality": "55259"}
    )
    assert moved["municipality"] == "55259"
    assert [s["staff_id"] for s in coordination.list_staff(ADMIN, municipality="55259")] == [
        tech["staff_id"]
    ]
    with pytest.raises(RemoteError) as unknown:
        coordination.transfer_staff(ADMIN, {"staff_id": tech["staff_id"], "municipality": "99999"})
    assert unknown.value.exc_type == "UnknownMunicipality"
