"""Server time and query count of the REST API's case list (GET /api/cases/).

Run on demand against a seeded database, e.g.:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dsar_bench \\
        .venv/bin/python bench/bench_api_list.py --runs 20

Seed first with `manage.py seed_demo --cases 100000`, then `manage.py migrate` (the API's
tokens and the two-factor devices). Requests go through the whole stack (middleware, token
authentication, permissions, filters, pagination, JSON rendering) with an officer's token,
as an integration's script would send them. Not part of the test suite.
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
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from accounts.api_tokens import api_token_issue  # noqa: E402
from cases.demo import OFFICER_GROUP  # noqa: E402
from cases.models import Case  # noqa: E402


def _urls() -> dict[str, str]:
    some = (
        Case.objects.exclude(subject_email="")
        .order_by("pk")
        .values("reference", "subject_email")[41]
    )
    return {
        "default (all, most urgent first, 50 per page)": "/api/cases/",
        "filtered: open (the officers' queue)": "/api/cases/?status=open",
        "filtered: open, overdue, unassigned": "/api/cases/?status=open&overdue=true&assignee=none",
        "filtered: type + channel + received between": (
            "/api/cases/?request_type=erasure&channel=post"
            "&received_after=2025-01-01&received_before=2025-12-31"
        ),
        "search: reference": f"/api/cases/?search={some['reference']}",
        "search: e-mail": f"/api/cases/?search={some['subject_email']}",
        "search: name": "/api/cases/?search=Dijkstra",
        # The searches of issue 19 (bench_admin_list.SEARCHES).
        "search: number alone (00174)": "/api/cases/?search=00174",
        "search: year and number (2026-00174)": "/api/cases/?search=2026-00174",
        "search: part of an e-mail (emma.clarke)": "/api/cases/?search=emma.clarke",
        "search: no accents (Ozturk)": "/api/cases/?search=Ozturk",
        "page 50": "/api/cases/?page=50",
        "200 per page (the maximum)": "/api/cases/?page_size=200",
        "ordered by -received_at": "/api/cases/?ordering=-received_at",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    user, _ = get_user_model().objects.get_or_create(
        username="bench-officer", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name=OFFICER_GROUP))
    try:  # staff tokens work only with two-factor login set up (accounts, issue 7)
        from django_otp.plugins.otp_totp.models import TOTPDevice
    except ImportError:
        pass
    else:
        TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "bench"})
    _row, token = api_token_issue(user=user)
    client = APIClient(headers={"authorization": f"Token {token}", "accept-language": "en"})
    total = Case.objects.count()
    print(f"{connection.vendor}, {total:,} cases, {args.runs} runs per request (warm)\n")
    print("| request | rows | queries | median ms | p95 ms |\n|---|---:|---:|---:|---:|")
    for label, url in _urls().items():
        client.get(url)  # warm up
        times = []
        for _i in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code, response.content)
        rows = len(response.json()["results"])
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        median = statistics.median(times)
        print(f"| {label} | {rows} | {len(queries)} | {median:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
