"""Celery tasks: thin wrappers that take ids and call delivery, planning or the sweep.

Delivery acknowledges late (settings: ``CELERY_TASK_ACKS_LATE``, set here too so that it holds
whatever the settings say): a worker killed mid-task leaves its message to be redelivered,
and the row's claim lease lets the sweep hand it out again. Retry countdowns stay far below
the Redis visibility timeout (``DSAR_EMAIL_RETRY_MAX_SECONDS``; see the system check).

A task that finds the database unreachable is retried with backoff (``DATABASE_RETRY``)
rather than acknowledged and forgotten; an e-mail the SMTP server accepted while the
database was away is recorded by the retry, not sent again (``delivery.SentNotRecorded``).
"""

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from . import delivery, planning
from . import sweep as outbox_sweep

# Every task of ours that reads or writes the database: an OperationalError (the database
# restarting, a lost connection) retries the task after 0-5 s, 0-10 s, … at most 300 s, far
# below the Redis visibility timeout. Celery's Django fixup replaces the broken connection
# before the next run.
DATABASE_RETRY = {
    "autoretry_for": delivery.DATABASE_GONE,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
}


def _backoff(retries: int) -> int:
    return get_exponential_backoff_interval(
        factor=DATABASE_RETRY["retry_backoff"],
        retries=retries,
        maximum=DATABASE_RETRY["retry_backoff_max"],
        full_jitter=False,
    )


@shared_task(
    bind=True,
    name="notifications.deliver_email",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=None,  # the row counts its attempts (DSAR_EMAIL_MAX_ATTEMPTS)
    **DATABASE_RETRY,
)
def deliver_email(self, email_id: int, accepted_message_id: str = "") -> str:
    try:
        result = delivery.email_deliver(email_id=email_id, accepted_message_id=accepted_message_id)
    except delivery.SentNotRecorded as exc:
        # Sent: what is left is to record it, which the retry does without sending.
        raise self.retry(
            args=(email_id,),
            kwargs={"accepted_message_id": exc.message_id},
            countdown=_backoff(self.request.retries),
        ) from exc
    if result.outcome == "retry":
        # If this message is lost too, the sweep finds the pending row at its planned time.
        raise self.retry(countdown=result.retry_in)
    return result.outcome


@shared_task(
    bind=True,
    name="notifications.deliver_emails",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=None,  # only the database's errors retry it; the rows count their attempts
    **DATABASE_RETRY,
)
def deliver_emails(self, email_ids: list[int], accepted: list | None = None) -> dict:
    """The sweep's batches: each e-mail claimed and sent on its own, one after the other,
    over one SMTP connection. A temporary failure gets its own ``deliver_email`` retry; if
    the worker dies, the redelivered batch skips what was sent (the claims) and the lease
    covers the one in flight. ``accepted``: [id, Message-ID] pairs the SMTP server accepted
    in an earlier run of this batch while the database was away."""
    accepted = [tuple(pair) for pair in accepted or []]
    try:
        results = delivery.email_deliver_batch(email_ids=email_ids, accepted=accepted)
    except delivery.SentNotRecorded as exc:
        # The rows before it were recorded, the rest are still pending: run the batch again,
        # recording this one without sending it.
        raise self.retry(
            args=(email_ids,),
            kwargs={"accepted": [*accepted, (exc.email_id, exc.message_id)]},
            countdown=_backoff(self.request.retries),
        ) from exc
    outcomes = {}
    for result in results:
        if result.outcome == "retry":
            planning.enqueue_delivery(result.email_id, countdown=result.retry_in)
        outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
    return outcomes


@shared_task(name="notifications.sweep", ignore_result=True, max_retries=3, **DATABASE_RETRY)
def sweep() -> dict:
    """Plan due reminders and digests; re-enqueue pending e-mails (Celery beat, every
    ``DSAR_REMINDER_SWEEP_SECONDS``)."""
    report = outbox_sweep.reminder_sweep()
    return {"planned": dict(report.planned), "enqueued": len(report.due)}
