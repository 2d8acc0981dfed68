"""The sweep plans each deadline reminder once, for open cases only, to the right person;
its cost follows the reminders due, not the open cases."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import deadlines, services
from cases.audit import Actor
from cases.models import Outcome, Status
from casework import actions
from notifications import delivery
from notifications import sweep as outbox_sweep
from notifications.models import Kind, OutboundEmail, State
from tests import factories
from tests.factories import at

pytestmark = pytest.mark.django_db

# Monday 23 March 2026, 09:00: two working days ahead is Wednesday 25 March, a week ahead
# Monday 30 March.
TODAY = datetime.date(2026, 3, 23)
NOW = at(2026, 3, 23, 9)
TEAM = "privacy@example.nl"
DPO = "fg@example.nl"


@pytest.fixture(autouse=True)
def no_broker(fake_broker):
    return fake_broker


def case_due(due: datetime.date, **fields):
    """An open case (four weeks) due on ``due``, registered without an e-mail address so that
    no e-mail to the subject is planned."""
    received = due - datetime.timedelta(weeks=4)
    assert deadlines.due_date(received, "four_weeks") == due
    fields.setdefault("subject_email", "")
    return factories.case(received_at=at(received.year, received.month, received.day), **fields)


def sweep(now=NOW):
    with time_machine.travel(now, tick=False):
        return outbox_sweep.reminder_sweep(now=now)


def planned(**filters):
    return sorted(
        OutboundEmail.objects.filter(**filters).values_list("case__reference", "kind", "to")
    )


def test_it_plans_the_reminder_each_case_is_due_for_today(no_broker):
    week = case_due(datetime.date(2026, 3, 30))
    soon = case_due(datetime.date(2026, 3, 25))
    due = case_due(datetime.date(2026, 3, 23))
    overdue = case_due(datetime.date(2026, 3, 20))
    later = case_due(datetime.date(2026, 3, 31))

    report = sweep()

    assert planned() == sorted(
        [
            (week.reference, Kind.REMINDER_WEEK, TEAM),
            (soon.reference, Kind.REMINDER_SOON, TEAM),
            (due.reference, Kind.REMINDER_DUE, TEAM),
            (overdue.reference, Kind.REMINDER_OVERDUE, TEAM),
            (overdue.reference, Kind.OVERDUE_ESCALATION, DPO),
        ]
    )
    assert not OutboundEmail.objects.filter(case=later).exists()
    assert sum(report.planned.values()) == 5
    assert sorted(no_broker) == sorted(OutboundEmail.objects.values_list("pk", flat=True))


def test_a_second_sweep_plans_nothing_new():
    case_due(datetime.date(2026, 3, 25))
    case_due(datetime.date(2026, 3, 20))
    sweep()
    before = planned()

    report = sweep(NOW + datetime.timedelta(hours=3))

    assert report.planned == {}
    assert planned() == before


def test_it_reminds_the_assignee_else_the_privacy_team():
    with_email = factories.officer("ilse", email="ilse@example.nl")
    without_email = factories.officer("joost", email="")
    gone = factories.officer("karel", email="karel@example.nl")
    cases = {}
    for name, user in [("ilse", with_email), ("joost", without_email), ("karel", gone)]:
        cases[name] = case_due(datetime.date(2026, 3, 25))
        services.case_assign(case_id=cases[name].pk, actor=Actor.system(), assignee=user)
    nobody = case_due(datetime.date(2026, 3, 25))
    # Deactivated after the assignment: reminders go to the team.
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)

    sweep()

    assert planned(kind=Kind.REMINDER_SOON) == sorted(
        [
            (cases["ilse"].reference, Kind.REMINDER_SOON, "ilse@example.nl"),
            (cases["joost"].reference, Kind.REMINDER_SOON, TEAM),
            (cases["karel"].reference, Kind.REMINDER_SOON, TEAM),
            (nobody.reference, Kind.REMINDER_SOON, TEAM),
        ]
    )
    assert OutboundEmail.objects.get(case=cases["ilse"]).recipient_user == with_email


def test_closed_withdrawn_and_unconfirmed_cases_get_nothing():
    officer = factories.officer("ilse", email="ilse@example.nl")
    closed = case_due(datetime.date(2026, 3, 23))
    actions.close(
        case_id=closed.pk, actor=Actor.staff(officer), outcome=Outcome.REFUSED, reason="No."
    )
    withdrawn = case_due(datetime.date(2026, 3, 20))
    actions.withdraw(case_id=withdrawn.pk, actor=Actor.staff(officer))
    unconfirmed = case_due(datetime.date(2026, 3, 25), unconfirmed=True)
    assert unconfirmed.status == Status.UNCONFIRMED

    sweep()

    assert not OutboundEmail.objects.filter(kind__startswith="reminder").exists()
    assert not OutboundEmail.objects.filter(kind=Kind.OVERDUE_ESCALATION).exists()


def test_an_extended_case_follows_the_extended_due_date():
    officer = factories.officer("ilse", email="ilse@example.nl")
    case = case_due(datetime.date(2026, 3, 23))
    actions.extend(case_id=case.pk, actor=Actor.staff(officer), reason="Twelve systems.", now=NOW)
    case.refresh_from_db()
    # 23 May is a Saturday and 25 May Whit Monday.
    assert case.effective_due_date == datetime.date(2026, 5, 26)

    sweep()
    assert planned(kind__startswith="reminder") == []

    # Seven days before the extended date.
    week_before = case.effective_due_date - datetime.timedelta(days=7)
    sweep(at(week_before.year, week_before.month, week_before.day, 9))
    (reminder,) = OutboundEmail.objects.filter(kind=Kind.REMINDER_WEEK)
    assert reminder.context["due_date"] == case.effective_due_date.isoformat()
    assert reminder.dedupe_key.endswith(case.effective_due_date.isoformat())


def test_overdue_cases_are_reminded_on_working_days_and_escalated_once():
    # Due Friday 20 March; overdue from Saturday 21 March.
    case = case_due(datetime.date(2026, 3, 20))

    sweep(at(2026, 3, 21, 9))  # Saturday
    assert planned() == [(case.reference, Kind.OVERDUE_ESCALATION, DPO)]
    sweep(at(2026, 3, 22, 9))  # Sunday
    sweep(at(2026, 3, 23, 9))  # Monday
    sweep(at(2026, 3, 24, 9))  # Tuesday
    sweep(at(2026, 3, 24, 17))

    overdue = OutboundEmail.objects.filter(kind=Kind.REMINDER_OVERDUE)
    assert sorted(e.dedupe_key.rsplit(":", 1)[1] for e in overdue) == ["2026-03-23", "2026-03-24"]
    assert OutboundEmail.objects.filter(kind=Kind.OVERDUE_ESCALATION).count() == 1


def test_a_reminder_whose_case_was_closed_before_delivery_is_not_sent(smtp_server):
    officer = factories.officer("ilse", email="ilse@example.nl")
    case = case_due(datetime.date(2026, 3, 25))
    sweep()
    reminder = OutboundEmail.objects.get(kind=Kind.REMINDER_SOON)
    actions.close(
        case_id=case.pk, actor=Actor.staff(officer), outcome=Outcome.REFUSED, reason="No."
    )

    result = delivery.email_deliver(email_id=reminder.pk)

    assert result.outcome == "cancelled"
    assert OutboundEmail.objects.get(pk=reminder.pk).state == State.CANCELLED
    assert smtp_server.messages == []


def _queries_of_a_sweep(now) -> int:
    with CaptureQueriesContext(connection) as queries:
        sweep(now)
    return len(queries)


def test_its_query_count_does_not_grow_with_the_open_cases():
    for due in (datetime.date(2026, 3, 25), datetime.date(2026, 3, 20)):
        case_due(due)
    first = _queries_of_a_sweep(NOW)
    OutboundEmail.objects.all().delete()
    for day in range(40):  # open cases due after the week window
        case_due(deadlines.next_working_day(datetime.date(2026, 4, 1) + datetime.timedelta(day)))

    second = _queries_of_a_sweep(NOW)

    assert second == first
    assert OutboundEmail.objects.count() == 3


def test_the_sweeps_case_queries_are_served_by_the_partial_index_of_open_cases():
    if connection.vendor != "postgresql":
        pytest.skip("Reads PostgreSQL's EXPLAIN; run with DATABASE_URL=postgres://... (CI does)")
    case_due(datetime.date(2026, 3, 25))
    with CaptureQueriesContext(connection) as queries:
        outbox_sweep.plan_reminders(now=NOW)
    window_queries = [
        q["sql"]
        for q in queries
        if 'FROM "cases_case"' in q["sql"] and "effective_due_date" in q["sql"]
    ]
    assert len(window_queries) == 4  # one per reminder window

    with connection.cursor() as cursor:
        # Inside the test's transaction, rolled back after it: without a sequential scan or
        # the other indexes on these columns, only the partial index can serve the query
        # (which one the planner takes otherwise depends on the statistics of the moment).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("DROP INDEX case_status_due_idx")
        cursor.execute("DROP INDEX case_due_order_idx")
        for sql in window_queries:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "case_open_due_idx" in plan, plan


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_time_plan_each_reminder_once(no_broker):
    for due in (30, 25, 23, 20):
        case_due(datetime.date(2026, 3, due))
    for day in range(10):
        case_due(datetime.date(2026, 3, 16) + datetime.timedelta(days=day % 5))
    start = threading.Barrier(2)
    errors = []

    def run():
        try:
            start.wait(timeout=30)
            outbox_sweep.plan_reminders(now=NOW)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    with time_machine.travel(NOW, tick=False):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert errors == []
    keys = list(OutboundEmail.objects.values_list("dedupe_key", flat=True))
    assert len(keys) == len(set(keys))
    # 4 + 10 cases: one reminder each, plus one escalation for each of the 11 overdue ones.
    assert len(keys) == 14 + 11


def test_without_a_privacy_team_address_unassigned_cases_still_reach_the_dpo(settings):
    settings.DSAR_PRIVACY_TEAM_EMAIL = ""
    case = case_due(datetime.date(2026, 3, 20))
    case_due(datetime.date(2026, 3, 25))

    sweep()

    assert planned() == [(case.reference, Kind.OVERDUE_ESCALATION, DPO)]
