"""Rendering: what an outbox row says, in its language, at the moment it is sent.

Two kinds of context are added at send time rather than at planning time, so that a retried
e-mail is current:

- **secret links** (:func:`links`): a fresh status link (only its hash is stored) or the
  confirmation link. The copy of the e-mail kept in the outbox shows "[link]" instead.
- **staff context** (:data:`STAFF_CONTEXT`): days left for a deadline reminder, the list of
  cases for a digest. Staff e-mails name requests by reference, type and dates only: no
  subject's name or address travels by e-mail where a link into the admin does the job.
"""

import datetime
import re
from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from cases import clock, deadlines, tokens
from cases.models import Case

from .models import DEADLINE_REMINDER_KINDS, SUBJECT_KINDS, Kind, OutboundEmail
from .planning import admin_case_url

LINK_PLACEHOLDER = "[link]"
# A digest lists at most this many requests and links to the queue for the rest.
DIGEST_LIMIT = 100


# --- Secret links -----------------------------------------------------------------------------


def links(email: OutboundEmail) -> dict:
    """``confirm_url`` for ``confirm_address``; a fresh ``status_url`` for every other e-mail
    to the subject about a case."""
    if email.case is None or email.kind not in SUBJECT_KINDS:
        return {}
    if email.kind == Kind.CONFIRM_ADDRESS:
        return {"confirm_url": tokens.confirm_url(email.case, language=email.language)}
    token = tokens.status_token_create(email.case)
    return {"status_url": tokens.status_url(token, language=email.language)}


# --- Staff context ----------------------------------------------------------------------------


def deadline_context(email: OutboundEmail) -> dict:
    case = email.case
    if case is None:
        return {}
    today = clock.today()
    return {
        "today": today,
        "days_left": deadlines.describe_days_left(case.effective_due_date, today),
        "admin_url": admin_case_url(case.pk),
    }


def digest_context(email: OutboundEmail) -> dict:
    today = clock.today()
    cases = (
        Case.objects.open()
        .filter(assignee_id=email.recipient_user_id)
        .order_by("effective_due_date", "reference_year", "reference_number")
    )
    total = cases.count()
    overdue = cases.overdue(today).count()
    rows = [
        {
            "reference": case.reference,
            "type": case.get_request_type_display(),
            "status": case.get_status_display(),
            "due": case.effective_due_date,
            "days_left": deadlines.describe_days_left(case.effective_due_date, today),
            "urgency": case.urgency(today),
            "extension_untold": case.is_extended and case.extension_notified_at is None,
            "url": admin_case_url(case.pk),
        }
        # Overdue first, then by due date: the same order, as overdue dates come first.
        for case in cases[:DIGEST_LIMIT]
    ]
    return {
        "today": today,
        "cases": rows,
        "total": total,
        "overdue": overdue,
        "more": total - len(rows),
        "queue_url": settings.SITE_URL
        + reverse("admin:cases_case_changelist")
        + "?assignee=me&status=open",
    }


def reply_by_context(email: OutboundEmail) -> dict:
    reply_by = email.context.get("reply_by")
    return {"reply_by": datetime.date.fromisoformat(reply_by) if reply_by else None}


STAFF_CONTEXT: dict[str, Callable[[OutboundEmail], dict]] = {
    **dict.fromkeys(
        (
            *DEADLINE_REMINDER_KINDS,
            Kind.EXTENSION_UNTOLD,
            Kind.NEW_REQUEST,
            Kind.SUBJECT_REPLY,
        ),
        deadline_context,
    ),
    # A question's reply-by date, written out in the e-mail's language.
    Kind.NEW_MESSAGE: reply_by_context,
    Kind.QUESTION_REMINDER: reply_by_context,
    Kind.QUESTION_UNANSWERED: lambda email: {**deadline_context(email), **reply_by_context(email)},
    Kind.DAILY_DIGEST: digest_context,
}


# --- Rendering --------------------------------------------------------------------------------


def render_email(email: OutboundEmail, secret_links: dict | None = None) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of ``email`` in its language."""
    with translation.override(email.language):
        context = {
            **email.context,
            "context": email.context,
            "case": email.case,
            "org": settings.DSAR_ORGANISATION,
            "site_url": settings.SITE_URL,
            "recipient": email.recipient_user,
            "attachments": email.attachments,
        }
        builder = STAFF_CONTEXT.get(email.kind)
        if builder:
            context.update(builder(email))
        context.update(secret_links or {})
        base = f"emails/{email.kind}"
        subject = render_to_string(f"{base}.subject.txt", context)
        text = render_to_string(f"{base}.txt", context)
        html = render_to_string(f"{base}.html", context)
    # Template tags leave blank lines behind in plain text; keep at most one in a row.
    text = re.sub(r"\n[ \t]*(\n[ \t]*)+\n", "\n\n", text).strip() + "\n"
    return " ".join(subject.split()), text, html
