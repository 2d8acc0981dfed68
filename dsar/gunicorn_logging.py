"""gunicorn's logs without the secrets in a data subject's links or the terms of a search.

The confirmation and status links carry a token that opens a request's page (name, request,
letters) to whoever has it, and a search in the admin or the API carries a name or an e-mail
address in its query string; neither may end up in a log file. With ``--access-logfile``,
run gunicorn with ``--logger-class dsar.gunicorn_logging.RedactingLogger`` (the Dockerfile
and docker-compose.yml do): every value of an access log line, the request line, path, query
string and Referer header included, shows ``/status/[token]/`` instead of the token and
``?q=[redacted]`` instead of the search; gunicorn's error log ("Error handling request
/status/…") is redacted the same way. What is redacted: ``dsar/log_redaction.py``.
"""

from gunicorn.glogging import Logger

from .log_redaction import RedactingFilter, redact

__all__ = ["RedactingLogger", "redact"]


class RedactingLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        self.error_log.addFilter(RedactingFilter())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(v) if isinstance(v, str) else v for key, v in atoms.items()}
