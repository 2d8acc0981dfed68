"""The data subject's actions, and the officer's "send status link". Like ``cases.services``:
keyword-only arguments, one transaction each, audit events written in that transaction,
e-mails planned in the outbox inside it and sent after commit."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services
from cases.audit import Actor, record_event
from cases.models import Case, Channel, EventKind, Status, SubjectFile, SubjectSubmission

from . import uploads

logger = logging.getLogger(__name__)


def _email_plan(**kwargs):
    # Imported late: cases is loaded before notifications.
    from notifications.services import email_plan

    return email_plan(**kwargs)


@transaction.atomic
def case_submit_web_request(*, fields: dict, now: datetime.datetime | None = None) -> Case:
    """Store a request made through the web form, unconfirmed, and plan the e-mail that asks
    the subject to confirm the address. Both are written in one transaction, so the request
    is kept even when the mail server or the broker is down."""
    now = now or timezone.now()
    case = services.case_create(
        actor=Actor.subject(),
        received_at=now,
        now=now,
        unconfirmed=True,
        channel=Channel.WEB,
        **fields,
    )
    _email_plan(
        kind="confirm_address",
        to=case.subject_email,
        language=case.subject_language,
        case=case,
        context={
            "confirmation_days": settings.DSAR_CONFIRMATION_MAX_AGE_DAYS,
            "retention_days": settings.DSAR_UNCONFIRMED_RETENTION_DAYS,
        },
        # No dedupe key: the case is new in this transaction, so its first e-mail is too (and
        # the row goes in without a savepoint).
    )
    return case


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
                    original_name=uploads.display_name(uploaded.name),
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
            event = record_event(
                case, Actor.subject(), EventKind.DOCUMENT, at=now, changes=changes, message=message
            )
            services._emit(case, event)
    except BaseException:
        for stored_file in stored:
            uploads.delete(stored_file.storage_path)
        raise
    logger.info("Case %s: the subject sent %d file(s)", case_id, len(stored))
    return submission


@transaction.atomic
def case_send_status_link(*, case_id: int, actor: Actor, now: datetime.datetime | None = None):
    """E-mail the subject a private link to the status page, e.g. for a request an officer
    registered from an e-mail, letter or phone call. A second click within the same minute
    plans nothing more."""
    now = now or timezone.now()
    case = _lock(case_id)
    if case.status == Status.UNCONFIRMED:
        raise services.CaseActionError(
            _("This web request is not confirmed yet."),
            code="illegal_transition",
        )
    if not case.subject_email:
        raise services.CaseActionError(
            _("%(reference)s has no e-mail address for the data subject.")
            % {"reference": case.reference},
            code="no_email",
        )
    _email_plan(
        kind="status_link",
        to=case.subject_email,
        language=case.subject_language,
        case=case,
        context={"reference": case.reference},
        dedupe_key=f"status_link:{case.pk}:{timezone.localtime(now):%Y%m%d%H%M}",
    )
    return case


def purge_unconfirmed_requests(*, now: datetime.datetime | None = None, batch: int = 500) -> int:
    """Delete web requests whose e-mail address was never confirmed, once they are older
    than ``DSAR_UNCONFIRMED_RETENTION_DAYS``. They never were requests in the queue, so they
    leave no audit trail; their outbox rows and events go with them. Returns the count."""
    now = now or timezone.now()
    days = settings.DSAR_UNCONFIRMED_RETENTION_DAYS
    cutoff = now - datetime.timedelta(days=days)
    deleted = 0
    while True:
        with transaction.atomic():
            # Locked, so that a confirmation arriving at this moment waits and then finds
            # the request gone, instead of a confirmed request being deleted.
            ids = list(
                Case.objects.select_for_update(skip_locked=True)
                .filter(status=Status.UNCONFIRMED, created_at__lt=cutoff)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                break
            _total, per_model = Case.objects.filter(pk__in=ids, status=Status.UNCONFIRMED).delete()
        deleted += per_model.get(Case._meta.label, 0)
    logger.info("Deleted %d unconfirmed web request(s) older than %d days", deleted, days)
    return deleted


@transaction.atomic
def case_confirm_web_request(*, case_id: int, now: datetime.datetime | None = None):
    """The subject followed the confirmation link: the request enters the officers' queue
    (``cases.services.case_confirm``), and the browser gets a status link of its own.
    Returns ``(case, status token)``."""
    from .tokens import status_token_create

    case = services.case_confirm(case_id=case_id, actor=Actor.subject(), now=now)
    return case, status_token_create(case, now=now)
