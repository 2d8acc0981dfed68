"""What never goes into a log: the secret in a data subject's link, and what staff typed into
a search box (names, e-mail addresses).

- ``/confirm/<token>/`` and ``/status/<token>/…`` open a request's page (name, request,
  letters) to whoever has the link: the token becomes ``[token]``, also percent-encoded
  inside another address (``?next=%2Fstatus%2F…``).
- ``?q=`` (the admin's search), ``?search=`` (the API's), ``?term=`` (the admin's
  autocomplete) and ``?_changelist_filters=`` (the admin's memory of a list's search on the
  pages it leads to) become ``[redacted]``, also percent-encoded inside another address.

``redact()`` does it to a line of text. It is applied to every log line twice over:
``RedactingFilter`` sits on the handler of Django's LOGGING setting that all loggers write
to (``dsar/settings/base.py``), and gunicorn's access and error logs use
``dsar.gunicorn_logging.RedactingLogger``.
"""

import logging
import re

_SLASH = r"(?:/|%2[fF])"
# The public pages whose second path segment is a secret (portal/urls.py); the token runs to
# the next slash, encoded or not.
_LINK_TOKEN = re.compile(rf"({_SLASH}(?:confirm|status){_SLASH})(?:(?!%2[fF])[^/?#&\s\"'])+")
# A search parameter's value runs to the next "&", encoded or not.
_SEARCH_VALUE = re.compile(
    r"((?:^|[?&;]|%3[fF]|%26)(?:q|search|term|_changelist_filters)(?:=|%3[dD]))"
    r"(?:(?!%26)[^&#\s\"'])*"
)


def redact(text: str) -> str:
    return _SEARCH_VALUE.sub(r"\1[redacted]", _LINK_TOKEN.sub(r"\1[token]", text))


class RedactingFilter(logging.Filter):
    """Redacts the message, its arguments and its traceback of every record it sees (the
    record is changed for every handler after it, which is the point)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is the handler's to report
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
