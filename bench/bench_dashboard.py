"""Server time and query count of the DPO's dashboard, the register and its exports.

Run on demand against a seeded database, e.g.:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dsar_spine100k DSAR_VAR_DIR=/tmp/var100k \\
        .venv/bin/python bench/bench_dashboard.py --runs 20

Seed first with `manage.py seed_demo --cases 100000` and `manage.py migrate`. Not part of the
test suite. The CSV export is read to the end, so its time is that of the whole download.
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

COLD = "dashboard, monthly figures counted (cache cold)"
PAGES = {
    "dashboard (admin index)": ("/admin/", None),
    "register, page 1": ("/admin/reports/registerentry/", None),
    "register, filtered: erasure, late": (
        "/admin/reports/registerentry/?request_type=erasure&on_time=no",
        None,
    ),
    "register, page 50": ("/admin/reports/registerentry/?p=50", None),
    "CSV export, all requests (streamed to the end)": (
        "/admin/reports/registerentry/export.csv",
        3,
    ),
    "XLSX export, all requests": ("/admin/reports/registerentry/export.xlsx", 2),
}


def _read(response) -> int:
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--language", default="nl")
    parser.add_argument("--only", default="", help="only pages whose label contains this text")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    from bench.pages import admin_client  # logged in with both factors

    client = admin_client("bench-dpo", ("reports.view_register",), language=args.language)
    total = Case.objects.count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"{connection.vendor}, {total:,} cases, language {args.language} (warm), "
        f"load average {load} on {os.cpu_count()} CPUs\n"
    )
    print("| page | runs | queries | size | median ms | p95 ms |\n|---|---:|---:|---:|---:|---:|")
    for label, (url, runs) in PAGES.items():
        if args.only not in label:
            continue
        runs = min(runs or args.runs, args.runs)
        _read(client.get(url))  # warm up
        times = []
        for _i in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                size = _read(response)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(
            f"| {label} | {runs} | {len(queries)} | {size / 1024:,.0f} kB "
            f"| {statistics.median(times):.1f} | {p95:.1f} |"
        )


if __name__ == "__main__":
    main()
