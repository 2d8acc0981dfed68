"""Export of one whole request: everything stored about it and its timeline, as JSON (for
machines, and for the subject's own access request about their request) and as PDF (for
people). For the DPO: a panel on the case page (``accounts.export_case`` permission) and
``manage.py export_case``. Every export is written to the security log.

The PDF is rendered by WeasyPrint through the letters' strict URL fetcher
(``letters.rendering.html_to_pdf``): the document can load nothing from outside.
"""

import datetime
import json
import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.log import record_security_event
from accounts.models import SecurityEventKind
from cases.models import Case
from casework import timeline
from correspondence.models import Message
from letters.models import Letter
from letters.rendering import html_to_pdf
from notifications.models import OutboundEmail

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
EXPORT_PERMISSION = "accounts.export_case"

CASE_FIELDS = (
    "reference",
    "request_type",
    "channel",
    "status",
    "subject_name",
    "subject_email",
    "subject_phone",
    "subject_address",
    "subject_language",
    "description",
    "representative_name",
    "representative_details",
    "representative_authority",
    "representative_authority_note",
    "representative_authority_at",
    "received_at",
    "received_on",
    "deadline_rule",
    "due_date",
    "extended_due_date",
    "extension_reason",
    "extended_at",
    "extension_notified_at",
    "effective_due_date",
    "identity_verified_at",
    "identity_method",
    "identity_note",
    "outcome",
    "outcome_reason",
    "closed_at",
    "confirmed_at",
    "created_at",
    "updated_at",
    "anonymised_at",
)


def _value(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def case_export_data(case: Case, *, now: datetime.datetime | None = None) -> dict:
    """Everything stored about ``case``, JSON-serialisable, in a stable shape."""
    now = (now or timezone.now()).replace(microsecond=0)
    data = {
        "format": "dsar-case-export",
        "format_version": FORMAT_VERSION,
        "exported_at": _value(now),
        "organisation": settings.DSAR_ORGANISATION.get("name", ""),
        "case": {name: _value(getattr(case, name)) for name in CASE_FIELDS},
    }
    data["case"]["assignee"] = case.assignee.get_username() if case.assignee_id else None
    data["case"]["identity_verified_by"] = (
        case.identity_verified_by.get_username() if case.identity_verified_by_id else None
    )
    data["pauses"] = [
        {
            "reason": pause.reason,
            "note": pause.note,
            "started_at": _value(pause.started_at),
            "ended_at": _value(pause.ended_at),
        }
        for pause in case.pauses.order_by("started_at", "pk")
    ]
    data["timeline"] = [
        {
            "at": _value(event.at),
            "kind": event.kind,
            "actor_type": event.actor_type,
            "actor": event.actor_label,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "changes": event.changes,
            "message": event.message,
        }
        for event in case.events.order_by("at", "pk")
    ]
    data["subject_submissions"] = [
        {
            "submitted_at": _value(submission.submitted_at),
            "message": submission.message,
            "files": [
                {
                    "name": f.original_name,
                    "content_type": f.content_type,
                    "size": f.size,
                    "sha256": f.sha256,
                }
                for f in submission.files.all()
            ],
        }
        for submission in case.subject_submissions.prefetch_related("files").order_by(
            "submitted_at", "pk"
        )
    ]
    data["messages"] = [
        {
            "sent_at": _value(message.sent_at),
            "direction": message.direction,
            "kind": message.kind,
            "sent_by": message.sent_by_label,
            "reply_by": _value(message.reply_by),
            # A reply's text and files are under subject_submissions.
            "text": message.body,
            "submission_at": _value(message.submission.submitted_at)
            if message.submission
            else None,
        }
        for message in Message.objects.thread(case.pk)
    ]
    data["letters"] = _letters(case)
    data["emails"] = _emails(case)
    return data


def _letters(case) -> list[dict]:
    return [
        {
            "type": letter.letter_type,
            "version": letter.version,
            "language": letter.language,
            "generated_at": _value(letter.generated_at),
            "generated_by": letter.generated_by_label,
            "sent_at": _value(letter.sent_at),
            "sha256": letter.sha256,
            "fields": letter.fields,
        }
        for letter in Letter.objects.filter(case=case).order_by("generated_at", "pk")
    ]


def _emails(case) -> list[dict]:
    return [
        {
            "kind": email.kind,
            "to": email.to if email.recipient_user_id is None else "(staff)",
            "planned_at": _value(email.planned_at),
            "state": email.state,
            "sent_at": _value(email.sent_at),
            "subject": email.subject,
            "body": email.body,
        }
        for email in OutboundEmail.objects.filter(case=case).order_by("planned_at", "pk")
    ]


def export_json(case: Case, *, now=None) -> bytes:
    return json.dumps(case_export_data(case, now=now), ensure_ascii=False, indent=2).encode()


def export_pdf(case: Case, *, language: str | None = None, now=None) -> bytes:
    """The same data for people to read, laid out as a report; labels in ``language``."""
    now = (now or timezone.now()).replace(microsecond=0)
    data = case_export_data(case, now=now)
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        html = render_to_string(
            "cases/export.html",
            {
                "case": case,
                "data": data,
                "timeline": timeline.entries(case.events.order_by("at", "pk")),
                "exported_at": timezone.localtime(now),
            },
        )
    return html_to_pdf(html)


def filename(case: Case, fmt: str) -> str:
    return f"{case.reference}-export.{fmt}"


def record_export(*, case: Case, fmt: str, user=None, actor_label: str = "", reason: str = ""):
    record_security_event(
        SecurityEventKind.CASE_EXPORTED,
        actor=user,
        actor_label=actor_label,
        reason=reason,
        details={"reference": case.reference, "format": fmt},
    )
    logger.info("export: case %s exported as %s", case.pk, fmt)
