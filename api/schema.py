"""Schema extensions: how drf-spectacular describes our authentication classes.

drf-spectacular knows DRF's own ``SessionAuthentication``, but not a subclass of it (such as
the two-factor session authentication of ``accounts``); described as the same cookie scheme,
every operation keeps its ``cookieAuth`` alternative and the schema stays free of warnings.
"""

from drf_spectacular.authentication import SessionScheme


class SessionSubclassScheme(SessionScheme):
    target_class = "rest_framework.authentication.SessionAuthentication"
    match_subclasses = True
    priority = -1  # DRF's SessionAuthentication itself keeps drf-spectacular's own scheme
