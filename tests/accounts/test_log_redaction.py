"""No log line holds the token of a data subject's link or the terms of a search: the filter
on the handler of the LOGGING setting (dsar/log_redaction.py) redacts every record, whichever
logger wrote it, its traceback included. (gunicorn's access log: test_access_log.py.)"""

import io
import logging

import pytest

from dsar.log_redaction import RedactingFilter, redact

TOKEN = "eyJjIjo0Mn0:1xZVFi:PaYA-BIwRZSp2lI_1iae3UVt4uXyNxY7cvgZyPCNAfg"


@pytest.fixture
def console():
    """What the configured console handler writes, redaction filter and all."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_a_refused_method_on_a_status_address_logs_no_token(client, console):
    assert client.put(f"/status/{TOKEN}/upload/").status_code == 405
    logged = console.getvalue()
    assert "Method Not Allowed (PUT): /status/[token]/upload/" in logged
    assert TOKEN[:20] not in logged


def test_every_logger_s_lines_are_redacted(console):
    logging.getLogger("django.request").warning("Not Found: %s", f"/confirm/{TOKEN}/")
    logging.getLogger("cases").error("search %s", "/admin/cases/case/?q=annelies%40example.org")
    logging.getLogger("django.server").info('"GET /api/cases/?search=Annelies HTTP/1.1" 200')
    try:
        raise ValueError(f"/status/{TOKEN}/files/3/")
    except ValueError:
        logging.getLogger("portal").exception("Failed")
    logged = console.getvalue()
    assert "Not Found: /confirm/[token]/" in logged
    assert "?q=[redacted]" in logged and "?search=[redacted]" in logged
    assert "ValueError: /status/[token]/files/3/" in logged
    assert TOKEN[:20] not in logged and "annelies" not in logged.lower()


@pytest.mark.parametrize(
    ("line", "logged"),
    [
        ("/admin/cases/case/?q=annelies%40example.org&status=open",
         "/admin/cases/case/?q=[redacted]&status=open"),
        ("/api/cases/?status=open&search=Annelies+de+Vries",
         "/api/cases/?status=open&search=[redacted]"),
        ("q=annelies@example.org", "q=[redacted]"),  # gunicorn's query-string atom
        ("/admin/autocomplete/?term=anne&app_label=cases",
         "/admin/autocomplete/?term=[redacted]&app_label=cases"),
        ("/admin/cases/case/3/change/?_changelist_filters=q%3Danne",
         "/admin/cases/case/3/change/?_changelist_filters=[redacted]"),
        ("/admin/login/?next=/admin/cases/case/%3Fq%3Danne%26p%3D2",
         "/admin/login/?next=/admin/cases/case/%3Fq%3D[redacted]%26p%3D2"),
        (f"/i18n/setlang/?next=%2Fstatus%2F{TOKEN}%2Fupload%2F",
         "/i18n/setlang/?next=%2Fstatus%2F[token]%2Fupload%2F"),
        (f"GET /status/{TOKEN}/letters/3/ HTTP/1.1", "GET /status/[token]/letters/3/ HTTP/1.1"),
        ("/admin/cases/case/?sq=1&type=access", "/admin/cases/case/?sq=1&type=access"),
        ("/admin/cases/case/3/change/", "/admin/cases/case/3/change/"),
    ],
)  # fmt: skip
def test_redact(line, logged):
    assert redact(line) == logged


def test_a_malformed_record_is_left_to_the_handler():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s %s", ("one",), None)
    assert RedactingFilter().filter(record) is True


def test_the_worker_logs_through_the_redacting_handler(monkeypatch):
    """A Celery worker or beat sets up its logging at start; it keeps the configured handler
    (CELERY_WORKER_HIJACK_ROOT_LOGGER = False) instead of replacing it with its own."""
    from dsar.celery import app

    monkeypatch.setattr(app.log, "already_setup", False)
    app.log.setup(loglevel="INFO")

    from celery.utils.log import ColorFormatter

    handlers = logging.getLogger().handlers  # pytest's capturing handlers are here too
    (console,) = [h for h in handlers if h.get_name() == "console"]
    assert any(isinstance(f, RedactingFilter) for f in console.filters)
    assert not any(isinstance(h.formatter, ColorFormatter) for h in handlers)
