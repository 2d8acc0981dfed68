"""Planning: every e-mail is a row in the outbox first (docs/notifications.md).

- :func:`email_plan` writes one row inside the caller's transaction and hands its delivery to
  Celery after commit. A broker that is down loses nothing: the sweep finds the row again.
- The ``plan_*`` functions are the e-mails a change of a case calls for. They only write rows;
  the application layer (``casework.actions``) calls them in the same transaction as the
  change, so the e-mail exists exactly when the change does.

Delivery is handed to Celery by task *name* (``DELIVER_EMAIL``), so that planning does not
import the tasks module, which imports delivery, which plans follow-ups here.
"""

import datetime
import json
import logging
import uuid
from collections.abc import Iterable
from pathlib import Path

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases import clock, deadlines
from cases.audit import Actor, record_event
from cases.models import Case, CasePause, EventKind, PauseReason

from . import policy
from .models import Kind, OutboundEmail, State

logger = logging.getLogger(__name__)

DELIVER_EMAIL = "notifications.deliver_email"  # the Celery task of notifications.tasks


# --- The outbox row -------------------------------------------------------------------------


def private_path(storage_path: str) -> Path:
    """The absolute path of a private file; refuses any path outside PRIVATE_FILES_ROOT."""
    root = Path(settings.PRIVATE_FILES_ROOT).resolve()
    path = (root / storage_path).resolve()
    if not path.is_relative_to(root):
        raise ValueError("Attachment path leaves PRIVATE_FILES_ROOT")
    return path


def _check_attachments(attachments: list[dict]) -> list[dict]:
    checked = []
    for item in attachments:
        missing = {"storage_path", "filename", "mimetype"} - set(item)
        if missing:
            raise ValueError(f"Attachment lacks {sorted(missing)}")
        private_path(item["storage_path"])  # raises for a path outside PRIVATE_FILES_ROOT
        checked.append(
            {
                "storage_path": str(item["storage_path"]),
                "filename": str(item["filename"]),
                "mimetype": str(item["mimetype"]),
            }
        )
    return checked


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

    Call it inside the caller's transaction, so the e-mail exists exactly when the change
    that caused it does. Returns ``None`` and writes nothing when a row with ``dedupe_key``
    exists already.
    """
    if not to:
        raise ValueError("email_plan() needs a recipient address")
    now = timezone.now()
    planned_at = planned_at or now
    context = dict(context or {})
    json.dumps(context)  # fail here, in the caller, rather than in the worker
    attachments = _check_attachments(list(attachments or []))

    countdown = (planned_at - now).total_seconds()
    # Far-future rows are left to the sweep: a broker countdown must stay well below the
    # Redis visibility timeout.
    enqueue = countdown <= settings.DSAR_EMAIL_RETRY_MAX_SECONDS
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
        if OutboundEmail.objects.filter(dedupe_key=dedupe_key).exists():
            return None
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


def exists(dedupe_key: str) -> bool:
    """Whether an e-mail with this deduplication key was planned already."""
    return OutboundEmail.objects.filter(dedupe_key=dedupe_key).exists()


def send_task(name: str, args: tuple, **options) -> None:
    """Hand ``name`` to Celery: through the registered task where this process has it (the
    worker, the tests), else by name alone (``send_task``), the message being the same."""
    task = current_app.tasks.get(name)
    if task is not None:
        task.apply_async(args, **options)
    else:
        current_app.send_task(name, args=args, **options)


def enqueue_delivery(email_id: int, *, countdown: float = 0) -> bool:
    """Hand the delivery of one row to Celery. A broker that is down loses nothing: the row
    stays pending and the next sweep enqueues it again."""
    try:
        send_task(DELIVER_EMAIL, (email_id,), countdown=countdown or None)
    except Exception as exc:  # noqa: BLE001 - any broker failure; the outbox keeps the row
        logger.warning(
            "email %s: could not enqueue (%s); the sweep will retry", email_id, type(exc).__name__
        )
        OutboundEmail.objects.filter(pk=email_id, state=State.PENDING).update(enqueued_at=None)
        return False
    return True


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
            )
        transaction.on_commit(lambda pk=email.pk: enqueue_delivery(pk))
    return len(emails)


# --- The e-mails a change of a case calls for ------------------------------------------------
# Each is called by casework.actions inside the transaction of the change.


def _to_subject(case: Case, kind: str, key: str, *, at, context=None, attachments=None):
    if not case.subject_email:
        return None  # told by post or phone; the officer sees it on the case page
    return email_plan(
        kind=kind,
        to=case.subject_email,
        language=case.subject_language or settings.LANGUAGE_CODE,
        case=case,
        context={"reference": case.reference, **(context or {})},
        dedupe_key=key,
        planned_at=at,
        attachments=attachments,
    )


def plan_confirm_address(case: Case) -> OutboundEmail:
    """Ask the subject of a web request to confirm the e-mail address."""
    return email_plan(
        kind=Kind.CONFIRM_ADDRESS,
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


def plan_receipt(case: Case, *, at: datetime.datetime) -> None:
    """Acknowledge receipt to the subject, with the due date."""
    _to_subject(
        case,
        Kind.RECEIPT,
        f"{Kind.RECEIPT}:{case.pk}",
        at=at,
        context={
            "received_on": case.received_on.isoformat(),
            "due_date": case.due_date.isoformat(),
        },
    )


def plan_new_request_alert(case: Case, *, at: datetime.datetime) -> None:
    """Tell the privacy team a (confirmed) web request came in."""
    if not settings.DSAR_PRIVACY_TEAM_EMAIL:
        return  # nobody to tell; the request is in the queue
    email_plan(
        kind=Kind.NEW_REQUEST,
        to=settings.DSAR_PRIVACY_TEAM_EMAIL,
        language=settings.LANGUAGE_CODE,
        case=case,
        context={"reference": case.reference, "due_date": case.due_date.isoformat()},
        dedupe_key=f"{Kind.NEW_REQUEST}:{case.pk}",
        planned_at=at,
    )


def plan_question(case: Case, *, pause: CasePause, at: datetime.datetime) -> None:
    """Ask the subject for identity documents or a clarification (the case now waits)."""
    identity = pause.reason == PauseReason.IDENTITY
    kind = Kind.IDENTITY_REQUEST if identity else Kind.CLARIFICATION_REQUEST
    _to_subject(
        case, kind, f"{kind}:{case.pk}:pause-{pause.pk}", at=at, context={"note": pause.note}
    )


def plan_extension_notice(case: Case, *, at: datetime.datetime) -> None:
    """Tell the subject of the extension and its reasons (Art 12(3)); until that is
    recorded, remind the officer every working day from tomorrow."""
    _to_subject(
        case,
        Kind.EXTENSION_NOTICE,
        f"{Kind.EXTENSION_NOTICE}:{case.pk}",
        at=at,
        context={
            "reason": case.extension_reason,
            "due_date": case.due_date.isoformat(),
            "extended_due_date": case.extended_due_date.isoformat(),
        },
    )
    plan_extension_untold_reminder(case, after=clock.local_date(at))


def closure_notice_key(case: Case) -> str:
    return f"{Kind.CLOSURE_NOTICE}:{case.pk}"


def plan_closure_notice(
    case: Case, *, at: datetime.datetime, attachments: list[dict] | None = None
) -> None:
    """Tell the subject the request was closed (or withdrawn), with its outcome."""
    _to_subject(
        case,
        Kind.CLOSURE_NOTICE,
        closure_notice_key(case),
        at=at,
        context={"outcome": case.outcome, "reason": case.outcome_reason},
        attachments=attachments,
    )


def plan_status_link(case: Case, *, at: datetime.datetime) -> None:
    """A private link to the status page; a second click within the same minute plans
    nothing more."""
    _to_subject(
        case,
        Kind.STATUS_LINK,
        f"{Kind.STATUS_LINK}:{case.pk}:{timezone.localtime(at):%Y%m%d%H%M}",
        at=at,
    )


# --- Reminders to staff that a case plans -----------------------------------------------------


def staff_recipient(case: Case) -> tuple[str, object | None]:
    """The assignee (when active and with an address), else the privacy team."""
    user = case.assignee
    if user is not None and user.is_active and user.email:
        return user.email, user
    return settings.DSAR_PRIVACY_TEAM_EMAIL, None


def digest_time() -> datetime.time:
    return datetime.time.fromisoformat(settings.DSAR_DIGEST_TIME)


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
        language=settings.LANGUAGE_CODE,
        case=case,
        user=user,
        context={
            "reference": case.reference,
            "due_date": case.due_date.isoformat(),
            "extended_due_date": case.extended_due_date.isoformat(),
        },
        dedupe_key=policy.extension_untold_key(case.pk, day),
        planned_at=clock.local_moment(day, digest_time()),
    )


def admin_case_url(case_id: int) -> str:
    return settings.SITE_URL + reverse("admin:cases_case_change", args=[case_id])
