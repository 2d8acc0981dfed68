"""Issuing and revoking API tokens (django-rest-knox's ``AuthToken``; docs/api.md).

A token is shown once, when it is issued; the database keeps a digest of it and the first
characters (``token_key``) to find the row by. Each token expires ``DSAR_API_TOKEN_DAYS`` after
it was issued. Both changes are written to the security log.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken, get_digest_token
from knox.settings import CONSTANTS

from .log import record_security_event
from .models import SecurityEventKind


@transaction.atomic
def api_token_issue(*, user, actor=None, actor_label: str = "", now=None) -> tuple[AuthToken, str]:
    """A new token for ``user``; returns the row and the token (to show once)."""
    now = now or timezone.now()
    digest, token = get_digest_token()
    row = AuthToken(
        digest=digest,
        token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH],
        user=user,
        expiry=now + settings.REST_KNOX["TOKEN_TTL"],
    )
    row.save(force_insert=True)
    record_security_event(
        SecurityEventKind.API_TOKEN_ISSUED,
        actor=actor,
        actor_label=actor_label,
        account=user,
        details={"token_key": row.token_key, "expires": row.expiry.isoformat()},
        at=now,
    )
    return row, token


@transaction.atomic
def api_token_revoke(*, tokens, actor=None, actor_label: str = "") -> int:
    """Delete ``tokens`` (a queryset or list of rows): the clients that use them are refused
    from the next request on. Returns how many were revoked."""
    revoked = 0
    for row in list(tokens):
        record_security_event(
            SecurityEventKind.API_TOKEN_REVOKED,
            actor=actor,
            actor_label=actor_label,
            account=row.user,
            details={"token_key": row.token_key},
        )
        AuthToken.objects.filter(digest=row.digest).delete()
        revoked += 1
    return revoked
