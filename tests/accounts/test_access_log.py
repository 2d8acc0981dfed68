"""gunicorn's access log (Dockerfile, docker-compose.yml) never holds the token of a data
subject's confirmation or status link, nor what staff searched for: a real gunicorn, started
as the images start it, with the redacting logger class."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from dsar.gunicorn_logging import redact

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "eyJjIjo0Mn0:1xZVFi:PaYA-BIwRZSp2lI_1iae3UVt4uXyNxY7cvgZyPCNAfg"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, **headers) -> int:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our loopback URL
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def gunicorn_log(tmp_path):
    port, log = _free_port(), tmp_path / "access.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dsar.settings.test",
        "DSAR_VAR_DIR": str(tmp_path / "var"),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "dsar.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", str(log),
         "--logger-class", "dsar.gunicorn_logging.RedactingLogger"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _get(base + "/sent/")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(server.stderr.read().decode()[-2000:]) from None
                time.sleep(0.2)
        yield base, log
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_access_log_shows_no_link_token(gunicorn_log):
    base, log = gunicorn_log
    status_page = f"{base}/status/{TOKEN}/"
    assert _get(f"{base}/confirm/{TOKEN}/?lang=nl") == 404
    assert _get(status_page) == 404
    # The status page's own requests carry it in the Referer header (same-origin policy).
    _get(f"{base}/static/public/public.css", Referer=status_page)
    deadline = time.monotonic() + 10  # the worker writes each line after its response
    while log.read_text().count("\n") < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    text = log.read_text()
    assert "GET /confirm/[token]/?lang=nl HTTP/1.1" in text
    assert "GET /status/[token]/ HTTP/1.1" in text
    assert f"{base}/status/[token]/" in text  # the Referer
    assert TOKEN not in text and TOKEN[:20] not in text


def test_the_access_log_shows_no_search_terms(gunicorn_log):
    base, log = gunicorn_log
    _get(f"{base}/admin/cases/case/?q=annelies.logscan%40example.org&status=open")
    _get(f"{base}/api/cases/?search=Annelies+Logscan")
    _get(f"{base}/static/public/public.css", Referer=f"{base}/admin/cases/case/?q=Logscan")
    deadline = time.monotonic() + 10  # the worker writes each line after its response
    while "public.css" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    text = log.read_text()
    assert "GET /admin/cases/case/?q=[redacted]&status=open HTTP/1.1" in text
    assert "GET /api/cases/?search=[redacted] HTTP/1.1" in text
    assert f"{base}/admin/cases/case/?q=[redacted]" in text  # the Referer
    assert "logscan" not in text.lower()


def test_redact_keeps_everything_but_the_token():
    assert redact("GET /status/abc.def:ghi/files/3/?x=1 HTTP/1.1") == (
        "GET /status/[token]/files/3/?x=1 HTTP/1.1"
    )
    assert redact("/confirm/abc/") == "/confirm/[token]/"
    assert redact("/admin/cases/case/3/change/") == "/admin/cases/case/3/change/"
