"""Schema extensions: how drf-spectacular describes our authentication classes.

drf-spectacular knows DRF's own ``SessionAuthentication``, but not a subclass of it (such as
the two-factor session authentication of ``accounts``); described as the same cookie scheme,
every operation keeps its ``cookieAuth`` alternative and the schema stays free of warnings.
"""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class SessionSubclassScheme(SessionScheme):
    target_class = "rest_framework.authentication.SessionAuthentication"
    match_subclasses = True
    priority = -1  # DRF's SessionAuthentication itself keeps drf-spectacular's own scheme


class TwoFactorTokenScheme(OpenApiAuthenticationExtension):
    """The API token (django-rest-knox underneath): ``Authorization: Token <token>``, named
    ``tokenAuth`` as before the tokens were stored as digests."""

    target_class = "accounts.authentication.TwoFactorTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )
