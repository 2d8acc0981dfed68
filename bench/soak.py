"""Long-run check of the embedded defaults (``make soak``; never part of the test suite).

A Celery worker and Celery beat run on the embedded defaults (SQLite, the filesystem broker,
e-mail written as files) in a var folder of their own, with the sweep every 2 seconds, while
this process posts the public request form every few seconds, for ``--minutes`` (30 by
default). The worker and beat are restarted if they end, and every end is counted: on a
healthy stack there are none. At the end beat stops, the worker gets time to send what is
left, and a table compares what was planned with what was written to the mail folder:

    submissions, e-mails expected (outbox rows), delivered (rows sent, and Message-IDs found in
    the mail files), missing, duplicates (a Message-ID written more than once), worker and beat
    ends, CRITICAL lines in their logs.

    make soak                       # 30 minutes
    make soak SOAK_ARGS="--minutes 5 --var-dir /tmp/soak"   # default var dir: var/soak/
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
CELERY = str(ROOT / ".venv" / "bin" / "celery")


def child_env(var_dir: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "EMAIL_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="dsar.settings.local",
        DSAR_VAR_DIR=str(var_dir),
        DJANGO_DEBUG="False",  # no query log growing for half an hour
        ALLOWED_HOSTS="testserver,localhost,127.0.0.1",
        DSAR_REMINDER_SWEEP_SECONDS="2",
        DSAR_RATE_LIMIT_SUBMIT_PER_IP="100000/h",
        DSAR_RATE_LIMIT_SUBMIT_PER_EMAIL="100000/d",
        LOG_LEVEL="INFO",
    )
    return env


class Child:
    """A worker or beat process, restarted when it ends; each end is counted."""

    def __init__(self, name: str, command: list[str], env: dict, log: Path):
        self.name, self.command, self.env, self.log_path = name, command, env, log
        self.ends: list[int] = []
        self.process: subprocess.Popen | None = None
        self._log = open(log, "ab")  # noqa: SIM115 (open for the child's whole life)

    def start(self):
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def check(self):
        status = self.process.poll()
        if status is not None:
            self.ends.append(status)
            print(f"soak: {self.name} ended with status {status}; restarting", flush=True)
            time.sleep(1)
            self.start()

    def stop(self, timeout: float = 60):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()

    def critical_lines(self) -> list[str]:
        text = self.log_path.read_text(errors="replace")
        return [line for line in text.splitlines() if "CRITICAL" in line]


def message_ids_in(mail_dir: Path) -> collections.Counter:
    found: collections.Counter = collections.Counter()
    pattern = re.compile(r"^Message-ID: *(\S+)", re.MULTILINE | re.IGNORECASE)
    for path in mail_dir.glob("*"):
        if path.is_file():
            found.update(pattern.findall(path.read_text(errors="replace")))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--post-every", type=float, default=3, help="seconds between POSTs")
    parser.add_argument("--var-dir", default=str(ROOT / "var" / "soak"))
    parser.add_argument("--drain-seconds", type=float, default=180)
    args = parser.parse_args()

    var_dir = Path(args.var_dir)
    shutil.rmtree(var_dir, ignore_errors=True)  # a fresh var: no broker folders, no database
    var_dir.mkdir(parents=True)
    env = child_env(var_dir)
    os.environ.update(env)
    for key in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "EMAIL_URL"):
        os.environ.pop(key, None)
    os.environ["LOG_LEVEL"] = "WARNING"  # this process: the POSTs; the children log at INFO

    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    from notifications.models import OutboundEmail, State

    worker = Child(
        "worker",
        [CELERY, "-A", "dsar", "worker", "--loglevel=INFO", "--concurrency=2"],
        env,
        var_dir / "worker.log",
    )
    beat = Child(
        "beat",
        [CELERY, "-A", "dsar", "beat", "--loglevel=INFO"],
        env,
        var_dir / "beat.log",
    )
    worker.start()
    beat.start()
    print(
        f"soak: worker and beat on the embedded defaults in {var_dir}; sweep every 2 s, "
        f"a form POST every {args.post_every} s, for {args.minutes} minutes",
        flush=True,
    )

    client = Client()
    submissions = failed_posts = 0
    started = time.monotonic()
    end = started + args.minutes * 60
    next_report = started + 60
    try:
        while time.monotonic() < end:
            response = client.post(
                "/",
                {
                    "request_type": "access",
                    "name": f"Soak Subject {submissions}",
                    "email": f"soak{submissions}@example.org",
                    "phone": "",
                    "on_behalf": "self",
                    "behalf_name": "",
                    "behalf_relationship": "",
                    "description": "Graag een kopie van mijn gegevens.",
                    "language": "nl",
                    "website": "",
                },
            )
            if response.status_code == 302:
                submissions += 1
            else:
                failed_posts += 1
                print(f"soak: POST answered {response.status_code}", flush=True)
            worker.check()
            beat.check()
            if time.monotonic() >= next_report:
                next_report += 60
                sent = OutboundEmail.objects.filter(state=State.SENT).count()
                minutes = (time.monotonic() - started) / 60
                print(
                    f"soak: {minutes:.0f} min: {submissions} submissions, {sent} e-mails sent",
                    flush=True,
                )
            time.sleep(args.post_every)
    finally:
        beat.stop()
        # Let the worker send what is left (the sweep is off now; the queue has it).
        drain_end = time.monotonic() + args.drain_seconds
        while time.monotonic() < drain_end:
            worker.check()
            if not OutboundEmail.objects.exclude(
                state__in=[State.SENT, State.FAILED, State.CANCELLED]
            ).exists():
                break
            time.sleep(2)
        worker.stop()

    rows = list(OutboundEmail.objects.values_list("state", "message_id"))
    in_mail = message_ids_in(var_dir / "mail")
    sent_rows = [mid for state, mid in rows if state == State.SENT]
    figures = [
        ("minutes", f"{args.minutes:g}"),
        ("form submissions", submissions),
        ("form POSTs not accepted", failed_posts),
        ("e-mails expected (outbox rows)", len(rows)),
        ("delivered (rows sent)", len(sent_rows)),
        ("not delivered (rows not sent)", len(rows) - len(sent_rows)),
        ("rows sent but not in the mail files", sum(1 for mid in sent_rows if not in_mail[mid])),
        ("messages in the mail files", sum(in_mail.values())),
        ("duplicates (same Message-ID twice)", sum(n - 1 for n in in_mail.values() if n > 1)),
        ("worker ends (restarted)", f"{len(worker.ends)} {worker.ends or ''}".strip()),
        ("beat ends (restarted)", f"{len(beat.ends)} {beat.ends or ''}".strip()),
        ("CRITICAL log lines", len(worker.critical_lines()) + len(beat.critical_lines())),
    ]
    width = max(len(name) for name, _ in figures)
    print()
    print(f"| {'soak figure'.ljust(width)} | value |")
    print(f"|{'-' * (width + 2)}|-------|")
    for name, value in figures:
        print(f"| {name.ljust(width)} | {value} |")
    for line in worker.critical_lines() + beat.critical_lines():
        print(f"soak: {line}")
    ok = (
        len(rows) == len(sent_rows) == sum(in_mail.values())
        and not worker.ends
        and not beat.ends
        and submissions > 0
    )
    print(f"\nsoak: {'OK' if ok else 'FAILED'} (logs in {var_dir})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
