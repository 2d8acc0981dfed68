"""email_deliver(): renders the e-mail in its language, sends plain text and HTML with the
attachments through SMTP, keeps a copy without secret links, and lands on the timeline."""

import pytest
from django.utils import translation

from cases import filecrypt
from cases.models import CaseEvent, EventKind
from casework import timeline
from notifications import delivery, planning, rendering
from notifications.models import Kind, OutboundEmail, State
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "https://privacy.example.nl/status/s3cr3t-t0ken/"


@pytest.fixture(autouse=True)
def no_broker(fake_broker):
    # These tests deliver by hand; nothing needs to reach a broker.
    return fake_broker


def deliver(email):
    return delivery.email_deliver(email_id=email.pk)


def test_it_sends_plain_text_html_and_attachments(smtp_server, settings, tmp_path, monkeypatch):
    monkeypatch.setattr(rendering, "links", lambda email: {})  # no status link
    settings.PRIVATE_FILES_ROOT = tmp_path
    filecrypt.write_bytes(tmp_path / "letters" / "reply.pdf", b"%PDF-1.7 reply")
    case = factories.case(subject_email="", subject_language="en")
    email = planning.email_plan(
        kind=Kind.CLOSURE_NOTICE,
        to="zoe@example.org",
        language="en",
        case=case,
        context={"outcome": "granted", "reason": ""},
        attachments=[
            {
                "storage_path": "letters/reply.pdf",
                "filename": "reply.pdf",
                "mimetype": "application/pdf",
            }
        ],
    )

    result = deliver(email)

    assert result.outcome == "sent"
    (received,) = smtp_server.messages
    assert received.rcpt_tos == ["zoe@example.org"]
    assert received.subject == f"Our answer to your request ({case.reference})"
    assert received.message["Reply-To"] == settings.DSAR_ORGANISATION["email"]
    assert received.message["Auto-Submitted"] == "auto-generated"
    text, html = received.part("text/plain"), received.part("text/html")
    assert "Our answer is attached to this e-mail." in text
    assert "<html" in html and "Our answer is attached to this e-mail." in html
    assert received.attachments() == [("reply.pdf", "application/pdf", b"%PDF-1.7 reply")]
    email.refresh_from_db()
    assert email.state == State.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    assert email.subject == received.subject
    assert email.body.strip() == text.strip()


def test_it_keeps_a_copy_without_the_secret_link(smtp_server, monkeypatch):
    monkeypatch.setattr(rendering, "links", lambda email: {"status_url": SECRET})
    case = factories.case(subject_email="zoe@example.org")
    email = OutboundEmail.objects.get(case=case, kind=Kind.RECEIPT)

    deliver(email)

    (received,) = smtp_server.messages
    assert SECRET in received.part("text/plain")
    assert SECRET in received.part("text/html")
    email.refresh_from_db()
    assert SECRET not in email.body
    assert SECRET not in email.subject
    assert "[link]" in email.body
    assert not OutboundEmail.objects.filter(body__contains="s3cr3t").exists()


def test_it_escapes_what_the_subject_typed_in_the_html_part(smtp_server):
    case = factories.case(subject_email="zoe@example.org", subject_name='<b onclick="x()">Zoë</b>')

    deliver(OutboundEmail.objects.get(case=case))

    (received,) = smtp_server.messages
    html = received.part("text/html")
    assert "<b onclick" not in html
    assert "&lt;b onclick=&quot;x()&quot;&gt;Zoë&lt;/b&gt;" in html
    # Plain text is not HTML: it shows the name as typed, not as entities.
    assert '<b onclick="x()">Zoë</b>' in received.part("text/plain")


def test_it_records_the_email_on_the_timeline(smtp_server):
    case = factories.case(subject_email="zoe@example.org")

    deliver(OutboundEmail.objects.get(case=case))

    event = CaseEvent.objects.get(case=case, kind=EventKind.EMAIL)
    assert event.actor_type == "system"
    assert event.changes["kind"] == Kind.RECEIPT
    assert event.changes["state"] == State.SENT
    # The subject line (in the subject's language) stays in the outbox; the timeline says it
    # in the reader's language.
    assert event.message == ""
    with translation.override("en"):
        assert timeline.sentence(event) == "E-mail sent: Receipt."


def test_a_second_delivery_of_the_same_email_sends_nothing(smtp_server):
    case = factories.case(subject_email="zoe@example.org")
    email = OutboundEmail.objects.get(case=case)

    first, second = deliver(email), deliver(email)

    assert (first.outcome, second.outcome) == ("sent", "skipped")
    assert len(smtp_server.messages) == 1
    assert CaseEvent.objects.filter(case=case, kind=EventKind.EMAIL).count() == 1


def test_a_broken_template_marks_the_email_failed_with_the_reason(smtp_server):
    case = factories.case(subject_email="")
    email = planning.email_plan(kind="no_such_kind", to="zoe@example.org", case=case)

    result = deliver(email)

    assert result.outcome == "failed"
    email.refresh_from_db()
    assert email.state == State.FAILED
    assert "TemplateDoesNotExist" in email.last_error
    assert smtp_server.messages == []
