"""Staff must pass the second factor before they reach any case.

After ``django_otp.middleware.OTPMiddleware`` (which sets ``request.user.is_verified()``): an
authenticated staff user whose session is not verified is sent from every admin page to the
enrolment page (no confirmed device yet) or to the verify page, and gets 403 from every
session-authenticated API request. The login, logout and password-reset pages and the
two-factor pages themselves stay reachable. API requests that carry their own credentials
(``Authorization: Token …``) are left to the API's authentication class
(``accounts.authentication``), which refuses staff tokens without a second factor.
"""

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import two_factor

# Admin pages a user who has only given the password may see (URL names in the admin site).
_OPEN_ADMIN_URL_NAMES = (
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "jsi18n",
)


def api_error(code: str, message: str, status: int) -> JsonResponse:
    """The API's error format (api.errors.error_body)."""
    return JsonResponse(
        {"error": {"code": code, "message": str(message), "fields": {}}}, status=status
    )


class RequireStaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._paths: dict | None = None

    def _known_paths(self) -> dict:
        """Resolved once, on the first request (the URLconf is loaded by then)."""
        if self._paths is None:
            open_paths = [
                reverse("accounts:two_factor_setup"),
                reverse("accounts:two_factor_verify"),
            ]
            for name in _OPEN_ADMIN_URL_NAMES:
                try:
                    open_paths.append(reverse(f"admin:{name}"))
                except NoReverseMatch:
                    continue  # e.g. no password reset in this admin
            self._paths = {
                "admin": reverse("admin:index"),
                "api": reverse("api:root"),
                "open": frozenset(open_paths),
            }
        return self._paths

    def __call__(self, request):
        response = self._check(request)
        return response if response is not None else self.get_response(request)

    def _check(self, request):
        path = request.path_info
        paths = self._known_paths()
        in_admin = path.startswith(paths["admin"])
        in_api = path.startswith(paths["api"])
        if not (in_admin or in_api) or path in paths["open"]:
            return None
        if in_api and request.META.get("HTTP_AUTHORIZATION", "").startswith("Token "):
            return None  # the token's own authentication class decides
        user = request.user
        if not two_factor.needs_two_factor(user) or user.is_verified():
            return None
        if in_api:
            return api_error(
                "two_factor_required",
                _(
                    "Staff accounts need two-factor login. Log in to the admin and enter a "
                    "code from your authenticator app first."
                ),
                403,
            )
        target = (
            "accounts:two_factor_verify"
            if two_factor.has_confirmed_device(user)
            else "accounts:two_factor_setup"
        )
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return HttpResponseRedirect(reverse(target) + (f"?{query}" if query else ""))


class PermissionsPolicyMiddleware:
    """Sends ``Permissions-Policy`` (settings.DSAR_PERMISSIONS_POLICY) with every response:
    Django has no setting for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.DSAR_PERMISSIONS_POLICY
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response
