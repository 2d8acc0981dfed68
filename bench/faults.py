"""Fault experiments against the real stack (``make faults``; never part of the test suite).

PostgreSQL (``FAULTS_DATABASE_URL``, a scratch database created here), a Redis server of its
own (started here on ``--redis-port``, append-only as in docker-compose.yml, so that stopping
it disturbs nobody else's Redis), a real SMTP server (aiosmtpd, in this process), and a
Celery worker and beat as separate processes, restarted when they end. This process posts the
public request form under load, one e-mail per submission, and runs three scenarios:

- ``redis``: Redis stopped and started again ``--redis-outages`` times (10) under load;
- ``smtp``: the SMTP server down for ``--smtp-down`` seconds (60) under load;
- ``sigkill``: the worker SIGKILLed while e-mails are being sent.

After each scenario it waits until the outbox is empty, then counts, for the e-mails that
scenario created: lost (not sent, or sent without reaching the SMTP server), duplicated
(the same Message-ID received twice) and, for the SIGKILL, how many were in flight (claimed,
state "sending") at the kill: only those may be duplicated. It also shows that the worker is
alive and delivering after each scenario.

    make faults
    make faults FAULTS_ARGS='--redis-outages 3 --smtp-down 20'
"""

from __future__ import annotations

import argparse
import collections
import email
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
CELERY = str(ROOT / ".venv" / "bin" / "celery")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """aiosmtpd on 127.0.0.1, counting the Message-IDs it accepted; stop() refuses
    connections until start()."""

    def __init__(self):
        self.port = free_port()
        self.received: collections.Counter = collections.Counter()
        self.lock = threading.Lock()
        self._controller = None

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.received[str(message.get("Message-ID", "")).strip()] += 1
        return "250 Message accepted"

    def start(self):
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


class Redis:
    def __init__(self, port: int, folder: Path):
        self.port, self.folder = port, folder
        self.process: subprocess.Popen | None = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            if (
                subprocess.run(
                    ["redis-cli", "-p", str(self.port), "ping"], capture_output=True
                ).stdout.strip()
                == b"PONG"
            ):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown"], capture_output=True)
        self.process.wait(10)


class Child:
    def __init__(self, name, command, env, log: Path):
        self.name, self.command, self.env = name, command, env
        self.log = open(log, "ab")  # noqa: SIM115 (for the child's whole life)
        self.ends: list[int] = []
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def check(self):
        if self.process.poll() is not None:
            self.ends.append(self.process.returncode)
            self.start()

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.start()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis-outages", type=int, default=10)
    parser.add_argument("--redis-down", type=float, default=3, help="seconds per outage")
    parser.add_argument("--smtp-down", type=float, default=60)
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--var-dir", default=str(ROOT / "var" / "faults"))
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "FAULTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dsar_faults"
        ),
    )
    args = parser.parse_args()

    var_dir = Path(args.var_dir)
    shutil.rmtree(var_dir, ignore_errors=True)
    (var_dir / "redis").mkdir(parents=True)
    redis = Redis(args.redis_port, var_dir / "redis")
    redis.start()
    mailbox = Mailbox()
    mailbox.start()

    database, name = args.database_url.rsplit("/", 1)
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="dsar.settings.local",
        DJANGO_DEBUG="False",
        ALLOWED_HOSTS="testserver,localhost",
        DSAR_VAR_DIR=str(var_dir),
        DATABASE_URL=args.database_url,
        REDIS_URL=f"redis://127.0.0.1:{args.redis_port}/0",
        EMAIL_URL=f"smtp://127.0.0.1:{mailbox.port}",
        EMAIL_TIMEOUT="3",
        DSAR_REMINDER_SWEEP_SECONDS="2",
        DSAR_RATE_LIMIT_SUBMIT_PER_IP="1000000/h",
        DSAR_RATE_LIMIT_SUBMIT_PER_EMAIL="1000000/d",
        # Faster than production, so that each scenario settles within a minute or two.
        DSAR_EMAIL_REQUEUE_AFTER_SECONDS="15",
        DSAR_EMAIL_SENDING_LEASE_SECONDS="20",
        DSAR_EMAIL_RETRY_BASE_SECONDS="2",
        DSAR_EMAIL_RETRY_MAX_SECONDS="8",
        DSAR_EMAIL_MAX_ATTEMPTS="40",
    )
    env.pop("CELERY_BROKER_URL", None)
    os.environ.update(env)
    os.environ["LOG_LEVEL"] = "ERROR"
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import close_old_connections
    from django.test import Client

    from notifications.models import OutboundEmail, State

    worker = Child(
        "worker",
        [CELERY, "-A", "dsar", "worker", "--loglevel=INFO", "--concurrency=2"],
        env,
        var_dir / "worker.log",
    )
    beat = Child(
        "beat", [CELERY, "-A", "dsar", "beat", "--loglevel=INFO"], env, var_dir / "beat.log"
    )
    worker.start()
    beat.start()

    posts = collections.Counter()
    load_on = threading.Event()
    stop_load = threading.Event()

    def load():
        client = Client()
        n = 0
        while not stop_load.is_set():
            if not load_on.wait(0.2):
                continue
            n += 1
            try:
                response = client.post(
                    "/",
                    {
                        "request_type": "access",
                        "name": f"Fault Subject {n}",
                        "email": f"fault{n}@example.org",
                        "phone": "",
                        "on_behalf": "self",
                        "behalf_name": "",
                        "behalf_relationship": "",
                        "description": "Graag een kopie.",
                        "language": "nl",
                        "website": "",
                    },
                )
                posts[
                    "accepted"
                    if response.status_code == 302
                    else f"answered {response.status_code}"
                ] += 1
            except Exception as exc:  # noqa: BLE001 - counted, shown in the table
                posts[f"raised {type(exc).__name__}"] += 1
            close_old_connections()
            time.sleep(0.25)

    threading.Thread(target=load, daemon=True).start()

    def supervise(seconds: float):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            worker.check()
            beat.check()
            time.sleep(0.2)

    def drain(first_id: int, timeout: float = 240) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            supervise(2)
            if (
                not OutboundEmail.objects.filter(id__gte=first_id)
                .exclude(state__in=[State.SENT, State.FAILED, State.CANCELLED])
                .exists()
            ):
                return True
        return False

    def next_id() -> int:
        last = OutboundEmail.objects.order_by("-id").values_list("id", flat=True).first()
        return (last or 0) + 1

    results = []

    def count(scenario: str, first_id: int, posts_before, in_flight: int | None, ends_before):
        drained = drain(first_id)
        # Alive and delivering afterwards: one more submission, sent by the worker.
        probe_id = next_id()
        Client().post(
            "/",
            {
                "request_type": "access",
                "name": "Probe",
                "email": "probe@example.org",
                "phone": "",
                "on_behalf": "self",
                "behalf_name": "",
                "behalf_relationship": "",
                "description": "Probe.",
                "language": "nl",
                "website": "",
            },
        )
        delivering = (
            drain(probe_id, timeout=120)
            and OutboundEmail.objects.filter(id__gte=probe_id, state=State.SENT).exists()
        )
        rows = list(
            OutboundEmail.objects.filter(id__gte=first_id, id__lt=probe_id).values_list(
                "state", "message_id"
            )
        )
        with mailbox.lock:
            received = dict(mailbox.received)
        lost = sum(1 for state, mid in rows if state != State.SENT or not received.get(mid))
        duplicates = sum(received.get(mid, 0) - 1 for _, mid in rows if received.get(mid, 0) > 1)
        post_figures = {k: v - posts_before.get(k, 0) for k, v in posts.items()}
        results.append(
            {
                "scenario": scenario,
                "e-mails": len(rows),
                "lost": lost,
                "duplicated": duplicates,
                "in flight at kill": "-" if in_flight is None else in_flight,
                "worker ends": len(worker.ends) - ends_before,
                "drained": "yes" if drained else "NO",
                "delivering after": "yes" if delivering else "NO",
                "form POSTs": ", ".join(f"{v} {k}" for k, v in sorted(post_figures.items()) if v),
            }
        )
        print(f"faults: {results[-1]}", flush=True)

    # Warm up: the stack delivers.
    load_on.set()
    supervise(10)

    # 1. Redis stopped and started under load.
    first, before, ends = next_id(), dict(posts), len(worker.ends)
    for i in range(args.redis_outages):
        print(f"faults: Redis outage {i + 1}/{args.redis_outages}", flush=True)
        redis.stop()
        supervise(args.redis_down)
        redis.start()
        supervise(5)
    load_on.clear()
    count(f"redis stopped x{args.redis_outages}", first, before, None, ends)

    # 2. SMTP down under load.
    first, before, ends = next_id(), dict(posts), len(worker.ends)
    load_on.set()
    supervise(5)
    print(f"faults: SMTP down for {args.smtp_down:g} s", flush=True)
    mailbox.stop()
    supervise(args.smtp_down)
    mailbox.start()
    supervise(5)
    load_on.clear()
    count(f"smtp down {args.smtp_down:g} s", first, before, None, ends)

    # 3. Worker SIGKILLed mid-batch: stop the worker, queue a burst, start it, kill it while
    # it is sending.
    first, before, ends = next_id(), dict(posts), len(worker.ends)
    worker.stop()
    load_on.set()
    target = posts["accepted"] + 60
    while posts["accepted"] < target:
        time.sleep(0.2)
    load_on.clear()
    worker.start()
    in_flight = 0
    end = time.monotonic() + 60
    while time.monotonic() < end:
        sending = OutboundEmail.objects.filter(id__gte=first, state=State.SENDING).count()
        sent = OutboundEmail.objects.filter(id__gte=first, state=State.SENT).count()
        if sending and sent >= 5:
            os.killpg(worker.process.pid, signal.SIGKILL)
            in_flight = OutboundEmail.objects.filter(id__gte=first, state=State.SENDING).count()
            break
        time.sleep(0.01)
    print(f"faults: worker SIGKILLed with {in_flight} e-mail(s) in flight", flush=True)
    worker.process.wait()
    worker.start()
    count("worker SIGKILLed", first, before, in_flight, ends)

    stop_load.set()
    beat.stop()
    worker.stop()
    mailbox.stop()
    redis.stop()

    columns = list(results[0])
    print()
    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join("---" for _ in columns) + "|")
    for row in results:
        print("| " + " | ".join(str(row[c]) for c in columns) + " |")
    ok = all(
        r["lost"] == 0
        and r["delivering after"] == "yes"
        and r["worker ends"] == 0  # restarted by this script, but it should not have ended
        and r["duplicated"] <= (r["in flight at kill"] if r["in flight at kill"] != "-" else 0)
        for r in results
    )
    print(f"\nfaults: {'OK' if ok else 'FAILED'} (logs in {var_dir})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
