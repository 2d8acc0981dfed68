"""The API's authentication classes: DRF's token and session authentication, refusing staff
accounts that have not passed the second factor.

- A token acts for its user without a code per request, so a staff user's token works only
  while that user has a confirmed two-factor device: a staff account that never set up
  two-factor login (or whose device was reset) reaches no case through a token either.
- A session works only once it is verified (``RequireStaffTwoFactorMiddleware`` already sends
  these requests away; this is the second line).

Both answer 403 with the code ``two_factor_required`` in the API's error format.
"""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
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


class TwoFactorTokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication (same messages), with the second-factor check in the same
    query as the token: no extra query per API request."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            token = (
                model.objects.select_related("user")
                .annotate(has_second_factor=_confirmed(TOTPDevice) | _confirmed(StaticDevice))
                .get(key=key)
            )
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if two_factor.needs_two_factor(token.user) and not token.has_second_factor:
            raise TwoFactorRequired()
        return token.user, token


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
