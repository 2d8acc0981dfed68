"""gunicorn's access log without the secrets in a data subject's links.

The confirmation and status links carry a token that opens a request's page (name, request,
letters) to whoever has it, so it must not end up in a log file. With ``--access-logfile``,
run gunicorn with ``--logger-class dsar.gunicorn_logging.RedactingLogger`` (the Dockerfile
and docker-compose.yml do): every value of a log line, the request line, path and Referer
header included, shows ``/status/[token]/`` instead of the token.
"""

import re

from gunicorn.glogging import Logger

# The public pages whose second path segment is a secret (public/urls.py).
_SECRET_SEGMENT = re.compile(r"/(confirm|status)/[^/?#\s\"]+")


def redact(text: str) -> str:
    return _SECRET_SEGMENT.sub(r"/\1/[token]", text)


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(v) if isinstance(v, str) else v for key, v in atoms.items()}
