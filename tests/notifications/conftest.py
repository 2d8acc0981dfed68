"""Real parts for the e-mail tests: an SMTP server (aiosmtpd) on 127.0.0.1 and a Celery
worker thread on the configured broker (the filesystem broker on the embedded defaults,
Redis when REDIS_URL is set)."""

import datetime
import email
import email.policy
import shutil
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings

from tests import factories


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float = 30, interval: float = 0.05):
    """Poll ``predicate`` until it returns something truthy; returns that (or the last
    falsy value after ``timeout``, for the caller's assertion to report)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def reference(self) -> str:
        return str(self.message.get("X-DSAR-Reference", ""))

    def part(self, content_type: str) -> str:
        for part in self.message.walk():
            if part.get_content_type() == content_type and not part.get_filename():
                return part.get_content().replace("\r\n", "\n")
        raise AssertionError(f"no {content_type} part")

    def attachments(self) -> list[tuple[str, str, bytes]]:
        return [
            (part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
            for part in self.message.walk()
            if part.get_filename()
        ]


@dataclass
class SMTPHandler:
    """Collects messages. ``temporary_failures`` answers that many RCPT commands with a 4xx
    first; ``reject_with`` answers every RCPT with it (e.g. a 5xx)."""

    messages: list[Received] = field(default_factory=list)
    connections: int = 0  # SMTP sessions opened by clients (smtplib greets once in each)
    temporary_failures: int = 0
    reject_with: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            if self.reject_with:
                return self.reject_with
            if self.temporary_failures > 0:
                self.temporary_failures -= 1
                return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted"


class SMTPServer:
    """aiosmtpd on 127.0.0.1 and a free port; ``stop()`` and ``start()`` take it down and
    bring it back on the same port (connections are refused meanwhile)."""

    def __init__(self):
        self.port = free_port()
        self.handler = SMTPHandler()
        self._controller = None

    def start(self):
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.messages)

    @property
    def connections(self) -> int:
        with self.handler.lock:
            return self.handler.connections

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.rcpt_tos]


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server; Django's SMTP backend points at it."""
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def fast_retries(settings):
    """Retry countdowns of a fraction of a second, so that a worker's retries run within the
    test."""
    settings.DSAR_EMAIL_RETRY_BASE_SECONDS = 0.1
    settings.DSAR_EMAIL_RETRY_MAX_SECONDS = 0.4
    settings.DSAR_EMAIL_MAX_ATTEMPTS = 4


def _empty_filesystem_queue():
    options = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        folder = Path(options[key])
        if key == "data_folder_in" and folder.exists():
            shutil.rmtree(folder)  # messages left behind by an earlier run
        folder.mkdir(parents=True, exist_ok=True)


class WorkerThread:
    """A real Celery worker in a thread of this process, consuming the configured broker
    (``celery.contrib.testing``). Started once and kept for the session, as starting and
    stopping one takes seconds; ``stop()`` lets a test have the broker to itself."""

    def __init__(self):
        self._context = None

    @property
    def running(self) -> bool:
        return self._context is not None

    def start(self):
        if self.running:
            return
        from celery.contrib.testing.worker import start_worker

        from dsar.celery import app

        if django_settings.CELERY_BROKER_URL.startswith("filesystem://"):
            _empty_filesystem_queue()
        else:
            with app.connection_for_write() as connection:
                app.control.purge(connection=connection)
        self._context = start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=30
        )
        self._context.__enter__()

    def stop(self):
        if self.running:
            context, self._context = self._context, None
            context.__exit__(None, None, None)


@pytest.fixture(scope="session")
def worker_thread():
    worker = WorkerThread()
    yield worker
    worker.stop()


@pytest.fixture
def celery_worker(transactional_db, worker_thread):
    """The session's worker, running. Tests using it need committed data
    (``transactional_db``): the worker has its own database connection, as a worker process
    would."""
    worker_thread.start()
    return worker_thread


@pytest.fixture
def officer_with_email(db):
    return factories.officer("ilse", email="ilse@example.nl", first_name="Ilse")


def fresh_case(**fields):
    """A case registered now, received an hour ago: no reminder is due for it yet."""
    from django.utils import timezone

    now = timezone.now()
    return factories.case(received_at=now - datetime.timedelta(hours=1), now=now, **fields)


@pytest.fixture
def fake_broker(monkeypatch):
    """Instead of a broker: the ids of the e-mails handed to Celery, in order."""
    from notifications.tasks import deliver_email, deliver_emails

    ids: list[int] = []
    monkeypatch.setattr(deliver_email, "apply_async", lambda args, **kw: ids.append(args[0]))
    monkeypatch.setattr(deliver_emails, "apply_async", lambda args, **kw: ids.extend(args[0]))
    return ids
