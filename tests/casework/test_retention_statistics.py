"""After the purge anonymised old requests, every number the DPO reports still adds up: the
dashboard's figures, the register (and its export) and the API's statistics are the same
before and after."""

import datetime

import pytest
import time_machine
from django.test import Client

from cases.audit import Actor
from cases.models import Case
from casework import retention
from reports import selectors
from tests import factories

pytestmark = pytest.mark.django_db

NOW = factories.at(2026, 3, 6, 3, 30)


@pytest.fixture
def history():
    """Twelve answered requests over 2023 and 2024 (some late, some extended, one withdrawn,
    one refused) and two open ones."""
    officer = factories.officer("olga")
    actor = Actor.staff(officer)
    outcomes = ["granted", "partly_granted", "refused", "not_valid", "withdrawn", "granted"]
    for i in range(12):
        received = factories.at(2023, 1 + i, 3)
        outcome = outcomes[i % len(outcomes)]
        factories.answered_case(
            actor=actor,
            received_at=received,
            closed_at=received + datetime.timedelta(days=20 + 5 * i),
            outcome=outcome,
            reason="Reden voor Jan Jansen"
            if outcome in ("refused", "partly_granted", "not_valid")
            else "",
            extended_at=received + datetime.timedelta(days=10) if i % 4 == 0 else None,
            assignee=officer,
            subject_name=f"Jan Jansen {i}",
            subject_email=f"jan{i}@example.org",
            request_type=["access", "erasure", "objection"][i % 3],
            channel=["post", "email", "web"][i % 3],
        )
    for day in (20, 27):
        factories.case(received_at=factories.at(2026, 2, day), actor=actor)
    return officer


def figures(user):
    today = NOW.date()
    months = selectors.last_months(today, count=48)
    answers = selectors.answered_by_month(months=months)
    return {
        "received": selectors.received_by_month(months=months),
        "answered": [(a.__dict__ if hasattr(a, "__dict__") else a) for a in answers],
        "workload": selectors.workload(today=today, user=user),
        "register": list(
            selectors.register(today=today).values(
                "reference",
                "request_type",
                "channel",
                "received_on",
                "due_date",
                "extended_due_date",
                "closed_at",
                "outcome",
            )
        ),
    }


@time_machine.travel(NOW, tick=False)
def test_the_figures_are_the_same_after_anonymisation(history):
    dpo = factories.staff_in_role("DPO", "dora")
    client = Client(headers={"accept-language": "en"})
    client.force_login(dpo)
    before = figures(dpo)
    register_csv = b"".join(client.get("/admin/reports/registerentry/export.csv").streaming_content)
    api_stats = client.get(
        "/api/statistics/?received_from=2023-01-01", HTTP_ACCEPT="application/json"
    )
    assert api_stats.status_code == 200
    assert register_csv.count(b"DSAR-") == 14
    assert len(before["register"]) == 14

    report = retention.purge_expired()

    assert len(report.anonymised) == 12
    assert Case.objects.filter(anonymised_at__isnull=False).count() == 12
    assert not Case.objects.filter(
        subject_name__startswith="Jan Jansen", anonymised_at__isnull=False
    )
    assert figures(dpo) == before
    assert (
        b"".join(client.get("/admin/reports/registerentry/export.csv").streaming_content)
        == register_csv
    )
    assert (
        client.get(
            "/api/statistics/?received_from=2023-01-01", HTTP_ACCEPT="application/json"
        ).json()
        == api_stats.json()
    )
    assert b"Jan Jansen" not in register_csv
    # The dashboard still opens and counts the same open requests.
    assert client.get("/admin/").status_code == 200
