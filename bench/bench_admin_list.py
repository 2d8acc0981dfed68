"""Server time and query count of the officers' case list (admin changelist).

Run on demand against a seeded database, e.g.:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dsar_bench \\
        .venv/bin/python bench/bench_admin_list.py --runs 20

Seed first with `manage.py seed_demo --cases 100000`. Not part of the test suite.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dsar.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cases.models import Case  # noqa: E402

SEARCHES = {
    "search: number alone (00174)": "/admin/cases/case/?q=00174",
    "search: year and number (2026-00174)": "/admin/cases/case/?q=2026-00174",
    "search: part of an e-mail (emma.clarke)": "/admin/cases/case/?q=emma.clarke",
    "search: no accents (Ozturk)": "/admin/cases/case/?q=Ozturk",
}
PAGES = {
    "queue (open, most urgent first)": "/admin/cases/case/",
    "filtered: overdue, unassigned": "/admin/cases/case/?due=overdue&assignee=none",
    "filtered: type + channel, all states": (
        "/admin/cases/case/?status=all&request_type=erasure&channel=post"
    ),
    "search: reference": "/admin/cases/case/?status=all&q=DSAR-2026-00042",
    "search: e-mail": "/admin/cases/case/?status=all&q=emma.bakker12@example.org",
    "search: name": "/admin/cases/case/?status=all&q=Dijkstra",
    # What officers typed and found nothing with (issue 19), as they type it: no status chosen
    # (a search looks through all requests). The demo data has Clarke and Öztürk among its names.
    **SEARCHES,
    "page 50 of all": "/admin/cases/case/?status=all&p=50",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    from bench.pages import admin_client  # logged in with both factors

    client = admin_client("bench-officer")
    total = Case.objects.count()
    print(f"{connection.vendor}, {total:,} cases, {args.runs} runs per page (warm)\n")
    print("| page | queries | median ms | p95 ms |\n|---|---:|---:|---:|")
    for label, url in PAGES.items():
        client.get(url)  # warm up
        times = []
        for _i in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"| {label} | {len(queries)} | {statistics.median(times):.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
