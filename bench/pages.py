"""Server time and query count of the officers' pages, side by side with their floor: the same
SQL run directly through the database cursor.

The pages are the ones the per-feature benchmarks measure, taken from them rather than
repeated here: the admin case list (``bench_admin_list.PAGES``), the REST API's case list
(``bench_api_list._urls()``) and the DPO's dashboard, register and exports
(``bench_dashboard.PAGES``). Each request goes through the whole stack in this process
(middleware, session with a verified second factor or an API token, the view, the template or
the JSON renderer) with Django's test client, under the bench settings (production settings,
bench/settings.py). For every page:

- *server*: median and p95 of ``--runs`` warm requests (a streamed export is read to the end);
- *queries*: how many SQL statements one request runs (CaptureQueriesContext);
- *SQL floor*: the statements one request ran, captured as sent, run again in the same order
  through the cursor (rows fetched, inside a transaction that is rolled back), ``--runs``
  times, median; *ratio* = server / floor; *slowest query* = the statement that took longest.

Run by bench/run.py (``make bench``); by hand, against a seeded database:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dsar_bench_100k SECRET_KEY=<50+ chars> \\
        SECURE_SSL_REDIRECT=False .venv/bin/python bench/pages.py --suite admin --runs 10
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("BENCH_ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group, Permission  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cases.demo import OFFICER_GROUP  # noqa: E402
from cases.models import Case  # noqa: E402

TARGET_QUERIES = 8
TARGET_MS = 250


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _staff(username: str, permissions: tuple[str, ...] = ()):
    """A staff user in the officers' group with a confirmed second factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"is_staff": True, "email": f"{username}@example.nl"}
    )
    user.groups.add(Group.objects.get(name=OFFICER_GROUP))
    for perm in permissions:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "bench"}
    )
    return user, device


def admin_client(username: str, permissions: tuple[str, ...] = (), language: str = "en"):
    """Logged in with both factors: what ``django_otp.login`` stores after a correct code."""
    from django_otp import DEVICE_ID_SESSION_KEY

    user, device = _staff(username, permissions)
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def api_client(username: str, language: str = "en"):
    from accounts.api_tokens import api_token_issue

    user, _device = _staff(username)
    _row, token = api_token_issue(user=user)
    return Client(headers={"authorization": f"Token {token}", "accept-language": language})


def _read(response) -> int:
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


# A streamed export reads through a server-side cursor; the floor runs its SELECT as such.
DECLARE_CURSOR = re.compile(
    r'^\s*DECLARE\s+"?\w+"?\s+(?:BINARY\s+)?(?:NO\s+)?(?:SCROLL\s+)?CURSOR\s+'
    r"(?:WITH(?:OUT)?\s+HOLD\s+)?FOR\s+",
    re.IGNORECASE,
)


def sql_floor(statements: list[str], runs: int) -> dict:
    """Run the captured statements again through the cursor, ``runs`` times."""
    statements = [DECLARE_CURSOR.sub("", sql) for sql in statements]
    totals, per_statement = [], [[] for _ in statements]
    with transaction.atomic():
        with connection.cursor() as cursor:
            for _run in range(runs + 1):  # the first run warms up
                started = time.perf_counter()
                for i, sql in enumerate(statements):
                    t0 = time.perf_counter()
                    cursor.execute(sql)
                    if cursor.description is not None:
                        cursor.fetchall()
                    if _run:
                        per_statement[i].append((time.perf_counter() - t0) * 1000)
                if _run:
                    totals.append((time.perf_counter() - started) * 1000)
        transaction.set_rollback(True)
    medians = [statistics.median(t) for t in per_statement] if statements else []
    slowest = max(range(len(statements)), key=medians.__getitem__) if statements else None
    return {
        "statements_ms": [
            [round(m, 2), sql[:160]] for m, sql in zip(medians, statements, strict=True)
        ],
        "median_ms": statistics.median(totals),
        "slowest_ms": medians[slowest] if slowest is not None else 0.0,
        "slowest_sql": statements[slowest] if slowest is not None else "",
    }


def explain(sql: str) -> str:
    if not sql.lstrip().upper().startswith("SELECT"):
        return ""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return plan


def measure(client, label: str, url: str, runs: int, *, target: bool, before=None) -> dict:
    """``before``: called before every request, untimed (e.g. to empty a cache)."""
    if target:  # (the exports take seconds each; the list pages warm their caches)
        _read(client.get(url))
    times, queries = [], []
    for _i in range(runs):
        if before:
            before()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            size = _read(response)
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}, expected 200")
        queries = [q["sql"] for q in captured.captured_queries]
    floor = sql_floor(queries, runs)
    median = statistics.median(times)
    result = {
        "label": label,
        "url": url,
        "runs": runs,
        "queries": len(queries),
        "size_kb": round(size / 1024, 1),
        "median_ms": round(median, 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "floor_ms": round(floor["median_ms"], 1),
        "ratio": round(median / floor["median_ms"], 1) if floor["median_ms"] else None,
        "slowest_query_ms": round(floor["slowest_ms"], 1),
        "slowest_query": floor["slowest_sql"],
        "statements_ms": floor["statements_ms"],
        "target": target,
    }
    if target:
        result["pass"] = len(queries) <= TARGET_QUERIES and median <= TARGET_MS
        if not result["pass"]:
            result["explain"] = explain(floor["slowest_sql"])
    return result


def _forget_monthly_figures():
    from django.core.cache import cache

    from cases import clock
    from reports import selectors, views

    cache.delete(views.monthly_figures_key(selectors.last_months(clock.today())))


def suite_pages(suite: str, big: bool) -> tuple[object, list[tuple]]:
    """(client, [(label, url, runs cap, counts for the list-page target, called before each
    request or None)])."""
    if suite == "admin":
        from bench import bench_admin_list

        client = admin_client("bench-officer")
        return client, [(k, v, None, True, None) for k, v in bench_admin_list.PAGES.items()]
    if suite == "api":
        from bench import bench_api_list

        return api_client("bench-officer"), [
            (k, v, None, True, None) for k, v in bench_api_list._urls().items()
        ]
    if suite == "dashboard":
        from bench import bench_dashboard

        client = admin_client("bench-dpo", ("reports.view_register",), language="nl")
        pages = []
        for label, (url, runs) in bench_dashboard.PAGES.items():
            export = "export" in url
            if export and big and url.endswith(".xlsx"):
                continue  # openpyxl: ~0.12 ms a row, minutes at a million (docs/reports.md)
            pages.append((label, url, 1 if export and big else runs, not export, None))
        # For context: the view that counts the monthly figures, once per
        # DSAR_DASHBOARD_CACHE_SECONDS for everyone (the cache emptied before each request).
        pages.insert(1, (bench_dashboard.COLD, "/admin/", None, False, _forget_monthly_figures))
        return client, pages
    raise SystemExit(f"unknown suite {suite!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=("admin", "api", "dashboard"), required=True)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--only", default="", help="only pages whose label contains this")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    total = Case.objects.count()
    client, pages = suite_pages(args.suite, big=total >= 500_000)
    results = []
    print(f"{args.suite}: {connection.settings_dict['NAME']}, {total:,} cases, {args.runs} runs")
    print("| page | queries | median ms | p95 ms | SQL floor ms | ratio | slowest query ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, url, cap, target, before in pages:
        if args.only not in label:
            continue
        runs = min(cap or args.runs, args.runs)
        r = measure(client, label, url, runs, target=target, before=before)
        results.append(r)
        mark = "" if not target else (" ✓" if r["pass"] else " ✗")
        print(
            f"| {label}{mark} | {r['queries']} | {r['median_ms']} | {r['p95_ms']} "
            f"| {r['floor_ms']} | {r['ratio']} | {r['slowest_query_ms']} |",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps({"cases": total, "pages": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
