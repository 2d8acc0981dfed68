"""Celery tasks of issue 7: thin wrappers around the services."""

from celery import shared_task

from cases import retention


@shared_task(name="accounts.purge_expired")
def purge_expired() -> dict:
    """Daily (CELERY_BEAT_SCHEDULE): the retention purge of cases.retention."""
    report = retention.purge_expired()
    return {
        "unconfirmed_deleted": report.unconfirmed_deleted,
        "identity_documents_deleted": report.identity_documents_deleted,
        "cases_anonymised": len(report.anonymised),
    }
