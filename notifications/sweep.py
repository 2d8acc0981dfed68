"""The sweep (Celery beat, every ``DSAR_REMINDER_SWEEP_SECONDS``; ``manage.py send_reminders``).

It plans the deadline reminders, DPO escalations and daily digests that are due (indexed
window queries, bulk inserts against the unique deduplication keys, so two sweeps at once plan
each reminder once), then hands every pending row whose message seems lost to Celery again, in
batches, by task name (``DELIVER_EMAILS``). Nothing is lost with a broker message: the row is
the record.
"""

import datetime
import logging
from collections import Counter
from dataclasses import dataclass, field

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from cases import clock, deadlines
from cases.models import Case

from . import policy
from .delivery import DeliveryResult, email_deliver_batch, sending_lease
from .models import Kind, OutboundEmail, State
from .planning import digest_time, send_task

logger = logging.getLogger(__name__)

DELIVER_EMAILS = "notifications.deliver_emails"  # the batch task of notifications.tasks
# Keys or ids per query (SQLite's limit on query variables).
_KEY_CHUNK = 900
# E-mails per delivery message the sweep sends (see requeue_due).
DELIVERY_BATCH = 50
# A beat that was down at the digest time catches up, but not into the afternoon.
_DIGEST_CATCH_UP = datetime.timedelta(hours=4)


def _requeue_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.DSAR_EMAIL_REQUEUE_AFTER_SECONDS)


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
    # already; the claim makes sure each e-mail is still sent once. Each claim is dated when
    # it is made, not at ``now``: a run longer than the sending lease would otherwise hand
    # out claims that look like a dead worker's to the workers delivering the same rows.
    report.due = due_for_delivery(now=now, include_recently_enqueued=True)
    report.delivered = email_deliver_batch(email_ids=report.due, requeue=False)
    return report


def plan_reminders(*, now) -> Counter:
    """Deadline reminders and DPO escalations for today, in a constant number of queries.

    For each reminder window (pure, ``policy.reminder_windows``) one index range scan over
    the open cases due in it; new rows go in with one bulk insert that ignores rows whose
    deduplication key exists, so concurrent sweeps plan each reminder once.
    """
    today = clock.local_date(now)
    windows = policy.reminder_windows(
        today,
        days_before=settings.DSAR_REMINDER_DAYS_BEFORE,
        working_days_before=settings.DSAR_REMINDER_WORKING_DAYS_BEFORE,
    )
    working_day = deadlines.is_working_day(today)
    team = settings.DSAR_PRIVACY_TEAM_EMAIL
    dpo = settings.DSAR_ORGANISATION.get("dpo_email", "")
    language = settings.LANGUAGE_CODE
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
        cases = Case.objects.open().filter(effective_due_date__lte=window.last).order_by()
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
    local = timezone.localtime(now, clock.tz())
    today = local.date()
    start = clock.local_moment(today, digest_time())
    # A morning digest that comes at five is noise.
    if not start <= local < start + _DIGEST_CATCH_UP:
        return Counter()
    if settings.DSAR_DIGEST_WORKING_DAYS_ONLY and not deadlines.is_working_day(today):
        return Counter()
    users = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .exclude(email="")
        .filter(
            Exists(Case.objects.open().filter(assignee=OuterRef("pk"))),
        )
        .values_list("pk", "email")
    )
    rows = [
        OutboundEmail(
            kind=Kind.DAILY_DIGEST,
            recipient_user_id=user_id,
            to=address,
            language=settings.LANGUAGE_CODE,
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
    limit = settings.DSAR_EMAIL_SWEEP_BATCH
    pending = OutboundEmail.objects.filter(state=State.PENDING, planned_at__lte=now)
    stale = OutboundEmail.objects.filter(state=State.SENDING, claimed_at__lte=now - sending_lease())
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
    ids = due_for_delivery(now=now)
    if not ids:
        return ids
    for i in range(0, len(ids), _KEY_CHUNK):
        OutboundEmail.objects.filter(pk__in=ids[i : i + _KEY_CHUNK]).update(enqueued_at=now)
    enqueued = 0
    try:
        with current_app.producer_or_acquire() as producer:  # one connection for all
            for i in range(0, len(ids), DELIVERY_BATCH):
                batch = ids[i : i + DELIVERY_BATCH]
                send_task(DELIVER_EMAILS, (batch,), producer=producer)
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
