"""From HTTP to a service's arguments, and back: typed query strings, JSON
bodies with the path's ids, pages, idempotency keys and problems — each
refusal specific and before any service is asked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.idempotency import IdempotencyStore, fingerprint
from gateway.inputs import command_of, query_args, read_body
from gateway.paging import page, read_page_args
from gateway.problems import Problem, ServiceError, from_service, hidden, is_hidden
from gateway.route import EVERYONE, Param, command, query

LIST = query(
    "/cases",
    "cases",
    "list_cases",
    EVERYONE,
    "",
    tag="t",
    paged=True,
    params=(
        Param("stage"),
        Param("open_only", "boolean"),
        Param("period", "month"),
        Param("technician_id", "uuid"),
    ),
)
REPORT = command(
    "/cases/{case_id}/urgent-risks", "cases", "report_urgent_risk", EVERYONE, "", tag="t"
)


def request(body: bytes, content_type: str = "application/json") -> Request:
    return Request(
        EnvironBuilder(method="POST", data=body, content_type=content_type).get_environ()
    )


def refusal(action, status: int, code: str) -> Problem:
    with pytest.raises(Problem) as caught:
        action()
    assert (caught.value.status, caught.value.code) == (status, code)
    return caught.value


def test_query_strings_are_typed_and_nothing_unknown_passes() -> None:
    args = query_args(
        LIST, {"stage": "intervention", "open_only": "true", "period": "2026-11", "limit": "5"}, {}
    )
    assert args == {"stage": "intervention", "open_only": True, "period": "2026-11"}
    refusal(lambda: query_args(LIST, {"colour": "red"}, {}), 400, "unknown_parameter")
    assert (
        refusal(
            lambda: query_args(LIST, {"open_only": "yes"}, {}), 400, "invalid_parameter"
        ).extensions["field"]
        == "open_only"
    )
    refusal(lambda: query_args(LIST, {"period": "2026-13"}, {}), 400, "invalid_parameter")
    refusal(lambda: query_args(LIST, {"technician_id": "x"}, {}), 400, "invalid_parameter")
    required = query(
        "/r", "s", "o", EVERYONE, "", tag="t", params=(Param("month", "month", required=True),)
    )
    refusal(lambda: query_args(required, {}, {}), 400, "missing_parameter")


def test_a_moment_has_its_offset_and_a_started_verification_its_location() -> None:
    feed = query(
        "/audit/cases/events", "cases", "audit_events", EVERYONE, "", tag="t",
        params=(Param("since", "time"),),
    )  # fmt: skip
    assert query_args(feed, {"since": "2026-11-30T08:00:00Z"}, {}) == {
        "since": "2026-11-30T08:00:00+00:00"
    }
    for vague in ("2026-11-30", "2026-11-30T08:00:00", "yesterday"):
        refusal(lambda v=vague: query_args(feed, {"since": v}, {}), 400, "invalid_parameter")
    started = command(
        "/audit/cases/verifications", "cases", "start_verification", EVERYONE, "", tag="t",
        location="/audit/cases/verifications/{verification_id}",
    )  # fmt: skip
    assert started.status == 202
    answer = {"verification_id": "v1", "state": "running"}
    assert started.located(answer) == {"Location": "/audit/cases/verifications/v1"}
    assert started.located({"code": "verification_running"}) == {}  # a refusal names none


def test_a_command_is_the_json_object_of_the_body_with_the_ids_of_the_path() -> None:
    body = b'{"category": "neglect"}'
    assert command_of(REPORT, request(body), body, {"case_id": "c-1"}) == {
        "category": "neglect",
        "case_id": "c-1",
    }
    assert command_of(REPORT, request(b""), b"", {"case_id": "c-1"}) == {"case_id": "c-1"}
    refusal(lambda: command_of(REPORT, request(b"{"), b"{", {}), 400, "malformed_json")
    refusal(lambda: command_of(REPORT, request(b"[]"), b"[]", {}), 422, "invalid_command")
    refusal(
        lambda: command_of(REPORT, request(b"a=1", "text/plain"), b"a=1", {}),
        415,
        "unsupported_media_type",
    )
    clash = b'{"case_id": "c-2"}'
    refusal(
        lambda: command_of(REPORT, request(clash), clash, {"case_id": "c-1"}),
        422,
        "conflicting_field",
    )


def test_a_body_larger_than_the_limit_is_refused_unread() -> None:
    assert read_body(request(b"x" * 10), 10) == b"x" * 10
    assert (
        refusal(lambda: read_body(request(b"x" * 11), 10), 413, "payload_too_large").extensions[
            "max_bytes"
        ]
        == 10
    )


def test_pages_walk_a_list_with_opaque_cursors() -> None:
    items, seen, args = list(range(7)), [], {}
    while True:
        limit, offset = read_page_args(args)
        body, headers = page(items, limit, offset, "/cases", {"limit": "3"})
        seen += body["items"]
        assert body["total"] == 7
        if body["next_cursor"] is None:
            assert not headers
            break
        assert headers["Link"].startswith("</cases?") and 'rel="next"' in headers["Link"]
        args = {"limit": "3", "cursor": body["next_cursor"]}
    assert seen == items
    refusal(lambda: read_page_args({"cursor": "%%%"}), 400, "invalid_cursor")
    refusal(lambda: read_page_args({"limit": "201"}), 400, "invalid_parameter")


def test_the_service_errors_keep_their_codes_and_scope_refusals_read_as_unknown() -> None:
    rule = from_service(
        ServiceError(
            "services.cases.competence.ExclusiveActOfSocialWorker",
            "R2: only the social worker",
            {"rule": "R2"},
        )
    )
    assert (rule.status, rule.code, rule.extensions["rule"]) == (
        403,
        "exclusive_act_of_social_worker",
        "R2",
    )
    assert not is_hidden(rule, {"document_id"})
    unseen = from_service(ServiceError("services.cases.competence.CaseNotVisible", "not yours"))
    unknown = from_service(ServiceError("services.cases.competence.UnknownCase", "no case x"))
    malformed = from_service(
        ServiceError("events.errors.InvalidCommand", "bad id", {"field": "case_id"})
    )
    assert all(is_hidden(p, {"case_id"}) for p in (unseen, unknown, malformed))
    one, other = hidden("case").body("c", "/cases/1"), hidden("case").body("c", "/cases/1")
    assert one == other and one["status"] == 404


def test_an_idempotency_key_acts_once(tmp_path: Path) -> None:
    store = IdempotencyStore(f"sqlite:///{tmp_path / 'keys.db'}")
    first = fingerprint("POST", "/cases", b'{"a": 1, "b": 2}')
    assert first == fingerprint("POST", "/cases", b'{"b":2,"a":1}')
    assert store.claim("ana", "k1", first) is None
    refusal(lambda: store.claim("ana", "k1", first), 409, "request_in_progress")
    store.answer("ana", "k1", 201, json.dumps({"case_id": "c-1"}))
    replay = store.claim("ana", "k1", first)
    assert replay is not None and (replay.status, json.loads(replay.body)) == (
        201,
        {"case_id": "c-1"},
    )
    other = fingerprint("POST", "/cases", b'{"a": 2}')
    refusal(lambda: store.claim("ana", "k1", other), 422, "idempotency_key_reused")
    assert store.claim("ion", "k1", other) is None  # keys are each person's own
    store.release("ion", "k1")
    assert store.claim("ion", "k1", other) is None
    store.keep = store.keep * 0
    assert store.forget_old() == 2
    store.close()
