"""Retention: personal data is kept only as long as it is needed (GDPR Art 5(1)(c) and (e)).

Three rules, run together once a day (Celery beat, ``casework.tasks.purge_expired``) or by
hand (``manage.py purge_expired [--dry-run]``); the periods and the reasons for them are in
docs/retention.md:

1. **Unconfirmed web requests** are deleted ``DSAR_UNCONFIRMED_RETENTION_DAYS`` after they were
   made (:func:`purge_unconfirmed_requests`).
2. **Identity documents** (files the subject uploaded on the status page) are deleted once the
   identity is verified — the files sent up to the verification — and every file of a request
   at the latest ``DSAR_IDENTITY_DOCUMENT_RETENTION_DAYS`` after it was closed.
3. **Closed requests** are anonymised ``DSAR_CASE_RETENTION_DAYS`` after closing: the subject's
   name, contact details, representative and request text are blanked or replaced with
   :data:`REDACTED`; the free text of the audit trail, the messages with the subject, letters
   and e-mails is redacted; the files of letters and uploads are deleted. Reference, type,
   channel, dates, deadlines, statuses, outcome and the timeline's events (kind, time, actor)
   stay, so the statistics and the register stay true.

Every run is written to the security log (``accounts.SecurityEvent``: what, when, why, how
many, which references — never the data removed), and each request it changed gets an event
in its own timeline. Files are deleted after the database transaction commits; a file that
cannot be deleted is logged (by path, which holds no personal data) and not retried.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.log import record_security_event
from accounts.models import SecurityEventKind
from cases import uploads
from cases.audit import Actor, record_event
from cases.models import (
    FINAL_STATUSES,
    Case,
    CaseEvent,
    CasePause,
    EventKind,
    Status,
    StatusToken,
    SubjectFile,
    SubjectSubmission,
)
from correspondence.models import Message
from letters.models import Letter
from notifications.models import OutboundEmail

logger = logging.getLogger(__name__)

# What anonymised text fields hold instead of the personal data.
REDACTED = "[anonymised]"

# Keys of CaseEvent.changes whose values are never personal data: codes, dates, ids, staff
# user names. Every other key's value is redacted (an allowlist: a new key that might hold
# personal data is redacted until it is added here).
KEPT_CHANGE_KEYS = frozenset(
    {
        # cases.services
        "assignee",
        "method",
        "reason",  # the pause reason: a code (identity, clarification)
        "due_date",
        "extended_due_date",
        "effective_due_date",
        "notified_on",
        "late",
        "outcome",
        "received_at",
        "request_type",
        "channel",
        "subject_language",
        # public
        "submission",
        # correspondence: the message's id and its reply-by date
        "message",
        "reply_by",
        # letters
        "letter",
        "action",
        "type",
        "version",
        "language",
        "sha256",
        "posted_on",
        "with",
        # notifications
        "email",
        "kind",
        "state",
        # this module
        "files_deleted",
        "retention_days",
        "why",
        "letter_files_deleted",
    }
)


def _days(name: str) -> int:
    return int(getattr(settings, name))


def _redact_value(value):
    if isinstance(value, list) and len(value) == 2:
        return [REDACTED if v not in (None, "") else v for v in value]
    return REDACTED if value not in (None, "", [], {}) else value


def redact_changes(changes: dict) -> dict:
    return {
        key: (value if key in KEPT_CHANGE_KEYS else _redact_value(value))
        for key, value in (changes or {}).items()
    }


# --- What is due (selectors) -----------------------------------------------------------------


def unconfirmed_due(now: datetime.datetime):
    """The web requests ``purge_unconfirmed_requests`` deletes at ``now`` (same criterion)."""
    cutoff = now - datetime.timedelta(days=_days("DSAR_UNCONFIRMED_RETENTION_DAYS"))
    return Case.objects.filter(status=Status.UNCONFIRMED, created_at__lt=cutoff)


def identity_documents_due(now: datetime.datetime):
    """Files sent up to the identity's verification, and every file of a request closed
    longer ago than DSAR_IDENTITY_DOCUMENT_RETENTION_DAYS."""
    cutoff = now - datetime.timedelta(days=_days("DSAR_IDENTITY_DOCUMENT_RETENTION_DAYS"))
    verified = Q(
        submission__case__identity_verified_at__isnull=False,
        submission__submitted_at__lte=F("submission__case__identity_verified_at"),
    )
    closed = Q(submission__case__status__in=FINAL_STATUSES, submission__case__closed_at__lt=cutoff)
    return SubjectFile.objects.filter(verified | closed)


def cases_due_for_anonymisation(now: datetime.datetime):
    cutoff = now - datetime.timedelta(days=_days("DSAR_CASE_RETENTION_DAYS"))
    return Case.objects.filter(
        status__in=FINAL_STATUSES, closed_at__lt=cutoff, anonymised_at__isnull=True
    )


# --- The purge ------------------------------------------------------------------------------


@dataclass
class PurgeReport:
    dry_run: bool
    at: datetime.datetime
    unconfirmed_deleted: int = 0
    # reference -> number of files
    identity_documents: dict[str, int] = field(default_factory=dict)
    anonymised: list[str] = field(default_factory=list)

    @property
    def identity_documents_deleted(self) -> int:
        return sum(self.identity_documents.values())

    @property
    def nothing_to_do(self) -> bool:
        return not (self.unconfirmed_deleted or self.identity_documents or self.anonymised)

    def lines(self) -> list[str]:
        """A summary for people (the command's output); references only, no personal data."""
        verb = "would" if self.dry_run else "did"
        mode = "dry run: nothing changed" if self.dry_run else "done"
        lines = [
            f"Retention purge at {self.at:%Y-%m-%d %H:%M %Z} ({mode}):",
            f"- unconfirmed web requests {verb} delete: {self.unconfirmed_deleted}",
            f"- identity documents {verb} delete: {self.identity_documents_deleted}"
            + (
                " (" + ", ".join(f"{ref}: {n}" for ref, n in self.identity_documents.items()) + ")"
                if self.identity_documents
                else ""
            ),
            f"- closed requests {verb} anonymise: {len(self.anonymised)}"
            + (f" ({', '.join(self.anonymised)})" if self.anonymised else ""),
        ]
        return lines

    def details(self) -> dict:
        return {
            "unconfirmed_deleted": self.unconfirmed_deleted,
            "identity_documents_deleted": self.identity_documents_deleted,
            "identity_documents_by_case": self.identity_documents,
            "cases_anonymised": self.anonymised,
            "settings": {
                "DSAR_UNCONFIRMED_RETENTION_DAYS": _days("DSAR_UNCONFIRMED_RETENTION_DAYS"),
                "DSAR_IDENTITY_DOCUMENT_RETENTION_DAYS": _days(
                    "DSAR_IDENTITY_DOCUMENT_RETENTION_DAYS"
                ),
                "DSAR_CASE_RETENTION_DAYS": _days("DSAR_CASE_RETENTION_DAYS"),
            },
        }


def purge_expired(
    *,
    now: datetime.datetime | None = None,
    dry_run: bool = False,
    user=None,
    reason: str = "",
    batch: int = 200,
) -> PurgeReport:
    """Apply the three rules at ``now``. ``dry_run``: only report what would happen. ``user``:
    the staff member who started it (None: the daily job). Records the run in the security
    log (not for a dry run)."""
    now = now or timezone.now()
    report = PurgeReport(dry_run=dry_run, at=timezone.localtime(now))
    if dry_run:
        report.unconfirmed_deleted = unconfirmed_due(now).count()
        for reference, count in (
            identity_documents_due(now)
            .values_list("submission__case__reference")
            .annotate(n=models.Count("id"))
            .order_by("submission__case__reference")
        ):
            report.identity_documents[reference] = count
        report.anonymised = list(
            cases_due_for_anonymisation(now)
            .order_by("closed_at", "pk")
            .values_list("reference", flat=True)
        )
        return report

    report.unconfirmed_deleted = purge_unconfirmed_requests(now=now)
    case_ids = (
        identity_documents_due(now)
        .order_by()
        .values_list("submission__case_id", flat=True)
        .distinct()
    )
    for case_id in list(case_ids):
        reference, count = _delete_identity_documents(case_id=case_id, now=now)
        if count:
            report.identity_documents[reference] = count
    while True:
        ids = list(
            cases_due_for_anonymisation(now)
            .exclude(reference__in=report.anonymised)
            .order_by("closed_at", "pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            break
        for case_id in ids:
            reference = _anonymise(case_id=case_id, now=now)
            if reference:
                report.anonymised.append(reference)

    record_security_event(
        SecurityEventKind.RETENTION_PURGE,
        actor=user,
        at=now,
        reason=reason
        or ("Started by hand" if user is not None else "Daily retention purge (Celery beat)"),
        details=report.details(),
    )
    logger.info(
        "retention: deleted %d unconfirmed request(s) and %d identity document(s); "
        "anonymised %d closed request(s)",
        report.unconfirmed_deleted,
        report.identity_documents_deleted,
        len(report.anonymised),
    )
    return report


def purge_unconfirmed_requests(*, now: datetime.datetime | None = None, batch: int = 500) -> int:
    """Delete web requests whose e-mail address was never confirmed, once they are older
    than ``DSAR_UNCONFIRMED_RETENTION_DAYS``. They never were requests in the queue, so they
    leave no audit trail; their outbox rows and events go with them. Returns the count."""
    now = now or timezone.now()
    deleted = 0
    while True:
        with transaction.atomic():
            # Locked, so that a confirmation arriving at this moment waits and then finds
            # the request gone, instead of a confirmed request being deleted.
            ids = list(
                unconfirmed_due(now)
                .select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                break
            _total, per_model = Case.objects.filter(pk__in=ids, status=Status.UNCONFIRMED).delete()
        deleted += per_model.get(Case._meta.label, 0)
    logger.info("Deleted %d unconfirmed web request(s)", deleted)
    return deleted


def _delete_files_after_commit(paths: list[str]) -> None:
    def delete():
        for path in paths:
            try:
                uploads.delete(path)
            except (OSError, ValueError):
                logger.warning("retention: could not delete private file %s", path, exc_info=True)

    if paths:
        transaction.on_commit(delete)


@transaction.atomic
def _delete_identity_documents(*, case_id: int, now) -> tuple[str, int]:
    case = Case.objects.select_for_update().get(pk=case_id)
    files = list(
        identity_documents_due(now).filter(submission__case=case).select_related("submission")
    )
    if not files:
        return case.reference, 0
    SubjectFile.objects.filter(pk__in=[f.pk for f in files]).delete()
    # Why, as a code: the timeline (casework/timeline.py) says it in the reader's language.
    verified_at = case.identity_verified_at
    if verified_at is not None and all(f.submission.submitted_at <= verified_at for f in files):
        why = {"why": "identity_verified"}
    else:
        why = {"why": "closed", "retention_days": _days("DSAR_IDENTITY_DOCUMENT_RETENTION_DAYS")}
    record_event(
        case,
        Actor.system(),
        EventKind.DOCUMENTS_DELETED,
        at=now,
        changes={"files_deleted": len(files), **why},
    )
    _delete_files_after_commit([f.storage_path for f in files])
    return case.reference, len(files)


@transaction.atomic
def _anonymise(*, case_id: int, now) -> str:
    """Remove the personal data of one closed request; returns its reference ('' if it no
    longer qualifies, e.g. anonymised by a concurrent run)."""
    case = Case.objects.select_for_update().get(pk=case_id)
    if not cases_due_for_anonymisation(now).filter(pk=case.pk).exists():
        return ""

    # The request itself.
    Case.objects.filter(pk=case.pk).update(
        subject_name=REDACTED,
        subject_email="",
        subject_phone="",
        subject_address="",
        description="",
        representative_name="",
        representative_details="",
        representative_authority_note="",
        identity_note="",
        extension_reason=REDACTED if case.extension_reason else "",
        outcome_reason=REDACTED if case.outcome_reason else "",
        anonymised_at=now,
        updated_at=now,
    )
    CasePause.objects.filter(case=case).exclude(note="").update(note=REDACTED)
    StatusToken.objects.filter(case=case).delete()

    # What the subject sent: messages blanked, files deleted; the officers' messages too.
    SubjectSubmission.objects.filter(case=case).exclude(message="").update(message=REDACTED)
    Message.objects.filter(case=case).redact_personal_data(REDACTED)
    files = list(SubjectFile.objects.filter(submission__case=case))
    SubjectFile.objects.filter(pk__in=[f.pk for f in files]).delete()
    paths = [f.storage_path for f in files]

    letter_files = _redact_letters(case)
    _redact_emails(case)

    # The audit trail: free text redacted in place, the shape kept.
    redactions = {}
    for event_id, message, changes in CaseEvent.objects.filter(case=case).values_list(
        "pk", "message", "changes"
    ):
        new_message = REDACTED if message else ""
        new_changes = redact_changes(changes)
        if (new_message, new_changes) != (message, changes):
            redactions[event_id] = (new_message, new_changes)
    CaseEvent.objects.filter(case=case).redact_personal_data(redactions)

    days = _days("DSAR_CASE_RETENTION_DAYS")
    record_event(
        case,
        Actor.system(),
        EventKind.ANONYMISED,
        at=now,
        changes={
            "retention_days": days,
            "files_deleted": len(paths),
            "letter_files_deleted": len(letter_files),
        },
    )
    _delete_files_after_commit(paths + letter_files)
    return case.reference


def _redact_letters(case) -> list[str]:
    """The letters' rows stay (type, version, dates, checksum: what was sent when); what the
    officer filled in is redacted and the PDF files are deleted. Returns the file paths."""
    letters = list(Letter.objects.filter(case=case).values_list("pk", "file_path", "fields"))
    for pk, _path, fields in letters:
        redacted = {key: _redact_value(value) for key, value in (fields or {}).items()}
        Letter.objects.filter(pk=pk).redact_fields(redacted)
    return [path for _pk, path, _fields in letters if path]


def _redact_emails(case) -> None:
    """E-mails about the request: the subject's address, the text and the template context
    go; kind, state and dates stay."""
    emails = OutboundEmail.objects.filter(case=case)
    emails.filter(recipient_user__isnull=True).update(to="")
    emails.update(context={}, body="", attachments=[])
