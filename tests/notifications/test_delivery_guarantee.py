"""The delivery guarantee (docs/notifications.md): at-least-once. An e-mail is sent once in
normal operation, never lost when a worker dies, and sent twice only when a worker dies
between the SMTP server accepting it and the outbox recording that — a duplicate window no
larger than the e-mails in flight at that moment."""

import datetime
import os
import signal
import subprocess
import sys
import threading

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from notifications import delivery, sweep
from notifications.models import OutboundEmail, State
from notifications.tasks import deliver_email
from tests.notifications.conftest import fresh_case, wait_for


def test_the_delivery_task_acknowledges_late():
    assert deliver_email.acks_late is True
    assert deliver_email.reject_on_worker_lost is True
    assert django_settings.CELERY_TASK_ACKS_LATE is True
    assert django_settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1


def test_retry_countdowns_stay_far_below_the_visibility_timeout(settings):
    settings.DSAR_EMAIL_RETRY_BASE_SECONDS = 60
    settings.DSAR_EMAIL_RETRY_MAX_SECONDS = 900
    delays = [delivery.retry_delay(n) for n in range(1, 12)]

    assert delays[:5] == [60, 120, 240, 480, 900]
    assert max(delays) == 900
    assert max(delays) <= 3600 / 2  # the Redis visibility timeout in dsar/settings/base.py


@pytest.mark.django_db
def test_a_message_delivered_twice_sends_once_while_the_first_is_sending(smtp_server):
    case = fresh_case(subject_email="zoe@example.org")
    email = OutboundEmail.objects.get(case=case)
    # A worker claimed it and is still at it (or died a moment ago).
    OutboundEmail.objects.filter(pk=email.pk).update(
        state=State.SENDING, claimed_at=timezone.now(), attempts=1
    )

    assert delivery.email_deliver(email_id=email.pk).outcome == "skipped"
    assert sweep.reminder_sweep().due == []
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_a_worker_dying_after_the_smtp_server_accepted_causes_one_duplicate(
    smtp_server, monkeypatch
):
    case = fresh_case(subject_email="zoe@example.org")
    email = OutboundEmail.objects.get(case=case)

    def die(*args, **kwargs):
        raise SystemExit("worker killed")  # after message.send(), before the row says so

    with monkeypatch.context() as patch:
        patch.setattr(delivery, "_mark_sent", die)
        with pytest.raises(SystemExit):
            delivery.email_deliver(email_id=email.pk)
    assert len(smtp_server.messages) == 1
    assert OutboundEmail.objects.get(pk=email.pk).state == State.SENDING

    # Within the lease nobody touches it; after the lease the sweep delivers it again.
    lease = datetime.timedelta(seconds=django_settings.DSAR_EMAIL_SENDING_LEASE_SECONDS)
    soon = timezone.now() + lease / 2
    with time_machine.travel(soon, tick=False):
        assert sweep.reminder_sweep(deliver=True).due == []
    later = timezone.now() + lease + datetime.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        report = sweep.reminder_sweep(deliver=True)

    assert [r.outcome for r in report.delivered] == ["sent"]
    assert len(smtp_server.messages) == 2  # the one duplicate, under the same Message-ID
    first, second = smtp_server.messages
    email.refresh_from_db()
    assert first.message["Message-ID"] == second.message["Message-ID"] == email.message_id
    assert (email.state, email.attempts) == (State.SENT, 2)
    with time_machine.travel(later, tick=False):
        assert sweep.reminder_sweep(deliver=True).due == []


def _database_url() -> str:
    """The test database, for a worker process started by the test."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_email_whose_worker_process_was_killed_mid_delivery_is_sent_by_another(
    smtp_server, worker_thread, settings
):
    worker_thread.stop()  # the process below must get the message
    settings.DSAR_EMAIL_SENDING_LEASE_SECONDS = 1
    # The SMTP server holds the first message's DATA until the worker is dead.
    in_data, release = threading.Event(), threading.Event()
    handle_data = smtp_server.handler.handle_DATA

    async def hold_first_data(server, session, envelope):
        if not in_data.is_set():
            in_data.set()
            while not release.is_set():
                await __import__("asyncio").sleep(0.05)
            return "421 4.3.0 Closing"  # its client is gone; nothing was delivered
        return await handle_data(server, session, envelope)

    smtp_server.handler.handle_DATA = hold_first_data
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dsar.settings.local",
        "DSAR_VAR_DIR": str(django_settings.VAR_DIR),
        "DATABASE_URL": _database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "EMAIL_TIMEOUT": "60",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "dsar", "worker", "--pool=solo",
         "--without-heartbeat", "--without-mingle", "--without-gossip", "--loglevel=WARNING"],
        env=env,
        cwd=django_settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        case = fresh_case(subject_email="zoe@example.org")
        email = OutboundEmail.objects.get(case=case)
        assert in_data.wait(timeout=60), process.stderr.read1().decode() if process.poll() else ""
        assert OutboundEmail.objects.get(pk=email.pk).state == State.SENDING
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        release.set()
    assert smtp_server.messages == []
    email.refresh_from_db()
    assert (email.state, email.attempts) == (State.SENDING, 1)

    # Another worker, and the sweep finds the dead worker's claim once the lease is over.
    worker_thread.start()
    assert wait_for(lambda: sweep.reminder_sweep().due == [email.pk], timeout=10)
    assert wait_for(lambda: OutboundEmail.objects.get(pk=email.pk).state == State.SENT)
    assert [m.reference for m in smtp_server.messages] == [case.reference]
    assert OutboundEmail.objects.get(pk=email.pk).attempts == 2
