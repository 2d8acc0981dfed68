"""Time of the reminder sweep with many open cases of which a fixed number are due.

The sweep's cost should follow the reminders due, not the open cases: run it with 200,000
and with 400,000 open cases, the same 2,000 due, and compare. On a scratch PostgreSQL
database (it EMPTIES the cases and the outbox):

    createdb -h 127.0.0.1 -U postgres dsar_bench_reminders
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dsar_bench_reminders \\
    REDIS_URL=redis://127.0.0.1:6379/15 \\
        .venv/bin/python bench/bench_reminder_sweep.py --open 200000 --due 2000

Seeds the open cases with COPY (due dates outside every reminder window, except ``--due`` of
them spread over the windows: a week ahead, two working days ahead, today and overdue), then
times ``notifications.sweep.reminder_sweep`` from an empty outbox ``--runs`` times (the
outbox and the broker's queue are emptied between runs) and once more right after a run, when
there is nothing new to plan. Prints the median, the query count and the plan of the window
query; writes the figures to bench/results/. Not part of the test suite.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dsar.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")

import django  # noqa: E402
from psycopg.types.json import Jsonb  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cases import clock, deadlines  # noqa: E402
from cases.clock import local_date  # noqa: E402
from cases.models import OPEN_STATUSES, Case  # noqa: E402
from notifications import policy, sweep  # noqa: E402
from notifications.models import OutboundEmail  # noqa: E402

OFFICERS = ("bench-anna", "bench-bert", "bench-cor")
REFERENCE_YEAR = 2099  # apart from any real numbering


def _working_day_at_nine() -> datetime.datetime:
    """The sweep's moment: 09:00 on the next working day, so that every kind of reminder
    (the overdue one runs on working days only) and the digests are planned."""
    day = deadlines.next_working_day(local_date(datetime.datetime.now(datetime.UTC)))
    return clock.local_moment(day, datetime.time(9))


def _due_dates(today: datetime.date, due: int, total: int, rng: random.Random):
    """``due`` dates spread over the reminder windows, the rest after the last window."""
    windows = policy.reminder_windows(
        today,
        days_before=settings.DSAR_REMINDER_DAYS_BEFORE,
        working_days_before=settings.DSAR_REMINDER_WORKING_DAYS_BEFORE,
    )
    in_windows = []
    for window in windows:
        first = window.first or window.last - datetime.timedelta(days=20)
        days = (window.last - first).days + 1
        in_windows.append([first + datetime.timedelta(days=d) for d in range(days)])
    last = max(w.last for w in windows)
    for n in range(total):
        if n < due:
            yield rng.choice(in_windows[n % len(in_windows)])
        else:
            yield last + datetime.timedelta(days=rng.randint(1, 28))


def seed(count: int, due: int, today: datetime.date) -> None:
    """Empty the cases and the outbox, then COPY ``count`` open cases in."""
    officers = []
    for username in OFFICERS:
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True, "email": f"{username}@example.nl"}
        )
        officers.append(user.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE notifications_outboundemail, cases_caseevent, cases_casepause, "
            "cases_case RESTART IDENTITY CASCADE"
        )
    rng = random.Random(20261122)
    fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    template = Case(
        request_type="access",
        channel="web",
        subject_name="Bench Subject",
        subject_email="",
        deadline_rule="four_weeks",
    )
    now = datetime.datetime.now(datetime.UTC)
    statuses = list(OPEN_STATUSES)
    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY cases_case ({columns}) FROM STDIN") as copy,
    ):
        for n, due_date in enumerate(_due_dates(today, due, count, rng), start=1):
            received_on = due_date - datetime.timedelta(days=28)
            values = {
                "reference": f"BENCH-{REFERENCE_YEAR}-{n:07d}",
                "reference_year": REFERENCE_YEAR,
                "reference_number": n,
                "status": statuses[n % len(statuses)],
                "received_at": clock.local_moment(received_on, datetime.time(10)),
                "received_on": received_on,
                "due_date": due_date,
                "effective_due_date": due_date,
                "assignee_id": officers[n % 3] if n % 10 else None,
                "created_at": now,
                "updated_at": now,
            }
            row = [values.get(f.attname, getattr(template, f.attname)) for f in fields]
            copy.write_row([Jsonb(v) if isinstance(v, dict | list) else v for v in row])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
    print(f"seeded {count:,} open cases in {time.perf_counter() - started:.1f} s")


def _purge_broker() -> None:
    from dsar.celery import app

    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        with app.connection_for_write() as conn:
            app.control.purge(connection=conn)


def timed_sweep(now) -> dict:
    """The steps of ``sweep.reminder_sweep``, timed one by one."""
    times = {}
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        planned = sweep.plan_reminders(now=now)
        planned.update(sweep.plan_digests(now=now))
        times["plan"] = time.perf_counter() - started
        enqueued = sweep.requeue_due(now=now)
        times["total"] = time.perf_counter() - started
    times["enqueue"] = times["total"] - times["plan"]
    return {
        "ms": {k: v * 1000 for k, v in times.items()},
        "queries": len(queries),
        "planned": {str(k): v for k, v in sorted(planned.items())},
        "enqueued": len(enqueued),
    }


def window_queries(today: datetime.date) -> list[tuple[str, str]]:
    """(kind, EXPLAIN ANALYZE) of each window query, as ``sweep.plan_reminders`` runs it."""
    plans = []
    windows = policy.reminder_windows(
        today,
        days_before=settings.DSAR_REMINDER_DAYS_BEFORE,
        working_days_before=settings.DSAR_REMINDER_WORKING_DAYS_BEFORE,
    )
    for window in windows:
        query = Case.objects.filter(status__in=OPEN_STATUSES, effective_due_date__lte=window.last)
        if window.first is not None:
            query = query.filter(effective_due_date__gte=window.first)
        query = query.order_by().values_list(
            "pk",
            "reference",
            "effective_due_date",
            "assignee_id",
            "assignee__email",
            "assignee__is_active",
        )
        plans.append((str(window.kind), query.explain(analyze=True)))
    return plans


def _execution_ms(plan: str) -> float:
    line = next(line for line in plan.splitlines() if line.startswith("Execution Time"))
    return float(line.split(":")[1].split()[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=200_000, help="open cases (200,000)")
    parser.add_argument("--due", type=int, default=2_000, help="of which due (2,000)")
    parser.add_argument("--runs", type=int, default=5, help="timed sweeps (5)")
    parser.add_argument("--no-seed", action="store_true", help="keep the seeded cases")
    args = parser.parse_args()
    database = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or "bench" not in database:
        sys.exit(
            f"Refusing to run on {connection.vendor} database {database!r}: this empties the "
            "cases. Use a scratch PostgreSQL database whose name contains 'bench'."
        )
    call_command("migrate", verbosity=0)
    now = _working_day_at_nine()
    today = local_date(now)
    if not args.no_seed:
        seed(args.open, args.due, today)
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES).count()
    print(f"PostgreSQL {database}: {open_cases:,} open cases; sweep at {now:%a %Y-%m-%d %H:%M}")
    print(f"broker: {settings.CELERY_BROKER_URL.split('@')[-1]}\n")

    runs = []
    for _run in range(args.runs):
        OutboundEmail.objects.all().delete()
        _purge_broker()
        runs.append(timed_sweep(now))
    steady = timed_sweep(now)  # right after a run: nothing new to plan or enqueue
    _purge_broker()

    last = runs[-1]
    cases_due = OutboundEmail.objects.filter(case__isnull=False).values("case").distinct().count()

    def median(step):
        return round(statistics.median(run["ms"][step] for run in runs), 1)

    result = {
        "open_cases": open_cases,
        "cases_due": cases_due,
        "emails_planned": sum(last["planned"].values()),
        "planned_by_kind": last["planned"],
        "emails_enqueued": last["enqueued"],
        "runs": args.runs,
        "sweep_ms_median": median("total"),
        "plan_ms_median": median("plan"),
        "enqueue_ms_median": median("enqueue"),
        "sweep_ms_all": [round(run["ms"]["total"], 1) for run in runs],
        "queries": last["queries"],
        "steady_sweep_ms": round(steady["ms"]["total"], 1),
        "steady_queries": steady["queries"],
        "broker": settings.CELERY_BROKER_URL.split("://")[0],
    }
    r = result
    print(f"cases due for a reminder: {cases_due:,}; e-mails planned per sweep: "
          f"{r['emails_planned']:,} {r['planned_by_kind']}")  # fmt: skip
    print(f"sweep from an empty outbox, median of {args.runs} runs: "
          f"{r['sweep_ms_median']:.0f} ms = planning {r['plan_ms_median']:.0f} ms + "
          f"enqueueing {r['emails_enqueued']:,} messages {r['enqueue_ms_median']:.0f} ms; "
          f"{r['queries']} queries")  # fmt: skip
    print("all runs (ms): " + ", ".join(f"{ms:.0f}" for ms in r["sweep_ms_all"]))
    print(f"sweep with nothing new: {r['steady_sweep_ms']:.0f} ms, {r['steady_queries']} queries\n")
    plans = window_queries(today)
    result["window_queries_ms"] = {kind: _execution_ms(plan) for kind, plan in plans}
    total = sum(result["window_queries_ms"].values())
    print(f"the {len(plans)} window queries in PostgreSQL (EXPLAIN ANALYZE): {total:.2f} ms "
          f"{result['window_queries_ms']}")  # fmt: skip
    print("\nreminder_week window, EXPLAIN ANALYZE:")
    print(plans[0][1])
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    path = out / f"reminder_sweep_{open_cases}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"\nwritten to {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}"
    )


if __name__ == "__main__":
    main()
