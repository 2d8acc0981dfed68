"""The outbox in the admin: a read-only list with filters and search, a retry action for
failed e-mails (through the service, audited) and a panel on the case page."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import CaseEvent, EventKind
from notifications.models import Kind, OutboundEmail, State
from tests import factories

pytestmark = pytest.mark.django_db
LIST = reverse("admin:notifications_outboundemail_changelist")


@pytest.fixture(autouse=True)
def no_broker(fake_broker):
    return fake_broker


def case_with_email(state=State.PENDING, **fields):
    case = factories.case(subject_email="zoe@example.org", **fields)
    email = OutboundEmail.objects.get(case=case)
    OutboundEmail.objects.filter(pk=email.pk).update(
        state=state, last_error="SMTPRecipientsRefused: 550" if state == State.FAILED else ""
    )
    return case, OutboundEmail.objects.get(pk=email.pk)


def rows(response) -> list[str]:
    return [str(email.case.reference) for email in response.context["cl"].result_list]


def test_officers_filter_the_outbox_by_state_and_kind(officer_client):
    sent_case, _ = case_with_email(State.SENT)
    failed_case, _ = case_with_email(State.FAILED)
    pending_case, _ = case_with_email(State.PENDING)

    assert sorted(rows(officer_client.get(LIST))) == sorted(
        [sent_case.reference, failed_case.reference, pending_case.reference]
    )
    assert rows(officer_client.get(LIST, {"state__exact": "failed"})) == [failed_case.reference]
    assert rows(officer_client.get(LIST, {"state__exact": "pending"})) == [pending_case.reference]
    assert rows(officer_client.get(LIST, {"state__exact": "sent"})) == [sent_case.reference]
    assert len(rows(officer_client.get(LIST, {"kind__exact": Kind.RECEIPT}))) == 3
    assert rows(officer_client.get(LIST, {"kind__exact": Kind.CLOSURE_NOTICE})) == []


def test_officers_find_a_requests_emails_by_reference(officer_client):
    first, _ = case_with_email()
    second, _ = case_with_email()

    assert rows(officer_client.get(LIST, {"q": second.reference.lower()})) == [second.reference]
    assert rows(officer_client.get(LIST, {"q": "  " + first.reference + " "})) == [first.reference]


def test_the_list_takes_the_same_number_of_queries_for_3_or_30_emails(officer_client):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert officer_client.get(LIST).status_code == 200
        return len(queries)

    for _ in range(3):
        case_with_email()
    few = count()
    for _ in range(27):
        case_with_email()

    assert count() == few


def test_the_outbox_is_read_only(officer_client):
    _, email = case_with_email(State.SENT)

    assert officer_client.get(reverse("admin:notifications_outboundemail_add")).status_code == 403
    page = officer_client.get(reverse("admin:notifications_outboundemail_change", args=[email.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = officer_client.post(
        reverse("admin:notifications_outboundemail_delete", args=[email.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert OutboundEmail.objects.filter(pk=email.pk).exists()


def test_retrying_failed_emails_queues_them_again_and_is_audited(
    officer_client, officer_user, no_broker, django_capture_on_commit_callbacks
):
    failed_case, failed = case_with_email(State.FAILED)
    _, sent = case_with_email(State.SENT)

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            LIST,
            {"action": "retry_failed", ACTION_CHECKBOX_NAME: [failed.pk, sent.pk]},
            follow=True,
        )

    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert "1 e-mail will be sent again." in messages
    assert "Only failed e-mails can be retried; 1 left as they were." in messages
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (State.PENDING, 0)
    assert OutboundEmail.objects.get(pk=sent.pk).state == State.SENT
    assert no_broker == [failed.pk]
    event = CaseEvent.objects.get(case=failed_case, kind=EventKind.EMAIL)
    assert event.actor == officer_user
    assert event.changes["state"] == State.PENDING


def test_staff_without_the_permission_cannot_see_or_retry(db):
    _, failed = case_with_email(State.FAILED)
    clerk = get_user_model().objects.create_user("clerk", password="pw", is_staff=True)
    client = Client(headers={"accept-language": "en"})
    client.force_login(clerk)

    assert client.get(LIST).status_code == 403
    response = client.post(LIST, {"action": "retry_failed", ACTION_CHECKBOX_NAME: [failed.pk]})
    assert response.status_code == 403
    assert OutboundEmail.objects.get(pk=failed.pk).state == State.FAILED


def test_the_case_page_lists_the_requests_emails(officer_client):
    case, email = case_with_email(State.FAILED)
    case_with_email()  # another request's e-mail

    page = officer_client.get(reverse("admin:cases_case_change", args=[case.pk]))

    panel = page.content.decode().split('id="emails-heading"')[1].split("</section>")[0]
    assert "Receipt" in panel
    assert "Failed" in panel
    assert "SMTPRecipientsRefused: 550" in panel
    assert reverse("admin:notifications_outboundemail_change", args=[email.pk]) in panel
    assert panel.count("<tr>") == 2  # the header and this request's one e-mail
