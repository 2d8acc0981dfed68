"""Every write to the outbox: planning e-mails, delivering them, the reminder sweep.

- :func:`email_plan` writes one outbox row inside the caller's transaction and enqueues its
  delivery after commit. Other apps call it (see the contract in docs/notifications.md).
- :func:`email_deliver` claims a row with a conditional UPDATE, renders it, sends it through
  Django's mail API and records the result; the Celery task and ``send_reminders`` call it.
- :func:`reminder_sweep` plans the reminders that are due (indexed window queries, bulk
  inserts against the unique deduplication keys) and re-enqueues pending rows whose message
  seems lost.

Log lines name e-mails by id and cases by reference, never an address or a name.
"""

import datetime
import json
import logging
import re
import smtplib
import uuid
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import deadlines
from cases.audit import Actor, record_event
from cases.models import OPEN_STATUSES, Case, EventKind
from cases.services import CaseActionError, case_record_extension_notice, local_date

from . import policy
from .models import DEADLINE_REMINDER_KINDS, Kind, OutboundEmail, State

logger = logging.getLogger(__name__)

# Keys per query when checking which reminders exist already (SQLite's variable limit).
_KEY_CHUNK = 900
LINK_PLACEHOLDER = "[link]"
_DIGEST_CATCH_UP = datetime.timedelta(hours=4)
# E-mails per delivery message the sweep sends (see requeue_due).
DELIVERY_BATCH = 50

_link_providers: dict[str, list[Callable]] = {}
_attachment_providers: dict[str, list[Callable]] = {}
# Context computed at send time for this app's own kinds (the digest's list of cases);
# unlike links, it is kept in the stored body.
_context_builders: dict[str, Callable] = {}


# --- Settings -------------------------------------------------------------------------------


def _setting(name: str, default):
    return getattr(settings, name, default)


def max_attempts() -> int:
    return int(_setting("DSAR_EMAIL_MAX_ATTEMPTS", 8))


def retry_delay(attempts: int) -> float:
    return policy.retry_delay(
        attempts,
        base=float(_setting("DSAR_EMAIL_RETRY_BASE_SECONDS", 60)),
        maximum=float(_setting("DSAR_EMAIL_RETRY_MAX_SECONDS", 900)),
    )


def _requeue_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=float(_setting("DSAR_EMAIL_REQUEUE_AFTER_SECONDS", 300)))


def _sending_lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=float(_setting("DSAR_EMAIL_SENDING_LEASE_SECONDS", 600)))


def _staff_language() -> str:
    return settings.LANGUAGE_CODE


def _tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def digest_time() -> datetime.time:
    return datetime.time.fromisoformat(_setting("DSAR_DIGEST_TIME", "08:00"))


def local_moment(day: datetime.date, at: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, at, tzinfo=_tz())


# --- Registries (other apps call these from their AppConfig.ready()) -------------------------


def register_link_provider(kind: str, fn: Callable) -> None:
    """``fn(email) -> dict`` adds secret links to the template context at send time; the
    copy of the body kept in the outbox shows "[link]" instead."""
    _link_providers.setdefault(kind, []).append(fn)


def register_attachment_provider(kind: str, fn: Callable) -> None:
    """``fn(case) -> list[dict]`` adds attachments when an e-mail of ``kind`` is planned."""
    _attachment_providers.setdefault(kind, []).append(fn)


def register_context_builder(kind: str, fn: Callable) -> None:
    """``fn(email) -> dict`` adds (non-secret) context at send time."""
    _context_builders[kind] = fn


# --- Planning -------------------------------------------------------------------------------


def _check_attachments(attachments: list[dict]) -> list[dict]:
    checked = []
    for item in attachments:
        missing = {"storage_path", "filename", "mimetype"} - set(item)
        if missing:
            raise ValueError(f"Attachment lacks {sorted(missing)}")
        _private_path(item["storage_path"])  # raises for a path outside PRIVATE_FILES_ROOT
        checked.append(
            {
                "storage_path": str(item["storage_path"]),
                "filename": str(item["filename"]),
                "mimetype": str(item["mimetype"]),
            }
        )
    return checked


def _private_path(storage_path: str) -> Path:
    root = Path(settings.PRIVATE_FILES_ROOT).resolve()
    path = (root / storage_path).resolve()
    if not path.is_relative_to(root):
        raise ValueError("Attachment path leaves PRIVATE_FILES_ROOT")
    return path


def email_plan(
    *,
    kind: str,
    to: str,
    language: str = "nl",
    case=None,
    user=None,
    context: dict | None = None,
    dedupe_key: str | None = None,
    planned_at: datetime.datetime | None = None,
    attachments: list[dict] | None = None,
) -> OutboundEmail | None:
    """Write one outbox row and enqueue its delivery after the transaction commits.

    Call it inside the caller's transaction (a service or an ``on_case_event`` hook), so the
    e-mail exists exactly when the change that caused it does. Returns ``None`` and writes
    nothing when a row with ``dedupe_key`` exists already.
    """
    if not to:
        raise ValueError("email_plan() needs a recipient address")
    now = timezone.now()
    planned_at = planned_at or now
    context = dict(context or {})
    json.dumps(context)  # fail here, in the caller, rather than in the worker
    # The key first: an e-mail that exists already must not make providers attach (and
    # mark as sent) anything again.
    if dedupe_key and OutboundEmail.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    attachments = list(attachments or [])
    if case is not None:
        for provider in _attachment_providers.get(kind, ()):
            attachments.extend(provider(case) or [])
    attachments = _check_attachments(attachments)

    countdown = (planned_at - now).total_seconds()
    # Far-future rows are left to the sweep: a broker countdown must stay well below the
    # Redis visibility timeout.
    enqueue = countdown <= float(_setting("DSAR_EMAIL_RETRY_MAX_SECONDS", 900))
    email = OutboundEmail(
        kind=kind,
        case=case,
        recipient_user=user,
        to=to,
        language=language or settings.LANGUAGE_CODE,
        context=context,
        attachments=attachments,
        planned_at=planned_at,
        enqueued_at=now if enqueue else None,
        created_at=now,
    )
    if dedupe_key:
        email.dedupe_key = dedupe_key
        try:
            with transaction.atomic():  # a savepoint: a lost race must not break the caller
                email.save()
        except IntegrityError:
            if OutboundEmail.objects.filter(dedupe_key=dedupe_key).exists():
                return None
            raise
    else:
        # Without a key of the caller's the row is unique by construction: no savepoint.
        email.dedupe_key = f"{kind}:{uuid.uuid4().hex}"
        email.save()
    if enqueue:
        email_id = email.pk
        transaction.on_commit(lambda: enqueue_delivery(email_id, countdown=max(countdown, 0)))
    logger.info("email %s (%s) planned", email.pk, kind)
    return email


def enqueue_delivery(email_id: int, *, countdown: float = 0) -> bool:
    """Hand the delivery of one row to Celery. A broker that is down loses nothing: the row
    stays pending and the next sweep enqueues it again."""
    from .tasks import deliver_email

    try:
        deliver_email.apply_async((email_id,), countdown=countdown or None)
    except Exception as exc:  # noqa: BLE001 - any broker failure; the outbox keeps the row
        logger.warning(
            "email %s: could not enqueue (%s); the sweep will retry", email_id, type(exc).__name__
        )
        OutboundEmail.objects.filter(pk=email_id, state=State.PENDING).update(enqueued_at=None)
        return False
    return True


# --- Delivering -----------------------------------------------------------------------------


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
        Q(state=State.PENDING) | Q(state=State.SENDING, claimed_at__lte=now - _sending_lease()),
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
        if _is_temporary(exc) and email.attempts < max_attempts():
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
                plan_extension_untold_reminder(email.case, after=local_date(email.planned_at))
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
            and Case.objects.filter(assignee=user, status__in=OPEN_STATUSES).exists()
        )
    return True


def render_email(email: OutboundEmail, links: dict | None = None) -> tuple[str, str, str]:
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
        builder = _context_builders.get(email.kind)
        if builder:
            context.update(builder(email))
        context.update(links or {})
        base = f"emails/{email.kind}"
        subject = render_to_string(f"{base}.subject.txt", context)
        text = render_to_string(f"{base}.txt", context)
        html = render_to_string(f"{base}.html", context)
    # Template tags leave blank lines behind in plain text; keep at most one in a row.
    text = re.sub(r"\n[ \t]*(\n[ \t]*)+\n", "\n\n", text).strip() + "\n"
    return " ".join(subject.split()), text, html


def _links(email: OutboundEmail) -> dict:
    links = {}
    for provider in _link_providers.get(email.kind, ()):
        links.update(provider(email) or {})
    return links


def _build_message(email: OutboundEmail) -> tuple[EmailMultiAlternatives, str, str]:
    links = _links(email)
    subject, text, html = render_email(email, links)
    stored_subject, stored_text = subject, text
    if links:
        stored_subject, stored_text, _html = render_email(
            email, dict.fromkeys(links, LINK_PLACEHOLDER)
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
        content = _private_path(item["storage_path"]).read_bytes()
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


# --- Operators --------------------------------------------------------------------------------


@transaction.atomic
def email_retry_failed(*, email_ids: Iterable[int], actor: Actor, now=None) -> int:
    """Give failed e-mails a fresh set of attempts (an officer's admin action); audited on
    the case's timeline. Returns how many were queued again."""
    now = now or timezone.now()
    emails = list(
        OutboundEmail.objects.select_for_update(of=("self",))
        .select_related("case")
        .filter(pk__in=list(email_ids), state=State.FAILED)
    )
    for email in emails:
        email.state = State.PENDING
        email.attempts = 0
        email.planned_at = now
        email.enqueued_at = now
        email.claimed_at = None
        email.save(update_fields=["state", "attempts", "planned_at", "enqueued_at", "claimed_at"])
        if email.case_id:
            record_event(
                email.case,
                actor,
                EventKind.EMAIL,
                at=now,
                changes={"email": email.pk, "kind": email.kind, "state": State.PENDING},
                message=_("Delivery retried: %(kind)s") % {"kind": email.get_kind_display()},
            )
        transaction.on_commit(lambda pk=email.pk: enqueue_delivery(pk))
    return len(emails)


# --- The sweep --------------------------------------------------------------------------------


@dataclass
class SweepReport:
    planned: Counter = field(default_factory=Counter)  # kind -> rows written
    due: list[int] = field(default_factory=list)  # ids enqueued (or delivered)
    delivered: list[DeliveryResult] = field(default_factory=list)


def reminder_sweep(*, now=None, deliver: bool = False) -> SweepReport:
    """Plan the reminders and digests that are due, then hand every pending row whose time
    has come (and whose message seems lost) to Celery, or deliver them here (``deliver``,
    for ``send_reminders``)."""
    now = now or timezone.now()
    report = SweepReport()
    report.planned.update(plan_reminders(now=now))
    report.planned.update(plan_digests(now=now))
    if not deliver:
        report.due = requeue_due(now=now)
        return report
    # Synchronously (send_reminders): everything due now, even what a worker was given
    # already; the claim makes sure each e-mail is still sent once.
    report.due = due_for_delivery(now=now, include_recently_enqueued=True)
    for email_id in report.due:
        report.delivered.append(email_deliver(email_id=email_id, now=now, requeue=False))
    return report


def plan_reminders(*, now) -> Counter:
    """Deadline reminders and DPO escalations for today, in a constant number of queries.

    For each reminder window (pure, ``policy.reminder_windows``) one index range scan over
    the open cases due in it; new rows go in with one bulk insert that ignores rows whose
    deduplication key exists, so concurrent sweeps plan each reminder once.
    """
    today = local_date(now)
    windows = policy.reminder_windows(
        today,
        days_before=int(_setting("DSAR_REMINDER_DAYS_BEFORE", 7)),
        working_days_before=int(_setting("DSAR_REMINDER_WORKING_DAYS_BEFORE", 2)),
    )
    working_day = deadlines.is_working_day(today)
    team = settings.DSAR_PRIVACY_TEAM_EMAIL
    dpo = settings.DSAR_ORGANISATION.get("dpo_email", "")
    language = _staff_language()
    rows: list[OutboundEmail] = []

    def row(kind, key, case_id, reference, due, to, user_id):
        return OutboundEmail(
            kind=kind,
            case_id=case_id,
            recipient_user_id=user_id,
            to=to,
            language=language,
            context={"reference": reference, "due_date": due.isoformat()},
            dedupe_key=key,
            planned_at=now,
            created_at=now,
        )

    for window in windows:
        if window.kind == Kind.REMINDER_OVERDUE and not (working_day or dpo):
            continue
        # No ORDER BY: the rows only go into a bulk insert.
        cases = Case.objects.filter(
            status__in=OPEN_STATUSES, effective_due_date__lte=window.last
        ).order_by()
        if window.first is not None:
            cases = cases.filter(effective_due_date__gte=window.first)
        for case_id, reference, due, user_id, user_email, user_active in cases.values_list(
            "pk",
            "reference",
            "effective_due_date",
            "assignee_id",
            "assignee__email",
            "assignee__is_active",
        ):
            if user_id and user_email and user_active:
                to = user_email
            else:
                to, user_id = team, None
            if window.kind == Kind.REMINDER_OVERDUE:
                if dpo:
                    key = policy.escalation_key(case_id, due)
                    rows.append(
                        row(Kind.OVERDUE_ESCALATION, key, case_id, reference, due, dpo, None)
                    )
                if not working_day:
                    continue
            if not to:
                continue  # no privacy team address configured (nor an assignee's)
            key = policy.reminder_key(window.kind, case_id, due, today)
            rows.append(row(window.kind, key, case_id, reference, due, to, user_id))
    return _insert_new(rows)


def plan_digests(*, now) -> Counter:
    """One digest per officer with open cases, from the first sweep at or after the digest
    time (default 08:00 local, up to four hours later) on working days: a query over the
    staff users, not the cases."""
    local = timezone.localtime(now, _tz())
    today = local.date()
    start = local_moment(today, digest_time())
    # A beat that was down at the digest time catches up, but not into the afternoon: a
    # morning digest that comes at five is noise.
    if not start <= local < start + _DIGEST_CATCH_UP:
        return Counter()
    if _setting("DSAR_DIGEST_WORKING_DAYS_ONLY", True) and not deadlines.is_working_day(today):
        return Counter()
    users = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .exclude(email="")
        .filter(
            Exists(Case.objects.filter(assignee=OuterRef("pk"), status__in=OPEN_STATUSES)),
        )
        .values_list("pk", "email")
    )
    rows = [
        OutboundEmail(
            kind=Kind.DAILY_DIGEST,
            recipient_user_id=user_id,
            to=address,
            language=_staff_language(),
            context={"date": today.isoformat()},
            dedupe_key=policy.digest_key(user_id, today),
            planned_at=now,
            created_at=now,
        )
        for user_id, address in users
    ]
    return _insert_new(rows)


def _insert_new(rows: list[OutboundEmail]) -> Counter:
    """Insert the rows whose key is new. The existing keys are looked up first (through the
    unique index) so that a sweep that finds nothing new writes nothing; the insert itself
    ignores conflicts, which is what makes two sweeps at the same time safe.

    The count is of rows this sweep tried to insert; under a race with another sweep a row
    may be counted by both, though only one of them is stored.
    """
    if not rows:
        return Counter()
    keys = [r.dedupe_key for r in rows]
    existing: set[str] = set()
    for i in range(0, len(keys), _KEY_CHUNK):
        existing.update(
            OutboundEmail.objects.filter(dedupe_key__in=keys[i : i + _KEY_CHUNK]).values_list(
                "dedupe_key", flat=True
            )
        )
    new = [r for r in rows if r.dedupe_key not in existing]
    OutboundEmail.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return Counter(r.kind for r in new)


def due_for_delivery(*, now, include_recently_enqueued: bool = False) -> list[int]:
    """Ids of rows to deliver now: pending rows whose planned time has passed, and rows
    claimed by a worker that seems to have died (claim older than the sending lease).

    Unless ``include_recently_enqueued``, rows handed to the broker within
    ``DSAR_EMAIL_REQUEUE_AFTER_SECONDS`` are left to the message already on its way.
    """
    limit = int(_setting("DSAR_EMAIL_SWEEP_BATCH", 5000))
    pending = OutboundEmail.objects.filter(state=State.PENDING, planned_at__lte=now)
    stale = OutboundEmail.objects.filter(
        state=State.SENDING, claimed_at__lte=now - _sending_lease()
    )
    if not include_recently_enqueued:
        lost = Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=now - _requeue_after())
        # A dead worker's row: no message was sent for it since the claim.
        pending, stale = (
            pending.filter(lost),
            stale.filter(lost | Q(enqueued_at__lte=F("claimed_at"))),
        )
    return [
        *pending.order_by("planned_at").values_list("pk", flat=True)[:limit],
        *stale.values_list("pk", flat=True)[:limit],
    ]


def requeue_due(*, now) -> list[int]:
    """Give every row due for delivery (see :func:`due_for_delivery`) a delivery message:
    new reminders, rows planned for later, messages lost with the broker, dead workers'
    claims. If the broker is down, the rest stay pending for the next sweep.

    The ids go out in batches (``deliver_emails``), so that a sweep with thousands of
    reminders sends tens of messages, not thousands; each e-mail is still claimed and
    retried on its own.
    """
    from .tasks import deliver_emails

    ids = due_for_delivery(now=now)
    if not ids:
        return ids
    for i in range(0, len(ids), _KEY_CHUNK):
        OutboundEmail.objects.filter(pk__in=ids[i : i + _KEY_CHUNK]).update(enqueued_at=now)
    enqueued = 0
    try:
        with deliver_emails.app.producer_or_acquire() as producer:  # one connection for all
            for i in range(0, len(ids), DELIVERY_BATCH):
                deliver_emails.apply_async((ids[i : i + DELIVERY_BATCH],), producer=producer)
                enqueued = min(i + DELIVERY_BATCH, len(ids))
    except Exception as exc:  # noqa: BLE001 - any broker failure; the outbox keeps the rows
        logger.warning(
            "sweep: could not enqueue %s e-mail(s) (%s); the next sweep will retry",
            len(ids) - enqueued,
            type(exc).__name__,
        )
    rest = ids[enqueued:]
    for i in range(0, len(rest), _KEY_CHUNK):
        OutboundEmail.objects.filter(pk__in=rest[i : i + _KEY_CHUNK]).update(enqueued_at=None)
    return ids[:enqueued]


# --- Case-driven reminders ----------------------------------------------------------------------


def staff_recipient(case: Case) -> tuple[str, object | None]:
    """The assignee (when active and with an address), else the privacy team."""
    user = case.assignee
    if user is not None and user.is_active and user.email:
        return user.email, user
    return settings.DSAR_PRIVACY_TEAM_EMAIL, None


def plan_extension_untold_reminder(case: Case, *, after: datetime.date) -> OutboundEmail | None:
    """Remind the officer, on the next working day after ``after``, to tell the subject of
    the extension (Art 12(3)); each such reminder plans the next while it still applies."""
    if not (case.is_open and case.is_extended and case.extension_notified_at is None):
        return None
    day = deadlines.next_working_day(after + datetime.timedelta(days=1))
    to, user = staff_recipient(case)
    if not to:
        return None  # no privacy team address configured (nor an assignee's)
    return email_plan(
        kind=Kind.EXTENSION_UNTOLD,
        to=to,
        language=_staff_language(),
        case=case,
        user=user,
        context={
            "reference": case.reference,
            "due_date": case.due_date.isoformat(),
            "extended_due_date": case.extended_due_date.isoformat(),
        },
        dedupe_key=policy.extension_untold_key(case.pk, day),
        planned_at=local_moment(day, digest_time()),
    )


def admin_case_url(case_id: int) -> str:
    return settings.SITE_URL + reverse("admin:cases_case_change", args=[case_id])
