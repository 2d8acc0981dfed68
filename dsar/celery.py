"""The Celery application, configured from Django settings (``CELERY_*``)."""

import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dsar.settings.local")

app = Celery("dsar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_init.connect
def hold_the_beat_lock(sender, **kwargs):
    """Before beat schedules anything it takes the lock that makes it the only beat
    (dsar/beat_lock.py); a second beat waits here until the first is gone."""
    from django.conf import settings

    from dsar.beat_lock import BeatLock

    lock = BeatLock(redis_url=settings.REDIS_URL, lock_path=settings.VAR_DIR / "celerybeat.lock")
    lock.acquire()
    sender.dsar_beat_lock = lock  # held for the life of the process
