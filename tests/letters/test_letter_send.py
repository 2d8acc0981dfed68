"""Sending a letter: an outbox e-mail with the PDF attached, the letter marked sent, all on
the timeline; or recorded as posted. The closure notice carries the unsent reply letter."""

import datetime

import pytest
from django.core import mail
from django.utils import translation

from cases import filecrypt
from cases import services as case_services
from cases.models import CaseEvent, EventKind, IdentityMethod, Outcome
from casework import actions, timeline
from letters import services
from letters.models import Letter, LetterType
from notifications.delivery import email_deliver
from notifications.models import OutboundEmail, State

from .conftest import BUILT_AT, LETTER_AT

pytestmark = pytest.mark.django_db

SENT_AT = LETTER_AT + datetime.timedelta(hours=1)


def deliver_all():
    for pk in OutboundEmail.objects.filter(state=State.PENDING).values_list("pk", flat=True):
        email_deliver(email_id=pk, requeue=False)


def test_it_plans_the_letter_e_mail_with_the_pdf_and_marks_it_sent(make_case, make_letter, actor):
    case = make_case("access")
    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "en")

    sent = services.letter_send(letter_id=letter.pk, actor=actor, now=SENT_AT)

    assert sent.sent_at == SENT_AT
    email = OutboundEmail.objects.get(kind="letter")
    assert email.case == case
    assert email.to == "zoe@example.org"
    assert email.language == "en"
    assert email.dedupe_key == f"letter:{letter.pk}"
    assert email.attachments == [
        {
            "storage_path": letter.file_path,
            "filename": f"{case.reference}-acknowledgement-v1-en.pdf",
            "mimetype": "application/pdf",
        }
    ]
    event = CaseEvent.objects.filter(case=case, kind=EventKind.LETTER).last()
    assert event.changes["action"] == "sent"
    assert event.changes["channel"] == "email"
    assert event.changes["letter"] == letter.pk
    assert "zoe@example.org" not in event.message


def test_the_delivered_e_mail_carries_the_archived_pdf(make_case, make_letter, actor):
    case = make_case("access")
    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")
    services.letter_send(letter_id=letter.pk, actor=actor)

    deliver_all()

    (message,) = [m for m in mail.outbox if "acknowledgement" in str(m.attachments)]
    ((filename, content, mimetype),) = message.attachments
    assert filename == f"{case.reference}-acknowledgement-v1-nl.pdf"
    assert mimetype == "application/pdf"
    assert content == filecrypt.read_bytes(letter.absolute_path)
    assert case.reference in message.subject
    assert "Ontvangstbevestiging" in message.subject
    assert message.to == ["zoe@example.org"]
    # The e-mail itself is on the timeline too, as sent.
    assert CaseEvent.objects.filter(case=case, kind=EventKind.EMAIL).exists()


def test_a_letter_is_sent_once(make_case, make_letter, actor):
    case = make_case("access")
    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")
    services.letter_send(letter_id=letter.pk, actor=actor)

    with pytest.raises(services.LetterError) as raised:
        services.letter_send(letter_id=letter.pk, actor=actor)

    assert raised.value.code == "already_sent"
    assert OutboundEmail.objects.filter(kind="letter").count() == 1


def test_without_an_e_mail_address_it_says_to_post_it(make_case, make_letter, actor):
    case = make_case("access", subject_email="")
    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")

    with pytest.raises(services.LetterError) as raised:
        services.letter_send(letter_id=letter.pk, actor=actor)

    assert raised.value.code == "no_email"
    assert Letter.objects.get(pk=letter.pk).sent_at is None


def test_a_posted_letter_is_recorded(make_case, make_letter, actor):
    case = make_case("access", subject_email="")
    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")

    posted = services.letter_record_posted(
        letter_id=letter.pk, actor=actor, posted_on=datetime.date(2026, 3, 20), now=SENT_AT
    )

    assert posted.sent_at == SENT_AT
    event = CaseEvent.objects.filter(case=case, kind=EventKind.LETTER).last()
    assert event.changes == {
        "letter": letter.pk,
        "action": "sent",
        "type": "acknowledgement",
        "version": 1,
        "channel": "post",
        "posted_on": "2026-03-20",
    }
    with translation.override("nl"):
        assert timeline.sentence(event) == (
            "Brief op vrijdag 20 maart 2026 per post verstuurd: Ontvangstbevestiging, versie 1."
        )
    assert not OutboundEmail.objects.filter(kind="letter").exists()
    with pytest.raises(services.LetterError):
        services.letter_record_posted(letter_id=letter.pk, actor=actor)


def test_a_posting_date_in_the_future_is_refused(make_case, make_letter, actor):
    case = make_case("access")
    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")

    with pytest.raises(services.LetterError):
        services.letter_record_posted(
            letter_id=letter.pk, actor=actor, posted_on=datetime.date(2026, 3, 21), now=SENT_AT
        )


def test_sending_the_extension_notice_records_that_the_subject_was_told(
    make_case, make_letter, actor
):
    case = make_case("access", extended=True, subject_email="")
    letter = make_letter(case, LetterType.EXTENSION_NOTICE, "nl")

    services.letter_record_posted(
        letter_id=letter.pk, actor=actor, posted_on=datetime.date(2026, 3, 20), now=SENT_AT
    )

    case.refresh_from_db()
    assert case.extension_notified_at is not None
    assert case_services.local_date(case.extension_notified_at) == datetime.date(2026, 3, 20)


def _verified(case, actor):
    case_services.case_verify_identity(
        case_id=case.pk, actor=actor, method=IdentityMethod.DOCUMENT, now=BUILT_AT
    )


def test_the_closure_notice_carries_the_unsent_reply_letter(make_case, make_letter, actor):
    case = make_case("access")
    _verified(case, actor)
    make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")  # not a reply: never attached
    old = make_letter(case, LetterType.ACCESS_ANSWER, "nl")
    answer = make_letter(case, LetterType.ACCESS_ANSWER, "nl", intro="Tweede versie.")

    actions.close(case_id=case.pk, actor=actor, outcome=Outcome.GRANTED)

    closure = OutboundEmail.objects.get(kind="closure_notice")
    assert closure.attachments == [services.attachment_for(answer)]
    answer.refresh_from_db()
    old.refresh_from_db()
    assert answer.sent_at is not None and old.sent_at is None
    event = CaseEvent.objects.filter(case=case, kind=EventKind.LETTER).last()
    assert event.changes["with"] == "closure_notice"
    deliver_all()
    (message,) = [m for m in mail.outbox if m.attachments]
    assert message.attachments[0][1] == filecrypt.read_bytes(answer.absolute_path)


def test_a_reply_letter_already_sent_is_not_attached_again(make_case, make_letter, actor):
    case = make_case("access")
    _verified(case, actor)
    answer = make_letter(case, LetterType.ACCESS_ANSWER, "nl")
    services.letter_send(letter_id=answer.pk, actor=actor)

    actions.close(case_id=case.pk, actor=actor, outcome=Outcome.GRANTED)

    assert OutboundEmail.objects.get(kind="closure_notice").attachments == []


def test_a_withdrawn_request_gets_no_reply_letter(make_case, make_letter, actor):
    case = make_case("access")
    answer = make_letter(
        case, LetterType.REFUSAL, "nl", ground="excessive", reasons="Uw zesde gelijke verzoek."
    )

    actions.withdraw(case_id=case.pk, actor=actor, reason="Per telefoon.")

    assert OutboundEmail.objects.get(kind="closure_notice").attachments == []
    answer.refresh_from_db()
    assert answer.sent_at is None
