"""The two kinds of link a data subject gets by e-mail.

* The **confirmation link** is signed with the SECRET_KEY (``django.core.signing``) and
  expires after ``DSAR_CONFIRMATION_MAX_AGE_DAYS``; it works once, because confirming moves
  the case out of the "unconfirmed" state.
* The **status link** carries a random token of 256 bits (``secrets.token_urlsafe``). Only
  its SHA-256 hash is stored; a link is looked up by its hash and compared in constant time.
  A fresh token is made for every e-mail that carries one, because the stored hash cannot be
  turned back into a link.
"""

import datetime
import hashlib
import hmac
import re
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Status, StatusToken

STATUS_TOKEN_BYTES = 32  # 256 bits; the issue asks for at least 128
# token_urlsafe(32) gives 43 characters; accept a range so that a later change of size keeps
# old links working, and refuse anything else before touching the database.
_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{22,128}")

CONFIRM_SALT = "public.confirm"
_MAX_SIGNED_LENGTH = 200


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def status_token_create(case: Case, *, now=None) -> str:
    """Make a new status link token for ``case``; store its hash, return the token."""
    token = secrets.token_urlsafe(STATUS_TOKEN_BYTES)
    StatusToken.objects.create(
        case=case, token_hash=hash_token(token), created_at=now or timezone.now()
    )
    return token


def case_from_status_token(token: str) -> Case | None:
    """The case a status token belongs to, or None for any token that is not one of ours."""
    if not isinstance(token, str) or not _TOKEN_PATTERN.fullmatch(token):
        return None
    digest = hash_token(token)
    row = StatusToken.objects.select_related("case").filter(token_hash=digest).first()
    # The lookup is by hash, so its timing says nothing about the token; the final comparison
    # is constant-time all the same.
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    if row.case.status == Status.UNCONFIRMED:
        return None
    return row.case


def _with_language(url: str, language: str | None) -> str:
    if language and language in dict(settings.LANGUAGES):
        return f"{url}?{urlencode({'lang': language})}"
    return url


def status_url(token: str, *, language: str | None = None, absolute: bool = True) -> str:
    url = reverse("public:status", args=[token])
    if absolute:
        url = settings.SITE_URL + url
    return _with_language(url, language)


# --- Confirmation links --------------------------------------------------------------------


class ConfirmationLinkError(Exception):
    """``code`` is "invalid" (not a link we made) or "expired"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=CONFIRM_SALT)


def confirmation_token(case: Case) -> str:
    return _signer().sign_object({"c": case.pk})


def confirmation_max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.DSAR_CONFIRMATION_MAX_AGE_DAYS)


def case_id_from_confirmation_token(token: str) -> int:
    """The case id in a confirmation link; raises :class:`ConfirmationLinkError`."""
    if not isinstance(token, str) or len(token) > _MAX_SIGNED_LENGTH:
        raise ConfirmationLinkError("invalid")
    try:
        data = _signer().unsign_object(token, max_age=confirmation_max_age())
    except signing.SignatureExpired:
        raise ConfirmationLinkError("expired") from None
    except (signing.BadSignature, ValueError):
        raise ConfirmationLinkError("invalid") from None
    case_id = data.get("c") if isinstance(data, dict) else None
    if not isinstance(case_id, int):
        raise ConfirmationLinkError("invalid")
    return case_id


def confirm_url(case: Case, *, language: str | None = None) -> str:
    url = settings.SITE_URL + reverse("public:confirm", args=[confirmation_token(case)])
    return _with_language(url, language)
