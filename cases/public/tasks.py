"""Celery tasks of the public pages: thin wrappers around the services."""

from celery import shared_task

from . import services


@shared_task
def purge_unconfirmed_requests() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): delete web requests never confirmed in time."""
    return services.purge_unconfirmed_requests()
