"""A representative's authority (a signed machtiging, proof of parental authority) is recorded
on the case, by whom and when, before any data goes out: closing as (partly) granted is refused
until then (issue 17, item 8; docs/legal.md, "Representatives")."""

import pytest
from django.utils import translation

from cases import services
from cases.models import AuthorityProof, EventKind, Outcome, Status
from cases.services import CaseActionError
from tests import factories

pytestmark = pytest.mark.django_db

LATER = factories.at(2026, 3, 12, 14)
REPRESENTED = {"subject_name": "Tim de Vries", "representative_name": "Marieke de Vries",
               "representative_details": "moeder"}  # fmt: skip


def test_it_records_the_proof_who_saw_it_and_when(case_in, actor, officer_user):
    case = case_in(Status.IN_PROGRESS, **REPRESENTED)
    assert case.awaits_representative_authority

    case = services.case_record_authority(
        case_id=case.pk, actor=actor, proof=AuthorityProof.PARENTAL_AUTHORITY,
        note="Uittreksel gezagsregister van 10 maart 2026.", now=LATER,
    )  # fmt: skip

    case.refresh_from_db()
    assert case.representative_authority == "parental_authority"
    assert case.representative_authority_at == LATER
    assert case.representative_authority_by == officer_user
    assert not case.awaits_representative_authority
    event = case.events.get(kind=EventKind.AUTHORITY_RECORDED)
    assert event.changes == {"proof": "parental_authority"}
    assert event.message == "Uittreksel gezagsregister van 10 maart 2026."
    assert event.actor == officer_user and event.at == LATER


@pytest.mark.parametrize("outcome", [Outcome.GRANTED, Outcome.PARTLY_GRANTED])
def test_it_refuses_to_grant_before_the_authority_is_recorded(case_in, actor, outcome):
    case = case_in(Status.IN_PROGRESS, **REPRESENTED)
    with translation.override("en"):
        with pytest.raises(CaseActionError) as raised:
            services.case_close(case_id=case.pk, actor=actor, outcome=outcome, reason="Deels.")
        assert "representative" in str(raised.value)
    assert raised.value.code == "representative_authority_required"
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS

    services.case_record_authority(
        case_id=case.pk, actor=actor, proof=AuthorityProof.AUTHORISATION, now=LATER
    )
    case = services.case_close(case_id=case.pk, actor=actor, outcome=outcome, reason="Deels.")
    assert case.status == Status.CLOSED


def test_a_refusal_needs_no_authority(case_in, actor):
    case = case_in(Status.IN_PROGRESS, **REPRESENTED)
    case = services.case_close(
        case_id=case.pk, actor=actor, outcome=Outcome.REFUSED, reason="Geen machtiging."
    )
    assert case.status == Status.CLOSED


def test_a_request_of_the_subject_needs_none(case_in, actor):
    case = case_in(Status.IN_PROGRESS)
    assert not case.awaits_representative_authority
    with pytest.raises(CaseActionError) as raised:
        services.case_record_authority(case_id=case.pk, actor=actor, proof="authorisation")
    assert raised.value.code == "no_representative"
    assert services.case_close(case_id=case.pk, actor=actor, outcome=Outcome.GRANTED)


def test_it_is_recorded_once_and_other_proof_is_described(case_in, actor):
    case = case_in(Status.NEW, **REPRESENTED)
    with pytest.raises(CaseActionError):
        services.case_record_authority(case_id=case.pk, actor=actor, proof=AuthorityProof.OTHER)
    with pytest.raises(CaseActionError):
        services.case_record_authority(case_id=case.pk, actor=actor, proof="passport")
    services.case_record_authority(case_id=case.pk, actor=actor, proof="lawyer")
    with pytest.raises(CaseActionError) as raised:
        services.case_record_authority(case_id=case.pk, actor=actor, proof="lawyer")
    assert raised.value.code == "already_done"
    assert case.events.filter(kind=EventKind.AUTHORITY_RECORDED).count() == 1
