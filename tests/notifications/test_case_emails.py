"""The e-mails a case's events plan for the data subject and the privacy team, each in the
transaction of the change that caused it."""

import datetime

import pytest
import time_machine

from cases import services
from cases.audit import Actor
from cases.models import CaseEvent, EventKind, Outcome, PauseReason, Status
from casework import actions
from notifications import delivery
from notifications.models import Kind, OutboundEmail, State
from tests import factories
from tests.factories import at

pytestmark = pytest.mark.django_db

NOW = at(2026, 3, 6, 9)


@pytest.fixture(autouse=True)
def frozen_and_no_broker(fake_broker):
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def actor(officer_user):
    return Actor.staff(officer_user)


def emails(case):
    return sorted(OutboundEmail.objects.filter(case=case).values_list("kind", "to", "language"))


def test_a_registered_case_gets_a_receipt_in_the_subjects_language():
    case = factories.case(subject_email="zoe@example.org", subject_language="en")

    assert emails(case) == [(Kind.RECEIPT, "zoe@example.org", "en")]
    receipt = OutboundEmail.objects.get(case=case)
    assert receipt.context["due_date"] == case.due_date.isoformat()
    assert receipt.dedupe_key == f"receipt:{case.pk}"


def test_a_case_without_an_email_address_gets_no_email():
    case = factories.case(subject_email="")

    assert emails(case) == []


def test_a_web_request_gets_its_receipt_and_the_team_is_told_once_it_is_confirmed():
    case = factories.case(subject_email="zoe@example.org", unconfirmed=True)
    assert emails(case) == []

    actions.confirm(case_id=case.pk, actor=Actor.subject())

    assert emails(case) == [
        (Kind.NEW_REQUEST, "privacy@example.nl", "nl"),
        (Kind.RECEIPT, "zoe@example.org", "nl"),
    ]


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        (PauseReason.IDENTITY, Kind.IDENTITY_REQUEST),
        (PauseReason.CLARIFICATION, Kind.CLARIFICATION_REQUEST),
    ],
)
def test_waiting_for_the_subject_asks_them_what_is_needed(actor, reason, kind):
    case = factories.case(subject_email="zoe@example.org")

    actions.pause(case_id=case.pk, actor=actor, reason=reason, note="Which account?")

    email = OutboundEmail.objects.get(case=case, kind=kind)
    assert email.context["note"] == "Which account?"
    assert email.to == "zoe@example.org"


def test_each_pause_asks_again(actor):
    case = factories.case(subject_email="zoe@example.org")
    for note in ("Masked ID, please", "The ID again: it was unreadable"):
        actions.pause(case_id=case.pk, actor=actor, reason=PauseReason.IDENTITY, note=note)
        services.case_resume(case_id=case.pk, actor=actor)

    notes = OutboundEmail.objects.filter(kind=Kind.IDENTITY_REQUEST).values_list(
        "context__note", flat=True
    )
    assert sorted(notes) == ["Masked ID, please", "The ID again: it was unreadable"]


def test_an_extension_tells_the_subject_and_is_recorded_once_delivered(actor, smtp_server):
    case = factories.case(subject_email="zoe@example.org")
    actions.extend(case_id=case.pk, actor=actor, reason="Data in twelve systems.")

    notice = OutboundEmail.objects.get(case=case, kind=Kind.EXTENSION_NOTICE)
    assert notice.context["reason"] == "Data in twelve systems."
    case.refresh_from_db()
    assert case.extension_notified_at is None

    assert delivery.email_deliver(email_id=notice.pk).outcome == "sent"

    case.refresh_from_db()
    assert case.extension_notified_at is not None
    event = CaseEvent.objects.get(case=case, kind=EventKind.EXTENSION_NOTIFIED)
    assert event.actor_type == "system"
    body = smtp_server.to("zoe@example.org")[0].part("text/plain")
    assert "Data in twelve systems." in body
    assert "2 juni 2026" in body  # the extended date, in Dutch


@pytest.mark.parametrize("verb", ["close", "withdraw"])
def test_closing_or_withdrawing_sends_the_closure_notice(actor, verb):
    case = factories.case(subject_email="zoe@example.org")
    if verb == "close":
        actions.close(
            case_id=case.pk, actor=actor, outcome=Outcome.REFUSED, reason="Seven-year rule."
        )
    else:
        actions.withdraw(case_id=case.pk, actor=actor, reason="By phone.")

    notice = OutboundEmail.objects.get(case=case, kind=Kind.CLOSURE_NOTICE)
    case.refresh_from_db()
    assert notice.context["outcome"] == case.outcome
    assert notice.context["reason"] == case.outcome_reason
    assert notice.state == State.PENDING


def test_a_refused_service_call_plans_no_email(actor):
    case = factories.case(subject_email="zoe@example.org")
    with pytest.raises(services.CaseActionError):
        actions.close(case_id=case.pk, actor=actor, outcome=Outcome.REFUSED, reason="")

    assert emails(case) == [(Kind.RECEIPT, "zoe@example.org", "nl")]
    assert Status(case.status) == Status.NEW


def test_a_receipt_says_the_due_date(smtp_server):
    case = factories.case(
        subject_email="zoe@example.org", received_at=at(2026, 3, 5), subject_language="en"
    )

    delivery.email_deliver(email_id=OutboundEmail.objects.get(case=case).pk)

    (received,) = smtp_server.messages
    assert received.subject == f"We have received your request ({case.reference})"
    text = received.part("text/plain")
    assert "Thursday 2 April 2026" in text
    assert case.due_date == datetime.date(2026, 4, 2)


def test_without_a_privacy_team_address_a_web_request_is_still_confirmed(settings):
    settings.DSAR_PRIVACY_TEAM_EMAIL = ""
    case = factories.case(subject_email="zoe@example.org", unconfirmed=True)

    actions.confirm(case_id=case.pk, actor=Actor.subject())

    assert emails(case) == [(Kind.RECEIPT, "zoe@example.org", "nl")]
