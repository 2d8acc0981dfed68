"""The deadline engine against docs/legal.md.

Every expected date in the tables was worked out by hand against a calendar (weekdays looked up
with Python's `calendar` module, not with the code under test); the comment on each row says
why the date moves.
"""

import re
from datetime import date, datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import translation
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cases import deadlines
from cases.deadlines import (
    FOUR_WEEKS,
    GDPR_MONTH,
    RULES,
    add_months,
    days_left,
    describe_days_left,
    due_date,
    dutch_non_working_days,
    easter_sunday,
    extended_due_date,
    is_working_day,
    next_working_day,
    parse_extra_non_working_days,
    unmoved_due_date,
    urgency,
    validate_rule,
    working_days_left,
)

D = date.fromisoformat


@pytest.fixture(autouse=True)
def no_extra_non_working_days(settings):
    # The tables assume the Atw list alone, whatever the environment configures.
    settings.DSAR_EXTRA_NON_WORKING_DAYS = []
    settings.DSAR_DEADLINE_RULE = FOUR_WEEKS


# (received, rule, unmoved due date, due date)
WORKED_DUE_DATES = [
    # EDPB Guidelines 01/2022 §161: received 5 March, due 5 April.
    pytest.param("2025-03-05", GDPR_MONTH, "2025-04-05", "2025-04-07", id="edpb-5-march-on-sat"),
    pytest.param("2026-03-05", GDPR_MONTH, "2026-04-05", "2026-04-07", id="edpb-5-march-easter"),
    pytest.param("2027-03-05", GDPR_MONTH, "2027-04-05", "2027-04-05", id="edpb-5-march-monday"),
    pytest.param("2025-03-05", FOUR_WEEKS, "2025-04-02", "2025-04-02", id="5-march-four-weeks"),
    # EDPB: received 31 August, due 30 September (September has no 31st).
    pytest.param("2025-08-31", GDPR_MONTH, "2025-09-30", "2025-09-30", id="edpb-31-aug-tuesday"),
    pytest.param("2028-08-31", GDPR_MONTH, "2028-09-30", "2028-10-02", id="edpb-31-aug-on-sat"),
    # Month ends: clamp to the last day of February.
    pytest.param("2025-01-31", GDPR_MONTH, "2025-02-28", "2025-02-28", id="31-jan-to-28-feb"),
    pytest.param("2027-01-31", GDPR_MONTH, "2027-02-28", "2027-03-01", id="31-jan-to-sun-28-feb"),
    pytest.param("2028-01-31", GDPR_MONTH, "2028-02-29", "2028-02-29", id="31-jan-to-29-feb-leap"),
    pytest.param("2026-01-30", GDPR_MONTH, "2026-02-28", "2026-03-02", id="30-jan-to-sat-28-feb"),
    pytest.param("2027-03-31", GDPR_MONTH, "2027-04-30", "2027-04-30", id="31-mar-to-30-apr"),
    pytest.param("2028-02-01", FOUR_WEEKS, "2028-02-29", "2028-02-29", id="four-weeks-leap-feb"),
    pytest.param("2027-02-01", FOUR_WEEKS, "2027-03-01", "2027-03-01", id="four-weeks-plain-feb"),
    # Received on 29 February.
    pytest.param("2028-02-29", GDPR_MONTH, "2028-03-29", "2028-03-29", id="29-feb-gdpr-month"),
    pytest.param("2028-02-29", FOUR_WEEKS, "2028-03-28", "2028-03-28", id="29-feb-four-weeks"),
    # Good Friday: Fri, Sat, Sun and Easter Monday are all non-working, so Tuesday.
    pytest.param("2025-03-21", FOUR_WEEKS, "2025-04-18", "2025-04-22", id="good-friday-2025"),
    pytest.param("2027-02-26", GDPR_MONTH, "2027-03-26", "2027-03-30", id="good-friday-2027"),
    # Easter Monday.
    pytest.param("2026-03-09", FOUR_WEEKS, "2026-04-06", "2026-04-07", id="easter-monday-2026"),
    pytest.param("2028-03-17", GDPR_MONTH, "2028-04-17", "2028-04-18", id="easter-monday-2028"),
    # Koningsdag on a weekday; in 2025 the 27th is a Sunday, so it is Saturday the 26th.
    pytest.param("2026-03-30", FOUR_WEEKS, "2026-04-27", "2026-04-28", id="kings-day-2026-mon"),
    pytest.param("2027-03-27", GDPR_MONTH, "2027-04-27", "2027-04-28", id="kings-day-2027-tue"),
    pytest.param("2028-03-27", GDPR_MONTH, "2028-04-27", "2028-04-28", id="kings-day-2028-thu"),
    pytest.param("2025-03-26", GDPR_MONTH, "2025-04-26", "2025-04-28", id="kings-day-2025-sat"),
    # Bevrijdingsdag counts every year under the Atw, also when it is not a lustrum year.
    pytest.param("2026-04-05", GDPR_MONTH, "2026-05-05", "2026-05-06", id="5-may-2026-tue"),
    # 2027: 5 May (Wed) is followed by Ascension Day (Thu 6 May), so Friday.
    pytest.param("2027-04-07", FOUR_WEEKS, "2027-05-05", "2027-05-07", id="5-may-2027-ascension"),
    pytest.param("2028-04-05", GDPR_MONTH, "2028-05-05", "2028-05-08", id="5-may-2028-fri"),
    # Ascension Day (Easter + 39, a Thursday).
    pytest.param("2026-04-16", FOUR_WEEKS, "2026-05-14", "2026-05-15", id="ascension-2026"),
    pytest.param("2025-04-29", GDPR_MONTH, "2025-05-29", "2025-05-30", id="ascension-2025"),
    # Whit Monday (Easter + 50).
    pytest.param("2028-05-05", GDPR_MONTH, "2028-06-05", "2028-06-06", id="whit-monday-2028"),
    pytest.param("2027-04-19", FOUR_WEEKS, "2027-05-17", "2027-05-18", id="whit-monday-2027"),
    # Christmas: 25 and 26 December.
    pytest.param("2025-11-27", FOUR_WEEKS, "2025-12-25", "2025-12-29", id="christmas-2025-thu"),
    pytest.param("2026-11-25", GDPR_MONTH, "2026-12-25", "2026-12-28", id="christmas-2026-fri"),
    pytest.param("2028-11-26", GDPR_MONTH, "2028-12-26", "2028-12-27", id="boxing-day-2028-tue"),
    # Christmas on a weekend: the Atw has no substitute days, so Monday 27th is a working day.
    pytest.param("2027-11-27", FOUR_WEEKS, "2027-12-25", "2027-12-27", id="christmas-2027-sat"),
    # New Year's Day.
    pytest.param("2025-12-01", GDPR_MONTH, "2026-01-01", "2026-01-02", id="new-year-2026-thu"),
    pytest.param("2027-12-04", FOUR_WEEKS, "2028-01-01", "2028-01-03", id="new-year-2028-sat"),
    # Year end.
    pytest.param("2027-12-03", FOUR_WEEKS, "2027-12-31", "2027-12-31", id="year-end-four-weeks"),
    pytest.param("2026-11-30", GDPR_MONTH, "2026-12-30", "2026-12-30", id="year-end-gdpr-month"),
    # Saturdays and Sundays (received on a weekend too: the clock starts that day).
    pytest.param("2026-01-10", FOUR_WEEKS, "2026-02-07", "2026-02-09", id="saturday"),
    pytest.param("2026-02-01", FOUR_WEEKS, "2026-03-01", "2026-03-02", id="sunday"),
    pytest.param("2027-02-28", GDPR_MONTH, "2027-03-28", "2027-03-30", id="easter-sunday-2027"),
    # The longest move: Good Friday 23 April 2038 is followed by the weekend, Easter Monday and
    # Koningsdag on Tuesday 27 April (Easter on 25 April, its latest possible date).
    pytest.param("2038-03-26", FOUR_WEEKS, "2038-04-23", "2038-04-28", id="easter-2038-5-days"),
]


@pytest.mark.parametrize(("received", "rule", "unmoved", "due"), WORKED_DUE_DATES)
def test_it_computes_the_worked_due_dates(received, rule, unmoved, due):
    assert unmoved_due_date(D(received), rule) == D(unmoved)
    assert due_date(D(received), rule) == D(due)


# (received, rule, unmoved due date, extended due date)
WORKED_EXTENDED_DUE_DATES = [
    # 31 March + 2 months = 31 May, a Monday.
    pytest.param("2027-03-03", FOUR_WEEKS, "2027-03-31", "2027-05-31", id="31-mar-to-31-may"),
    # 31 December + 2 months clamps to February, then moves off a Sunday in 2027.
    pytest.param("2026-12-03", FOUR_WEEKS, "2026-12-31", "2027-03-01", id="31-dec-to-sun-28-feb"),
    pytest.param("2027-12-03", FOUR_WEEKS, "2027-12-31", "2028-02-29", id="31-dec-to-29-feb"),
    # Counted from the unmoved date: 31 Jan 2026 is a Saturday (due Monday 2 February), but the
    # extension runs to 31 March, not 2 April.
    pytest.param("2025-12-31", GDPR_MONTH, "2026-01-31", "2026-03-31", id="31-dec-gdpr-month"),
    pytest.param("2027-12-31", GDPR_MONTH, "2028-01-31", "2028-03-31", id="31-dec-gdpr-leap"),
    pytest.param("2026-11-30", GDPR_MONTH, "2026-12-30", "2027-03-01", id="30-dec-to-sun-28-feb"),
    # Good Friday 2025 moves the due date to 22 April; the extension counts from 18 April.
    pytest.param("2025-03-21", FOUR_WEEKS, "2025-04-18", "2025-06-18", id="from-good-friday"),
    # The extended date itself lands on Bevrijdingsdag 2026 (Tuesday 5 May).
    pytest.param("2026-02-05", GDPR_MONTH, "2026-03-05", "2026-05-06", id="onto-5-may-2026"),
    # EDPB 31 August: 30 September + 2 months = 30 November 2025, a Sunday.
    pytest.param("2025-08-31", GDPR_MONTH, "2025-09-30", "2025-12-01", id="edpb-31-aug-extended"),
]


@pytest.mark.parametrize(("received", "rule", "unmoved", "extended"), WORKED_EXTENDED_DUE_DATES)
def test_it_computes_the_worked_extended_due_dates(received, rule, unmoved, extended):
    assert unmoved_due_date(D(received), rule) == D(unmoved)
    assert extended_due_date(D(received), rule) == D(extended)


def test_it_moves_good_friday_to_tuesday():
    assert next_working_day(D("2025-04-18")) == D("2025-04-22")


def test_it_does_not_move_a_working_day():
    assert next_working_day(D("2026-03-11")) == D("2026-03-11")


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2025, "2025-04-20"), (2026, "2026-04-05"), (2027, "2027-03-28"), (2028, "2028-04-16")],
)
def test_it_knows_easter(year, easter):
    assert easter_sunday(year) == D(easter)


def test_it_agrees_with_dateutil_on_easter():
    dateutil_easter = pytest.importorskip("dateutil.easter")
    for year in range(1583, 4100):
        assert easter_sunday(year) == dateutil_easter.easter(year), year


def test_easter_is_a_sunday_between_22_march_and_25_april():
    for year in range(1583, 4100):
        easter = easter_sunday(year)
        assert easter.weekday() == 6, year
        assert date(year, 3, 22) <= easter <= date(year, 4, 25), year


NON_WORKING_DAYS_BY_YEAR = {
    # New Year, Good Friday, Easter Monday, Koningsdag, 5 May, Ascension, Whit Monday, Christmas.
    2025: "01-01 04-18 04-21 04-26 05-05 05-29 06-09 12-25 12-26",
    2026: "01-01 04-03 04-06 04-27 05-05 05-14 05-25 12-25 12-26",
    2027: "01-01 03-26 03-29 04-27 05-05 05-06 05-17 12-25 12-26",
    2028: "01-01 04-14 04-17 04-27 05-05 05-25 06-05 12-25 12-26",
}


@pytest.mark.parametrize("year", sorted(NON_WORKING_DAYS_BY_YEAR))
def test_it_lists_the_atw_non_working_days(year):
    expected = {D(f"{year}-{day}") for day in NON_WORKING_DAYS_BY_YEAR[year].split()}
    assert dutch_non_working_days(year) == expected


def test_it_keeps_kings_day_on_saturday_26_april_when_the_27th_is_a_sunday():
    assert D("2025-04-26") in dutch_non_working_days(2025)
    assert D("2025-04-27") not in dutch_non_working_days(2025)


def test_it_keeps_liberation_day_in_non_lustrum_years():
    assert not is_working_day(D("2026-05-05"))
    assert not is_working_day(D("2027-05-05"))


def test_it_treats_christmas_eve_and_boxing_day_monday_after_a_weekend_as_working_days():
    assert is_working_day(D("2025-12-24"))
    assert is_working_day(D("2027-12-27"))


# Extra non-working days (decrees) from settings.


def test_it_moves_past_an_extra_non_working_day_from_settings(settings):
    received = D("2026-02-13")  # four weeks later is Friday 13 March 2026
    assert due_date(received) == D("2026-03-13")

    settings.DSAR_EXTRA_NON_WORKING_DAYS = ["2026-03-13"]

    assert due_date(received) == D("2026-03-16")
    assert not is_working_day(D("2026-03-13"))


def test_it_chains_an_extra_day_after_easter_monday(settings):
    settings.DSAR_EXTRA_NON_WORKING_DAYS = ["2026-04-07"]
    # Good Friday 3 April 2026: Sat, Sun, Easter Monday, then the decreed Tuesday.
    assert due_date(D("2026-03-06"), FOUR_WEEKS) == D("2026-04-08")


def test_it_moves_the_extended_due_date_past_an_extra_day(settings):
    settings.DSAR_EXTRA_NON_WORKING_DAYS = ["2027-05-31"]
    assert extended_due_date(D("2027-03-03"), FOUR_WEEKS) == D("2027-06-01")


def test_explicit_extra_days_replace_the_setting(settings):
    settings.DSAR_EXTRA_NON_WORKING_DAYS = ["2026-03-11"]
    assert not is_working_day(D("2026-03-11"))
    assert is_working_day(D("2026-03-11"), [])
    assert not is_working_day(D("2026-03-12"), [D("2026-03-12")])
    assert next_working_day(D("2026-03-11"), []) == D("2026-03-11")
    assert next_working_day(D("2026-03-11"), iter([D("2026-03-11")])) == D("2026-03-12")


@pytest.mark.parametrize("bad", ["2027-13-01", "6 mei 2027", "2027-02-30", "20270506", ""])
def test_a_bad_extra_day_in_settings_raises(settings, bad):
    settings.DSAR_EXTRA_NON_WORKING_DAYS = ["2027-05-06", bad]
    with pytest.raises(ValueError, match=re.escape(f"{bad!r} is not an ISO date")):
        due_date(D("2027-04-08"))


def test_it_parses_extra_days():
    assert parse_extra_non_working_days(["2027-05-06", " 2027-05-07"]) == {
        D("2027-05-06"),
        D("2027-05-07"),
    }
    assert parse_extra_non_working_days([D("2027-05-06")]) == {D("2027-05-06")}
    assert parse_extra_non_working_days([]) == frozenset()


def test_it_refuses_a_lone_string_of_extra_days():
    with pytest.raises(ValueError, match="single string '2027-05-06'"):
        parse_extra_non_working_days("2027-05-06")


def test_it_refuses_datetimes_and_numbers_as_extra_days():
    with pytest.raises(ValueError, match="is not an ISO date"):
        parse_extra_non_working_days([datetime(2027, 5, 6, 12, 0)])
    with pytest.raises(ValueError, match="20270506"):
        parse_extra_non_working_days([20270506])
    with pytest.raises(ValueError, match="Expected a list of ISO dates"):
        parse_extra_non_working_days([["2027-05-06"]])


# Rules.


def test_an_unknown_rule_raises():
    with pytest.raises(ValueError, match="Unknown deadline rule 'one_month'"):
        due_date(D("2026-03-05"), "one_month")
    with pytest.raises(ValueError, match="Unknown deadline rule"):
        unmoved_due_date(D("2026-03-05"), "")
    with pytest.raises(ValueError, match="Unknown deadline rule"):
        extended_due_date(D("2026-03-05"), "FOUR_WEEKS")


def test_validate_rule_names_the_known_rules():
    assert validate_rule(GDPR_MONTH) == GDPR_MONTH
    with pytest.raises(ValueError) as excinfo:
        validate_rule("x")
    assert str(excinfo.value) == "Unknown deadline rule 'x': use 'four_weeks' or 'gdpr_month'"


def test_no_rule_means_the_configured_rule(settings):
    received = D("2026-03-05")

    settings.DSAR_DEADLINE_RULE = FOUR_WEEKS
    assert due_date(received) == D("2026-04-02")  # a Thursday

    settings.DSAR_DEADLINE_RULE = GDPR_MONTH
    # 5 April 2026 is Easter Sunday, 6 April Easter Monday.
    assert due_date(received) == D("2026-04-07")
    assert unmoved_due_date(received) == D("2026-04-05")
    assert extended_due_date(received) == D("2026-06-05")  # a Friday


def test_a_misconfigured_rule_raises(settings):
    settings.DSAR_DEADLINE_RULE = "30_days"
    with pytest.raises(ValueError, match="Unknown deadline rule '30_days'"):
        due_date(D("2026-03-05"))


# Days left: 2026-03-09 is a Monday.

DAYS_LEFT_CASES = [
    # (today, due, calendar days, working days, description)
    pytest.param("2026-03-11", "2026-03-11", 0, 0, "due today", id="due-today"),
    pytest.param("2026-03-11", "2026-03-12", 1, 1, "1 day left", id="due-tomorrow"),
    pytest.param("2026-03-13", "2026-03-16", 3, 1, "3 days left", id="fri-to-mon"),
    pytest.param("2026-03-13", "2026-03-27", 14, 10, "14 days left", id="two-weeks"),
    # Thursday before Easter to the Tuesday after: only the Tuesday is a working day.
    pytest.param("2026-04-02", "2026-04-07", 5, 1, "5 days left", id="over-easter"),
    pytest.param("2026-03-12", "2026-03-11", -1, -1, "1 day overdue", id="overdue-1"),
    pytest.param("2026-03-11", "2026-03-06", -5, -3, "5 days overdue", id="overdue-over-weekend"),
    # Friday deadline seen on Saturday: no working day has passed, but it is overdue.
    pytest.param("2026-03-07", "2026-03-06", -1, -1, "1 day overdue", id="overdue-on-saturday"),
    pytest.param("2026-04-07", "2026-04-02", -5, -1, "5 days overdue", id="overdue-over-easter"),
]


@pytest.mark.parametrize(("today", "due", "days", "working_days", "text"), DAYS_LEFT_CASES)
def test_it_counts_days_left(today, due, days, working_days, text):
    assert days_left(D(due), D(today)) == days
    assert working_days_left(D(due), D(today)) == working_days
    with translation.override("en"):
        assert describe_days_left(D(due), D(today)) == text


def test_working_days_left_skips_extra_days(settings):
    monday, friday = D("2026-03-09"), D("2026-03-13")
    assert working_days_left(friday, monday) == 4
    assert working_days_left(friday, monday, [D("2026-03-11")]) == 3

    settings.DSAR_EXTRA_NON_WORKING_DAYS = ["2026-03-11", "2026-03-12"]
    assert working_days_left(friday, monday) == 2
    assert working_days_left(friday, monday, []) == 4


def test_describe_days_left_gives_translators_singular_and_plural(monkeypatch):
    calls = []

    def fake_ngettext(singular, plural, number):
        calls.append((singular, plural, number))
        return "nog %(days)d dagen"

    monkeypatch.setattr(deadlines, "ngettext", fake_ngettext)
    assert describe_days_left(D("2026-03-14"), D("2026-03-11")) == "nog 3 dagen"
    assert calls == [("%(days)d day left", "%(days)d days left", 3)]


@pytest.mark.parametrize(
    ("today", "due", "soon_working_days", "expected"),
    [
        pytest.param("2026-03-11", "2026-03-11", 0, "soon", id="due-today"),
        pytest.param("2026-03-11", "2026-03-11", 5, "soon", id="due-today-5"),
        pytest.param("2026-03-11", "2026-03-12", 0, "ok", id="tomorrow-with-0"),
        pytest.param("2026-03-11", "2026-03-12", 1, "soon", id="tomorrow-with-1"),
        # Friday to Monday is one working day even though three calendar days.
        pytest.param("2026-03-13", "2026-03-16", 1, "soon", id="over-weekend"),
        pytest.param("2026-03-09", "2026-03-16", 5, "soon", id="five-working-days"),
        pytest.param("2026-03-09", "2026-03-16", 4, "ok", id="five-working-days-4"),
        pytest.param("2026-03-12", "2026-03-11", 5, "overdue", id="overdue-1"),
        pytest.param("2026-03-07", "2026-03-06", 0, "overdue", id="overdue-on-saturday"),
        pytest.param("2026-04-07", "2026-03-06", 5, "overdue", id="overdue-weeks"),
    ],
)
def test_it_grades_urgency(today, due, soon_working_days, expected):
    assert urgency(D(due), D(today), soon_working_days) == expected


# Properties over a century of received dates.

received_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
rules = st.sampled_from(RULES)
no_extra_days = override_settings(DSAR_EXTRA_NON_WORKING_DAYS=[])


@hypothesis_settings(database=None)
@given(received=received_dates, rule=rules)
@example(received=D("2038-03-26"), rule=FOUR_WEEKS)  # the 5-day move, see below
@example(received=D("2038-03-23"), rule=GDPR_MONTH)
def test_the_due_date_is_a_working_day_soon_after_the_unmoved_date(received, rule):
    with no_extra_days:
        unmoved = unmoved_due_date(received, rule)
        due = due_date(received, rule)
    assert is_working_day(due, [])
    assert unmoved <= due
    # The longest run of non-working days is Good Friday, the weekend and Easter Monday
    # (4 days), plus Koningsdag when Easter falls on 25 April, its latest date, so that
    # Koningsdag is the Tuesday straight after: in 2038 Good Friday 23 April moves to
    # Wednesday 28 April, 5 days. So the bound is 5, not 4.
    assert due - unmoved <= timedelta(days=5)


def test_the_longest_move_in_this_century_is_five_days_in_2038():
    moves = {}
    d = date(2000, 1, 1)
    while d <= date(2100, 12, 31):
        moves[d] = (next_working_day(d, []) - d).days
        d += timedelta(days=1)
    longest = max(moves.values())
    assert longest == 5
    assert [d for d, move in moves.items() if move == longest] == [D("2038-04-23")]


@hypothesis_settings(database=None)
@given(received=received_dates, rule=rules)
def test_the_due_date_never_decreases_as_the_received_date_increases(received, rule):
    with no_extra_days:
        assert due_date(received, rule) <= due_date(received + timedelta(days=1), rule)
        assert extended_due_date(received, rule) <= extended_due_date(
            received + timedelta(days=1), rule
        )


@hypothesis_settings(database=None)
@given(received=received_dates, rule=rules)
def test_the_extended_due_date_stays_within_three_months(received, rule):
    with no_extra_days:
        extended = extended_due_date(received, rule)
        assert extended >= due_date(received, rule)
        assert extended <= next_working_day(add_months(received, 3))
    assert is_working_day(extended, [])


@hypothesis_settings(database=None)
@given(received=received_dates)
def test_four_weeks_is_never_later_than_a_month(received):
    with no_extra_days:
        assert due_date(received, FOUR_WEEKS) <= due_date(received, GDPR_MONTH)


@hypothesis_settings(database=None)
@given(d=received_dates, months=st.integers(min_value=-36, max_value=36))
def test_add_months_keeps_the_day_and_clamps_to_the_month_end(d, months):
    result = add_months(d, months)
    assert result.month == (d.month - 1 + months) % 12 + 1
    assert result.year == d.year + (d.month - 1 + months) // 12
    next_month_start = date(result.year + result.month // 12, result.month % 12 + 1, 1)
    last_day = (next_month_start - timedelta(days=1)).day
    assert result.day == min(d.day, last_day)


def test_add_months_examples():
    assert add_months(D("2025-01-31"), 1) == D("2025-02-28")
    assert add_months(D("2028-01-31"), 1) == D("2028-02-29")
    assert add_months(D("2027-12-31"), 2) == D("2028-02-29")
    assert add_months(D("2028-02-29"), 12) == D("2029-02-28")
    assert add_months(D("2027-03-31"), -1) == D("2027-02-28")
    assert add_months(D("2027-08-31"), 0) == D("2027-08-31")
