"""Art 19: the case keeps a log of the notices to the recipients of the subject's data (who,
when, how) or why a recipient was not told (impossible, disproportionate effort); the letters
say that recipients were informed only from it (issue 17, item 7)."""

import datetime

import pytest

from cases import services
from cases.models import EventKind, RecipientNotice, Status
from cases.services import CaseActionError
from tests import factories

pytestmark = pytest.mark.django_db

LATER = factories.at(2026, 3, 18, 15)


def record(case, actor, **kwargs):
    return services.case_record_recipient_notice(case_id=case.pk, actor=actor, now=LATER, **kwargs)


def test_it_logs_who_was_told_when_and_how(case_in, actor, officer_user):
    case = case_in(Status.IN_PROGRESS, request_type="rectification")
    notice = record(
        case, actor, recipient="Incasso B.V.", notified_on=datetime.date(2026, 3, 17),
        means="email",
    )  # fmt: skip
    assert notice.notified and notice.recorded_by == officer_user and notice.recorded_at == LATER
    event = case.events.get(kind=EventKind.RECIPIENT_NOTICE)
    assert event.changes == {
        "notice": notice.pk, "recipient": "Incasso B.V.", "notified_on": "2026-03-17",
        "means": "email",
    }  # fmt: skip
    with pytest.raises(TypeError):
        notice.save()
    with pytest.raises(TypeError):
        RecipientNotice.objects.filter(pk=notice.pk).delete()


def test_a_recipient_not_told_needs_the_reason(case_in, actor):
    case = case_in(Status.IN_PROGRESS, request_type="erasure")
    notice = record(
        case, actor, recipient="Oud archief", not_notified_reason="Het bedrijf bestaat niet meer."
    )
    assert not notice.notified and notice.means == ""
    event = case.events.get(kind=EventKind.RECIPIENT_NOTICE)
    assert event.message == "Het bedrijf bestaat niet meer."


@pytest.mark.parametrize(
    "kwargs",
    [
        {"recipient": "X"},  # neither told nor a reason
        {"recipient": "X", "notified_on": datetime.date(2026, 3, 17)},  # how?
        {"recipient": "X", "notified_on": datetime.date(2026, 3, 19), "means": "post"},  # future
        {"recipient": "X", "notified_on": datetime.date(2026, 3, 17), "means": "post",
         "not_notified_reason": "Te veel werk."},  # both
        {"recipient": " ", "not_notified_reason": "Onbekend."},
    ],
)  # fmt: skip
def test_it_refuses_an_incomplete_record(case_in, actor, kwargs):
    case = case_in(Status.IN_PROGRESS, request_type="restriction")
    with pytest.raises(CaseActionError):
        record(case, actor, **kwargs)
    assert not RecipientNotice.objects.filter(case=case).exists()


def test_art_19_does_not_apply_to_access(case_in, actor):
    case = case_in(Status.IN_PROGRESS, request_type="access")
    with pytest.raises(CaseActionError) as raised:
        record(case, actor, recipient="X", not_notified_reason="n.v.t.")
    assert raised.value.code == "not_applicable"
