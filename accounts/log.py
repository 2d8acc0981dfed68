"""The one function that writes the security log."""

from django.utils import timezone

from .models import SecurityEvent


def _label(user) -> str:
    return user.get_username() if user is not None else ""


def record_security_event(
    kind: str,
    *,
    actor=None,
    actor_label: str = "",
    account=None,
    reason: str = "",
    details=None,
    at=None,
) -> SecurityEvent:
    """``actor``: the staff user who did it (None: the system). ``account``: the staff
    account it concerns. ``details``: counts and references only, never personal data of
    data subjects. ``actor_label`` names someone without an account here (e.g. the operator
    who ran a management command) when ``actor`` is None."""
    return SecurityEvent.objects.create(
        at=at or timezone.now(),
        kind=kind,
        actor=actor,
        actor_label=_label(actor) or actor_label,
        account=account,
        account_label=_label(account),
        reason=reason,
        details=details or {},
    )
