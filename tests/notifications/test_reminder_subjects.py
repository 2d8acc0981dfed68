"""The subject line of a deadline reminder says the days actually left when it is sent, in
working or calendar days as the policy counts them, and follows
DSAR_REMINDER_WORKING_DAYS_BEFORE instead of promising "two working days"."""

import datetime

import pytest
import time_machine

from notifications import rendering
from notifications import sweep as outbox_sweep
from notifications.models import Kind, OutboundEmail
from tests import factories
from tests.factories import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(fake_broker):
    return fake_broker


def case_due(due: datetime.date):
    received = due - datetime.timedelta(weeks=4)
    return factories.case(
        received_at=at(received.year, received.month, received.day), subject_email=""
    )


def subject(case, kind, language, on: datetime.datetime) -> str:
    email = OutboundEmail(kind=kind, case=case, to="team@example.org", language=language)
    with time_machine.travel(on, tick=False):
        return rendering.render_email(email)[0]


@pytest.mark.parametrize(
    ("kind", "due", "sent_on", "nl", "en"),
    [
        # Friday 20 March 2026; Monday 23 March is one working day away.
        (Kind.REMINDER_SOON, (2026, 3, 23), (2026, 3, 20), "Verloopt over één werkdag",
         "Due in one working day"),
        (Kind.REMINDER_SOON, (2026, 3, 24), (2026, 3, 20), "Verloopt over 2 werkdagen",
         "Due in 2 working days"),
        # Thursday 2 April to Tuesday 7 April: five calendar days, one working day (Good
        # Friday, the weekend and Easter Monday are not working days).
        (Kind.REMINDER_SOON, (2026, 4, 7), (2026, 4, 2), "Verloopt over één werkdag",
         "Due in one working day"),
        (Kind.REMINDER_WEEK, (2026, 3, 30), (2026, 3, 23), "Verloopt over 7 kalenderdagen",
         "Due in 7 calendar days"),
        (Kind.REMINDER_DUE, (2026, 3, 23), (2026, 3, 23), "Verloopt vandaag", "Due today"),
        (Kind.REMINDER_OVERDUE, (2026, 3, 23), (2026, 3, 24),
         "Te laat, één kalenderdag over de termijn", "Overdue by one calendar day"),
        (Kind.REMINDER_OVERDUE, (2026, 3, 20), (2026, 3, 23),
         "Te laat, 3 kalenderdagen over de termijn", "Overdue by 3 calendar days"),
        # A "soon" reminder delivered late (the broker was down) says what applies now.
        (Kind.REMINDER_SOON, (2026, 3, 23), (2026, 3, 24),
         "Te laat, één kalenderdag over de termijn", "Overdue by one calendar day"),
    ],
)  # fmt: skip
def test_the_subject_line_says_the_days_left(kind, due, sent_on, nl, en):
    case = case_due(datetime.date(*due))

    when = at(*sent_on, 9)
    assert subject(case, kind, "nl", when).startswith(f"{nl}: {case.reference}")
    assert subject(case, kind, "en", when).startswith(f"{en}: {case.reference}")


def test_it_follows_the_working_days_setting(settings):
    settings.DSAR_REMINDER_WORKING_DAYS_BEFORE = 4
    # Monday 23 March 2026: Friday 27 March is four working days away.
    case = case_due(datetime.date(2026, 3, 27))
    now = at(2026, 3, 23, 9)
    with time_machine.travel(now, tick=False):
        outbox_sweep.reminder_sweep(now=now)
    email = OutboundEmail.objects.get(case=case)
    assert email.kind == Kind.REMINDER_SOON

    email.language = "nl"
    with time_machine.travel(now, tick=False):
        line = rendering.render_email(email)[0]

    assert line == f"Verloopt over 4 werkdagen: {case.reference} (27 maart)"
    assert "twee" not in line
