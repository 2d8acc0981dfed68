"""Delivery: send one outbox row, once, and record what happened.

:func:`email_deliver` claims the row with a conditional UPDATE (pending → sending), dated at
the moment of the claim and carrying the Message-ID the e-mail will be sent with, renders it
(``notifications.rendering``), sends it through Django's mail API, and records the result:
sent, a retry at a later time for a temporary SMTP failure, or failed.
:func:`email_deliver_batch` does the same for a list of rows over one SMTP connection. The
Celery tasks and ``send_reminders`` call them. Log lines name e-mails by id and cases by
reference, never an address or a name.
"""

import datetime
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.utils import DNS_NAME
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from cases import clock, filecrypt
from cases.audit import Actor, record_event
from cases.models import Case, CasePause, EventKind
from cases.services import CaseActionError, case_record_extension_notice

from . import policy, rendering
from .models import DEADLINE_REMINDER_KINDS, QUESTION_KINDS, Kind, OutboundEmail, State
from .planning import plan_extension_untold_reminder, private_path

logger = logging.getLogger(__name__)

# The database went away (a lost connection, a restart, a failover): worth retrying later.
DATABASE_GONE = (OperationalError, InterfaceError)


class SentNotRecorded(Exception):
    """The SMTP server accepted the e-mail, but the database could not record it as sent.

    The caller (the Celery task) retries :func:`email_deliver` with ``accepted_message_id``,
    which records it without sending it again. Not an ``OperationalError`` itself, so that
    nothing retries the whole delivery by mistake."""

    def __init__(self, email_id: int, message_id: str):
        super().__init__(f"email {email_id} accepted by the SMTP server but not recorded")
        self.email_id = email_id
        self.message_id = message_id


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
    *,
    email_id: int,
    requeue: bool = True,
    connection=None,
    accepted_message_id: str = "",
) -> DeliveryResult:
    """Send one outbox row, if it is still to be sent; safe to call twice.

    The row is claimed with a conditional UPDATE (pending → sending): a second caller finds
    nothing to claim and does nothing. The claim is dated now, when it is made (never the
    start of the caller's run: a long run would otherwise hand out claims that look expired
    at once). A claim older than the sending lease is taken to be a dead worker's and may be
    claimed again, which makes delivery at-least-once; the e-mail then goes out with the same
    Message-ID, and at most ``DSAR_EMAIL_MAX_ATTEMPTS`` times in all.

    ``requeue``: on a temporary failure the caller (the Celery task) retries itself; without
    it (``send_reminders``) the next sweep picks the row up at its new planned time.
    ``connection``: an e-mail backend shared by a batch (:func:`email_deliver_batch`).
    ``accepted_message_id``: the SMTP server accepted the e-mail with this Message-ID but the
    database could not record it (:class:`SentNotRecorded`): record it, send nothing.

    Raises :class:`SentNotRecorded`, or the database's error when it is unreachable before
    anything was sent.
    """
    if accepted_message_id:
        return _record_accepted(email_id, accepted_message_id)
    claimed_at = timezone.now()
    claimed = OutboundEmail.objects.filter(
        Q(state=State.PENDING)
        | Q(state=State.SENDING, claimed_at__lte=claimed_at - sending_lease()),
        pk=email_id,
    ).update(
        state=State.SENDING,
        claimed_at=claimed_at,
        attempts=F("attempts") + 1,
        # Kept from the first claim on: every attempt sends the same message.
        message_id=Coalesce(NullIf(F("message_id"), Value("")), Value(_new_message_id())),
    )
    if not claimed:
        return DeliveryResult(email_id, "skipped")

    email = (
        OutboundEmail.objects.select_related("case", "recipient_user").filter(pk=email_id).first()
    )
    if email is None:  # deleted meanwhile (e.g. with an unconfirmed request)
        return DeliveryResult(email_id, "skipped")
    result = DeliveryResult(email_id, "", kind=email.kind, reference=_reference(email))
    if not _still_applies(email):
        OutboundEmail.objects.filter(pk=email_id, state=State.SENDING).update(
            state=State.CANCELLED, claimed_at=None
        )
        logger.info("email %s (%s) cancelled: no longer applies", email_id, email.kind)
        result.outcome = "cancelled"
        return result
    if email.attempts > settings.DSAR_EMAIL_MAX_ATTEMPTS:
        # Only a claim taken over from a worker that never finished gets here: each such
        # attempt may have reached the recipient, so they stop at the same bound.
        result.error_code = "AttemptsExhausted"
        return _fail(
            email,
            result,
            f"Given up after {email.attempts - 1} attempt(s); the last one may have been "
            f"delivered (Message-ID {email.message_id}).",
        )

    try:
        message, stored_subject, stored_body = _build_message(email)
    except Exception as exc:  # noqa: BLE001 - a template or provider bug; kept on the row
        logger.exception("email %s (%s): could not render", email_id, email.kind)
        result.error_code = _error_code(exc)
        return _fail(email, result, f"Could not build the e-mail: {_describe(exc)}")

    try:
        if not _send(message, connection):
            raise ValueError("No recipient address")
    except Exception as exc:  # noqa: BLE001 - classified below
        if connection is not None:
            _close_quietly(connection)  # the next e-mail of the batch opens a fresh one
        error = _describe(exc)
        if _is_temporary(exc) and email.attempts < settings.DSAR_EMAIL_MAX_ATTEMPTS:
            delay = retry_delay(email.attempts)
            now = timezone.now()
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
        return _fail(email, result, error)

    try:
        _mark_sent(email, stored_subject, stored_body)
    except DATABASE_GONE as exc:
        logger.error("email %s (%s) sent, but not recorded: the database is unreachable",
                     email_id, email.kind)  # fmt: skip
        raise SentNotRecorded(email_id, email.message_id) from exc
    logger.info("email %s (%s) sent", email_id, email.kind)
    result.outcome = "sent"
    _after_final(email, sent=True)
    return result


def email_deliver_batch(
    *,
    email_ids: Iterable[int],
    requeue: bool = True,
    accepted: Iterable[tuple[int, str]] = (),
) -> list[DeliveryResult]:
    """:func:`email_deliver` for each row, over one SMTP connection opened for the first
    e-mail that is sent and closed at the end (Django would open one per message). Each row
    is still claimed, classified and recorded on its own; a failed message closes the
    connection and the next one opens a new connection.

    ``accepted``: (id, Message-ID) pairs accepted by the SMTP server in an earlier try but
    not recorded (:class:`SentNotRecorded`)."""
    accepted_ids = dict(accepted)
    connection = get_connection()
    results = []
    try:
        for email_id in email_ids:
            results.append(
                email_deliver(
                    email_id=email_id,
                    requeue=requeue,
                    connection=connection,
                    accepted_message_id=accepted_ids.get(email_id, ""),
                )
            )
    finally:
        _close_quietly(connection)
    return results


def _new_message_id() -> str:
    # As Django makes it (the cached host name), but chosen before the SMTP conversation so
    # that the row knows which message a lost attempt sent.
    return make_msgid(domain=DNS_NAME)


def _send(message: EmailMultiAlternatives, connection) -> int:
    if connection is None:
        return message.send()
    connection.open()  # nothing to do when it is open; Django closes only what it opened
    return connection.send_messages([message])


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception as exc:  # noqa: BLE001 - a broken connection is dropped either way
        logger.info("SMTP connection not closed cleanly (%s)", type(exc).__name__)


def _record_accepted(email_id: int, message_id: str) -> DeliveryResult:
    """Record an e-mail the SMTP server accepted in an earlier try (see
    :class:`SentNotRecorded`), if the row is still that attempt's."""
    email = (
        OutboundEmail.objects.select_related("case", "recipient_user")
        .filter(pk=email_id, state=State.SENDING, message_id=message_id)
        .first()
    )
    if email is None:
        return DeliveryResult(email_id, "skipped")
    result = DeliveryResult(email_id, "sent", kind=email.kind, reference=_reference(email))
    try:
        _message, stored_subject, stored_body = _build_message(email)
    except Exception:  # noqa: BLE001 - it rendered a moment ago; keep what we know
        logger.exception("email %s (%s): could not render again", email_id, email.kind)
        stored_subject, stored_body = "", ""
    _mark_sent(email, stored_subject, stored_body)
    logger.info("email %s (%s) sent (recorded late)", email_id, email.kind)
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
            )


def _fail(email: OutboundEmail, result: DeliveryResult, error: str) -> DeliveryResult:
    now = timezone.now()
    with transaction.atomic():
        updated = OutboundEmail.objects.filter(pk=email.pk, state=State.SENDING).update(
            state=State.FAILED, last_error=error, claimed_at=None
        )
        if updated and email.to_subject and email.case_id:
            # The error as the mail server gave it; the timeline puts it into words.
            record_event(
                email.case,
                Actor.system(),
                EventKind.EMAIL,
                at=now,
                changes={
                    "email": email.pk,
                    "kind": email.kind,
                    "state": State.FAILED,
                    "error": error,
                },
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


def _still_applies(email: OutboundEmail) -> bool:
    """Staff reminders about a case that has since been closed, or whose due date moved, are
    not sent, nor the reminders of a question that is no longer open; other e-mails to the
    subject always are."""
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
    if email.kind in QUESTION_KINDS:
        # The question's pause still open: not answered, resumed or closed meanwhile.
        return (
            case is not None
            and case.is_open
            and CasePause.objects.filter(
                pk=email.context.get("pause"), case=case, ended_at__isnull=True
            ).exists()
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
    if email.message_id:
        headers["Message-ID"] = email.message_id
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
        # Private files are encrypted at rest: the attachment is the decrypted content.
        content = filecrypt.read_bytes(private_path(item["storage_path"]))
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
