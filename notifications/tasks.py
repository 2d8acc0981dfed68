"""Celery tasks: thin wrappers that take ids and call delivery, planning or the sweep.

Delivery acknowledges late (settings: ``CELERY_TASK_ACKS_LATE``, set here too so that it holds
whatever the settings say): a worker killed mid-task leaves its message to be redelivered,
and the row's claim lease lets the sweep hand it out again. Retry countdowns stay far below
the Redis visibility timeout (``DSAR_EMAIL_RETRY_MAX_SECONDS``; see the system check).
"""

from celery import shared_task

from . import delivery, planning
from . import sweep as outbox_sweep


@shared_task(
    bind=True,
    name="notifications.deliver_email",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=None,  # the row counts its attempts (DSAR_EMAIL_MAX_ATTEMPTS)
)
def deliver_email(self, email_id: int) -> str:
    result = delivery.email_deliver(email_id=email_id)
    if result.outcome == "retry":
        # If this message is lost too, the sweep finds the pending row at its planned time.
        raise self.retry(countdown=result.retry_in)
    return result.outcome


@shared_task(
    name="notifications.deliver_emails",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def deliver_emails(email_ids: list[int]) -> dict:
    """The sweep's batches: each e-mail claimed and sent on its own, one after the other. A
    temporary failure gets its own ``deliver_email`` retry; if the worker dies, the redelivered
    batch skips what was sent (the claims) and the lease covers the one in flight."""
    outcomes = {}
    for email_id in email_ids:
        result = delivery.email_deliver(email_id=email_id)
        if result.outcome == "retry":
            planning.enqueue_delivery(email_id, countdown=result.retry_in)
        outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
    return outcomes


@shared_task(name="notifications.sweep", ignore_result=True)
def sweep() -> dict:
    """Plan due reminders and digests; re-enqueue pending e-mails (Celery beat, every
    ``DSAR_REMINDER_SWEEP_SECONDS``)."""
    report = outbox_sweep.reminder_sweep()
    return {"planned": dict(report.planned), "enqueued": len(report.due)}
