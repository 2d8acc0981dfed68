"""The OpenAPI schema describes the two-factor session authentication like DRF's own session
authentication (the token class is matched as a subclass of DRF's by drf-spectacular)."""

from drf_spectacular.authentication import SessionScheme


class TwoFactorSessionScheme(SessionScheme):
    target_class = "accounts.authentication.TwoFactorSessionAuthentication"
