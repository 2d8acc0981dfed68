"""System checks for the public pages' settings: a mistyped rate limit would otherwise only
show as an error page when someone sends the form."""

from django.conf import settings
from django.core.checks import Error, register

from cases.ratelimit import parse_rate

BAD_RATE = "cases.E101"
BAD_NUMBER = "cases.E102"
RATE_SCOPES = ("submit_ip", "submit_email", "bad_link_ip", "upload_ip")
POSITIVE_SETTINGS = (
    "DSAR_CONFIRMATION_MAX_AGE_DAYS",
    "DSAR_UNCONFIRMED_RETENTION_DAYS",
    "DSAR_UPLOAD_MAX_MB",
    "DSAR_UPLOAD_MAX_FILES",
)


@register()
def check_public_settings(app_configs=None, **kwargs):
    errors = []
    rates = settings.DSAR_RATE_LIMITS
    for scope in RATE_SCOPES:
        try:
            parse_rate(rates.get(scope, ""))
        except ValueError as exc:
            errors.append(
                Error(
                    f"DSAR_RATE_LIMITS[{scope!r}]: {exc}.",
                    hint="Write a rate as <count>/<s|m|h|d>, e.g. '20/h' (README, Settings).",
                    id=BAD_RATE,
                )
            )
    for name in POSITIVE_SETTINGS:
        value = getattr(settings, name, None)
        if not isinstance(value, int) or value < 1:
            errors.append(Error(f"{name} must be a whole number of at least 1.", id=BAD_NUMBER))
    if settings.DSAR_TRUSTED_PROXY_COUNT < 0:
        errors.append(Error("DSAR_TRUSTED_PROXY_COUNT cannot be negative.", id=BAD_NUMBER))
    return errors
