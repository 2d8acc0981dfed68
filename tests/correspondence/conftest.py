"""A case in each state the thread meets, its officer, and the outbox delivered on demand."""

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.audit import Actor
from cases.models import IdentityMethod
from notifications import sweep as outbox_sweep
from notifications.delivery import email_deliver
from notifications.models import OutboundEmail, State
from tests import factories
from tests.factories import at

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# Friday 6 March 2026, 10:00 in Amsterdam: the officer writes.
SENT_AT = at(2026, 3, 6)
OFFICER_EMAIL = "olga@example.nl"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return settings.PRIVATE_FILES_ROOT


@pytest.fixture
def officer_user(db):
    return factories.officer("olga", email=OFFICER_EMAIL)


@pytest.fixture
def actor(officer_user):
    return Actor.staff(officer_user)


@pytest.fixture
def case_in(actor):
    """``case_in(status, assigned=True, **fields)``: a case received 5 March, assigned to
    olga (unless ``assigned=False``) and moved to "new", "identity_check" or "in_progress"
    (identity verified) on 6 March at 9:00."""

    def build(status="identity_check", *, assigned=True, **fields):
        now = at(2026, 3, 6, 9)
        case = factories.case(actor=actor, received_at=at(2026, 3, 5), now=now, **fields)
        steps = {"case_id": case.pk, "actor": actor, "now": now}
        if assigned:
            services.case_assign(**steps, assignee=actor.user)
        if status == "identity_check":
            services.case_start_identity_check(**steps)
        elif status == "in_progress":
            services.case_verify_identity(**steps, method=IdentityMethod.DOCUMENT)
        elif status != "new":
            raise AssertionError(f"No recipe for {status!r}")
        case.refresh_from_db()
        return case

    return build


def pdf(name="paspoort.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def deliver_pending(kind):
    """Send the pending e-mails of ``kind`` now, as the worker would; returns the messages
    sent."""
    before = len(mail.outbox)
    pending = OutboundEmail.objects.filter(state=State.PENDING, kind=kind)
    for pk in pending.values_list("pk", flat=True):
        email_deliver(email_id=pk, requeue=False)
    return mail.outbox[before:]


def sweep(moment):
    """The reminder sweep at ``moment``, delivering what is due (``send_reminders``)."""
    with time_machine.travel(moment, tick=False):
        before = len(mail.outbox)
        outbox_sweep.reminder_sweep(deliver=True)
        return mail.outbox[before:]
