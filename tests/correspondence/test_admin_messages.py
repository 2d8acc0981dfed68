"""Writing to the data subject from the case page: a form, a preview of what the subject will
read (in their language) under a clear "this goes to the data subject", then sending. Only
officers who may work requests can write; the queue marks a reply and filters on it."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import AUDITOR
from cases.models import Status
from correspondence.models import Message, MessageKind
from correspondence.services import subject_reply
from tests import factories
from tests.factories import at

pytestmark = pytest.mark.django_db

QUESTION = "Welk klantnummer hoort bij uw verzoek?"


def compose_url(case):
    return reverse("officers:message_compose", args=[case.pk])


def test_the_form_says_it_goes_to_the_subject_in_both_languages(officer_client, case_in):
    case = case_in("in_progress")
    page = officer_client.get(compose_url(case)).content.decode()
    assert "This goes to the data subject" in page
    assert '<span lang="nl">Dit gaat naar de betrokkene</span>' in page
    assert "Write in the subject's language: Dutch." in page


def test_preview_then_send(officer_client, case_in):
    case = case_in("in_progress")
    data = {"kind": MessageKind.CLARIFICATION_QUESTION, "body": QUESTION, "reply_by": "2026-12-31"}

    preview = officer_client.post(compose_url(case), {**data, "step": "preview"})
    page = preview.content.decode()
    assert "Preview: what the data subject will read" in page
    assert QUESTION in page
    # The subject's labels, in the subject's language.
    assert "Vraag" in page and "Graag uw antwoord vóór donderdag 31 december 2026." in page
    assert not Message.objects.exists()

    sent = officer_client.post(compose_url(case), {**data, "step": "send"})
    assert sent.status_code == 302
    message = Message.objects.get()
    assert (message.kind, message.body, str(message.reply_by)) == (
        MessageKind.CLARIFICATION_QUESTION,
        QUESTION,
        "2026-12-31",
    )
    case.refresh_from_db()
    assert case.status == Status.WAITING

    case_page = officer_client.get(sent["Location"]).content.decode()
    assert "Messages with the data subject" in case_page
    assert QUESTION in case_page and "reply by 31 Dec 2026" in case_page


def test_an_empty_message_shows_the_form_again(officer_client, case_in):
    case = case_in("in_progress")
    page = officer_client.post(
        compose_url(case), {"kind": "message", "body": "  ", "step": "preview"}
    ).content.decode()
    assert "This field is required." in page
    assert not Message.objects.exists()


def test_only_officers_who_may_work_requests_can_write(case_in):
    case = case_in("in_progress")
    auditor = factories.staff_in_role(AUDITOR)
    client = Client(headers={"accept-language": "en"})
    client.force_login(auditor)
    assert client.get(compose_url(case)).status_code == 403
    data = {"kind": "message", "body": "Hallo", "step": "send"}
    assert client.post(compose_url(case), data).status_code == 403
    assert not Message.objects.exists()
    case_page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "Messages with the data subject" in case_page
    assert compose_url(case) not in case_page
    assert Client().get(compose_url(case)).status_code == 302  # to the login


def test_a_closed_request_takes_no_messages(officer_client, case_in, actor):
    from cases.services import case_close

    case = case_in("in_progress")
    case_close(case_id=case.pk, actor=actor, outcome="granted")
    response = officer_client.post(
        compose_url(case), {"kind": "message", "body": "Hallo", "step": "send"}
    )
    assert response.status_code == 302
    assert not Message.objects.exists()


def test_the_queue_marks_a_reply_and_filters_on_it(officer_client, case_in):
    replied = case_in("in_progress")
    case_in("in_progress", subject_email="ander@example.org")
    subject_reply(case_id=replied.pk, message="Hier is het.", files=[], now=at(2026, 3, 9))

    queue = reverse("admin:cases_case_changelist")
    page = officer_client.get(queue).content.decode()
    assert page.count("reply received") == 1
    filtered = officer_client.get(queue + "?reply=waiting").content.decode()
    assert replied.reference in filtered
    assert "DSAR-2026-00002" not in filtered
    assert "Waiting for us" in page

    dutch = Client()
    dutch.force_login(replied.assignee)
    assert "reactie ontvangen" in dutch.get(queue).content.decode()


def test_without_an_e_mail_address_the_officer_is_told_to_tell_them(officer_client, case_in):
    case = case_in("in_progress", subject_email="")
    response = officer_client.post(
        compose_url(case), {"kind": "message", "body": "Hallo", "step": "send"}, follow=True
    )
    page = response.content.decode()
    assert "Your message was sent to the data subject" in page
    assert "has no e-mail address, so nobody tells them" in page
