"""The sweep is scheduled in Celery beat, and bad e-mail settings show at start-up."""

from django.conf import settings

from dsar.celery import app
from notifications.checks import (
    BAD_DIGEST_TIME,
    COUNTDOWN_NEAR_VISIBILITY_TIMEOUT,
    LEASE_TOO_SHORT,
    check_notification_settings,
)


def ids():
    return [message.id for message in check_notification_settings()]


def test_beat_runs_the_sweep_every_minute_by_default():
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-sweep"]

    assert entry["task"] == "notifications.sweep"
    assert entry["schedule"] == settings.DSAR_REMINDER_SWEEP_SECONDS == 60
    assert entry["options"]["expires"] == 60  # a late sweep is dropped, the next one runs
    app.loader.import_default_modules()
    assert {"notifications.sweep", "notifications.deliver_email"} <= set(app.tasks)


def test_the_defaults_pass_the_checks():
    assert ids() == []


def test_a_bad_digest_time_is_an_error(settings):
    settings.DSAR_DIGEST_TIME = "8 uur"

    assert ids() == [BAD_DIGEST_TIME]


def test_a_retry_countdown_near_the_visibility_timeout_is_a_warning(settings):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    settings.DSAR_EMAIL_RETRY_MAX_SECONDS = 3000

    assert ids() == [COUNTDOWN_NEAR_VISIBILITY_TIMEOUT]


def test_a_lease_shorter_than_a_slow_delivery_is_a_warning(settings):
    settings.EMAIL_TIMEOUT = 60
    settings.DSAR_EMAIL_SENDING_LEASE_SECONDS = 120

    assert ids() == [LEASE_TOO_SHORT]
