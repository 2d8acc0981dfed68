"""An officer writes to the data subject: the message is stored once and never changed, is on
the timeline, and the subject is told by e-mail, in their language, that it is there —
without its text or their personal data."""

import pytest
from django.conf import settings

from cases.models import CaseEvent, EventKind, Status
from cases.services import CaseActionError, case_close
from correspondence.models import Direction, Message, MessageKind
from correspondence.services import message_send
from notifications.models import Kind, OutboundEmail

from .conftest import SENT_AT, deliver_pending

pytestmark = pytest.mark.django_db

TEXT = "Wij hebben uw gegevens gevonden in ons klantsysteem Atlas-7."


def test_a_message_is_stored_and_put_on_the_timeline(case_in, actor):
    case = case_in("in_progress")
    message = message_send(case_id=case.pk, actor=actor, body=f"  {TEXT}\n", now=SENT_AT)

    assert message.direction == Direction.TO_SUBJECT
    assert message.kind == MessageKind.MESSAGE
    assert message.body == TEXT  # trimmed
    assert message.sent_by_label == "olga"
    assert message.language == "nl"
    assert message.reply_by is None
    event = CaseEvent.objects.get(case=case, kind=EventKind.MESSAGE)
    assert event.message == TEXT
    assert event.changes == {"message": message.pk, "kind": "message"}
    assert event.actor_label == "olga"
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS  # a message alone does not pause


def test_the_subject_is_told_in_dutch_without_the_text_or_their_name(case_in, actor):
    case = case_in("in_progress")
    message_send(case_id=case.pk, actor=actor, body=TEXT, now=SENT_AT)

    email = OutboundEmail.objects.get(kind=Kind.NEW_MESSAGE)
    assert (email.to, email.language, email.case_id) == ("zoe@example.org", "nl", case.pk)
    [sent] = deliver_pending(Kind.NEW_MESSAGE)
    assert sent.subject == f"Een nieuw bericht over uw verzoek {case.reference}"
    assert "Atlas-7" not in sent.body and "Zoë" not in sent.body
    html = sent.alternatives[0][0]
    assert "Atlas-7" not in html and "Zoë" not in html
    assert "/status/" in sent.body and "?lang=nl" in sent.body
    email.refresh_from_db()
    assert "Atlas-7" not in email.body  # nor in the copy the outbox keeps


def test_an_english_subject_is_told_in_english(case_in, actor):
    case = case_in("in_progress", subject_language="en")
    message_send(case_id=case.pk, actor=actor, body="We found your data.", now=SENT_AT)
    [sent] = deliver_pending(Kind.NEW_MESSAGE)
    assert sent.subject == f"A new message about your request {case.reference}"
    assert "For your privacy the message itself is not in this e-mail." in sent.body
    assert "We found your data" not in sent.body


def test_a_subject_without_an_e_mail_address_gets_no_e_mail(case_in, actor):
    case = case_in("in_progress", subject_email="")
    message_send(case_id=case.pk, actor=actor, body=TEXT, now=SENT_AT)
    assert Message.objects.filter(case=case).count() == 1
    assert not OutboundEmail.objects.filter(kind=Kind.NEW_MESSAGE).exists()


@pytest.mark.parametrize("body", ["", "   \n ", "\u200b", "x" * 4001])
def test_an_empty_or_too_long_message_is_refused(case_in, actor, body):
    case = case_in("in_progress")
    with pytest.raises(CaseActionError) as refused:
        message_send(case_id=case.pk, actor=actor, body=body, now=SENT_AT)
    assert refused.value.code == "invalid"
    assert not Message.objects.exists()
    assert not OutboundEmail.objects.filter(kind=Kind.NEW_MESSAGE).exists()


def test_a_closed_request_takes_no_messages(case_in, actor):
    case = case_in("in_progress")
    case_close(case_id=case.pk, actor=actor, outcome="granted", now=SENT_AT)
    with pytest.raises(CaseActionError) as refused:
        message_send(case_id=case.pk, actor=actor, body=TEXT, now=SENT_AT)
    assert refused.value.code == "illegal_transition"


def test_only_a_question_has_a_reply_by_date(case_in, actor):
    case = case_in("in_progress")
    with pytest.raises(CaseActionError):
        message_send(case_id=case.pk, actor=actor, body=TEXT, reply_by=SENT_AT.date(), now=SENT_AT)


def test_a_sent_message_cannot_be_changed_or_deleted(case_in, actor):
    case = case_in("in_progress")
    message = message_send(case_id=case.pk, actor=actor, body=TEXT, now=SENT_AT)
    message.body = "Iets anders"
    with pytest.raises(TypeError):
        message.save()
    with pytest.raises(TypeError):
        message.delete()
    with pytest.raises(TypeError):
        Message.objects.filter(pk=message.pk).update(body="Iets anders")
    with pytest.raises(TypeError):
        Message.objects.filter(pk=message.pk).delete()
    assert Message.objects.get(pk=message.pk).body == TEXT


def test_the_language_setting_is_not_the_subject_s(case_in, actor):
    """The e-mail goes in the subject's language even when the site's default differs."""
    assert settings.LANGUAGE_CODE == "nl"
    case = case_in("new", subject_language="en")
    message_send(case_id=case.pk, actor=actor, body="Hello", now=SENT_AT)
    assert OutboundEmail.objects.get(kind=Kind.NEW_MESSAGE).language == "en"
