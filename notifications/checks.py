"""System checks for the e-mail settings, so that a bad value shows at start-up."""

import datetime

from django.conf import settings
from django.core.checks import Error, Warning, register

BAD_DIGEST_TIME = "notifications.E001"
COUNTDOWN_NEAR_VISIBILITY_TIMEOUT = "notifications.W001"
LEASE_TOO_SHORT = "notifications.W002"


@register()
def check_notification_settings(app_configs=None, **kwargs):
    messages = []
    digest_time = settings.DSAR_DIGEST_TIME
    try:
        datetime.time.fromisoformat(digest_time)
    except (TypeError, ValueError):
        messages.append(
            Error(
                f"DSAR_DIGEST_TIME {digest_time!r} is not a time (HH:MM).",
                hint="Set DSAR_DIGEST_TIME to a local time such as '08:00'.",
                id=BAD_DIGEST_TIME,
            )
        )

    # A countdown message that Redis holds longer than its visibility timeout is handed to a
    # second worker while the first still waits: the same e-mail twice.
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    visibility = options.get("visibility_timeout")
    longest = max(
        float(settings.DSAR_EMAIL_RETRY_MAX_SECONDS),
        float(settings.DSAR_REMINDER_SWEEP_SECONDS),
    )
    if visibility is not None and longest > visibility / 2:
        messages.append(
            Warning(
                f"DSAR_EMAIL_RETRY_MAX_SECONDS ({longest:g} s) is not far below the broker's "
                f"visibility timeout ({visibility} s).",
                hint="Keep retry countdowns below half the visibility timeout.",
                id=COUNTDOWN_NEAR_VISIBILITY_TIMEOUT,
            )
        )

    lease = float(settings.DSAR_EMAIL_SENDING_LEASE_SECONDS)
    timeout = float(getattr(settings, "EMAIL_TIMEOUT", None) or 60)
    if lease < 5 * timeout:
        messages.append(
            Warning(
                f"DSAR_EMAIL_SENDING_LEASE_SECONDS ({lease:g} s) is short for EMAIL_TIMEOUT "
                f"({timeout:g} s): a slow but live delivery could be taken for a dead one "
                "and the e-mail sent twice.",
                hint="Keep the lease at least five times EMAIL_TIMEOUT.",
                id=LEASE_TOO_SHORT,
            )
        )
    return messages
