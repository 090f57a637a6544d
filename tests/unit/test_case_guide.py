"""The case record as the DGASPC page and the guide tell it (issue 20): who
referred the case, the person's request and consent, closure on the final
report and the follow-up period after it. Pure domain, with stand-in tokens
for sealed fields."""

import uuid
from dataclasses import replace

import pytest
from eventsourcing.application import Application

from events.vocabulary import cases as names
from services.cases.competence import InvalidCaseCommand
from services.cases.published import publication_of
from tests.support.published import as_published
from tests.unit.test_case_domain import referred


def test_neighbours_and_a_tenants_association_are_two_referral_sources():
    """DGASPC page: cases are "sesizate de medici de familie, spitale,
    asociatii de locatari, vecini" — each its own source."""
    by_neighbours = referred(referral_source="neighbours")
    by_association = referred(referral_source="tenants_association")
    assert by_neighbours.referral_source == "neighbours"
    assert by_association.referral_source == "tenants_association"
    with pytest.raises(InvalidCaseCommand, match="referral_source is one of"):
        referred(referral_source=names.NEIGHBOURS_OR_TENANTS)


def test_a_referral_stored_as_neighbours_before_keeps_meaning_either():
    """A referral stored before the two sources were told apart said
    "neighbours" for neighbours and tenants' associations alike: it reads,
    and is published, as either, not as the neighbours alone."""
    mapper = Application().mapper
    case = referred(referral_source="neighbours", beneficiary_id=str(uuid.uuid4()))
    event = case.collect_events()[0]
    stored = mapper.to_stored_event(event)
    state = mapper.transcoder.decode(stored.state)
    assert state.pop("class_version") == 2
    old = replace(stored, state=mapper.transcoder.encode(state))
    read = mapper.to_domain_event(old)
    assert read.referral_source == "neighbours_or_tenants_association"
    body = as_published(read, 1, "cases", publication_of)
    assert body is not None
    assert body["data"]["referral_source"] == "neighbours_or_tenants_association"
    # one stored since reads as it was recorded
    assert mapper.to_domain_event(stored).referral_source == "neighbours"
