"""The API's authentication classes: tokens (django-rest-knox: only a digest of each token is
stored, and every token expires) and DRF's session authentication, refusing staff accounts
that have not passed the second factor.

- A token acts for its user without a code per request, so a staff user's token works only
  while that user has a confirmed two-factor device: a staff account that never set up
  two-factor login (or whose device was reset) reaches no case through a token either.
- A session works only once it is verified (``RequireStaffTwoFactorMiddleware`` already sends
  these requests away; this is the second line).

Both answer 403 with the code ``two_factor_required`` in the API's error format.
"""

from hmac import compare_digest

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import authentication, exceptions

from . import two_factor


class TwoFactorRequired(exceptions.PermissionDenied):
    default_detail = _(
        "Staff accounts need two-factor login. Log in to the admin and set up an "
        "authenticator app first."
    )
    default_code = "two_factor_required"


def _confirmed(model):
    return Exists(model.objects.filter(user=OuterRef("user"), confirmed=True))


class TwoFactorTokenAuthentication(TokenAuthentication):
    """knox's token authentication (``Authorization: Token <token>``, the same header as
    before), with the second-factor check in the same query as the token: no extra query
    per API request. An expired token is deleted when it is next presented and refused with
    its own message, so that an integrator knows to ask for a new one."""

    def authenticate_credentials(self, token: bytes):
        try:
            token = token.decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        digest = hash_token(token)
        candidates = (
            AuthToken.objects.filter(token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH])
            .select_related("user")
            .annotate(has_second_factor=_confirmed(TOTPDevice) | _confirmed(StaticDevice))
        )
        auth_token = next((c for c in candidates if compare_digest(c.digest, digest)), None)
        if auth_token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if auth_token.expiry is not None and auth_token.expiry <= timezone.now():
            auth_token.delete()
            raise exceptions.AuthenticationFailed(
                _("This token has expired. Ask an administrator for a new one.")
            )
        if not auth_token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if two_factor.needs_two_factor(auth_token.user) and not auth_token.has_second_factor:
            raise TwoFactorRequired()
        return auth_token.user, auth_token


class TwoFactorSessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = request._request.user
        verified = getattr(user, "is_verified", None)
        if two_factor.needs_two_factor(user) and not (verified and verified()):
            raise TwoFactorRequired(
                _(
                    "Staff accounts need two-factor login. Log in to the admin and enter a "
                    "code from your authenticator app first."
                )
            )
        return result
