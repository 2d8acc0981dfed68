import datetime

import pytest
import time_machine
from django.utils import timezone, translation

from cases import deadlines, services
from cases.models import EventKind, Status
from casework import timeline
from tests.factories import at

pytestmark = pytest.mark.django_db

# The fixtures build cases received Thursday 5 March 2026; four_weeks due Thursday 2 April.
DUE = datetime.date(2026, 4, 2)
EXTENDED = datetime.date(2026, 6, 2)
LATER = at(2026, 3, 9, 11)
REASON = "Data in twelve systems, three of them archived."


def extend(case, actor, reason=REASON, now=LATER):
    return services.case_extend(case_id=case.pk, actor=actor, reason=reason, now=now)


@pytest.mark.parametrize("reason", ["", "  \n "])
def test_it_refuses_an_extension_without_a_reason(case_in, actor, snapshot, reason):
    case = case_in(Status.IN_PROGRESS)
    before = snapshot(case)

    with pytest.raises(services.CaseActionError) as excinfo:
        extend(case, actor, reason=reason)

    assert excinfo.value.code == "reason_required"
    assert snapshot(case) == before


@pytest.mark.parametrize(
    ("rule", "due", "extended"),
    [
        ("four_weeks", DUE, EXTENDED),
        # 5 April is Easter Sunday, 6 April Easter Monday; extended from the unmoved 5 April.
        ("gdpr_month", datetime.date(2026, 4, 7), datetime.date(2026, 6, 5)),
    ],
)
def test_it_extends_to_the_extended_due_date_of_the_cases_rule(case_in, actor, rule, due, extended):
    case = case_in(Status.IN_PROGRESS, rule=rule)

    extend(case, actor, reason=f"  {REASON}  ")

    case.refresh_from_db()
    assert case.extended_due_date == extended
    assert case.extended_due_date == deadlines.extended_due_date(case.received_on, rule)
    assert case.due_date == due
    assert case.effective_due_date == extended
    assert case.is_extended
    assert case.extension_reason == REASON
    assert case.extended_at == LATER
    assert case.status == Status.IN_PROGRESS


def test_it_counts_the_extension_from_the_due_date_before_moving_it_off_a_holiday(case_in, actor):
    # Received Friday 6 March: four weeks end on Good Friday 3 April, so due Tuesday 7 April.
    # Two months are added to 3 April (3 June), not to 7 April.
    case = case_in(Status.IN_PROGRESS, received_at=at(2026, 3, 6, 8))
    assert case.due_date == datetime.date(2026, 4, 7)

    extend(case, actor)

    case.refresh_from_db()
    assert case.extended_due_date == datetime.date(2026, 6, 3)
    assert case.effective_due_date == datetime.date(2026, 6, 3)


def test_it_allows_an_extension_late_on_the_due_date(case_in, actor):
    case = case_in(Status.IN_PROGRESS)

    with time_machine.travel(at(2026, 4, 2, 23, 59), tick=False):
        services.case_extend(case_id=case.pk, actor=actor, reason=REASON)

    case.refresh_from_db()
    assert case.extended_due_date == EXTENDED
    assert case.extended_at == at(2026, 4, 2, 23, 59)


def test_it_refuses_extension_after_due_date(case_in, actor, snapshot):
    case = case_in(Status.IN_PROGRESS)
    before = snapshot(case)

    # 00:30 on 3 April in Amsterdam: still 2 April in UTC, but the Amsterdam date counts.
    with time_machine.travel(at(2026, 4, 3, 0, 30), tick=False):
        assert timezone.now().date() == DUE
        with pytest.raises(services.CaseActionError) as excinfo:
            services.case_extend(case_id=case.pk, actor=actor, reason=REASON)

    assert excinfo.value.code == "too_late"
    assert snapshot(case) == before


def test_it_extends_only_once(case_in, actor):
    case = case_in(Status.IN_PROGRESS)
    extend(case, actor)

    with pytest.raises(services.CaseActionError) as excinfo:
        extend(case, actor, reason="Still more systems.", now=at(2026, 3, 10))

    assert excinfo.value.code == "already_done"
    case.refresh_from_db()
    assert (case.extended_due_date, case.extension_reason, case.extended_at) == (
        EXTENDED,
        REASON,
        LATER,
    )
    assert case.events.filter(kind=EventKind.EXTENDED).count() == 1


def test_the_extended_event_records_before_after_and_reason(case_in, actor):
    case = case_in(Status.IN_PROGRESS)

    extend(case, actor)

    event = case.events.get(kind=EventKind.EXTENDED)
    assert event.changes == {"due_date": ["2026-04-02", "2026-06-02"]}
    assert event.message == REASON
    assert event.at == LATER
    assert (event.actor_type, event.actor_label) == ("user", "olga")


def test_it_records_the_extension_notice_once_and_audits_it(case_in, actor):
    case = case_in(Status.IN_PROGRESS)
    extend(case, actor)

    services.case_record_extension_notice(
        case_id=case.pk, actor=actor, notified_on=datetime.date(2026, 3, 9), now=at(2026, 3, 10)
    )
    services.case_record_extension_notice(
        case_id=case.pk, actor=actor, notified_on=datetime.date(2026, 3, 10), now=at(2026, 3, 10)
    )

    case.refresh_from_db()
    # A day told afterwards is kept as noon that day in Amsterdam.
    assert case.extension_notified_at == at(2026, 3, 9, 12)
    event = case.events.get(kind=EventKind.EXTENSION_NOTIFIED)
    assert event.changes == {"notified_on": "2026-03-09", "late": False}
    assert event.message == ""
    assert event.at == at(2026, 3, 10)
    assert event.actor_label == "olga"


def test_the_extension_notice_defaults_to_now(case_in, actor):
    case = case_in(Status.IN_PROGRESS)
    extend(case, actor)

    with time_machine.travel(at(2026, 3, 10, 14), tick=False):
        services.case_record_extension_notice(case_id=case.pk, actor=actor)

    case.refresh_from_db()
    assert case.extension_notified_at == at(2026, 3, 10, 14)
    event = case.events.get(kind=EventKind.EXTENSION_NOTIFIED)
    assert event.changes == {"notified_on": "2026-03-10", "late": False}


def test_it_marks_a_notice_after_the_original_due_date_as_too_late(case_in, actor):
    case = case_in(Status.IN_PROGRESS)
    extend(case, actor)

    with translation.override("en"):
        services.case_record_extension_notice(
            case_id=case.pk, actor=actor, notified_on=datetime.date(2026, 4, 3), now=at(2026, 4, 3)
        )

    event = case.events.get(kind=EventKind.EXTENSION_NOTIFIED)
    assert event.changes == {"notified_on": "2026-04-03", "late": True}
    with translation.override("en"):
        assert "too late under Art 12(3)" in timeline.sentence(event)


def test_it_refuses_an_extension_notice_dated_in_the_future(case_in, actor, snapshot):
    case = case_in(Status.IN_PROGRESS)
    extend(case, actor)
    before = snapshot(case)

    with pytest.raises(services.CaseActionError) as excinfo:
        services.case_record_extension_notice(
            case_id=case.pk, actor=actor, notified_on=datetime.date(2026, 3, 10), now=LATER
        )

    assert excinfo.value.code == "invalid"
    assert snapshot(case) == before


def test_it_refuses_an_extension_notice_for_a_case_not_extended(case_in, actor, snapshot):
    case = case_in(Status.IN_PROGRESS)
    before = snapshot(case)

    with pytest.raises(services.CaseActionError) as excinfo:
        services.case_record_extension_notice(case_id=case.pk, actor=actor, now=LATER)

    assert excinfo.value.code == "not_extended"
    assert snapshot(case) == before


def test_it_refuses_an_extension_notice_dated_before_the_extension(case_in, actor, snapshot):
    case = case_in(Status.IN_PROGRESS)
    extend(case, actor)  # extended at LATER
    before = snapshot(case)

    with pytest.raises(services.CaseActionError) as excinfo:
        services.case_record_extension_notice(
            case_id=case.pk, actor=actor, notified_on=datetime.date(2026, 3, 1), now=at(2026, 3, 10)
        )

    assert excinfo.value.code == "invalid"
    assert snapshot(case) == before
