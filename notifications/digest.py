"""What the staff e-mails show, gathered at send time (so a retried e-mail is current).

Registered with ``services.register_context_builder`` in ``NotificationsConfig.ready()``.
Staff e-mails name requests by reference, type and dates only: no subject's name or address
travels by e-mail where a link into the admin does the job.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases import deadlines
from cases.models import OPEN_STATUSES, Case
from cases.services import local_date

from .models import DEADLINE_REMINDER_KINDS, Kind
from .services import admin_case_url, register_context_builder

# A digest lists at most this many requests and links to the queue for the rest.
DIGEST_LIMIT = 100


def _today():
    return local_date(timezone.now())


def deadline_context(email) -> dict:
    case = email.case
    if case is None:
        return {}
    today = _today()
    return {
        "today": today,
        "days_left": deadlines.describe_days_left(case.effective_due_date, today),
        "admin_url": admin_case_url(case.pk),
    }


def digest_context(email) -> dict:
    today = _today()
    cases = Case.objects.filter(
        assignee_id=email.recipient_user_id, status__in=OPEN_STATUSES
    ).order_by("effective_due_date", "reference_year", "reference_number")
    total = cases.count()
    overdue = cases.filter(effective_due_date__lt=today).count()
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


def register() -> None:
    for kind in (*DEADLINE_REMINDER_KINDS, Kind.EXTENSION_UNTOLD, Kind.NEW_REQUEST):
        register_context_builder(kind, deadline_context)
    register_context_builder(Kind.DAILY_DIGEST, digest_context)
