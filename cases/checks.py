"""System checks for the deadline settings.

A mistyped rule or holiday would otherwise surface only when the first due date is computed,
as a ValueError in a request or a Celery task; ``manage.py check`` (and every ``runserver`` and
``migrate``) reports it at start-up instead.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.checks import Error, register

from cases.deadlines import parse_extra_non_working_days, validate_rule

UNKNOWN_RULE = "cases.E001"
BAD_EXTRA_NON_WORKING_DAY = "cases.E002"


@register()
def check_deadline_settings(app_configs=None, **kwargs):
    errors = []

    rule = settings.DSAR_DEADLINE_RULE
    try:
        validate_rule(rule)
    except ValueError as exc:
        errors.append(
            Error(
                f"DSAR_DEADLINE_RULE: {exc}.",
                hint="Set DSAR_DEADLINE_RULE to 'four_weeks' (the default) or 'gdpr_month'.",
                id=UNKNOWN_RULE,
            )
        )

    extra_days = settings.DSAR_EXTRA_NON_WORKING_DAYS
    if isinstance(extra_days, Iterable) and not isinstance(extra_days, str | bytes):
        groups = [[value] for value in extra_days]  # one error per bad value, not just the first
    else:
        groups = [extra_days]  # parse_extra_non_working_days explains what a list should be
    for group in groups:
        try:
            parse_extra_non_working_days(group)
        except ValueError as exc:
            errors.append(
                Error(
                    f"DSAR_EXTRA_NON_WORKING_DAYS: {exc}.",
                    hint="List the extra non-working days as ISO dates, e.g. ['2027-05-06'].",
                    id=BAD_EXTRA_NON_WORKING_DAY,
                )
            )
    return errors


BAD_FILE_KEYS = "cases.E003"


@register()
def check_file_keys(app_configs=None, **kwargs):
    """DSAR_FILE_KEYS holds keys (production.py refuses to start without; local and test
    settings make one): a mistyped key is reported at start-up, not at the first upload."""
    from cases.filecrypt import BadFileKey, file_keys

    try:
        file_keys(settings.DSAR_FILE_KEYS)
    except BadFileKey as exc:
        return [
            Error(
                f"DSAR_FILE_KEYS: {exc}",
                hint="See docs/security.md, 'Files encrypted at rest'.",
                id=BAD_FILE_KEYS,
            )
        ]
    return []
