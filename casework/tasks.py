"""Celery tasks of the application layer: thin wrappers that call one function."""

from celery import shared_task

from notifications.tasks import DATABASE_RETRY

from . import retention


# A database that is unreachable retries the purge with backoff rather than losing a day.
@shared_task(name="casework.purge_expired", max_retries=20, **DATABASE_RETRY)
def purge_expired() -> dict:
    """Daily (``CELERY_BEAT_SCHEDULE``): the retention purge (``casework.retention``), which
    also deletes the web requests never confirmed."""
    report = retention.purge_expired()
    return {
        "unconfirmed_deleted": report.unconfirmed_deleted,
        "identity_documents_deleted": report.identity_documents_deleted,
        "cases_anonymised": len(report.anonymised),
    }
