"""Delivery: send one outbox row, once, and record what happened.

:func:`email_deliver` claims the row with a conditional UPDATE (pending → sending), renders
it (``notifications.rendering``), sends it through Django's mail API, and records the result:
sent, a retry at a later time for a temporary SMTP failure, or failed. The Celery tasks and
``send_reminders`` call it. Log lines name e-mails by id and cases by reference, never an
address or a name.
"""

import datetime
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import clock
from cases.audit import Actor, record_event
from cases.models import Case, EventKind
from cases.services import CaseActionError, case_record_extension_notice

from . import policy, rendering
from .models import DEADLINE_REMINDER_KINDS, Kind, OutboundEmail, State
from .planning import plan_extension_untold_reminder, private_path

logger = logging.getLogger(__name__)


def sending_lease() -> datetime.timedelta:
    """A claim older than this is taken to be a dead worker's."""
    return datetime.timedelta(seconds=settings.DSAR_EMAIL_SENDING_LEASE_SECONDS)


def retry_delay(attempts: int) -> float:
    return policy.retry_delay(
        attempts,
        base=float(settings.DSAR_EMAIL_RETRY_BASE_SECONDS),
        maximum=float(settings.DSAR_EMAIL_RETRY_MAX_SECONDS),
    )


@dataclass
class DeliveryResult:
    email_id: int
    outcome: str  # "sent", "retry", "failed", "cancelled" or "skipped" (not ours to send)
    kind: str = ""
    reference: str = ""
    retry_in: float | None = None
    error: str = ""  # kept on the row; may quote the address, so never logged
    error_code: str = ""  # the exception's class and SMTP code: safe to log and print


def email_deliver(
    *, email_id: int, now: datetime.datetime | None = None, requeue: bool = True
) -> DeliveryResult:
    """Send one outbox row, if it is still to be sent; safe to call twice.

    The row is claimed with a conditional UPDATE (pending → sending): a second caller finds
    nothing to claim and does nothing. A claim older than the sending lease is taken to be a
    dead worker's and may be claimed again, which makes delivery at-least-once.

    ``requeue``: on a temporary failure the caller (the Celery task) retries itself; without
    it (``send_reminders``) the next sweep picks the row up at its new planned time.
    """
    now = now or timezone.now()
    claimed = OutboundEmail.objects.filter(
        Q(state=State.PENDING) | Q(state=State.SENDING, claimed_at__lte=now - sending_lease()),
        pk=email_id,
    ).update(state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return DeliveryResult(email_id, "skipped")

    email = (
        OutboundEmail.objects.select_related("case", "recipient_user").filter(pk=email_id).first()
    )
    if email is None:  # deleted meanwhile (e.g. with an unconfirmed request)
        return DeliveryResult(email_id, "skipped")
    result = DeliveryResult(email_id, "", kind=email.kind, reference=_reference(email))
    if not _still_applies(email, now):
        OutboundEmail.objects.filter(pk=email_id, state=State.SENDING).update(
            state=State.CANCELLED, claimed_at=None
        )
        logger.info("email %s (%s) cancelled: no longer applies", email_id, email.kind)
        result.outcome = "cancelled"
        return result

    try:
        message, stored_subject, stored_body = _build_message(email)
    except Exception as exc:  # noqa: BLE001 - a template or provider bug; kept on the row
        logger.exception("email %s (%s): could not render", email_id, email.kind)
        result.error_code = _error_code(exc)
        return _fail(email, result, f"Could not build the e-mail: {_describe(exc)}", now)

    try:
        if not message.send():
            raise ValueError("No recipient address")
    except Exception as exc:  # noqa: BLE001 - classified below
        error = _describe(exc)
        if _is_temporary(exc) and email.attempts < settings.DSAR_EMAIL_MAX_ATTEMPTS:
            delay = retry_delay(email.attempts)
            OutboundEmail.objects.filter(pk=email_id, state=State.SENDING).update(
                state=State.PENDING,
                planned_at=now + datetime.timedelta(seconds=delay),
                enqueued_at=now if requeue else None,
                claimed_at=None,
                last_error=error,
            )
            logger.warning(
                "email %s (%s): temporary failure %s (attempt %s), retry in %ss",
                email_id,
                email.kind,
                _error_code(exc),
                email.attempts,
                delay,
            )
            result.outcome, result.retry_in, result.error = "retry", delay, error
            result.error_code = _error_code(exc)
            return result
        result.error_code = _error_code(exc)
        return _fail(email, result, error, now)

    _mark_sent(email, stored_subject, stored_body)
    logger.info("email %s (%s) sent", email_id, email.kind)
    result.outcome = "sent"
    _after_final(email, sent=True)
    return result


def _reference(email: OutboundEmail) -> str:
    return (email.case.reference or "") if email.case_id else ""  # none while unconfirmed


def _mark_sent(email: OutboundEmail, subject: str, body: str) -> None:
    sent_at = timezone.now()
    with transaction.atomic():
        updated = OutboundEmail.objects.filter(pk=email.pk, state=State.SENDING).update(
            state=State.SENT,
            sent_at=sent_at,
            subject=subject[:255],
            body=body,
            last_error="",
            claimed_at=None,
        )
        if updated and email.to_subject and email.case_id:
            record_event(
                email.case,
                Actor.system(),
                EventKind.EMAIL,
                at=sent_at,
                changes={"email": email.pk, "kind": email.kind, "state": State.SENT},
                message=subject,
            )


def _fail(email: OutboundEmail, result: DeliveryResult, error: str, now) -> DeliveryResult:
    with transaction.atomic():
        updated = OutboundEmail.objects.filter(pk=email.pk, state=State.SENDING).update(
            state=State.FAILED, last_error=error, claimed_at=None
        )
        if updated and email.to_subject and email.case_id:
            with translation.override(settings.LANGUAGE_CODE):
                message = _("Not delivered (%(kind)s): %(error)s") % {
                    "kind": email.get_kind_display(),
                    "error": error,
                }
            record_event(
                email.case,
                Actor.system(),
                EventKind.EMAIL,
                at=now,
                changes={"email": email.pk, "kind": email.kind, "state": State.FAILED},
                message=message,
            )
    logger.error("email %s (%s) failed permanently after %s attempt(s)", email.pk, email.kind,
                 email.attempts)  # fmt: skip
    result.outcome, result.error = "failed", error
    _after_final(email, sent=False)
    return result


def _after_final(email: OutboundEmail, *, sent: bool) -> None:
    """What follows a delivered (or given-up) e-mail: the recorded extension notice, the next
    day's reminder to tell the subject of an extension."""
    try:
        if sent and email.kind == Kind.EXTENSION_NOTICE and email.case_id:
            case_record_extension_notice(case_id=email.case_id, actor=Actor.system())
        elif email.kind == Kind.EXTENSION_UNTOLD and email.case_id:
            with transaction.atomic():
                plan_extension_untold_reminder(email.case, after=clock.local_date(email.planned_at))
    except CaseActionError as exc:
        logger.warning("email %s: follow-up not recorded (%s)", email.pk, exc.code)


def _still_applies(email: OutboundEmail, now) -> bool:
    """Staff reminders about a case that has since been closed, or whose due date moved, are
    not sent; e-mails to the subject always are."""
    case = email.case
    if email.kind in DEADLINE_REMINDER_KINDS:
        return (
            case is not None
            and case.is_open
            and case.effective_due_date.isoformat() == email.context.get("due_date")
        )
    if email.kind == Kind.EXTENSION_UNTOLD:
        return (
            case is not None
            and case.is_open
            and case.is_extended
            and case.extension_notified_at is None
        )
    if email.kind == Kind.DAILY_DIGEST:
        user = email.recipient_user
        return (
            user is not None
            and user.is_active
            and Case.objects.open().filter(assignee=user).exists()
        )
    return True


def _build_message(email: OutboundEmail) -> tuple[EmailMultiAlternatives, str, str]:
    secret_links = rendering.links(email)
    subject, text, html = rendering.render_email(email, secret_links)
    stored_subject, stored_text = subject, text
    if secret_links:
        stored_subject, stored_text, _html = rendering.render_email(
            email, dict.fromkeys(secret_links, rendering.LINK_PLACEHOLDER)
        )
    headers = {"Auto-Submitted": "auto-generated"}
    if reference := _reference(email):
        headers["X-DSAR-Reference"] = reference
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        reply_to=[settings.DSAR_ORGANISATION["email"]],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    for item in email.attachments:
        content = private_path(item["storage_path"]).read_bytes()
        message.attach(item["filename"], content, item["mimetype"])
    return message, stored_subject, stored_text


def _error_code(exc: BaseException) -> str:
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code = ",".join(str(c) for c, _msg in exc.recipients.values())
    return f"{type(exc).__name__}{f' {code}' if code else ''}"


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _is_temporary(exc: BaseException) -> bool:
    """SMTP 4xx replies, refused or dropped connections and time-outs are worth retrying;
    5xx replies (unknown mailbox, rejected content) and anything else are not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return False
    # SMTPServerDisconnected, ConnectionRefusedError, TimeoutError, socket.gaierror, …
    return isinstance(exc, OSError)
