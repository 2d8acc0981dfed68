"""The dashboard's figures, computed by the database, against the hand-computed values of the
data set in conftest.py (clock frozen on Wednesday 18 November 2026)."""

import datetime

import pytest

from reports import selectors

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 18)
MONTHS = selectors.last_months(TODAY)


def test_the_last_twelve_months_run_from_december_to_the_current_month():
    assert MONTHS[0] == datetime.date(2025, 12, 1)
    assert MONTHS[-1] == datetime.date(2026, 11, 1)
    assert len(MONTHS) == 12
    assert selectors.last_months(datetime.date(2026, 1, 31), 3) == [
        datetime.date(2025, 11, 1),
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
    ]


def test_it_counts_open_requests_by_status_due_date_assignee_and_age(dataset, zoe, oyvind):
    work = selectors.workload(today=TODAY, user=zoe)
    assert work.open_by_status == {
        "new": 2,  # K, N
        "identity_check": 1,  # M
        "in_progress": 2,  # L, P
        "waiting": 1,  # O
    }
    assert work.open_total == 6  # the unconfirmed Q is not a request yet
    assert work.overdue == 2  # K (due 2 Nov) and P (extended to 17 Nov)
    assert work.due_next_days == 2  # L (today) and M (Friday 20 Nov), up to Wednesday 25 Nov
    assert work.mine == 2  # L and N
    assert selectors.workload(today=TODAY, user=oyvind).mine == 1  # M
    assert [(a.bucket.first_day, a.not_overdue, a.overdue) for a in work.by_age] == [
        (0, 1, 0),  # N, 2 days
        (7, 1, 0),  # O, 9 days
        (14, 0, 0),
        (21, 1, 0),  # M, 26 days
        (28, 1, 1),  # L (28 days, due today) and K (44 days, overdue)
        (56, 0, 1),  # P, 90 days, overdue after its extension
    ]


def test_it_counts_requests_received_per_month_by_type(dataset):
    received = selectors.received_by_month(months=MONTHS)
    assert set(received) == set(MONTHS)
    assert received[datetime.date(2025, 12, 1)] == {}  # H was received in November 2025
    # J was received at 00:30 on 1 August in Amsterdam, still 31 July in UTC.
    assert received[datetime.date(2026, 8, 1)] == {"portability": 1, "access": 1}
    assert received[datetime.date(2026, 9, 1)] == {"access": 2, "erasure": 1}
    assert received[datetime.date(2026, 10, 1)] == {"access": 4, "erasure": 2, "rectification": 1}
    assert received[datetime.date(2026, 11, 1)] == {"objection": 2, "restriction": 1}
    assert sum(sum(m.values()) for m in received.values()) == 15  # A–P less H; never Q


def test_it_counts_answers_on_time_and_the_handling_time_per_month(dataset):
    answers = {a.month: a for a in selectors.answered_by_month(months=MONTHS)}
    assert len(answers) == 12

    def figures(year, month):
        a = answers[datetime.date(year, month, 1)]
        return a.answered, a.on_time, a.late, a.median_days, a.p90_days

    assert figures(2025, 12) == (1, 1, 0, 15, 15)  # H
    assert figures(2026, 1) == (0, 0, 0, None, None)
    assert figures(2026, 8) == (1, 1, 0, 19, 19)  # J
    assert figures(2026, 9) == (1, 1, 0, 9, 9)  # A; the withdrawn G does not count
    # October: C 26 days on time, B 32 days late. Median (26+32)/2; the 90th percentile
    # interpolates at 0.9 of the way: 26 + 0.9 × 6 = 31.4.
    answered, on_time, late, median, p90 = figures(2026, 10)
    assert (answered, on_time, late) == (2, 1, 1)
    assert median == pytest.approx(29.0)
    assert p90 == pytest.approx(31.4)
    # November: F 3, I 27 (closed 00:30 on 1 November in Amsterdam), E 35 (late), D 40
    # (extended, so on time). Median at position 1.5: 27 + 0.5 × 8 = 31; the 90th percentile
    # at position 2.7: 35 + 0.7 × 5 = 38.5.
    answered, on_time, late, median, p90 = figures(2026, 11)
    assert (answered, on_time, late) == (4, 3, 1)
    assert median == pytest.approx(31.0)
    assert p90 == pytest.approx(38.5)


def test_it_compares_the_last_three_months_with_the_three_before(dataset):
    comparison = selectors.compare_periods(selectors.answered_by_month(months=MONTHS))
    assert [m.month.month for m in comparison.recent] == [9, 10, 11]
    assert [m.month.month for m in comparison.before] == [6, 7, 8]
    assert comparison.recent_figures == (7, 5, pytest.approx(5 / 7))
    assert comparison.before_figures == (1, 1, 1.0)
    assert comparison.change == pytest.approx((5 / 7 - 1) * 100)


def test_the_comparison_has_no_change_when_nothing_was_answered_before(db):
    answers = selectors.answered_by_month(months=MONTHS)
    assert selectors.compare_periods(answers).change is None
