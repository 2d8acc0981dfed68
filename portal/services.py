"""What the data subject sends on the status page: files and a message, stored whole or not at
all. Like ``cases.services``: keyword-only arguments, one transaction, the audit event written
in that transaction. (Submitting and confirming a request are ``casework.actions``.)"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services, uploads
from cases.audit import Actor, record_event
from cases.models import Case, EventKind, Status, SubjectFile, SubjectSubmission

logger = logging.getLogger(__name__)


def _lock(case_id: int) -> Case:
    try:
        return Case.objects.select_for_update().get(pk=case_id)
    except Case.DoesNotExist:
        raise services.CaseActionError(
            _("This request does not exist."), code="not_found"
        ) from None


def subject_submission_create(
    *,
    case_id: int,
    message: str,
    files: list[tuple[object, str]],
    now: datetime.datetime | None = None,
) -> SubjectSubmission:
    """The subject sends files (already checked: ``(uploaded file, content type)`` pairs)
    and/or a message while the case waits for them. Files are written first, then the rows
    and the audit event in one transaction; if anything fails, the written files are removed
    again, so nothing is half-stored."""
    now = now or timezone.now()
    if not Case.objects.filter(pk=case_id, status=Status.WAITING).exists():
        raise services.CaseActionError(
            _("This request is not waiting for documents from you."), code="not_waiting"
        )
    stored: list[uploads.StoredFile] = []
    try:
        for uploaded, content_type in files:
            stored.append(uploads.store(uploaded, case_id=case_id, content_type=content_type))
        with transaction.atomic():
            case = _lock(case_id)
            if case.status != Status.WAITING:
                raise services.CaseActionError(
                    _("This request is not waiting for documents from you."),
                    code="not_waiting",
                )
            submission = SubjectSubmission.objects.create(
                case=case, submitted_at=now, message=message
            )
            rows = [
                SubjectFile(
                    submission=submission,
                    storage_path=stored_file.storage_path,
                    original_name=uploads.safe_name(uploaded.name, content_type),
                    content_type=content_type,
                    size=stored_file.size,
                    sha256=stored_file.sha256,
                )
                for (uploaded, content_type), stored_file in zip(files, stored, strict=True)
            ]
            SubjectFile.objects.bulk_create(rows)
            changes = {"submission": submission.pk}
            if rows:
                changes["files"] = ", ".join(row.original_name for row in rows)
            record_event(
                case, Actor.subject(), EventKind.DOCUMENT, at=now, changes=changes, message=message
            )
    except BaseException:
        for stored_file in stored:
            uploads.delete(stored_file.storage_path)
        raise
    logger.info("Case %s: the subject sent %d file(s)", case_id, len(stored))
    return submission
